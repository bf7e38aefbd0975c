"""The web pages: server-rendered, working without script, served by the same app as the API.
Every form is guarded by a CSRF token (one dependency on the whole router)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from cair.web.pages import account, applicant, csrf, dx_sites, links, staff_console


def router() -> APIRouter:
    pages = APIRouter(dependencies=[Depends(csrf.check)], include_in_schema=False)
    for part in (
        applicant.router,
        links.router,
        account.router,
        staff_console.router,
        dx_sites.router,
    ):
        pages.include_router(part)
    return pages
