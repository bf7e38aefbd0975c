"""Property-based fuzzing of the served OpenAPI document (schemathesis): whatever a client sends,
no 5xx, and every answer matches the document — status, content type, body schema. Once as
nobody, once as a staff admin (who reaches every staff operation's validation and lookups)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers.identities import Identities
from tests.helpers.stack import Stack

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fuzz(stack: Stack, headers: dict[str, str], examples: int) -> int:
    """Run every operation's generated cases; returns how many operations were tried."""
    schema = schemathesis.openapi.from_url(f"{stack.api_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
    return len(operations)


async def test_no_server_error_and_answers_match_the_document(stack: Stack) -> None:
    assert fuzz(stack, {}, examples=10) >= 35


async def test_as_staff_admin_too(stack: Stack, identities: Identities) -> None:
    assert fuzz(stack, {"Authorization": f"Bearer {identities.admin}"}, examples=10) >= 35
