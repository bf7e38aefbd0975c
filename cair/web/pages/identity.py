"""Who is at the browser, for the pages: the session cookie holds the same session token the API
takes as a bearer token, so one set of rules (``operations.sessions``) decides for both. A page
for a representative names its organization in the path, and a session for another organization
is refused; staff pages need a staff session with the role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from cair.domain.staff_roles import StaffRole, may_act_as
from cair.operations import sessions
from cair.operations.errors import Forbidden, NotSignedIn
from cair.operations.sessions import Representative, StaffMember
from cair.web.pages.cookies import SESSION_COOKIE, read_cookie
from cair.web.pages.rendering import context_of


class SignInFirst(NotSignedIn):
    """A page that needs a session, opened without one: the answer is the sign-in page."""

    def __init__(self, sign_in_path: str, message: str) -> None:
        super().__init__(message)
        self.sign_in_path = sign_in_path


@dataclass(frozen=True)
class Visitor:
    """What the page header shows: who is signed in, and where their pages are."""

    email: str
    home: str  # their account page or the staff console
    kind: str  # "representative" or "staff"


def session_token(request: Request) -> str | None:
    """The session cookie, under the name this deployment gives it (``cookies.cookie_name``)."""
    return read_cookie(request, SESSION_COOKIE)


async def visitor(request: Request) -> Visitor | None:
    """Whoever holds the session cookie (None for no one), remembered for the page header."""
    token = session_token(request)
    if not token:
        return None
    who = await sessions.holder(context_of(request), token)
    found: Visitor | None = None
    if isinstance(who, Representative):
        found = Visitor(who.email, f"/account/{who.provider_id}", "representative")
    elif isinstance(who, StaffMember):
        found = Visitor(who.email, "/staff", "staff")
    request.state.who = found
    return found


async def representative_page(provider_id: str, request: Request) -> Representative:
    """A representative signed in for exactly this organization."""
    try:
        who = await sessions.current(context_of(request), session_token(request))
    except NotSignedIn:
        if await _is_staff(request):
            raise Forbidden(
                "this page is for the organization's authorized representatives"
            ) from None
        raise SignInFirst(
            "/account/sign-in", "Sign in to see your organization's account."
        ) from None
    request.state.who = Visitor(who.email, f"/account/{who.provider_id}", "representative")
    if who.provider_id != provider_id:
        raise Forbidden(f"you are signed in for {who.provider_id}, not for {provider_id}")
    return who


def staff_page(role: StaffRole | None) -> Callable[[Request], Awaitable[StaffMember]]:
    """A staff member allowed to act as ``role`` (None: any staff member)."""

    async def dependency(request: Request) -> StaffMember:
        try:
            member = await sessions.current_staff(context_of(request), session_token(request))
        except NotSignedIn:
            if await visitor(request) is not None:  # a representative's session
                raise Forbidden("these pages are for registry staff") from None
            raise SignInFirst("/staff/sign-in", "Sign in to the staff console.") from None
        request.state.who = Visitor(member.email, "/staff", "staff")
        request.state.staff_roles = member.roles
        if role is not None and not may_act_as(member.roles, role):
            raise Forbidden(f"this page needs the {role.value} role")
        return member

    return dependency


async def _is_staff(request: Request) -> bool:
    found = await visitor(request)
    return found is not None and found.kind == "staff"


RepresentativePage = Annotated[Representative, Depends(representative_page)]
AnyStaffPage = Annotated[StaffMember, Depends(staff_page(None))]
ReviewerPage = Annotated[StaffMember, Depends(staff_page(StaffRole.REVIEWER))]
TrainerPage = Annotated[StaffMember, Depends(staff_page(StaffRole.TRAINER))]
AdminPage = Annotated[StaffMember, Depends(staff_page(StaffRole.ADMIN))]
