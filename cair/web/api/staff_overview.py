"""The staff overview's figures as JSON: what the overview page draws, for any staff member
(whatever their role) and for tools that chart them elsewhere."""

from __future__ import annotations

from fastapi import APIRouter

from cair.operations import overview
from cair.operations.overview import Overview
from cair.web.identity import AnyStaff, Ctx, audience

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


@router.get("/overview", openapi_extra=audience("staff"))
async def staff_overview(staff: AnyStaff, ctx: Ctx) -> Overview:
    """Enrollments per week by region (12 weeks), the open queue by stage and age, business
    days from submission to approval (90 days), users awaiting training by how near their
    deadline is, IZ Portal sites by stage. Ages and times in business days."""
    return await overview.build(ctx)
