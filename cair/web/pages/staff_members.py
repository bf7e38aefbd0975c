"""The staff console's staff list (admins only): who has access, with which roles and whether
their second factor is set up; removing a member, or resetting their second factor, asks once
more (like the console's other actions that cannot be undone) and ends their sessions at once.
An admin cannot remove or reset themselves."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.operations import staff_accounts, staff_lists
from cair.operations.errors import OperationError
from cair.operations.sessions import StaffMember
from cair.operations.staff_accounts import StaffListing
from cair.web.pages.identity import AdminPage
from cair.web.pages.paging import PAGE_SIZE, Pager, here, offset_of, pager
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_confirm import StaffConfirmPage, confirm_page, confirmed

router = APIRouter(prefix="/staff")
LIST = "/staff/members"


@dataclass(frozen=True)
class StaffMembersPage:
    """What staff_members.html reads: a page of the staff, active ones first, and who is
    looking (no buttons beside themselves)."""

    members: list[StaffListing]
    me: StaffMember
    pager: Pager
    find: str = ""
    section: str = "members"


@router.get("/members", response_class=HTMLResponse)
async def members(staff: AdminPage, request: Request) -> Response:
    offset = offset_of(request)
    find = request.query_params.get("find", "")[:200]
    found, total = await staff_lists.staff_members(
        context_of(request), limit=PAGE_SIZE, offset=offset, find=find
    )
    shown = pager(*here(request), total=total, offset=offset, shown=len(found))
    page = StaffMembersPage(found, staff, shown, find)
    return render(request, "staff_members.html", page, title="Staff")


@router.post("/members/{staff_id}/remove", response_class=HTMLResponse)
async def remove(staff_id: int, staff: AdminPage, request: Request) -> Response:
    member = await _member(request, staff_id)
    if member is None:
        return redirect(request, LIST, notice="No such staff member.")
    if not confirmed(await request.form()):
        return confirm_page(request, _removal(member))
    try:
        done = await staff_accounts.remove(context_of(request), member.email, by=staff.email)
    except OperationError as refused:
        return redirect(request, LIST, notice=f"Not removed: {refused}.")
    return redirect(request, LIST, notice=done[:1].upper() + done[1:] + ".")


@router.post("/members/{staff_id}/reset-second-factor", response_class=HTMLResponse)
async def reset(staff_id: int, staff: AdminPage, request: Request) -> Response:
    member = await _member(request, staff_id)
    if member is None:
        return redirect(request, LIST, notice="No such staff member.")
    if not confirmed(await request.form()):
        return confirm_page(request, _reset(member))
    try:
        done = await staff_accounts.reset_second_factor(
            context_of(request), member.email, by=staff.email
        )
    except OperationError as refused:
        return redirect(request, LIST, notice=f"Not reset: {refused}.")
    return redirect(request, LIST, notice=done[:1].upper() + done[1:] + ".")


async def _member(request: Request, staff_id: int) -> StaffListing | None:
    return await staff_lists.staff_member(context_of(request), staff_id)


def _removal(member: StaffListing) -> StaffConfirmPage:
    return StaffConfirmPage(
        heading=f"Remove {member.name} from registry staff?",
        lead=f"{member.email}, {', '.join(member.roles)}.",
        effects=[
            "They are signed out everywhere at once, and their unused sign-in links stop working.",
            "They can no longer sign in to the staff console or use the staff commands.",
            "Their second factor is forgotten: if an operator adds them again "
            "(`cair staff add`), they set it up anew.",
        ],
        action=f"{LIST}/{member.staff_id}/remove",
        button="Yes, remove them",
        danger=True,
        hidden={},
        back=LIST,
        back_label="No, keep them",
        section="members",
    )


def _reset(member: StaffListing) -> StaffConfirmPage:
    return StaffConfirmPage(
        heading=f"Reset the second factor of {member.name}?",
        lead=f"{member.email}: for a lost or replaced phone.",
        effects=[
            "Their authenticator app's codes and their recovery codes stop working.",
            "They are signed out everywhere at once.",
            "At their next sign-in they set up an authenticator app again.",
        ],
        action=f"{LIST}/{member.staff_id}/reset-second-factor",
        button="Yes, reset the second factor",
        danger=True,
        hidden={},
        back=LIST,
        back_label="No, leave it",
        section="members",
    )
