"""What a representative (or staff) reads about one organization: the account, its changes, its
audit trail; for the pages, the trail and the history as sentences with names beside ids. The
caller is authorized already (the API's dependencies decide who may read)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cair.domain.awaiting_changes import awaiting_result
from cair.operations import regions
from cair.operations.audit_lines import audit_line, change_line
from cair.operations.audit_values import Line, Names
from cair.operations.context import Context
from cair.operations.errors import NotFound
from cair.store import audit as audit_log
from cair.store import changes as change_log
from cair.store import dx_sites, organizations, representatives, users
from cair.store.changes import AwaitingApproval, ChangeEntry
from cair.store.models import as_utc


async def show(ctx: Context, provider_id: str) -> dict[str, Any]:
    async with ctx.db.statements() as session:
        org = await organizations.by_provider_id(session, provider_id)
        if org is None:
            raise NotFound(f"no organization {provider_id}")
        sites = await organizations.sites_of(session, org.id)
        site = sites[0] if sites else None  # the first: the one enrolled with it
        stages = {
            dx.site_row_id: dx.stage
            for dx in await dx_sites.of_organization(session, org.id)
            if dx.site_row_id is not None
        }
        members = await users.of_organization(session, org.id)
        reps = await representatives.active_of(session, org.id)
    return {
        "provider_id": org.provider_id,
        "name": org.name,
        "type": org.org_type,
        "county": org.county,
        "region": org.region,
        "access_level": org.access_level,
        "contacts": org.contacts,
        "closed": org.closed_at is not None,
        "closed_at": as_utc(org.closed_at).isoformat() if org.closed_at else None,
        "provider_of_record": org.info.get("provider_of_record"),
        "site": organizations.site_view(site),
        "sites": [organizations.site_listing(s, dx_stage=stages.get(s.id)) for s in sites],
        "users": [
            {
                "user_id": u.user_id,
                "name": f"{u.first_name} {u.last_name}",
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
                "role": u.role,
                "state": u.state,
                "training_deadline": u.training_deadline.isoformat()
                if u.training_deadline
                else None,
                "password_set": u.password_set_at is not None,
            }
            for u in members
        ],
        "representatives": [{"email": r.email, "name": r.name, "user_id": r.user_id} for r in reps],
    }


async def changes(ctx: Context, provider_id: str) -> dict[str, Any]:
    """The changes that wait for staff and the history, as the store recorded them. The
    account's workflow is not asked: a change it is applying now is answered to whoever sent it,
    and the page reads fast and whole while the worker is busy or down."""
    async with ctx.db.statements() as session:
        history, waiting = await change_log.of_organization(session, provider_id)
    return {
        "awaiting_approval": [asdict(awaiting_result(c)) for c in waiting],
        "history": [asdict(entry) for entry in history],
    }


async def audit(ctx: Context, provider_id: str) -> list[dict[str, Any]]:
    async with ctx.db.statements() as session:
        entries = await audit_log.of_organization(session, provider_id)
    return [asdict(entry) for entry in entries]


async def names(ctx: Context, provider_id: str) -> Names:
    """What the pages name beside ids: the organization's users, its name, the regions."""
    async with ctx.db.statements() as session:
        org = await organizations.by_provider_id(session, provider_id)
        if org is None:
            return Names(regions=regions.region_names(ctx))
        members = await users.of_organization(session, org.id)
    return Names(
        users={str(u.user_id): f"{u.first_name} {u.last_name}" for u in members},
        organization=org.name,
        regions=regions.region_names(ctx),
    )


def names_in(ctx: Context, shown: dict[str, Any]) -> Names:
    """``names`` from an account ``show`` read already, without reading the store again."""
    return Names(
        users={str(u["user_id"]): u["name"] for u in shown["users"]},
        organization=shown["name"],
        regions=regions.region_names(ctx),
    )


def lines_of(history: list[dict[str, Any]], named: Names) -> list[Line]:
    """The changes asked for and what became of each, as sentences, newest first, from the
    history ``changes`` read already."""
    return [change_line(ChangeEntry(**entry), named) for entry in reversed(history)]


async def audit_lines(ctx: Context, provider_id: str, named: Names) -> list[Line]:
    """The audit trail as sentences, newest first."""
    async with ctx.db.statements() as session:
        entries = await audit_log.of_organization(session, provider_id)
    return [audit_line(entry, named) for entry in reversed(entries)]


@dataclass(frozen=True)
class AwaitingChange:
    """A change that waits for staff, with the names a reviewer needs beside the ids; for a
    new provider of record or a closure, what it asks for in words (``asks``)."""

    change_id: str
    provider_id: str
    organization: str
    user_id: str | None
    user_name: str
    current_role: str | None
    role: str | None
    requested_by: str
    since: str
    kind: str = "change_role"
    asks: str = ""


async def awaiting_approval(
    ctx: Context, status: str, *, limit: int | None = None, offset: int = 0
) -> tuple[list[AwaitingChange], int]:
    """A page of the changes in ``status`` across organizations, oldest first, names beside
    ids, and how many there are."""
    async with ctx.db.statements() as session:
        waiting, total = await change_log.awaiting_page(session, status, limit=limit, offset=offset)
        found: list[AwaitingChange] = []
        for change in waiting:
            org = await organizations.by_provider_id(session, change.provider_id)
            user = await users.by_user_id(session, change.user_id) if change.user_id else None
            found.append(
                AwaitingChange(
                    change_id=change.change_id,
                    provider_id=change.provider_id,
                    organization=org.name if org else "",
                    user_id=change.user_id,
                    user_name=f"{user.first_name} {user.last_name}" if user else "",
                    current_role=user.role if user else None,
                    role=change.role,
                    requested_by=change.requested_by,
                    since=change.since,
                    kind=change.kind,
                    asks=_asks(change),
                )
            )
    return found, total


def _asks(change: AwaitingApproval) -> str:
    """What a change other than a raise asks for, as a reviewer reads it."""
    if change.provider_of_record:
        p = change.provider_of_record
        parts = [f"{p.get('first_name', '')} {p.get('last_name', '')}".strip()]
        if p.get("license_type") or p.get("license_number"):
            parts.append(f"license {p.get('license_type') or ''} {p.get('license_number') or ''}")
        if p.get("npi"):
            parts.append(f"NPI {p['npi']}")
        return "New provider of record: " + ", ".join(" ".join(x.split()) for x in parts)
    if change.reason is not None:
        return f"Close the organization. Reason: {change.reason}"
    return ""
