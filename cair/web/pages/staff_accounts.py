"""The staff console's accounts: changes that raise access wait for a reviewer; an organization's
account and audit trail; credentials re-issued and held steps retried by admins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.domain import ids
from cair.domain.staff_roles import StaffRole
from cair.operations import account_changes, account_views, credentials, incidents, regions
from cair.operations.errors import OperationError
from cair.store.incidents import IncidentView
from cair.web.api.schemas import OptionalReasonBody
from cair.web.pages.identity import AdminPage, ReviewerPage
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_console import ROLE_NAMES, refusal_words

router = APIRouter(prefix="/staff")


@dataclass(frozen=True)
class StaffChangesPage:
    """What staff_changes.html reads: the account changes that wait for a reviewer."""

    changes: list[dict[str, Any]]
    role_names: dict[str, str]
    section: str = "changes"


@router.get("/changes", response_class=HTMLResponse)
async def changes(staff: ReviewerPage, request: Request) -> Response:
    waiting = await account_changes.pending_approvals(context_of(request))
    page = StaffChangesPage(changes=waiting, role_names=ROLE_NAMES)
    return render(request, "staff_changes.html", page, title="Account changes awaiting approval")


@router.post(
    "/organizations/{provider_id}/changes/{change_id}/{decision}", response_class=HTMLResponse
)
async def decide_change(
    provider_id: str, change_id: str, decision: str, staff: ReviewerPage, request: Request
) -> Response:
    form = await request.form()
    try:
        body = OptionalReasonBody.model_validate({"reason": str(form.get("reason", ""))})
        result = await account_changes.decide(
            context_of(request),
            change_id,
            approve=decision == "approve",
            by=staff.email,
            reason=body.reason,
            provider_id=provider_id,
        )
    except (ValidationError, OperationError) as refused:
        return redirect(request, "/staff/changes", notice=f"Not decided: {refusal_words(refused)}")
    return redirect(request, "/staff/changes", notice=f"{change_id}: {result.message}")


@router.get("/organizations", response_class=HTMLResponse)
async def find_organization(staff: ReviewerPage, request: Request) -> Response:
    provider_id = (request.query_params.get("provider_id") or "").strip().upper()
    if not provider_id:
        return redirect(request, "/staff/enrollments", notice="Enter a Provider ID.")
    return redirect(request, f"/staff/organizations/{provider_id}")


@dataclass(frozen=True)
class StaffOrganizationPage:
    """What staff_organization.html reads: an organization's account and audit trail, and
    whether the viewer may re-issue its credentials (admins only)."""

    account: dict[str, Any]
    audit: list[dict[str, Any]]
    role_names: dict[str, str]
    region_names: dict[str, str]
    workflow_url: str
    is_admin: bool
    section: str = "queue"


@router.get("/organizations/{provider_id}", response_class=HTMLResponse)
async def organization(provider_id: str, staff: ReviewerPage, request: Request) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    audit = list(reversed(await account_views.audit(ctx, provider_id)))
    page = StaffOrganizationPage(
        account=shown,
        audit=audit[:200],
        role_names=ROLE_NAMES,
        region_names=regions.region_names(ctx),
        workflow_url=ctx.settings.workflow_ui_url(ids.organization_workflow_id(provider_id)),
        is_admin=StaffRole.ADMIN in staff.roles,
    )
    return render(
        request, "staff_organization.html", page, title=f"{shown['name']} ({provider_id})"
    )


@router.post("/organizations/{provider_id}/credentials", response_class=HTMLResponse)
async def reissue_credentials(provider_id: str, staff: AdminPage, request: Request) -> Response:
    """New data-exchange credentials: the old secret stops working, the contact gets a link."""
    back = f"/staff/organizations/{provider_id}"
    try:
        await credentials.reissue(context_of(request), provider_id, by=staff.email)
    except OperationError as refused:
        return redirect(request, back, notice=f"Not re-issued: {refused}")
    return redirect(
        request, back, notice="New credentials issued; the contact was e-mailed a link."
    )


@dataclass(frozen=True)
class StaffIncidentsPage:
    """What staff_incidents.html reads: the held steps, each with a link to its workflow."""

    incidents: list[IncidentView]
    workflow_url: dict[str, str]
    section: str = "incidents"


@router.get("/incidents", response_class=HTMLResponse)
async def incident_listing(staff: AdminPage, request: Request) -> Response:
    ctx = context_of(request)
    found = await incidents.listing(ctx, open_only=request.query_params.get("all") != "1")
    page = StaffIncidentsPage(
        incidents=found,
        workflow_url={i.workflow_id: ctx.settings.workflow_ui_url(i.workflow_id) for i in found},
    )
    return render(request, "staff_incidents.html", page, title="Held steps")


@router.post("/incidents/retry", response_class=HTMLResponse)
async def retry(staff: AdminPage, request: Request) -> Response:
    workflow_id = str((await request.form()).get("workflow_id", ""))[:120]
    try:
        message = await incidents.retry(context_of(request), workflow_id, by=staff.email)
    except OperationError as refused:
        return redirect(request, "/staff/incidents", notice=f"Not retried: {refused}")
    return redirect(request, "/staff/incidents", notice=message)
