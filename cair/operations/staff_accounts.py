"""Registry staff accounts: added by an operator (``cair staff add``), removed or their second
factor reset by an operator (``cair staff remove``, ``cair staff reset-2fa``) or by an admin in
the staff console. Runs straight against the store; the API has no door to make staff.

Removing a member ends their sessions and unused sign-in links at once and forgets their
authenticator; adding the address again brings them back, to enrol anew. A reset ends their
sessions too: they enrol a new authenticator at their next sign-in. Admins cannot remove or
reset themselves (another admin, or an operator, can)."""

from __future__ import annotations

from dataclasses import dataclass

from cair.domain import ids
from cair.domain.identifier_checks import is_email, normalize_email
from cair.domain.staff_roles import StaffRole
from cair.operations.context import Context
from cair.operations.errors import Invalid, NotFound, Refused
from cair.store import audit, links, sessions, staff
from cair.store.database import Session
from cair.store.links import LinkPurpose
from cair.store.models import StaffAccountRow

OPERATOR = "operator"


@dataclass(frozen=True)
class StaffListing:
    """A staff member as the admins' page lists them."""

    staff_id: int
    email: str
    name: str
    roles: tuple[str, ...]
    active: bool
    second_factor: bool  # an authenticator is enrolled


async def add(ctx: Context, email: str, *, roles: list[str], name: str = "") -> str:
    address = normalize_email(email)
    if not is_email(address):
        raise Invalid(f"email: {email!r} is not a valid e-mail address")
    unknown = [r for r in roles if r not in tuple(StaffRole)]
    if unknown or not roles:
        raise Invalid(f"role: give one or more of {', '.join(StaffRole)}")
    async with ctx.db.sessions.begin() as session:
        before = await staff.by_email(session, address)
        returning = before is not None and not before.active
        row, new = await staff.put(
            session, email=address, name=name or address.split("@")[0], roles=roles
        )
        action = "staff.added" if new else "staff.restored" if returning else "staff.roles"
        key = f"staff/{row.id}/{'added' if new else 'roles'}/{','.join(sorted(roles))}"
        await audit.append(
            session,
            key=f"{key}/{ids.new_nonce()}" if returning else key,
            actor=OPERATOR,
            action=action,
            subject_type="staff",
            subject_id=str(row.id),
            new={"email": address, "roles": sorted(roles)},
        )
    done = " (added)" if new else " (back: enrols a second factor again)" if returning else ""
    return f"{address}: {', '.join(sorted(roles))}" + (done or " (updated)")


async def remove(ctx: Context, email: str, *, by: str = OPERATOR) -> str:
    """Deactivate a staff member: their sessions and unused sign-in links end now."""
    async with ctx.db.sessions.begin() as session:
        row = await _member(session, email, by, "remove")
        if not row.active:
            return f"{row.email} was removed already"
        await staff.deactivate(session, row)
        await _end_access(session, row, links_too=True)
        await _audit(session, row, by, "staff.removed")
    return f"{row.email} is removed: their sessions and sign-in links ended"


async def reset_second_factor(ctx: Context, email: str, *, by: str = OPERATOR) -> str:
    """Forget a staff member's authenticator and recovery codes; their sessions end, and they
    enrol anew at their next sign-in."""
    async with ctx.db.sessions.begin() as session:
        row = await _member(session, email, by, "reset the second factor of")
        if not row.active:
            raise Refused(f"{row.email} is removed; add them again to give them access")
        await staff.clear_second_factor(session, row)
        await _end_access(session, row, links_too=False)
        await _audit(session, row, by, "staff.second_factor_reset")
    return (
        f"{row.email}: second factor reset; their sessions ended, and they enrol an "
        "authenticator app at their next sign-in"
    )


async def listing(ctx: Context) -> list[StaffListing]:
    async with ctx.db.sessions() as session:
        return [
            StaffListing(
                staff_id=row.id,
                email=row.email,
                name=row.name,
                roles=tuple(sorted(staff.roles_of(row))),
                active=row.active,
                second_factor=row.totp_sealed is not None,
            )
            for row in await staff.listing(session)
        ]


async def _member(session: Session, email: str, by: str, doing: str) -> StaffAccountRow:
    row = await staff.by_email(session, normalize_email(email))
    if row is None:
        raise NotFound(f"no staff member {email}")
    if normalize_email(by) == row.email:
        raise Refused(f"you cannot {doing} yourself: ask another admin, or an operator")
    return row


async def _end_access(session: Session, row: StaffAccountRow, *, links_too: bool) -> None:
    await sessions.revoke_for(session, kind=sessions.STAFF, subject_id=row.id)
    if links_too:
        await links.revoke(session, subject=staff.link_subject(row.id), purpose=LinkPurpose.SIGN_IN)


async def _audit(session: Session, row: StaffAccountRow, by: str, action: str) -> None:
    await audit.append(
        session,
        key=f"staff/{row.id}/{action}/{ids.new_nonce()}",
        actor=by,
        action=action,
        subject_type="staff",
        subject_id=str(row.id),
        old={"email": row.email, "roles": sorted(staff.roles_of(row))},
    )
