"""The CAIR IZ Portal's enrollment of a new organization: the door of a site that will submit
immunization data electronically from its EHR. One form asks what every enrollment asks, with
the access answers that door settles (it gives vaccines and submits them: Data Exchange), and
the IZ Portal's questions about its first site; then its answers to check, then the same
enrollment, staff queue and status page as the New Enrollment form's. Each further site is
registered at the IZ Portal once the organization is enrolled (dx_sites)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.web.pages.enrollment_form import IZ_PORTAL
from cair.web.pages.enrollment_steps import enrollment_step, new_form

router = APIRouter()


@router.get(IZ_PORTAL.path, response_class=HTMLResponse)
async def form(request: Request) -> Response:
    """The form, with what the door check already knows (the county) filled in."""
    return new_form(request, IZ_PORTAL)


@router.post(IZ_PORTAL.path, response_class=HTMLResponse)
async def submit(request: Request) -> Response:
    """The form's steps, as the New Enrollment form's (``enrollment_steps``)."""
    return await enrollment_step(request, IZ_PORTAL)
