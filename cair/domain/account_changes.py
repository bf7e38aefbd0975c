"""What an authorized representative may change after enrollment, and where a change stands."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from cair.domain.request import Address, Contacts


class ChangeKind(StrEnum):
    UPDATE_INFO = "update_info"
    ADD_USER = "add_user"
    INACTIVATE_USER = "inactivate_user"
    REACTIVATE_USER = "reactivate_user"
    CHANGE_ROLE = "change_role"
    NAME_REPRESENTATIVE = "name_representative"
    REMOVE_REPRESENTATIVE = "remove_representative"


# Changes aimed at one existing user (the others add a user or edit the organization).
USER_CHANGES = frozenset(
    {
        ChangeKind.INACTIVATE_USER,
        ChangeKind.REACTIVATE_USER,
        ChangeKind.CHANGE_ROLE,
        ChangeKind.NAME_REPRESENTATIVE,
        ChangeKind.REMOVE_REPRESENTATIVE,
    }
)


class ChangeStatus(StrEnum):
    QUEUED = "queued"
    APPLIED = "applied"
    AWAITING_APPROVAL = "awaiting_approval"
    REFUSED = "refused"
    REJECTED = "rejected"
    FAILED = "failed"


class InfoUpdate(BaseModel):
    """New organization/site information; only the fields given change. The county is not
    here on purpose: moving county is a new enrollment."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    contacts: Contacts | None = None
    physical_address: Address | None = None
    mailing_address: Address | None = None
    vaccine_delivery_address: Address | None = None
    vfc_pin: str | None = None
