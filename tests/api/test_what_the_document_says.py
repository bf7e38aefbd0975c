"""The OpenAPI document says what the server enforces: required and non-blank text, lengths,
the shapes of identifiers, the answers a field takes; a 405 names the methods its path takes;
a training date is one of the past year."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pydantic import ValidationError

from cair.domain.counties import CALIFORNIA_COUNTIES
from cair.domain.plain_words import PACIFIC
from cair.settings import Settings
from cair.web.api.schemas import TrainingBody
from cair.web.app import create_app
from tests.helpers.identities import Identities
from tests.helpers.stack import Stack

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(_env_file=None, var_dir=tmp_path_factory.mktemp("document"))
    spec: dict[str, Any] = create_app(settings).openapi()
    return spec


@pytest_asyncio.fixture(loop_scope="session")
async def app_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(_env_file=None, var_dir=tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cair.test") as client:
        yield client


def schema_of(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


def test_the_request_models_state_their_rules(document: dict[str, Any]) -> None:
    user = schema_of(document, "RequestedUser")["properties"]
    assert user["role"]["enum"] == ["read_only", "regular", "power", "dx_qa"]
    assert user["first_name"]["minLength"] == 1 and user["first_name"]["maxLength"] == 80
    assert "pattern" in user["first_name"] and "pattern" in user["email"]
    organization = schema_of(document, "Organization")["properties"]
    assert organization["county"]["enum"] == list(CALIFORNIA_COUNTIES)
    assert "Alameda County" in organization["county"]["description"]
    assert organization["type"]["enum"][0] == "healthcare_provider"
    address = schema_of(document, "Address")
    assert address["properties"]["state"]["enum"] == ["CA"]
    assert address["properties"]["zip"]["pattern"].startswith("^(?:9")
    assert set(address["required"]) == {"line1", "city", "state", "zip"}
    primary = schema_of(document, "PrimaryContact")
    assert "phone" in primary["required"]
    npi = schema_of(document, "ProviderOfRecord")["properties"]["npi"]["anyOf"][0]
    assert npi["pattern"] == "^(?:[12][0-9]{9})?$"
    request = schema_of(document, "EnrollmentRequest")["properties"]
    assert request["users"]["minItems"] == 1 and request["users"]["maxItems"] == 50
    agreements = schema_of(document, "Agreements")["properties"]
    assert agreements["user_access_agreement"]["const"] is True
    registration = schema_of(document, "SiteRegistration")["properties"]
    assert registration["role"]["enum"] == [1, 2, 3]
    training = schema_of(document, "TrainingBody")["properties"]
    assert "a year ago" in training["date"]["description"]


def test_bodies_the_domain_reads_are_documented_as_their_models(document: dict[str, Any]) -> None:
    for path, model in (
        ("/api/v1/enrollments", "EnrollmentRequest"),
        ("/api/v1/organizations/{provider_id}/dx-sites", "SiteRegistration"),
        ("/api/v1/organizations/{provider_id}/users", "RequestedUser"),
        ("/api/v1/organizations/{provider_id}/info", "InfoUpdate"),
        ("/api/v1/organizations/{provider_id}/users/{user_id}/details", "UserUpdate"),
    ):
        body = document["paths"][path]["post"]["requestBody"]
        assert body["required"] is True
        assert body["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{model}"
        }


async def test_a_405_names_every_method_of_its_path(
    document: dict[str, Any], app_client: httpx.AsyncClient
) -> None:
    for path, operations in document["paths"].items():
        declared = sorted(method.upper() for method in operations)
        concrete = path.replace("{environment}", "staging")
        for name in ("provider_id", "user_id", "site_id", "enrollment_id", "change_id"):
            concrete = concrete.replace("{" + name + "}", "X1")
        for method in HTTP_METHODS:
            if method in declared or (method == "HEAD" and "GET" in declared):
                continue
            answer = await app_client.request(method, concrete)
            assert answer.status_code == 405, (method, path, answer.status_code)
            allowed = sorted(m.strip() for m in answer.headers["allow"].split(","))
            assert allowed == declared, (method, path)


def test_a_training_date_is_one_of_the_past_year() -> None:
    today = dt.datetime.now(PACIFIC).date()
    year_ago = today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) else None
    assert TrainingBody(kind="webinar", date=today).date == today
    if year_ago is not None:
        assert TrainingBody(kind="in_person", date=year_ago).date == year_ago
        too_old = year_ago - dt.timedelta(days=1)
    else:
        too_old = today - dt.timedelta(days=367)
    for wrong in (today + dt.timedelta(days=1), too_old):
        with pytest.raises(ValidationError, match="must be between .* and today"):
            TrainingBody(kind="webinar", date=wrong)
    with pytest.raises(ValidationError):
        TrainingBody.model_validate({"kind": "video"})


async def test_a_training_date_out_of_the_year_is_refused_by_field(
    stack: Stack, identities: Identities
) -> None:
    tomorrow = dt.datetime.now(PACIFIC).date() + dt.timedelta(days=1)
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        answer = await api.post(
            f"/api/v1/staff/users/{identities.user_b}/training",
            json={"kind": "webinar", "date": tomorrow.isoformat()},
            headers={"Authorization": f"Bearer {identities.trainer}"},
        )
    assert answer.status_code == 422
    (problem,) = answer.json()["errors"]
    assert problem["field"] == "date"
    assert problem["message"].startswith("must be between ") and problem["message"].endswith(
        " and today"
    )
