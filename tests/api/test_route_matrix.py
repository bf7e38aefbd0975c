"""Every route of the OpenAPI document, called with every wrong identity — nobody, an applicant,
another organization's representative, staff of the wrong role — answers 401, 403 or 404, and
nothing changes: not a row in the store, not a workflow in Temporal."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select

from cair.store.models import (
    AccountChangeRow,
    AuditRow,
    Base,
    CredentialRow,
    DxFacilityConsentRow,
    EnrollmentRequestRow,
    LinkTokenRow,
    UserRow,
)
from cair.web.app import create_app
from tests.helpers.identities import Identities
from tests.helpers.paths import EXAMPLES
from tests.helpers.routes import dependency_calls
from tests.helpers.stack import Stack

# Rows counted for rate limits and idempotency, and a session's last use, may change on any
# request; everything else must not.
UNCOUNTED = {"attempts", "idempotency_keys"}
WRONG_STAFF = {"staff:reviewer": "trainer", "staff:trainer": "reviewer", "staff:admin": "reviewer"}
BODIES: dict[str, dict[str, Any]] = {
    "/info": {"vfc_pin": "654321"},
    "/users": {
        "first_name": "Ray",
        "last_name": "Vu",
        "email": "r@api-b.example",
        "role": "read_only",
    },
    "/role": {"role": "read_only"},
    "/details": {"last_name": "Changed"},
    "/representatives/remove": {"email": "someone@api-b.example"},
    "/name": {"name": "Renamed by a stranger"},
    "/provider-of-record": {"first_name": "Bea", "last_name": "Park"},
    "/close": {"reason": "not theirs to close"},
    "/reject": {"reason": "not enough"},
    "/request-changes": {"message": "the district"},
    "/training": {"kind": "webinar"},
    "/training-deadline": {"days": 5},
    "/incidents/retry": {"workflow_id": "enrollment-ENNOTREAL0"},
    "/send-back": {"message": "test again"},
    "/dx-sites": json.loads((EXAMPLES / "dx-site-registration.json").read_text()),
}


def _operations(stack: Stack) -> list[tuple[str, str, str]]:
    spec = create_app(stack.settings).openapi()
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            found.append((method.upper(), path, operation["x-audience"]))
    return found


def _fill(path: str, ids: Identities) -> str:
    return (
        path.replace("{provider_id}", ids.org_b)
        .replace("{user_id}", ids.user_b)
        .replace("{enrollment_id}", ids.enrollment_b)
        .replace("{change_id}", "CHNOTREAL01")
        .replace("{site_id}", "S100001")
        .replace("{environment}", "staging")
    )


def _body(path: str) -> dict[str, Any] | None:
    return next((body for suffix, body in BODIES.items() if path.endswith(suffix)), None)


def _wrong_identities(audience: str, ids: Identities) -> dict[str, str | None]:
    tokens = {"reviewer": ids.reviewer, "trainer": ids.trainer, "admin": ids.admin}
    wrong: dict[str, str | None] = {
        "nobody": None,
        "applicant of another enrollment": ids.applicant,
    }
    if audience == "signed-in":
        return wrong  # a real session would simply be signed out
    if audience != "representative":
        wrong["representative of another organization"] = ids.rep_a
    if audience in WRONG_STAFF:
        wrong[f"staff without {audience}"] = tokens[WRONG_STAFF[audience]]
    elif audience in ("representative", "applicant"):
        wrong["staff"] = ids.admin
    if audience == "representative":
        wrong["representative of another organization"] = ids.rep_a
    return wrong


async def _snapshot(stack: Stack) -> dict[str, Any]:
    """Row counts of every table, the state of what a request could flip, workflows started."""
    picture: dict[str, Any] = {}
    async with stack.context().db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in UNCOUNTED:
                picture[table.name] = await session.scalar(select(func.count()).select_from(table))
        picture["users"] = sorted(
            (await session.execute(select(UserRow.user_id, UserRow.state, UserRow.role))).all()
        )
        picture["stages"] = sorted(
            (
                await session.execute(select(EnrollmentRequestRow.id, EnrollmentRequestRow.stage))
            ).all()
        )
        picture["changes"] = sorted(
            (await session.execute(select(AccountChangeRow.id, AccountChangeRow.status))).all()
        )
        picture["links"] = sorted(
            (
                await session.execute(
                    select(LinkTokenRow.id, LinkTokenRow.used_at, LinkTokenRow.revoked_at)
                )
            ).all()
        )
        picture["credentials"] = sorted(
            (await session.execute(select(CredentialRow.id, CredentialRow.active))).all()
        )
        picture["audit"] = await session.scalar(select(func.max(AuditRow.id)))
        picture["facility_consents"] = sorted(
            (
                await session.execute(
                    select(DxFacilityConsentRow.client_dx_site_id, DxFacilityConsentRow.state)
                )
            ).all()
        )
    client = await stack.context().temporal()
    picture["workflows"] = (await client.count_workflows()).count
    return picture


async def test_every_route_refuses_every_wrong_identity_and_changes_nothing(
    stack: Stack, identities: Identities
) -> None:
    operations = [op for op in _operations(stack) if op[2] != "public"]
    assert len(operations) >= 25
    assert ("GET", "/api/v1/staff/overview", "staff") in operations  # any role, no one else
    assert ("GET", "/api/v1/staff/audit.csv", "staff:reviewer") in operations
    assert ("GET", "/api/v1/organizations/{provider_id}/audit.csv", "representative") in operations
    before = await _snapshot(stack)
    answers: list[tuple[str, str, str, int]] = []
    async with httpx.AsyncClient(base_url=identities.api_url, timeout=30) as api:
        for method, path, audience in operations:
            for who, token in _wrong_identities(audience, identities).items():
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                answer = await api.request(
                    method, _fill(path, identities), json=_body(path), headers=headers
                )
                answers.append((method, path, who, answer.status_code))
                problem = answer.headers["content-type"] == "application/problem+json"
                assert problem, f"{method} {path} as {who}: {answer.text}"
    wrong = [a for a in answers if a[3] not in (401, 403, 404)]
    assert not wrong, wrong
    assert len(answers) >= 90
    assert await _snapshot(stack) == before


async def test_every_route_declares_its_audience_and_guards_it(stack: Stack) -> None:
    """No route reaches an operation without its audience's dependency."""
    from fastapi.routing import iter_route_contexts

    from cair.web import identity

    guards = {
        "applicant": identity.applicant_of,
        "representative": identity.representative_of,
        "signed-in": identity.signed_in,
        "staff": identity.any_staff,
    }
    app = create_app(stack.settings)
    checked = 0
    # FastAPI keeps included routers whole; their routes, with the routers' dependencies added,
    # are read through iter_route_contexts.
    for route in iter_route_contexts(app.routes):
        if route.methods is None or not route.include_in_schema:
            continue  # mounts, and the pages (and the docs page): they have a test of their own
        checked += 1
        audience = (route.openapi_extra or {}).get("x-audience")
        assert audience, f"{route.path} declares no audience"
        if audience == "public":
            continue
        calls = dependency_calls(route.dependant)
        if audience.startswith("staff:"):
            assert any(getattr(c, "__qualname__", "").startswith("staff_with") for c in calls), (
                route.path
            )
        else:
            assert guards[audience] in calls, route.path
    assert checked >= 35  # every API route was read (a vacuous pass would read none)
