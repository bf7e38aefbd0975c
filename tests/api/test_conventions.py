"""The API's conventions, held: the OpenAPI document is the committed one; POSTs honour
Idempotency-Key; errors are problem+json with one entry per field; bodies are limited; limits
answer 429 with Retry-After; tokens and ids never reach the access log."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from cair.store.models import AccountChangeRow, EnrollmentRequestRow
from cair.web.app import create_app
from tests.helpers.examples import variant
from tests.helpers.identities import Identities
from tests.helpers.paths import ROOT
from tests.helpers.stack import Stack, answers
from tests.helpers.waiting import eventually

OPENAPI = ROOT / "docs" / "openapi.json"


def served(stack: Stack) -> dict[str, Any]:
    spec: dict[str, Any] = create_app(stack.settings).openapi()
    return spec


async def test_the_committed_openapi_document_is_the_served_one(stack: Stack) -> None:
    """`make openapi` writes docs/openapi.json; a change to the API without it fails here."""
    async with httpx.AsyncClient(base_url=stack.api_url) as api:
        live = (await api.get("/openapi.json")).json()
    assert live == served(stack)
    assert json.loads(OPENAPI.read_text()) == live, "run `make openapi` and commit the file"


async def test_same_key_same_body_replays_other_body_is_refused(
    stack: Stack, identities: Identities
) -> None:
    body = variant("school", "Idempotent", email_domain="idempotent.example")
    key = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        first = await api.post("/api/v1/enrollments", json=body, headers={"Idempotency-Key": key})
        again = await api.post("/api/v1/enrollments", json=body, headers={"Idempotency-Key": key})
        other = dict(
            body, agreements={"user_access_agreement": True, "patient_notice_acknowledged": True}
        )
        other["organization"] = dict(body["organization"], name="Another Name Entirely")
        refused = await api.post(
            "/api/v1/enrollments", json=other, headers={"Idempotency-Key": key}
        )
    # The first answer holds the status token, shown once: a replay says it was done, naming
    # the enrollment, and never shows the token again.
    assert first.status_code == 201 and again.status_code == 409
    assert first.json()["id"] in again.json()["detail"]
    assert first.json()["status_token"] not in again.text
    assert refused.status_code == 422 and "another body" in refused.json()["detail"]
    async with stack.context().db.sessions() as session:
        made = await session.scalar(
            select(func.count())
            .select_from(EnrollmentRequestRow)
            .where(EnrollmentRequestRow.org_name.like("%Idempotent%"))
        )
    assert made == 1


async def test_an_account_change_retried_with_its_key_applies_once(
    stack: Stack, identities: Identities
) -> None:
    headers = {"Authorization": f"Bearer {identities.rep_a}", "Idempotency-Key": "pin-once"}
    path = f"/api/v1/organizations/{identities.org_a}/info"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        first = await api.post(path, json={"vfc_pin": "222333"}, headers=headers)
        second = await api.post(path, json={"vfc_pin": "222333"}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["change_id"] == second.json()["change_id"]
    async with stack.context().db.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AccountChangeRow)
            .where(AccountChangeRow.change_id == first.json()["change_id"])
        )
    assert count == 1


async def test_errors_are_problem_documents_with_one_entry_per_field(stack: Stack) -> None:
    broken = variant("clinic", "Problems")
    broken["organization"]["type"] = "veterinary_clinic"
    broken["users"][0]["email"] = "nope"
    broken["organization"]["name"] = "x" * 5000
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        structural = await api.post("/api/v1/enrollments", json=broken)
        broken["organization"]["name"] = "Fine Name"
        rules = await api.post("/api/v1/enrollments", json=broken)
        not_json = await api.post(
            "/api/v1/enrollments",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        array = await api.post("/api/v1/enrollments", json=[1, 2])
        huge = await api.post("/api/v1/enrollments", content=b"x" * 300_000)
        unknown = await api.get("/api/v1/nothing/here")
    for answer in (structural, rules, not_json, array, huge, unknown):
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["status"] == answer.status_code and problem["title"]
    assert structural.status_code == 422  # the shape and the rules in one answer
    named = {e["field"] for e in structural.json()["errors"]}
    assert named == {"organization.name", "organization.type", "users.0.email"}
    assert rules.status_code == 422
    fields = {e["field"]: e["message"] for e in rules.json()["errors"]}
    assert set(fields) == {"organization.type", "users.0.email"}
    assert "healthcare_provider" in fields["organization.type"]
    assert "veterinary_clinic" not in rules.text, "a message names the rule, not the value"
    assert (
        not_json.status_code == 422 and not_json.json()["errors"][0]["message"] == "not valid JSON"
    )
    assert array.status_code == 422 and array.json()["errors"][0]["field"] == "(request)"
    assert huge.status_code == 413
    assert unknown.status_code == 404


async def test_rate_limits_answer_429_with_retry_after(
    stack: Stack, identities: Identities
) -> None:
    """The stack's limits are high for the other tests; a staff sign-in flood is measured per
    address against the real limit here through a stricter API process."""
    env = {**stack.env, "CAIR_SIGN_IN_LIMIT_PER_ADDRESS": "2"}
    strict = Stack(
        name=stack.name,
        settings=stack.settings,
        env=env,
        outbox=stack.outbox,
        var_dir=stack.var_dir,
    )
    process = strict.start_api()
    try:
        await eventually(lambda: answers(strict.api_url + "/healthz"), timeout=60)
        async with httpx.AsyncClient(base_url=strict.api_url, timeout=30) as api:
            codes = []
            for _ in range(3):
                answer = await api.post(
                    "/api/v1/staff/sign-in", json={"email": "flood@staff.example"}
                )
                codes.append(answer.status_code)
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert codes == [202, 202, 429]
    assert int(answer.headers["retry-after"]) > 0
    assert answer.headers["content-type"] == "application/problem+json"


async def test_access_log_has_no_token_and_no_id(stack: Stack, identities: Identities) -> None:
    """Route templates, never the ids or tokens of a request."""
    log = "\n".join(p.read_text() for p in stack.var_dir.glob("api-*.log"))
    assert "cair.access" in log and "/api/v1/organizations/{provider_id}" in log
    for secret in (identities.rep_a, identities.applicant, identities.admin):
        assert secret not in log
    assert identities.org_b not in log and identities.enrollment_b not in log
