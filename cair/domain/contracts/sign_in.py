"""Contracts of the sign-in workflow: a representative's, or (``staff_id`` set) a staff
member's single-use sign-in link."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignInInput:
    provider_id: str
    representative_id: int
    ttl_minutes: int = 15
    activity_timeout_seconds: float = 30.0
    staff_id: int | None = None
