"""Audit trails as CSV files: an organization's (its representatives, or reviewers), and the
registry's by Pacific dates and kind (reviewers and admins). Each download is audited itself;
the file streams (``text/csv``, an attachment), at most ``audit_export.CAP`` rows."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from cair.domain.staff_roles import StaffRole
from cair.operations import audit_export
from cair.operations.audit_export import Export
from cair.operations.context import Context
from cair.operations.errors import Invalid
from cair.web.identity import Ctx, RepresentativeOf, Reviewer, audience

router = APIRouter(prefix="/api/v1", tags=["audit"])
CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The trail as CSV, oldest first, one row per entry.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}
# A day as YYYY-MM-DD only (pydantic would take "0" for 1970-01-01), read by ``day``.
DAY = {"pattern": r"^\d{4}-\d{2}-\d{2}$", "json_schema_extra": {"format": "date"}}
From = Annotated[str | None, Query(alias="from", description="First Pacific day, whole.", **DAY)]
To = Annotated[str | None, Query(alias="to", description="Last Pacific day, whole.", **DAY)]
Kind = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z_]{1,30}(\.[a-z_]{1,30}){0,3}$",
        description="An action (staff.removed) or its family (staff).",
    ),
]


def day(text: str | None, name: str) -> date | None:
    """A query's day; one the calendar has not (2026-02-30) is refused naming its field."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{name}: {text} is not a day of the calendar (YYYY-MM-DD)") from None


def csv_response(ctx: Context, export: Export) -> StreamingResponse:
    """The file, streamed; its name says what it holds."""
    return StreamingResponse(
        audit_export.csv_chunks(ctx, export),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "X-Rows": str(export.rows),
        },
    )


@router.get(
    "/organizations/{provider_id}/audit.csv",
    openapi_extra=audience("representative"),
    response_class=StreamingResponse,
    responses=CSV_ANSWER,
)
async def organization_csv(
    who: RepresentativeOf, ctx: Ctx, since: From = None, until: To = None
) -> StreamingResponse:
    """The organization's audit trail as a CSV file."""
    export = await audit_export.begin(
        ctx,
        by=who.email,
        provider_id=who.provider_id,
        since=day(since, "from"),
        until=day(until, "to"),
    )
    return csv_response(ctx, export)


@router.get(
    "/staff/organizations/{provider_id}/audit.csv",
    openapi_extra=audience("staff", StaffRole.REVIEWER),
    response_class=StreamingResponse,
    responses=CSV_ANSWER,
)
async def staff_organization_csv(
    provider_id: str, staff: Reviewer, ctx: Ctx, since: From = None, until: To = None
) -> StreamingResponse:
    """An organization's audit trail as a CSV file, for staff."""
    export = await audit_export.begin(
        ctx,
        by=staff.email,
        provider_id=provider_id,
        since=day(since, "from"),
        until=day(until, "to"),
    )
    return csv_response(ctx, export)


@router.get(
    "/staff/audit.csv",
    openapi_extra=audience("staff", StaffRole.REVIEWER),
    response_class=StreamingResponse,
    responses=CSV_ANSWER,
)
async def registry_csv(
    staff: Reviewer, ctx: Ctx, since: From = None, until: To = None, kind: Kind = None
) -> StreamingResponse:
    """The registry's audit trail, by Pacific dates (both whole) and kind, as a CSV file."""
    export = await audit_export.begin(
        ctx, by=staff.email, since=day(since, "from"), until=day(until, "to"), kind=kind
    )
    return csv_response(ctx, export)
