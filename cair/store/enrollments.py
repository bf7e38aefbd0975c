"""Enrollment requests: registration with their identity keys, the duplicate search, stage and
amendment records, and the read views staff and applicants see."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from cair.domain.ids import user_gate_workflow_id
from cair.store import emails, organizations
from cair.store.models import EnrollmentKeyRow, EnrollmentRequestRow, as_utc
from cair.store.users import UserView, views_of_organization


@dataclass(frozen=True)
class EnrollmentView:
    id: str
    stage: str
    org_name: str
    org_type: str
    county: str
    region: str
    access_level: str
    provider_id: str | None
    duplicate_of: str | None
    decided_by: str | None
    note: str | None
    submitted_at: str
    updated_at: str
    users: list[UserView]
    # Contacts an amendment changed, for staff to see before they approve: the primary contact
    # becomes the organization's authorized representative.
    contact_changes: list[str] = field(default_factory=list)
    # E-mails of this enrollment (and its users' training gates) waiting for the SMTP relay.
    mail_pending: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def link_subject(enrollment_id: str) -> str:
    """The subject of an enrollment's links (its applicant's amendment link)."""
    return f"enrollment:{enrollment_id}"


def enrollment_of_subject(subject: str) -> str:
    return subject.removeprefix("enrollment:")


async def get(session: AsyncSession, enrollment_id: str) -> EnrollmentRequestRow | None:
    return await session.get(EnrollmentRequestRow, enrollment_id)


async def register(
    session: AsyncSession,
    *,
    enrollment_id: str,
    request: dict[str, Any],
    org_name: str,
    org_type: str,
    county: str,
    region: str,
    access_level: str,
    keys: Collection[str],
    stage: str,
    region_map_version: str | None = None,
) -> tuple[EnrollmentRequestRow, bool]:
    """Store a request with its identity keys once; returns the row and whether it is new."""
    row = await get(session, enrollment_id)
    if row is not None:
        return row, False
    row = EnrollmentRequestRow(
        id=enrollment_id,
        stage=stage,
        org_name=org_name,
        org_type=org_type,
        county=county,
        region=region,
        access_level=access_level,
        request=request,
        region_map_version=region_map_version,
    )
    session.add(row)
    await session.flush()  # the keys reference the row
    session.add_all(EnrollmentKeyRow(enrollment_id=row.id, key=k) for k in keys)
    await session.flush()
    return row, True


async def earlier_live_with_keys(
    session: AsyncSession, row: EnrollmentRequestRow, keys: Collection[str], live: Collection[str]
) -> str | None:
    """The oldest other enrollment, submitted no later than ``row``, in one of the ``live``
    stages and sharing an identity key: the one ``row`` would duplicate."""
    found: str | None = await session.scalar(
        select(EnrollmentRequestRow.id)
        .join(EnrollmentKeyRow, EnrollmentKeyRow.enrollment_id == EnrollmentRequestRow.id)
        .where(
            EnrollmentKeyRow.key.in_(list(keys)),
            EnrollmentRequestRow.id != row.id,
            EnrollmentRequestRow.stage.in_(list(live)),
            EnrollmentRequestRow.submitted_at <= row.submitted_at,
        )
        .order_by(EnrollmentRequestRow.submitted_at)
        .limit(1)
    )
    return found


async def replace_keys(
    session: AsyncSession, row: EnrollmentRequestRow, keys: Collection[str]
) -> None:
    await session.execute(delete(EnrollmentKeyRow).where(EnrollmentKeyRow.enrollment_id == row.id))
    await session.flush()
    session.add_all(EnrollmentKeyRow(enrollment_id=row.id, key=k) for k in keys)


@dataclass(frozen=True)
class ApplicantFacts:
    """What the applicant's status shows, without the request, its users or its mail."""

    id: str
    stage: str
    org_name: str
    region: str
    access_level: str
    provider_id: str | None
    note: str | None
    submitted_at: str


# Built once: an applicant's status is the most frequent read, and building a statement costs
# more than running it.
_APPLICANT_FACTS = select(
    EnrollmentRequestRow.id,
    EnrollmentRequestRow.stage,
    EnrollmentRequestRow.org_name,
    EnrollmentRequestRow.region,
    EnrollmentRequestRow.access_level,
    EnrollmentRequestRow.provider_id,
    EnrollmentRequestRow.decision_note,
    EnrollmentRequestRow.submitted_at,
).where(EnrollmentRequestRow.id == bindparam("enrollment_id"))


async def applicant_facts(session: AsyncSession, enrollment_id: str) -> ApplicantFacts | None:
    """One enrollment's status for its applicant, in one narrow query."""
    found = (await session.execute(_APPLICANT_FACTS, {"enrollment_id": enrollment_id})).first()
    if found is None:
        return None
    return ApplicantFacts(*found[:7], submitted_at=as_utc(found[7]).isoformat())


async def view(session: AsyncSession, enrollment_id: str) -> EnrollmentView | None:
    row = await get(session, enrollment_id)
    if row is None:
        return None
    org = await organizations.by_enrollment(session, enrollment_id)
    users = await views_of_organization(session, org.id) if org is not None else []
    prefixes = [f"{enrollment_id}/", *(f"{user_gate_workflow_id(u.user_id)}/" for u in users)]
    return replace(_view(row, users), mail_pending=await emails.pending_count(session, prefixes))


async def listing(
    session: AsyncSession,
    *,
    stage: str | None = None,
    region: str | None = None,
    org_type: str | None = None,
    submitted_before: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[EnrollmentView], int]:
    """Enrollments oldest first, filtered; returns one page and the total. The requests
    themselves stay in the database: only their contacts are read, for what an amendment
    changed."""
    query = select(EnrollmentRequestRow)
    if stage:
        query = query.where(EnrollmentRequestRow.stage == stage)
    if region:
        query = query.where(EnrollmentRequestRow.region == region)
    if org_type:
        query = query.where(EnrollmentRequestRow.org_type == org_type)
    if submitted_before:
        query = query.where(EnrollmentRequestRow.submitted_at <= submitted_before)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    contacts = EnrollmentRequestRow.request["contacts"]
    rows = (
        query.add_columns(contacts)
        .options(defer(EnrollmentRequestRow.request))
        .order_by(EnrollmentRequestRow.submitted_at)
        .offset(offset)
    )
    if limit is not None:
        rows = rows.limit(limit)
    found = await session.execute(rows)
    views = [_view(row, [], contacts or {}) for row, contacts in found]
    return views, int(total or 0)


@dataclass(frozen=True)
class DuplicateHint:
    enrollment_id: str
    stage: str
    org_name: str
    provider_id: str | None


async def sharing_keys(session: AsyncSession, enrollment_id: str) -> list[DuplicateHint]:
    """Other enrollments that share an identity key with this one, in any stage: the same
    organization enrolling again, or one that looks like it."""
    mine = select(EnrollmentKeyRow.key).where(EnrollmentKeyRow.enrollment_id == enrollment_id)
    alike = select(EnrollmentKeyRow.enrollment_id).where(EnrollmentKeyRow.key.in_(mine))
    rows = await session.execute(
        select(
            EnrollmentRequestRow.id,
            EnrollmentRequestRow.stage,
            EnrollmentRequestRow.org_name,
            EnrollmentRequestRow.provider_id,
        )
        .where(EnrollmentRequestRow.id.in_(alike), EnrollmentRequestRow.id != enrollment_id)
        .order_by(EnrollmentRequestRow.submitted_at)
    )
    return [DuplicateHint(*r) for r in rows]


def _view(
    row: EnrollmentRequestRow, users: list[UserView], contacts: dict[str, Any] | None = None
) -> EnrollmentView:
    """``contacts``: the request's, where the request itself was not loaded."""
    return EnrollmentView(
        id=row.id,
        stage=row.stage,
        org_name=row.org_name,
        org_type=row.org_type,
        county=row.county,
        region=row.region,
        access_level=row.access_level,
        provider_id=row.provider_id,
        duplicate_of=row.duplicate_of,
        decided_by=row.decided_by,
        note=row.decision_note,
        submitted_at=as_utc(row.submitted_at).isoformat(),
        updated_at=as_utc(row.updated_at).isoformat(),
        users=users,
        contact_changes=contact_changes(
            row.previous_contacts, contacts if contacts is not None else row.request.get("contacts")
        ),
    )


def contact_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """'primary: Sam Okafor <sam@…> → Ana Diaz <ana@…>' for every contact that changed."""
    if not before or not after:
        return []
    changes = []
    for role in ("primary", "technical", "vaccine_coordinator", "other"):
        old, new = _person(before.get(role)), _person(after.get(role))
        if old != new:
            changes.append(f"{role.replace('_', ' ')}: {old} → {new}")
    return changes


def _person(contact: dict[str, Any] | None) -> str:
    if not contact:
        return "(none)"
    return f"{contact['first_name']} {contact['last_name']} <{contact['email']}>"
