"""Property-based fuzzing of the served OpenAPI document (schemathesis), every phase and every
check (``--checks all``): no 5xx; every answer matches the document — status, content type,
headers, body; a request the document calls valid is taken, one it calls invalid refused; an
undeclared method is a 405 naming the path's methods. Once as nobody, once as a staff admin (who
reaches every staff operation's validation and lookups).

What the document cannot state is allowed by name below: a rule across fields, a bound that moves
with the calendar. Every POST gets an Idempotency-Key of its own (schemathesis repeats generated
values; the same key with another body is refused by design)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER
from schemathesis.schemas import BaseSchema

from tests.helpers.identities import Identities
from tests.helpers.stack import Stack

# Refused (422) for a reason the document cannot state: whether what was sent is right depends
# on other fields or on what the store holds.
BEYOND_THE_DOCUMENT = [
    # the access level decides the roles, the answers what else is required, NPI check digits
    ("POST", "/api/v1/enrollments"),
    ("POST", "/api/v1/enrollments/{enrollment_id}/amendment"),
    # the county's region, the Sending Facility and the main site registered, the role's needs
    ("POST", "/api/v1/organizations/{provider_id}/dx-sites"),
    # the organization's access level and its users' addresses
    ("POST", "/api/v1/organizations/{provider_id}/users"),
    ("POST", "/api/v1/organizations/{provider_id}/users/{user_id}/details"),
    # a VFC provider keeps its PIN and its vaccine coordinator
    ("POST", "/api/v1/organizations/{provider_id}/info"),
    # a training date of the past year: the bound moves with the calendar
    ("POST", "/api/v1/staff/users/{user_id}/training"),
    # a date range whose end is not before its start; an export of at most 50,000 rows
    ("GET", "/api/v1/staff/audit"),
    ("GET", "/api/v1/staff/audit.csv"),
    ("GET", "/api/v1/organizations/{provider_id}/audit.csv"),
    ("GET", "/api/v1/staff/organizations/{provider_id}/audit.csv"),
]
TAKEN = ["2xx", "3xx", "401", "403", "404", "409", "429"]


@dataclass(frozen=True)
class Failure:
    check: str
    code: str
    operation: str
    title: str
    reproduce: str

    def __str__(self) -> str:
        return f"{self.code} {self.check} on {self.operation}: {self.title}\n{self.reproduce}"


@contextmanager
def fresh_idempotency_keys() -> Iterator[None]:
    """Each request its own key (a key over 200 characters is kept: it is refused as such)."""

    def before_call(context: Any, case: Any, kwargs: Any) -> None:
        key = (case.headers or {}).get("Idempotency-Key")
        if isinstance(key, str) and len(key) <= 200:
            case.headers["Idempotency-Key"] = str(uuid.uuid4())

    schemathesis.hook(before_call)
    try:
        yield
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)


def fuzz(stack: Stack, token: str | None, examples: int) -> tuple[int, list[Failure]]:
    """Every phase of every operation with every check; how many operations, what failed."""
    config = SchemathesisConfig.from_dict(
        {
            "workers": 1,
            "generation": {"max-examples": examples, "database": "none"},
            "operations": [
                {
                    "include-method": method,
                    "include-path": path,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*TAKEN, "422"]}},
                }
                for method, path in BEYOND_THE_DOCUMENT
            ],
            **({"auth": {"openapi": {"HTTPBearer": {"bearer": token}}}} if token else {}),
        }
    )
    config.projects.override.checks.update(included_check_names=["all"])
    schema: BaseSchema = schemathesis.openapi.from_url(
        f"{stack.api_url}/openapi.json", config=config
    )
    if token:  # signing out would leave the rest of the run signed out
        schema = schema.exclude(method="DELETE", path="/api/v1/sessions/current")
    failures: list[Failure] = []
    operations: set[str] = set()
    with fresh_idempotency_keys():
        for event in from_schema(schema).execute():
            if isinstance(event, events.NonFatalError | events.FatalError):
                raise AssertionError(f"schemathesis could not run: {event!r}")
            if not isinstance(event, events.ScenarioFinished):
                continue
            operations.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        failures.append(
                            Failure(
                                check.name,
                                str(getattr(failure, "code", "")),
                                event.recorder.label,
                                failure.title,
                                check.failure_info.code_sample,
                            )
                        )
    return len(operations), failures


# Every operation of the document, ten examples each: more than a minute on two busy cores.
@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_no_server_error_and_answers_match_the_document(stack: Stack) -> None:
    tried, failures = fuzz(stack, None, examples=10)
    assert tried >= 35
    assert not failures, "\n\n".join(map(str, failures))


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_as_staff_admin_too(stack: Stack, identities: Identities) -> None:
    tried, failures = fuzz(stack, identities.admin, examples=10)
    assert tried >= 35
    assert not failures, "\n\n".join(map(str, failures))
