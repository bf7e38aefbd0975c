"""The web pages: server-rendered, working without script, served by the same app as the API.
Every form is guarded by a CSRF token (one dependency on the whole router)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from cair.web.pages import (
    account,
    applicant,
    audit_pages,
    contact_confirmation,
    csrf,
    dx_sites,
    iz_portal_enrollment,
    links,
    new_site_pages,
    staff_accounts,
    staff_console,
    staff_members,
    staff_overview,
    staff_second_factor,
    staff_training,
)


def router() -> APIRouter:
    pages = APIRouter(dependencies=[Depends(csrf.check)], include_in_schema=False)
    for part in (
        applicant.router,
        iz_portal_enrollment.router,
        links.router,
        contact_confirmation.router,
        account.router,
        staff_console.router,
        staff_overview.router,
        staff_training.router,
        staff_accounts.router,
        staff_members.router,
        audit_pages.router,
        staff_second_factor.router,
        dx_sites.router,
        new_site_pages.router,
    ):
        pages.include_router(part)
    return pages
