"""Every identifier this service mints, in one place: the tracking, Provider, user and change ids
people read, and the Temporal workflow ids made of them. No other module formats one, so a
workflow, an activity, a client and a test always agree on where a thing lives."""

from __future__ import annotations

import secrets

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # base 32 without I, L, O, U: read out on the phone


# ---- identifiers people read ------------------------------------------------------------------


def new_enrollment_id() -> str:
    """A tracking id, e.g. ``EN7K3M9QX2``."""
    return "EN" + "".join(secrets.choice(_CROCKFORD) for _ in range(8))


def enrollment_id_from(seed: bytes) -> str:
    """A tracking id derived from a secret seed: a form sent twice names one enrollment."""
    return "EN" + "".join(_CROCKFORD[b % len(_CROCKFORD)] for b in seed[:8])


def provider_id_for(row_number: int) -> str:
    """The CAIR Provider ID of the n-th organization, e.g. ``CA100001``."""
    return f"CA{100000 + row_number:06d}"


def facility_id_for(provider_id: str, site_number: int = 1) -> str:
    """A site's facility id, used in data exchange, e.g. ``CA100001-01``."""
    return f"{provider_id}-{site_number:02d}"


def user_id_for(row_number: int) -> str:
    """The User ID of the n-th user, e.g. ``U1000001``."""
    return f"U{1000000 + row_number:07d}"


def dx_site_username_for(site_id: str, environment: str) -> str:
    """A site's username in one environment, e.g. ``ca100001-01-staging``."""
    return f"{site_id.lower()}-{environment}"


def new_change_id() -> str:
    """An account change id, e.g. ``CH0A1B2C3D4E``."""
    return "CH" + secrets.token_hex(5).upper()


def new_nonce() -> str:
    """A short random suffix for workflows that may run many times for one subject."""
    return secrets.token_hex(4)


# ---- Temporal workflow ids --------------------------------------------------------------------


def enrollment_workflow_id(enrollment_id: str) -> str:
    return f"enrollment-{enrollment_id}"


def dx_onboarding_workflow_id(site_id: str) -> str:
    return f"dx-site-{site_id}"


def site_credentials_workflow_id(site_id: str, environment: str, issue_number: int) -> str:
    return f"credentials-{site_id}-{environment}-{issue_number}"


def organization_workflow_id(provider_id: str) -> str:
    return f"org-{provider_id}"


def user_gate_workflow_id(user_id: str, change_id: str | None = None) -> str:
    """The training gate of a user; an account change that reopens the gate gets its own run."""
    return f"user-{user_id}" if change_id is None else f"user-{user_id}-{change_id}"


def sign_in_workflow_id(provider_id: str, nonce: str) -> str:
    return f"sign-in-{provider_id}-{nonce}"


def staff_sign_in_workflow_id(nonce: str) -> str:
    return f"sign-in-staff-{nonce}"


def credentials_workflow_id(provider_id: str, issue_number: int) -> str:
    return f"credentials-{provider_id}-{issue_number}"


def retention_schedule_id() -> str:
    """The one Temporal Schedule that purges what is past its retention period."""
    return "retention"


def retention_workflow_id() -> str:
    """Its runs' id; a Schedule appends each run's start time, so no two runs share one."""
    return "retention"
