"""The words a person reads for each code this service stores: roles, access levels,
organization types, stages, user states, IZ Portal stages, account changes and audit events.
Pages and e-mails show these, never the code itself (``read_only``, ``central_valley``,
``enrollment.stage``); one table per kind, so a new code without words fails a test."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from cair.domain.access import ACCESS_LEVEL_LABELS, ROLE_LABELS
from cair.domain.account_changes import ChangeKind, ChangeStatus
from cair.domain.contracts.data_exchange import DxStage
from cair.domain.stages import FOR_APPLICANTS, Stage
from cair.domain.user_states import TrainingKind, UserState

PACIFIC = ZoneInfo("America/Los_Angeles")
E = TypeVar("E", bound=StrEnum)

ORG_TYPES: dict[str, str] = {
    "healthcare_provider": "Healthcare provider",
    "school": "School",
    "childcare_facility": "Childcare facility",
    "wic_facility": "WIC facility",
    "foster_care_agency": "Foster Care agency",
}

USER_STATES: dict[UserState, str] = {
    UserState.PENDING_TRAINING: "Waiting for training",
    UserState.ACTIVE: "Active",
    UserState.TRAINING_EXPIRED: "Training deadline passed",
    UserState.INACTIVE: "Inactive",
}

TRAINING_KINDS: dict[TrainingKind, str] = {
    TrainingKind.WEBINAR: "webinar",
    TrainingKind.IN_PERSON: "in-person training",
}

DX_STAGES: dict[DxStage, str] = {
    DxStage.REGISTERED: "Registered",
    DxStage.STAGING_CREDENTIALS_ISSUED: "Staging credentials issued",
    DxStage.TESTING: "Testing on staging",
    DxStage.READY_FOR_REVIEW: "Ready for review",
    DxStage.PRODUCTION_CREDENTIALS_ISSUED: "Production credentials issued",
    DxStage.LIVE: "Live",
}

CHANGE_KINDS: dict[ChangeKind, str] = {
    ChangeKind.UPDATE_INFO: "site information updated",
    ChangeKind.ADD_USER: "user added",
    ChangeKind.INACTIVATE_USER: "user inactivated",
    ChangeKind.REACTIVATE_USER: "user reactivated",
    ChangeKind.CHANGE_ROLE: "role changed",
    ChangeKind.NAME_REPRESENTATIVE: "authorized representative named",
    ChangeKind.REMOVE_REPRESENTATIVE: "authorized representative removed",
    ChangeKind.UPDATE_USER: "user's details corrected",
    ChangeKind.RENAME_ORGANIZATION: "organization renamed",
    ChangeKind.CHANGE_PROVIDER_OF_RECORD: "provider of record changed",
    ChangeKind.CLOSE_SITE: "site closed",
    ChangeKind.CLOSE_ORGANIZATION: "organization closed",
}

CHANGE_STATUSES: dict[ChangeStatus, str] = {
    ChangeStatus.QUEUED: "queued",
    ChangeStatus.APPLIED: "done",
    ChangeStatus.AWAITING_APPROVAL: "waiting for registry staff",
    ChangeStatus.REFUSED: "not possible",
    ChangeStatus.REJECTED: "declined by registry staff",
    ChangeStatus.FAILED: "failed",
}

# Audit actions (``store/audit``): what happened, as the first words of a history line.
AUDIT_ACTIONS: dict[str, str] = {
    "enrollment.submitted": "Enrollment submitted",
    "enrollment.amended": "Enrollment corrected and sent again",
    "enrollment.stage": "Enrollment moved on",
    "organization.created": "Organization enrolled",
    "site.enrolled": "New site enrolled",
    "organization.access_level_changed": "Access level changed (site approved for data exchange)",
    "credentials.migrated": "Old credentials retired; the site gets its own",
    "user.created": "User created",
    "user.state": "User's access changed",
    "user.password_set": "Password set",
    "credentials.issued": "Data-exchange credentials issued",
    "credentials.reissued": "Data-exchange credentials issued anew",
    "credentials.revealed": "Data-exchange credentials shown",
    "incident.recorded": "A step failed and was held for staff",
    "staff.added": "Staff member added",
    "staff.roles": "Staff member's roles changed",
    "staff.restored": "Staff member added back",
    "staff.removed": "Staff member removed",
    "staff.second_factor_enrolled": "Staff member set up a second factor",
    "staff.signed_in_with_code": "Staff member signed in with a code",
    "staff.recovery_code_used": "Staff member signed in with a recovery code",
    "staff.second_factor_reset": "Staff member's second factor reset",
    "audit.exported": "Audit trail downloaded as a spreadsheet (CSV)",
    "facility_consent.accepted": "Sending Facility accepted a site of another organization",
    "facility_consent.refused": "Sending Facility refused a site of another organization",
    "retention.purged": "Ended records purged after their retention period",
    "account.add_user.approved": "New user approved",
    "account.update_info.approved": "New primary contact approved",
    "account.update_info.rejected": "New primary contact declined",
    "account.contact_confirmed": "New primary contact confirmed their address",
    "account.add_user.rejected": "New user declined",
    "account.change_role.approved": "Role raise approved",
    "account.change_role.rejected": "Role raise declined",
    "account.change_provider_of_record.approved": "New provider of record approved",
    "account.change_provider_of_record.rejected": "New provider of record declined",
    "account.close_organization.approved": "Closing the organization approved",
    "account.close_organization.rejected": "Closing the organization declined",
    "dx_credentials.staging_issued": "Staging credentials issued",
    "dx_credentials.production_issued": "Production credentials issued",
    **{f"account.{kind.value}": words.capitalize() for kind, words in CHANGE_KINDS.items()},
    **{f"dx_site.{stage.value}": f"Site: {words}" for stage, words in DX_STAGES.items()},
}

# The names of values an audit entry records, for "role: Regular → Power".
AUDIT_FIELDS: dict[str, str] = {
    "role": "role",
    "state": "access",
    "stage": "stage",
    "name": "name",
    "email": "e-mail",
    "first_name": "first name",
    "last_name": "last name",
    "access_level": "access level",
    "region": "region",
    "training": "training",
    "deadline": "training deadline",
    "provider_of_record": "provider of record",
    "license_number": "license number",
    "license_type": "license type",
    "npi": "NPI",
    "reason": "reason",
}

# Who did it, when it was not a person: the service itself.
SYSTEM_ACTORS = frozenset({"system", "enrollment", "worker", "service"})


def _by_value(table: Mapping[E, str]) -> dict[str, str]:
    return {code.value: words for code, words in table.items()}


KINDS: dict[str, dict[str, str]] = {
    "role": _by_value(ROLE_LABELS),
    "access_level": _by_value(ACCESS_LEVEL_LABELS),
    "org_type": ORG_TYPES,
    "stage": {stage.value: FOR_APPLICANTS[stage][0] for stage in Stage},
    "user_state": _by_value(USER_STATES),
    "training_kind": _by_value(TRAINING_KINDS),
    "dx_stage": _by_value(DX_STAGES),
    "change_kind": _by_value(CHANGE_KINDS),
    "change_status": _by_value(CHANGE_STATUSES),
    "audit_action": AUDIT_ACTIONS,
    "audit_field": AUDIT_FIELDS,
}


def words(kind: str, code: object) -> str:
    """The words for ``code`` of ``kind`` (``words("role", "read_only")`` → "Read-Only"); an
    unknown code reads as itself with its underscores spaced, never as nothing."""
    text = str(code.value if isinstance(code, StrEnum) else code or "")
    return KINDS[kind].get(text) or text.replace("_", " ").replace(".", " ")


def actor_words(actor: str | None) -> str:
    """Who did it: a person's address or name as recorded, or "CAIR" for the service."""
    if not actor or actor.strip().lower() in SYSTEM_ACTORS:
        return "CAIR"
    return actor


def pacific(moment: datetime | str | None) -> str:
    """A moment as California reads it, zone shown: '25 Nov 2026, 6:05 AM PST'."""
    if not moment:
        return ""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(PACIFIC)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%b %Y}, {hour}:{local:%M %p %Z}"


def _words_filter(code: object, kind: str) -> str:
    return words(kind, code)


# What pages and e-mails call them: ``{{ user.role|words("role") }}``, ``{{ at|when }}``.
TEMPLATE_FILTERS = {"words": _words_filter, "when": pacific, "actor": actor_words}
