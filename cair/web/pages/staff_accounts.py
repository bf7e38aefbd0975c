"""The staff console's accounts: an organization's account and audit trail (in sentences);
credentials re-issued (after a confirmation) and held steps retried by admins. The changes
that raise access and wait for a reviewer are in ``staff_changes``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.domain import ids
from cair.domain.staff_roles import StaffRole
from cair.operations import account_views, credentials, incidents, staff_lists
from cair.operations.audit_values import Line
from cair.operations.errors import OperationError
from cair.operations.sessions import StaffMember
from cair.store.audit import AuditFilter
from cair.store.incidents import IncidentView
from cair.web.pages import staff_changes
from cair.web.pages.identity import AdminPage, ReviewerPage
from cair.web.pages.paging import PAGE_SIZE, Pager, here, offset_of, pager
from cair.web.pages.refusals import SummaryItem, summary
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_confirm import confirm_page, confirmed, new_credentials

router = APIRouter(prefix="/staff")


@router.get("/organizations", response_class=HTMLResponse)
async def find_organization(staff: ReviewerPage, request: Request) -> Response:
    provider_id = (request.query_params.get("provider_id") or "").strip().upper()
    if not provider_id:
        return redirect(request, "/staff/enrollments", notice="Enter a Provider ID.")
    return redirect(request, f"/staff/organizations/{provider_id}")


@dataclass(frozen=True)
class StaffOrganizationPage:
    """What staff_organization.html reads: an organization's account and its audit trail as
    sentences, whether the viewer may issue new credentials (admins only), and a refusal."""

    account: dict[str, Any]
    audit: list[Line]
    pager: Pager
    region_names: dict[str, str]
    workflow_url: str
    is_admin: bool
    summary: list[SummaryItem]
    section: str = "queue"


async def _organization_page(
    request: Request,
    provider_id: str,
    staff: StaffMember,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    named = await account_views.names(ctx, provider_id)
    errors = errors or {}
    offset = offset_of(request) if request.method == "GET" else 0
    audit, total = await staff_lists.audit_lines(
        ctx, AuditFilter(provider_id=provider_id), named, limit=PAGE_SIZE, offset=offset
    )
    page = StaffOrganizationPage(
        account=shown,
        audit=audit,
        pager=pager(
            f"/staff/organizations/{provider_id}",
            {},
            total=total,
            offset=offset,
            shown=len(audit),
            fragment="#audit",
        ),
        region_names=dict(named.regions),
        workflow_url=ctx.settings.workflow_ui_url(ids.organization_workflow_id(provider_id)),
        is_admin=StaffRole.ADMIN in staff.roles,
        summary=summary(errors, {}, str),
    )
    title = ("Error: " if errors else "") + f"{shown['name']} ({provider_id})"
    return render(request, "staff_organization.html", page, status=status, title=title)


@router.get("/organizations/{provider_id}", response_class=HTMLResponse)
async def organization(provider_id: str, staff: ReviewerPage, request: Request) -> Response:
    return await _organization_page(request, provider_id, staff)


@router.post("/organizations/{provider_id}/credentials", response_class=HTMLResponse)
async def reissue_credentials(provider_id: str, staff: AdminPage, request: Request) -> Response:
    """New data-exchange credentials, once the admin confirmed: the old secret stops working,
    the contact gets a link."""
    ctx = context_of(request)
    if not confirmed(await request.form()):
        return confirm_page(request, new_credentials(await account_views.show(ctx, provider_id)))
    try:
        await credentials.reissue(ctx, provider_id, by=staff.email)
    except OperationError as refused:
        errors = {"": f"No new credentials were issued: {refused}."}
        return await _organization_page(
            request, provider_id, staff, errors=errors, status=refused.status
        )
    return redirect(
        request,
        f"/staff/organizations/{provider_id}",
        notice="New credentials issued; the contact was e-mailed a link to see them once.",
    )


@dataclass(frozen=True)
class StaffIncidentsPage:
    """What staff_incidents.html reads: the held steps, each with a link to its workflow."""

    incidents: list[IncidentView]
    workflow_url: dict[str, str]
    pager: Pager
    every: bool
    section: str = "incidents"


@router.get("/incidents", response_class=HTMLResponse)
async def incident_listing(staff: AdminPage, request: Request) -> Response:
    ctx = context_of(request)
    every, offset = request.query_params.get("all") == "1", offset_of(request)
    found, total = await staff_lists.held_steps(
        ctx, open_only=not every, limit=PAGE_SIZE, offset=offset
    )
    page = StaffIncidentsPage(
        incidents=found,
        workflow_url={i.workflow_id: ctx.settings.workflow_ui_url(i.workflow_id) for i in found},
        pager=pager(*here(request), total=total, offset=offset, shown=len(found)),
        every=every,
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


router.include_router(staff_changes.router)
