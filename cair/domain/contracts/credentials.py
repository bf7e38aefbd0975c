"""Contracts of data-exchange credentials: an organization's, issued at enrollment and re-issued
by staff through ReissueCredentialsWorkflow (an IZ Portal site's are in ``data_exchange``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CredentialIssue:
    """Issue data-exchange credentials once per ``issue_key``; a new key re-issues."""

    provider_id: str
    issue_key: str
    by: str


@dataclass(frozen=True)
class Credentials:
    """Identifiers of issued credentials; the secret never leaves the activity."""

    username: str
    facility_id: str


@dataclass(frozen=True)
class ReissueInput:
    provider_id: str
    by: str
    activity_timeout_seconds: float = 30.0
