"""Who calls the API in the API tests (the ``identities`` fixture makes them): two
organizations' representatives, staff of each role, an applicant — each signed in the real way.
A type of its own so test modules can name it without importing a conftest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identities:
    api_url: str
    org_a: str
    org_b: str
    rep_a: str  # session token of A's representative
    rep_b: str
    user_b: str  # a user of B
    enrollment_b: str  # B's enrollment
    applicant: str  # status token of an enrollment awaiting review
    applicant_enrollment: str
    reviewer: str
    trainer: str
    admin: str
