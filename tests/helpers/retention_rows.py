"""Rows of every kind retention looks at, some past their period and some not, aged from a
given ``now`` (the time-skipping server's clock is not the wall clock): what the store test and
the workflow tests seed, and what each kind should lose under the default periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.domain.contracts.retention import PurgeCounts
from cair.store.audit import append
from cair.store.database import Database
from cair.store.models import (
    AttemptRow,
    AuditRow,
    DxMessageRow,
    DxSiteRow,
    EmailRow,
    EnrollmentKeyRow,
    EnrollmentRequestRow,
    IdempotencyRow,
    LinkTokenRow,
    OrganizationRow,
    SessionRow,
)

# Under the default periods (365, 180, 30, 30 days).
EXPECTED = PurgeCounts(
    closed_requests=4,
    dx_messages=5,
    links=3,
    sessions=3,
    idempotency_keys=1,
    rate_limit_attempts=1,
)


@dataclass(frozen=True)
class Seeded:
    """The ids that must go and those that must stay."""

    purged_requests: tuple[str, ...]
    kept_requests: tuple[str, ...]
    live_site: int
    testing_site: int


def _days(now: datetime, n: float) -> datetime:
    return now - timedelta(days=n)


def _request(rid: str, stage: str, at: datetime) -> EnrollmentRequestRow:
    return EnrollmentRequestRow(
        id=rid,
        stage=stage,
        org_name=f"Clinic {rid}",
        org_type="clinic",
        county="Alameda",
        region="Bay Area",
        access_level="clinical",
        request={"contacts": {"primary": {"email": f"{rid.lower()}@example.org"}}},
        submitted_at=at,
        updated_at=at,
    )


async def seed(db: Database, now: datetime, tag: str) -> Seeded:
    """``tag`` (a few letters) keeps two seedings of one database apart."""
    old, recent = _days(now, 400), _days(now, 100)
    purged = tuple(f"EN{tag}{n}" for n in ("REJ", "EXP", "DUP", "INV"))
    stages = ("rejected", "expired", "refused_duplicate", "invalid")
    kept = (f"EN{tag}NEW", f"EN{tag}APP", f"EN{tag}REV")
    async with db.sessions.begin() as session:
        session.add_all(
            _request(rid, stage, old) for rid, stage in zip(purged, stages, strict=True)
        )
        session.add(_request(kept[0], "rejected", recent))  # closed, within its year
        session.add(_request(kept[1], "completed", old))  # approved: the registry's record
        session.add(_request(kept[2], "awaiting_review", old))  # still open
        await session.flush()
        for rid in (*purged, *kept):
            session.add(EnrollmentKeyRow(enrollment_id=rid, key=f"name:{rid}"))
            session.add(
                EmailRow(
                    idempotency_key=f"{rid}/acknowledgement",
                    template="acknowledgement",
                    recipients=f"{rid.lower()}@example.org",
                    subject=f"Clinic {rid}",
                    message_id=f"<{rid}@cair.test>",
                    status="sent",
                    created_at=old,
                )
            )
        org = OrganizationRow(
            provider_id=f"CA9{tag}",
            enrollment_id=kept[1],
            name=f"Clinic {kept[1]}",
            org_type="clinic",
            county="Alameda",
            region="Bay Area",
            access_level="data_exchange",
            contacts={},
            info={},
            created_at=old,
        )
        session.add(org)
        await session.flush()
        sites = [_site(org.id, f"{tag}-{stage}", stage, old) for stage in ("live", "testing")]
        session.add_all(sites)
        await session.flush()
        for site in sites:  # 12 past their period, then 3 recent: a live site keeps its last 10
            for n in range(15):
                at = _days(now, 200) if n < 12 else _days(now, 1)
                session.add(_message(site.id, f"{tag}{n}", at))
        _access_rows(session, now, tag)
        await append(
            session,
            key=f"seed/{tag}",
            actor="system",
            action="seeded",
            subject_type="test",
            subject_id=tag,
            provider_id=org.provider_id,
        )
    return Seeded(purged, kept, sites[0].id, sites[1].id)


def _site(org_id: int, key: str, stage: str, at: datetime) -> DxSiteRow:
    return DxSiteRow(
        organization_id=org_id,
        registration_key=key,
        role=1,
        site_name=key,
        county="Alameda",
        region="Bay Area",
        registration={},
        stage=stage,
        registered_by="rep@example.org",
        representative_id=1,
        created_at=at,
        stage_changed_at=at,
    )


def _message(site_id: int, control: str, at: datetime) -> DxMessageRow:
    return DxMessageRow(
        dx_site_id=site_id,
        environment="production",
        control_id=control,
        ack_code="AA",
        findings=[],
        received_at=at,
    )


def _access_rows(session: AsyncSession, now: datetime, tag: str) -> None:
    add = session.add
    ended = _days(now, 40)

    def link(name: str, **ages: datetime) -> LinkTokenRow:
        return LinkTokenRow(
            token_hash=f"{tag}-{name}".ljust(64, "0"),
            purpose="sign_in",
            subject=f"rep:{tag}",
            issue_key=f"{tag}/{name}",
            expires_at=ages.pop("expires_at", now + timedelta(days=30)),
            created_at=_days(now, 100),
            **ages,
        )

    add(link("used-old", used_at=ended))
    add(link("revoked-old", revoked_at=ended))
    add(link("expired-old", expires_at=ended))
    add(link("used-recent", used_at=_days(now, 5)))
    add(link("usable"))  # made long ago, still usable
    for name, ages in (
        ("revoked", {"revoked_at": ended, "last_seen_at": now}),
        ("expired", {"expires_at": ended, "last_seen_at": now}),
        ("idle", {"last_seen_at": ended}),
        ("live", {"last_seen_at": now}),
    ):
        add(
            SessionRow(
                token_hash=f"{tag}-s-{name}".ljust(64, "0"),
                kind="representative",
                subject_id=1,
                created_at=_days(now, 50),
                expires_at=ages.pop("expires_at", now + timedelta(hours=8)),
                **ages,
            )
        )
    add(IdempotencyRow(scope=tag, key="old", body_digest="x", created_at=ended))
    add(IdempotencyRow(scope=tag, key="new", body_digest="x", created_at=_days(now, 0.5)))
    add(AttemptRow(kind="sign_in", subject_digest=tag, at=ended))
    add(AttemptRow(kind="sign_in", subject_digest=tag, at=now - timedelta(minutes=5)))


@dataclass(frozen=True)
class Left:
    requests: frozenset[str]
    request_keys: frozenset[str]
    emails: frozenset[str]
    live_site_messages: int
    testing_site_messages: int
    audit_rows: int


async def left(db: Database, seeded: Seeded) -> Left:
    mine = [*seeded.purged_requests, *seeded.kept_requests]
    async with db.sessions() as session:
        requests = await session.scalars(
            select(EnrollmentRequestRow.id).where(EnrollmentRequestRow.id.in_(mine))
        )
        keys = await session.scalars(
            select(EnrollmentKeyRow.enrollment_id).where(EnrollmentKeyRow.enrollment_id.in_(mine))
        )
        emails = await session.scalars(select(EmailRow.idempotency_key))

        async def messages(site: int) -> int:
            found = await session.scalar(
                select(func.count())
                .select_from(DxMessageRow)
                .where(DxMessageRow.dx_site_id == site)
            )
            return int(found or 0)

        audit_rows = await session.scalar(select(func.count()).select_from(AuditRow))
        return Left(
            requests=frozenset(requests),
            request_keys=frozenset(keys),
            emails=frozenset(e.split("/")[0] for e in emails if e.split("/")[0] in mine),
            live_site_messages=await messages(seeded.live_site),
            testing_site_messages=await messages(seeded.testing_site),
            audit_rows=int(audit_rows or 0),
        )
