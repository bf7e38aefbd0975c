"""What an authorized representative may change after enrollment, and where a change stands."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

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


class _GivenOnly(BaseModel):
    """Serialized with only the fields given. An update says what changes: a field left out
    stays as it is, a field given as null is cleared. Without this, a round trip through
    Temporal's payloads would turn every field left out into a null that clears it."""

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        return {key: value for key, value in dumped.items() if key in self.model_fields_set}


class InfoUpdate(_GivenOnly):
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


class UserUpdate(_GivenOnly):
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
