"""The staff console's account changes that wait for a reviewer (a raise, a new provider of
record, closing an organization): each with the organization's and the user's names beside their
ids and the role from and to, or what it asks for; a reviewer approves or rejects it. A refused
decision comes back as the list, the problem beside that change, the reason kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.domain.account_changes import ChangeStatus
from cair.operations import account_changes, account_views
from cair.operations.account_views import AwaitingChange
from cair.operations.audit_values import Names, in_words
from cair.operations.errors import OperationError
from cair.web.api.schemas import OptionalReasonBody
from cair.web.pages.identity import ReviewerPage
from cair.web.pages.paging import PAGE_SIZE, Pager, pager, whole
from cair.web.pages.refusals import SummaryItem, field_errors, problems_of, summary
from cair.web.pages.rendering import context_of, redirect, render

router = APIRouter()


@dataclass(frozen=True)
class StaffChangesPage:
    """What staff_changes.html reads: the account changes that wait for a reviewer, and a
    refused decision's problem and reason, by field id (``reason-CH…``)."""

    changes: list[AwaitingChange]
    pager: Pager
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[SummaryItem] = field(default_factory=list)
    section: str = "changes"


async def _page(
    request: Request,
    offset: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    waiting, total = await account_views.awaiting_approval(
        context_of(request), ChangeStatus.AWAITING_APPROVAL.value, limit=PAGE_SIZE, offset=offset
    )
    errors = errors or {}
    labels: dict[str, str] = {}
    for c in waiting:
        who = f"{c.user_name} ({c.user_id})" if c.user_name else c.user_id or ""
        labels[f"row-{c.change_id}"] = f"{c.change_id}, {who}"
        labels[f"reason-{c.change_id}"] = f"{c.change_id}, {who}: reason"
    page = StaffChangesPage(
        changes=waiting,
        pager=pager("/staff/changes", {}, total=total, offset=offset, shown=len(waiting)),
        values=values or {},
        errors=errors,
        summary=summary(errors, labels, lambda key: key),
    )
    title = ("Error: " if errors else "") + "Account changes awaiting approval"
    return render(request, "staff_changes.html", page, status=status, title=title)


@router.get("/changes", response_class=HTMLResponse)
async def changes(staff: ReviewerPage, request: Request) -> Response:
    return await _page(request, whole(request.query_params.get("offset")))


@router.post(
    "/organizations/{provider_id}/changes/{change_id}/{decision}", response_class=HTMLResponse
)
async def decide_change(
    provider_id: str, change_id: str, decision: str, staff: ReviewerPage, request: Request
) -> Response:
    ctx = context_of(request)
    form = await request.form()
    reason, offset = str(form.get("reason", "")), whole(str(form.get("offset", "")))
    try:
        body = OptionalReasonBody.model_validate({"reason": reason})
        result = await account_changes.decide(
            ctx,
            change_id,
            approve=decision == "approve",
            by=staff.email,
            reason=body.reason,
            provider_id=provider_id,
        )
    except (ValidationError, OperationError) as refused:
        found = field_errors(problems_of(refused), ("reason",))
        errors = {(f"reason-{change_id}" if k else f"row-{change_id}"): v for k, v in found.items()}
        values = {f"reason-{change_id}": reason}
        return await _page(request, offset, values=values, errors=errors, status=422)
    named = await account_views.names(ctx, provider_id)
    notice = f"{change_id} ({_organization(named, provider_id)}): {in_words(result.message, named)}"
    back = f"/staff/changes?offset={offset}" if offset else "/staff/changes"
    return redirect(request, back, notice=notice)


def _organization(named: Names, provider_id: str) -> str:
    return f"{named.organization}, {provider_id}" if named.organization else provider_id
