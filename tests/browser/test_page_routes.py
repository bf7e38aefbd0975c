"""Every page route is guarded by construction: each carries the CSRF check, each page of an
organization's account needs its representative, each staff page a staff member; state changes
only on POST. Read off the application's routes, so a new page cannot forget."""

from __future__ import annotations

from typing import Any

from fastapi.routing import iter_route_contexts

from cair.settings import Settings
from cair.web.app import create_app
from cair.web.pages import csrf, identity
from tests.helpers.routes import dependency_calls

PUBLIC_STAFF_PATHS = {"/staff/sign-in", "/staff/sign-in/{token}"}
# The link holder of an e-mailed link is not signed in: the token is their key (an applicant's
# contact confirming at /enroll/confirm/{token} is not under /account/ at all).
PUBLIC_ACCOUNT_PATHS = {
    "/account",
    "/account/sign-in",
    "/account/sign-in/{token}",
    "/account/confirm-contact/{token}",
}


def test_every_page_route_is_guarded(tmp_path: Any) -> None:
    app = create_app(Settings(var_dir=tmp_path))
    pages = [
        r
        for r in iter_route_contexts(app.routes)
        if r.methods
        and not r.include_in_schema
        and r.path not in ("/api/docs", "/openapi.json")
        and not str(r.path).startswith("/iis/")  # SOAP: credentials in every envelope, no cookies
        and r.path != "/metrics"  # a scrape: no cookies, changes nothing (test_metrics.py)
    ]
    assert len(pages) >= 30
    for route in pages:
        path, methods = str(route.path), set(route.methods or ())
        calls = dependency_calls(route.dependant)
        names = {getattr(c, "__qualname__", "") for c in calls}
        assert csrf.check in calls, f"{path} has no CSRF check"
        if path.startswith("/account/") and path not in PUBLIC_ACCOUNT_PATHS:
            assert identity.representative_page in calls, path
        if path.startswith("/staff") and path not in PUBLIC_STAFF_PATHS:
            assert any(n.startswith("staff_page") for n in names), path
        if "GET" in methods:
            assert not methods & {"POST", "PUT", "PATCH", "DELETE"}, path
