"""What an authorized representative may change after enrollment, and where a change stands."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from cair.domain.request import Address, Contacts
from cair.domain.text import EmailText, PersonName, VfcPin


class ChangeKind(StrEnum):
    UPDATE_INFO = "update_info"
    ADD_USER = "add_user"
    INACTIVATE_USER = "inactivate_user"
    REACTIVATE_USER = "reactivate_user"
    CHANGE_ROLE = "change_role"
    NAME_REPRESENTATIVE = "name_representative"
    REMOVE_REPRESENTATIVE = "remove_representative"
    UPDATE_USER = "update_user"


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
    vfc_pin: VfcPin | None = None

    @model_validator(mode="after")
    def _something(self) -> InfoUpdate:
        if not self.model_fields_set:
            raise ValueError(
                "nothing to update: give at least one of contacts, physical_address, "
                "mailing_address, vaccine_delivery_address, vfc_pin"
            )
        return self


class UserUpdate(BaseModel):
    """A correction of a user's name or e-mail address; the User ID never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: EmailText | None = None

    @model_validator(mode="after")
    def _something(self) -> UserUpdate:
        if not any((self.first_name, self.last_name, self.email)):
            raise ValueError("nothing to correct: give a first name, last name or e-mail")
        return self
