"""Account changes: each keyed by its organization and change id, with its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.domain.access import Role
from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate
from cair.domain.contracts.organization import AccountChange
from cair.domain.request import ProviderOfRecord, RequestedUser
from cair.store import paging
from cair.store.models import AccountChangeRow, as_utc


@dataclass(frozen=True)
class ChangeEntry:
    change_id: str
    kind: str
    user_id: str | None
    status: str
    outcome: str | None
    requested_by: str
    decided_by: str | None
    at: str


@dataclass(frozen=True)
class AwaitingApproval:
    change_id: str
    provider_id: str
    user_id: str | None
    role: str | None
    requested_by: str
    since: str
    kind: str = "change_role"
    # What it asks for besides a role: the new provider of record, the reason to close.
    provider_of_record: dict[str, Any] | None = None
    reason: str | None = None


async def find(session: AsyncSession, provider_id: str, change_id: str) -> AccountChangeRow | None:
    """A change of this organization; another organization's change of the same id is not it."""
    return await session.scalar(
        select(AccountChangeRow).where(
            AccountChangeRow.provider_id == provider_id, AccountChangeRow.change_id == change_id
        )
    )


def link_subject(provider_id: str, change_id: str) -> str:
    """The subject of a change's links (a new primary contact's confirmation)."""
    return f"change:{provider_id}/{change_id}"


def change_of(subject: str) -> tuple[str, str]:
    provider_id, _, change_id = subject.removeprefix("change:").partition("/")
    return provider_id, change_id


async def create(session: AsyncSession, row: AccountChangeRow) -> AccountChangeRow:
    session.add(row)
    await session.flush()
    return row


async def of_organization(
    session: AsyncSession, provider_id: str
) -> tuple[list[ChangeEntry], list[AccountChange]]:
    """The organization's changes in the order asked (its history), and of them the ones that
    wait for staff, as they were asked: one read, no question to the account's workflow."""
    rows = list(
        await session.scalars(
            select(AccountChangeRow)
            .where(AccountChangeRow.provider_id == provider_id)
            .order_by(AccountChangeRow.id)
        )
    )
    waiting = [awaiting_change(r) for r in rows if r.status == ChangeStatus.AWAITING_APPROVAL]
    return [_entry(r) for r in rows], waiting


def _entry(r: AccountChangeRow) -> ChangeEntry:
    return ChangeEntry(
        change_id=r.change_id,
        kind=r.kind,
        user_id=r.target_user_id,
        status=r.status,
        outcome=r.outcome,
        requested_by=r.requested_by,
        decided_by=r.decided_by,
        at=as_utc(r.updated_at).isoformat(),
    )


def awaiting_change(row: AccountChangeRow) -> AccountChange:
    """The change that waits, as its row recorded what it asked for."""
    details = row.details
    provider = details.get("provider_of_record")
    return AccountChange(
        change_id=row.change_id,
        kind=ChangeKind(row.kind),
        requested_by=row.requested_by,
        user_id=row.target_user_id,
        role=Role(details["role"]) if details.get("role") else None,
        provider_of_record=ProviderOfRecord.model_validate(provider) if provider else None,
        reason=details.get("reason"),
        new_user=RequestedUser.model_validate(details["new_user"])
        if details.get("new_user")
        else None,
        info=InfoUpdate.model_validate(details["info"]) if details.get("info") else None,
    )


async def awaiting_approval(session: AsyncSession, status: str) -> list[AwaitingApproval]:
    """Every change in ``status`` (awaiting approval), oldest first, across organizations."""
    found, _ = await awaiting_page(session, status, limit=None)
    return found


async def awaiting_page(
    session: AsyncSession, status: str, *, limit: int | None, offset: int = 0
) -> tuple[list[AwaitingApproval], int]:
    """One page of the changes in ``status``, oldest first (by id: unique, so stable), and how
    many there are."""
    query = select(AccountChangeRow).where(AccountChangeRow.status == status)
    total = await paging.count(session, query)
    query = paging.window(query.order_by(AccountChangeRow.id), limit=limit, offset=offset)
    return [_awaiting(r) for r in await session.scalars(query)], total


def _awaiting(r: AccountChangeRow) -> AwaitingApproval:
    return AwaitingApproval(
        change_id=r.change_id,
        provider_id=r.provider_id,
        user_id=r.target_user_id,
        role=_role(r.details),
        requested_by=r.requested_by,
        since=as_utc(r.created_at).isoformat(),
        kind=r.kind,
        provider_of_record=r.details.get("provider_of_record"),
        reason=r.details.get("reason"),
    )


async def organizations_with(session: AsyncSession, change_id: str) -> list[str]:
    """The Provider IDs that have a change of this id (staff name a change by its id)."""
    found = await session.scalars(
        select(AccountChangeRow.provider_id).where(AccountChangeRow.change_id == change_id)
    )
    return list(found)


def _role(details: dict[str, Any]) -> str | None:
    role = details.get("role")
    return str(role) if role else None
