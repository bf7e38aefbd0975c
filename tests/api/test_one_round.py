"""One round, through the HTTP API: sent empty, or with every rule broken at once, each request
is answered with one 422 problem document naming every problem — the request's shape and its
rules across fields alike, one entry per field — and nothing is started or changed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from tests.helpers.accounts import enrolled
from tests.helpers.identities import Identities
from tests.helpers.one_round import (
    BLANK_FORM,
    EMPTY_ENROLLMENT,
    EMPTY_NEW_USER,
    EMPTY_REGISTRATION,
    EVERY_CORRECTION_RULE,
    EVERY_ENROLLMENT_RULE,
    EVERY_INFO_RULE,
    EVERY_NEW_USER_RULE,
    EVERY_REGISTRATION_RULE,
    SECRET,
    blank_form,
    every_correction_rule_broken,
    every_enrollment_rule_broken,
    every_info_rule_broken,
    every_new_user_rule_broken,
    every_registration_rule_broken,
)
from tests.helpers.stack import Stack

# Organization A (the API suite's) enrolled from the school example: Read-Only, no VFC.
A_PRIMARY = "msingh@api-a.example"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def dx_representative(stack: Stack) -> tuple[str, dict[str, str]]:
    """A Data Exchange organization's representative: the one who registers sites."""
    ctx = stack.context()
    try:
        account = await enrolled(
            stack, ctx, "data-exchange", "OneRound", email_domain="one-round.example"
        )
    finally:
        await ctx.close()
    return account.provider_id, {"Authorization": f"Bearer {account.session}"}


@pytest_asyncio.fixture(loop_scope="session")
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        yield client


async def answered(
    api: httpx.AsyncClient, path: str, body: object, headers: dict[str, str] | None = None
) -> dict[str, str]:
    """The one answer: a 422 problem document; its problems by field."""
    answer = await api.post(path, json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    document: dict[str, Any] = answer.json()
    fields = [e["field"] for e in document["errors"]]
    assert len(fields) == len(set(fields)), f"one entry per field: {fields}"
    assert document["detail"] == f"{len(fields)} problem(s) in the request"
    assert SECRET not in answer.text, "a message names the rule, never the value"
    return {e["field"]: e["message"] for e in document["errors"]}


async def test_an_enrollment_empty_blank_and_broken(api: httpx.AsyncClient) -> None:
    empty = await answered(api, "/api/v1/enrollments", {})
    assert set(empty) == EMPTY_ENROLLMENT and len(empty) == len(EMPTY_ENROLLMENT)
    blank = await answered(api, "/api/v1/enrollments", blank_form())
    assert set(blank) == BLANK_FORM and len(blank) == len(BLANK_FORM)
    for field in ("provider_of_record", "users.0.role", "agreements.user_access_agreement"):
        assert field in blank
    broken = await answered(api, "/api/v1/enrollments", every_enrollment_rule_broken())
    assert set(broken) == EVERY_ENROLLMENT_RULE and len(broken) == len(EVERY_ENROLLMENT_RULE)


async def test_a_site_registration_empty_and_broken(
    api: httpx.AsyncClient, dx_representative: tuple[str, dict[str, str]]
) -> None:
    provider_id, rep = dx_representative
    path = f"/api/v1/organizations/{provider_id}/dx-sites"
    empty = await answered(api, path, {}, rep)
    assert set(empty) == EMPTY_REGISTRATION and len(empty) == len(EMPTY_REGISTRATION)
    broken = await answered(api, path, every_registration_rule_broken(), rep)
    assert set(broken) == EVERY_REGISTRATION_RULE and len(broken) == len(EVERY_REGISTRATION_RULE)
    sites = await api.get(path, headers=rep)
    # Only the first site, registered with the enrollment: nothing of the refused ones.
    assert sites.status_code == 200
    assert [s["site_id"] for s in sites.json()] == [f"{provider_id}-01"]


async def test_a_new_user_empty_and_broken(api: httpx.AsyncClient, identities: Identities) -> None:
    rep = {"Authorization": f"Bearer {identities.rep_a}"}
    path = f"/api/v1/organizations/{identities.org_a}/users"
    empty = await answered(api, path, {}, rep)
    assert set(empty) == EMPTY_NEW_USER and len(empty) == len(EMPTY_NEW_USER)
    broken = await answered(api, path, every_new_user_rule_broken(A_PRIMARY), rep)
    assert set(broken) == EVERY_NEW_USER_RULE and len(broken) == len(EVERY_NEW_USER_RULE)
    assert broken["role"].startswith("Power exceeds what a Read-Only organization allows")
    assert broken["email"] == "a user with this e-mail already exists in the organization"


async def test_an_information_update_empty_and_broken(
    api: httpx.AsyncClient, identities: Identities
) -> None:
    rep = {"Authorization": f"Bearer {identities.rep_a}"}
    path = f"/api/v1/organizations/{identities.org_a}/info"
    empty = await answered(api, path, {}, rep)
    assert list(empty) == ["(request)"] and empty["(request)"].startswith("nothing to update")
    broken = await answered(api, path, every_info_rule_broken(), rep)
    assert set(broken) == EVERY_INFO_RULE and len(broken) == len(EVERY_INFO_RULE)


async def test_a_user_correction_empty_and_broken(
    api: httpx.AsyncClient, identities: Identities
) -> None:
    rep = {"Authorization": f"Bearer {identities.rep_a}"}
    path = f"/api/v1/organizations/{identities.org_a}/users/U9999999/details"
    empty = await answered(api, path, {}, rep)
    assert list(empty) == ["(request)"] and empty["(request)"].startswith("nothing to correct")
    broken = await answered(api, path, every_correction_rule_broken(A_PRIMARY), rep)
    assert set(broken) == EVERY_CORRECTION_RULE and len(broken) == len(EVERY_CORRECTION_RULE)
