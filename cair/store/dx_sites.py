"""Sites registered for data exchange and the outcomes of their messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.domain.vxu_findings import ANSWERED
from cair.store import facility_consents
from cair.store.insert_once import insert_once
from cair.store.models import DxMessageRow, DxSiteRow, OrganizationRow, as_utc

RECENT_MESSAGES = 10


def _is_query() -> ColumnElement[bool]:
    """A query's record: its first kept finding says how it was answered (``RSP-…``,
    ``domain/qbp_answers.py``); a VXU's never does (JSON path: SQLite's JSON1, PostgreSQL's
    ``#>>``)."""
    first = func.coalesce(DxMessageRow.findings[(0, "check")].as_string(), "")
    return first.like(f"{ANSWERED}%")


@dataclass(frozen=True)
class MessageOutcome:
    environment: str
    control_id: str
    ack_code: str
    findings: list[dict[str, str]]
    test_patient: str | None
    received_at: str


async def by_key(session: AsyncSession, registration_key: str) -> DxSiteRow | None:
    return await session.scalar(
        select(DxSiteRow).where(DxSiteRow.registration_key == registration_key)
    )


async def by_site_id(session: AsyncSession, site_id: str) -> DxSiteRow | None:
    return await session.scalar(select(DxSiteRow).where(DxSiteRow.site_id == site_id))


async def of_organization(session: AsyncSession, organization_id: int) -> list[DxSiteRow]:
    rows = await session.scalars(
        select(DxSiteRow).where(DxSiteRow.organization_id == organization_id).order_by(DxSiteRow.id)
    )
    return list(rows)


async def sending_facility_ids(session: AsyncSession) -> set[str]:
    rows = await session.scalars(
        select(DxSiteRow.site_id).where(DxSiteRow.role == 3, DxSiteRow.site_id.is_not(None))
    )
    return {r for r in rows if r}


async def client_sites(
    session: AsyncSession, sending_facility_id: str, *, stages: tuple[str, ...] | None = None
) -> set[str]:
    """The sites that named this Sending Facility at registration (in ``stages``, if given):
    its own organization's, and another organization's once the facility's organization
    accepted them (``facility_consents``)."""
    owner = await session.scalar(
        select(DxSiteRow.organization_id).where(
            DxSiteRow.site_id == sending_facility_id, DxSiteRow.role == 3
        )
    )
    if owner is None:
        return set()
    query = select(DxSiteRow.site_id).where(
        DxSiteRow.sending_facility_id == sending_facility_id,
        DxSiteRow.site_id != sending_facility_id,
        (DxSiteRow.organization_id == owner)
        | facility_consents.accepted(DxSiteRow.id, DxSiteRow.sending_facility_id),
    )
    if stages is not None:
        query = query.where(DxSiteRow.stage.in_(stages))
    rows = await session.scalars(query)
    return {r for r in rows if r}


async def set_stage(
    session: AsyncSession, site_id: str, stage: str, note: str | None
) -> DxSiteRow | None:
    await session.execute(
        update(DxSiteRow)
        .where(DxSiteRow.site_id == site_id)
        .values(stage=stage, stage_note=note, stage_changed_at=datetime.now(UTC))
    )
    return await by_site_id(session, site_id)


async def listing(
    session: AsyncSession,
    *,
    stage: str | None = None,
    provider_id: str | None = None,
    site_id: str | None = None,
) -> list[tuple[DxSiteRow, str]]:
    """Sites with their organization's Provider ID, the longest waiting in their stage first."""
    query = select(DxSiteRow, OrganizationRow.provider_id).join(
        OrganizationRow, OrganizationRow.id == DxSiteRow.organization_id
    )
    if stage is not None:
        query = query.where(DxSiteRow.stage == stage)
    if provider_id is not None:
        query = query.where(OrganizationRow.provider_id == provider_id)
    if site_id is not None:
        query = query.where(DxSiteRow.site_id == site_id)
    rows = await session.execute(query.order_by(DxSiteRow.stage_changed_at, DxSiteRow.id))
    return [(site, provider or "") for site, provider in rows.all()]


async def record_message(session: AsyncSession, row: DxMessageRow) -> DxMessageRow | None:
    """Record ``row``, unless the site sent its control id to this environment before: then
    nothing is recorded and that first message is returned, to be answered again. One statement
    for a new message; two copies at the same instant are recorded once (a unique index)."""
    recorded = await insert_once(session, DxMessageRow, {c: getattr(row, c) for c in _RECORDED})
    if recorded is not None or not row.control_id:  # no control id: nothing to know it by
        return None
    return await first_answer(session, row.dx_site_id, row.environment, row.control_id)


async def record_messages(
    session: AsyncSession, rows: Sequence[DxMessageRow]
) -> list[DxMessageRow | None]:
    """``record_message`` for each row, in one transaction: the batch of a group commit. A
    control id twice in one batch is recorded once; the second is answered with the first."""
    return [await record_message(session, row) for row in rows]


_RECORDED = (
    "dx_site_id",
    "environment",
    "control_id",
    "ack_code",
    "findings",
    "test_patient",
    "received_at",
)


async def recent_messages(
    session: AsyncSession, dx_site_id: int, limit: int = RECENT_MESSAGES
) -> list[MessageOutcome]:
    rows = await session.scalars(
        select(DxMessageRow)
        .where(DxMessageRow.dx_site_id == dx_site_id)
        .order_by(DxMessageRow.id.desc())
        .limit(limit)
    )
    return [
        MessageOutcome(
            environment=r.environment,
            control_id=r.control_id,
            ack_code=r.ack_code,
            findings=r.findings,
            test_patient=r.test_patient,
            received_at=as_utc(r.received_at).isoformat(timespec="seconds"),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Counts:
    staging_messages: int
    staging_accepted: int
    test_patients: tuple[str, ...]
    last_codes: tuple[str, ...]  # newest first
    production_accepted: int
    last_message_id: int
    # The staging records a test plan's case may be: every query, every rejected VXU (oldest
    # first). The domain says which case each one passes.
    case_candidates: tuple[Kept, ...] = ()
    last_kept: tuple[Kept, ...] = ()  # the last VXUs of ``last_codes``, newest first


@dataclass(frozen=True)
class Kept:
    """What was kept of one message: its ACK code, CAIR's findings, its test patient."""

    ack_code: str
    findings: list[dict[str, str]]
    test_patient: str | None


async def counts_after(
    session: AsyncSession, dx_site_id: int, after_message_id: int, last: int
) -> Counts:
    """What the site's messages after ``after_message_id`` show, for its test plan. VXUs are
    counted; queries (a bidirectional site's) are never counted as VXUs, only offered as
    candidates for the plan's cases, with the rejected VXUs."""
    after = (DxMessageRow.dx_site_id == dx_site_id, DxMessageRow.id > after_message_id)
    kept = (DxMessageRow.ack_code, DxMessageRow.findings, DxMessageRow.test_patient)
    rejected = DxMessageRow.ack_code == "AR"
    candidates = await session.execute(
        select(*kept)
        .where(*after, DxMessageRow.environment == "staging", _is_query() | rejected)
        .order_by(DxMessageRow.id)
    )
    mine = (*after, ~_is_query())
    staging = (*mine, DxMessageRow.environment == "staging")
    accepted = DxMessageRow.ack_code.in_(("AA", "AE"))
    total = await session.scalar(select(func.count()).select_from(DxMessageRow).where(*staging))
    ok = await session.scalar(
        select(func.count()).select_from(DxMessageRow).where(*staging, accepted)
    )
    patients = await session.scalars(
        select(DxMessageRow.test_patient)
        .where(*staging, accepted, DxMessageRow.test_patient.is_not(None))
        .distinct()
    )
    lasts = [
        Kept(c, list(f), p)
        for c, f, p in await session.execute(
            select(*kept).where(*staging).order_by(DxMessageRow.id.desc()).limit(last)
        )
    ]
    live = await session.scalar(
        select(func.count())
        .select_from(DxMessageRow)
        .where(*mine, DxMessageRow.environment == "production", accepted)
    )
    newest = await session.scalar(select(func.max(DxMessageRow.id)).where(*after))
    return Counts(
        staging_messages=int(total or 0),
        staging_accepted=int(ok or 0),
        test_patients=tuple(sorted(p for p in patients if p)),
        last_codes=tuple(k.ack_code for k in lasts),
        production_accepted=int(live or 0),
        last_message_id=int(newest or after_message_id),
        case_candidates=tuple(Kept(c, list(f), p) for c, f, p in candidates.all()),
        last_kept=tuple(lasts),
    )


async def first_answer(
    session: AsyncSession, dx_site_id: int, environment: str, control_id: str
) -> DxMessageRow | None:
    """The first recorded outcome of the site's message ``control_id`` in ``environment``: a
    message sent again is answered with it, and not counted again."""
    return await session.scalar(
        select(DxMessageRow)
        .where(
            DxMessageRow.dx_site_id == dx_site_id,
            DxMessageRow.environment == environment,
            DxMessageRow.control_id == control_id,
        )
        .order_by(DxMessageRow.id)
        .limit(1)
    )
