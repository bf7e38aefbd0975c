"""The staff lists one page at a time, cut in SQL (``limit``/``offset`` over an order that
never ties), each with how many there are in all: staff members, users awaiting training,
account changes awaiting a reviewer, held steps, and audit trails (an organization's, or the
registry's by dates and kind). The pages, the API and the CLI read these."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cair.domain.account_changes import ChangeStatus
from cair.domain.plain_words import PACIFIC
from cair.domain.user_states import UserState
from cair.operations.audit_lines import audit_line
from cair.operations.audit_values import Line, Names
from cair.operations.context import Context
from cair.operations.errors import Invalid, NotFound
from cair.operations.staff_accounts import StaffListing
from cair.store import audit, changes, incidents, organizations, staff, users
from cair.store.audit import AuditEntry, AuditFilter
from cair.store.incidents import IncidentView
from cair.store.models import StaffAccountRow
from cair.store.users import UserListing

KIND = re.compile(r"[a-z_]{1,30}(\.[a-z_]{1,30}){0,3}")


async def staff_members(
    ctx: Context, *, limit: int | None, offset: int = 0, find: str = ""
) -> tuple[list[StaffListing], int]:
    """Active members first, then by address; ``find``: part of an address or a name."""
    async with ctx.db.statements() as session:
        rows, total = await staff.page(session, limit=limit, offset=offset, find=find[:200])
    return [_member(row) for row in rows], total


async def staff_member(ctx: Context, staff_id: int) -> StaffListing | None:
    async with ctx.db.statements() as session:
        row = await staff.get(session, staff_id)
    return _member(row) if row is not None else None


def _member(row: StaffAccountRow) -> StaffListing:
    return StaffListing(
        staff_id=row.id,
        email=row.email,
        name=row.name,
        roles=tuple(sorted(staff.roles_of(row))),
        active=row.active,
        second_factor=row.totp_sealed is not None,
    )


async def user_listing(
    ctx: Context,
    *,
    state: str | None = None,
    provider_id: str | None = None,
    limit: int | None,
    offset: int = 0,
) -> tuple[list[UserListing], int]:
    """Users across organizations, soonest training deadline first."""
    if state is not None and state not in tuple(UserState):
        raise Invalid(f"state: unknown state {state!r}; one of: {', '.join(UserState)}")
    async with ctx.db.statements() as session:
        return await users.listing_page(
            session, state=state, provider_id=provider_id, limit=limit, offset=offset
        )


async def user_name(ctx: Context, user_id: str) -> str | None:
    """A user's name, for a notice about them."""
    async with ctx.db.statements() as session:
        user = await users.by_user_id(session, user_id)
    return f"{user.first_name} {user.last_name}" if user else None


async def pending_changes(
    ctx: Context, *, limit: int | None, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """The changes that wait for a reviewer, oldest first, with their kind and what they ask."""
    async with ctx.db.statements() as session:
        found, total = await changes.awaiting_page(
            session, ChangeStatus.AWAITING_APPROVAL.value, limit=limit, offset=offset
        )
    return [asdict(c) for c in found], total


async def held_steps(
    ctx: Context, *, open_only: bool = True, limit: int | None, offset: int = 0
) -> tuple[list[IncidentView], int]:
    """Steps that failed for good, oldest first."""
    async with ctx.db.statements() as session:
        return await incidents.page(session, open_only=open_only, limit=limit, offset=offset)


async def organization_audit(
    ctx: Context, provider_id: str, *, limit: int | None, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """An organization's audit trail, newest first, as the API gives it."""
    return await audit_entries(
        ctx, AuditFilter(provider_id=provider_id), limit=limit, offset=offset
    )


async def audit_entries(
    ctx: Context, chosen: AuditFilter, *, limit: int | None, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A trail (the registry's, or an organization's) newest first, as the API gives it."""
    found, total = await _audit_page(ctx, chosen, limit, offset)
    return [asdict(e) for e in found], total


async def audit_lines(
    ctx: Context, chosen: AuditFilter, named: Names, *, limit: int, offset: int = 0
) -> tuple[list[Line], int]:
    """A trail as sentences, newest first (an organization's when ``chosen`` names one)."""
    found, total = await _audit_page(ctx, chosen, limit, offset)
    return [audit_line(entry, named) for entry in found], total


async def _audit_page(
    ctx: Context, chosen: AuditFilter, limit: int | None, offset: int
) -> tuple[list[AuditEntry], int]:
    async with ctx.db.statements() as session:
        if chosen.provider_id is not None and not await organizations.by_provider_id(
            session, chosen.provider_id
        ):
            raise NotFound(f"no organization {chosen.provider_id}")
        return await audit.page(session, chosen, limit=limit, offset=offset)


def audit_filter(
    *,
    provider_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
) -> AuditFilter:
    """Pacific dates, both days whole (``until`` inclusive), and a kind (``staff`` or
    ``staff.removed``) as the store filters them; a bad one is refused naming its field."""
    if since and until and until < since:
        raise Invalid(f"to: {until.isoformat()} is before from ({since.isoformat()})")
    kind = (kind or "").strip().lower() or None
    if kind is not None and not KIND.fullmatch(kind):
        raise Invalid("kind: an action or its family, like staff or account.change_role")
    return AuditFilter(
        provider_id=provider_id,
        since=_start_of(since) if since else None,
        until=_start_of(until + timedelta(days=1)) if until and until < date.max else None,
        kind=kind,
    )


def _start_of(day: date) -> datetime:
    """Midnight in California, in UTC as the store keeps times (SQLite drops the zone)."""
    return datetime.combine(day, time(), tzinfo=PACIFIC).astimezone(UTC)
