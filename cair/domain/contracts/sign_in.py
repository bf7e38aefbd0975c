"""Contracts of the RepresentativeSignInWorkflow."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignInInput:
    provider_id: str
    representative_id: int
    ttl_minutes: int = 15
    activity_timeout_seconds: float = 30.0
