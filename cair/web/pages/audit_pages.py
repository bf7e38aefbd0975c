"""Audit trails on the pages: the registry's trail for reviewers and admins (by Pacific dates
and kind, a page at a time), and the CSV downloads beside every trail — the registry's with its
filters, an organization's for staff (``/staff/organizations/…``) and for its representatives
(``/account/…``). The downloads are the API's files, audited the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from cair.domain.plain_words import AUDIT_ACTIONS
from cair.operations import audit_export, regions, staff_lists
from cair.operations.audit_values import Line, Names
from cair.operations.errors import Invalid, OperationError
from cair.web.api.audit_export import csv_response
from cair.web.pages.identity import RepresentativePage, ReviewerPage
from cair.web.pages.paging import PAGE_SIZE, Pager, here, offset_of, pager
from cair.web.pages.refusals import SummaryItem, field_errors, problems_of, summary
from cair.web.pages.rendering import context_of, render

router = APIRouter()
LABELS = {"from": "From (first day)", "to": "To (last day)", "kind": "Kind"}
FAMILIES = {
    "account": "Every account change",
    "enrollment": "Every enrollment event",
    "user": "Every user event",
    "staff": "Every staff event",
    "credentials": "Every credentials event",
    "audit": "Every download of a trail",
}


def kind_choices() -> list[tuple[str, str]]:
    """The kinds a reviewer picks from, in words: the families, then each action."""
    actions = sorted(AUDIT_ACTIONS.items(), key=lambda item: item[1])
    return [("", "Every kind"), *FAMILIES.items(), *actions]


@dataclass(frozen=True)
class StaffAuditPage:
    """What staff_audit.html reads: a page of the registry's trail as sentences, the filter
    as typed, its problems by field, and the CSV link with the same filter."""

    lines: list[Line]
    pager: Pager
    values: dict[str, str]
    download: str
    kinds: list[tuple[str, str]]
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[SummaryItem] = field(default_factory=list)
    section: str = "audit"


def _day(values: dict[str, str], name: str) -> date | None:
    text = values.get(name, "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{name}: enter a date like 2026-03-01") from None


def _filter_values(request: Request) -> dict[str, str]:
    query = request.query_params
    return {k: (query.get(k) or "").strip()[:100] for k in ("from", "to", "kind")}


@router.get("/staff/audit", response_class=HTMLResponse)
async def staff_audit(staff: ReviewerPage, request: Request) -> Response:
    ctx = context_of(request)
    values, offset = _filter_values(request), offset_of(request)
    lines: list[Line] = []
    total, errors = 0, {}
    try:
        chosen = staff_lists.audit_filter(
            since=_day(values, "from"), until=_day(values, "to"), kind=values["kind"] or None
        )
        named = Names(regions=regions.region_names(ctx))
        lines, total = await staff_lists.audit_lines(
            ctx, chosen, named, limit=PAGE_SIZE, offset=offset
        )
    except OperationError as refused:
        errors = field_errors(problems_of(refused), LABELS)
    kept = {k: v for k, v in values.items() if v}
    page = StaffAuditPage(
        lines=lines,
        pager=pager(*here(request), total=total, offset=offset, shown=len(lines)),
        values=values,
        download="/staff/audit.csv" + (f"?{urlencode(kept)}" if kept else ""),
        kinds=kind_choices(),
        errors=errors,
        summary=summary(errors, LABELS, lambda key: f"filter-{key}"),
    )
    title = ("Error: " if errors else "") + "Audit trail"
    return render(request, "staff_audit.html", page, status=422 if errors else 200, title=title)


@router.get("/staff/audit.csv")
async def staff_audit_csv(staff: ReviewerPage, request: Request) -> StreamingResponse:
    ctx, values = context_of(request), _filter_values(request)
    export = await audit_export.begin(
        ctx,
        by=staff.email,
        since=_day(values, "from"),
        until=_day(values, "to"),
        kind=values["kind"] or None,
    )
    return csv_response(ctx, export)


@router.get("/staff/organizations/{provider_id}/audit.csv")
async def organization_csv_for_staff(
    provider_id: str, staff: ReviewerPage, request: Request
) -> StreamingResponse:
    ctx = context_of(request)
    export = await audit_export.begin(ctx, by=staff.email, provider_id=provider_id)
    return csv_response(ctx, export)


@router.get("/account/{provider_id}/audit.csv")
async def organization_csv(
    provider_id: str, who: RepresentativePage, request: Request
) -> StreamingResponse:
    ctx = context_of(request)
    export = await audit_export.begin(ctx, by=who.email, provider_id=who.provider_id)
    return csv_response(ctx, export)
