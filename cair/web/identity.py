"""Who may call what: one FastAPI dependency per audience, and the only place the API decides.

- an applicant holds the status token of one enrollment (``Authorization: Bearer``);
- a representative holds a session for one organization;
- a staff member holds a session and roles.

Every route declares its audience (``x-audience`` in the OpenAPI document); a test walks them all
with the wrong identity and expects 401, 403 or 404 and no change anywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cair.domain.staff_roles import StaffRole, may_act_as
from cair.operations import applicant_links, sessions
from cair.operations.context import Context
from cair.operations.errors import Forbidden, NotFound, NotSignedIn
from cair.operations.sessions import Representative, StaffMember

_bearer = HTTPBearer(auto_error=False, description="A session or status token.")


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


async def _context(request: Request) -> Context:
    """As a dependency, async: FastAPI runs a plain function in a thread, per request."""
    return context(request)


Ctx = Annotated[Context, Depends(_context)]


def client_address(request: Request) -> str | None:
    """The address rate limits count a caller by: the peer of the connection or, behind the
    proxy ``CAIR_TRUSTED_PROXY_HEADER`` names, the last entry of that header — the one the
    proxy wrote; entries before it come from the client and prove nothing."""
    header = context(request).settings.trusted_proxy_header
    if header:
        written = ",".join(request.headers.getlist(header)).split(",")[-1].strip()
        if written:
            return written
    return request.client.host if request.client else None


async def _client_address(request: Request) -> str | None:
    return client_address(request)


ClientAddress = Annotated[str | None, Depends(_client_address)]


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> str | None:
    return credentials.credentials if credentials else None


Token = Annotated[str | None, Depends(bearer_token)]


def audience(kind: str, role: StaffRole | None = None) -> dict[str, Any]:
    """The route's audience, published in the OpenAPI document for clients and tests."""
    return {"x-audience": kind if role is None else f"{kind}:{role.value}"}


PUBLIC = audience("public")


async def applicant_of(enrollment_id: str, ctx: Ctx, token: Token) -> str:
    """The enrollment whose status token the caller holds. A wrong or missing token is
    answered like an unknown enrollment: the id alone reveals nothing."""
    if not token or not await applicant_links.holds_status_token(ctx, enrollment_id, token):
        raise NotFound(f"no enrollment {enrollment_id} for this link")
    return enrollment_id


async def representative_of(provider_id: str, ctx: Ctx, token: Token) -> Representative:
    """A representative signed in for exactly this organization."""
    who = await sessions.current(ctx, token)
    if who.provider_id != provider_id:
        raise Forbidden(f"not signed in as an authorized representative of {provider_id}")
    return who


def staff_with(role: StaffRole) -> Callable[..., Awaitable[StaffMember]]:
    """A staff member allowed to act as ``role`` (admins may act as any)."""

    async def dependency(ctx: Ctx, token: Token) -> StaffMember:
        member = await sessions.current_staff(ctx, token)
        if not may_act_as(member.roles, role):
            raise Forbidden(f"this needs the {role.value} role")
        return member

    return dependency


async def any_staff(ctx: Ctx, token: Token) -> StaffMember:
    """Any staff member, whatever the role."""
    return await sessions.current_staff(ctx, token)


async def signed_in(ctx: Ctx, token: Token) -> str:
    """Any live session (to end it)."""
    if not token:
        raise NotSignedIn("not signed in")
    return token


Applicant = Annotated[str, Depends(applicant_of)]
RepresentativeOf = Annotated[Representative, Depends(representative_of)]
Reviewer = Annotated[StaffMember, Depends(staff_with(StaffRole.REVIEWER))]
Trainer = Annotated[StaffMember, Depends(staff_with(StaffRole.TRAINER))]
Admin = Annotated[StaffMember, Depends(staff_with(StaffRole.ADMIN))]
AnyStaff = Annotated[StaffMember, Depends(any_staff)]
SignedIn = Annotated[str, Depends(signed_in)]
