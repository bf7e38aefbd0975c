"""Operator: registry staff accounts (``cair staff add``). Runs with the operator's settings,
straight against the store, like migrations: the API has no door to make staff."""

from __future__ import annotations

from cair.domain.identifier_checks import is_email, normalize_email
from cair.domain.staff_roles import StaffRole
from cair.operations.context import Context
from cair.operations.errors import Invalid
from cair.store import audit, staff


async def add(ctx: Context, email: str, *, roles: list[str], name: str = "") -> str:
    address = normalize_email(email)
    if not is_email(address):
        raise Invalid(f"email: {email!r} is not a valid e-mail address")
    unknown = [r for r in roles if r not in tuple(StaffRole)]
    if unknown or not roles:
        raise Invalid(f"role: give one or more of {', '.join(StaffRole)}")
    async with ctx.db.sessions.begin() as session:
        row, new = await staff.put(
            session, email=address, name=name or address.split("@")[0], roles=roles
        )
        await audit.append(
            session,
            key=f"staff/{row.id}/{'added' if new else 'roles'}/{','.join(sorted(roles))}",
            actor="operator",
            action="staff.added" if new else "staff.roles",
            subject_type="staff",
            subject_id=str(row.id),
            new={"email": address, "roles": sorted(roles)},
        )
    return f"{address}: {', '.join(sorted(roles))}" + (" (added)" if new else " (updated)")
