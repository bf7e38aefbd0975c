"""What an authorized representative may change after enrollment, and where a change stands;
each change as sent is read and checked in one pass (every problem in one answer), with what
the store knows of the organization (its access level, its users' addresses). Besides users and
site information: the organization's name, its provider of record, closing a site, closing the
organization."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from cair.domain.access import AccessLevel
from cair.domain.field_rules import (
    check_address,
    check_contacts,
    check_new_user,
    check_provider_of_record,
    vfc_pin_problems,
)
from cair.domain.identifier_checks import normalize_email
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.reading import Reading, answer, read
from cair.domain.request import Address, Contacts, ProviderOfRecord, RequestedUser
from cair.domain.shapes import EmailOrBlank, VfcPin
from cair.domain.text import NOT_BLANK, OrgName, PersonName, StaffTextGiven

M = TypeVar("M", bound=BaseModel)


class ChangeKind(StrEnum):
    UPDATE_INFO = "update_info"
    ADD_USER = "add_user"
    INACTIVATE_USER = "inactivate_user"
    REACTIVATE_USER = "reactivate_user"
    CHANGE_ROLE = "change_role"
    NAME_REPRESENTATIVE = "name_representative"
    REMOVE_REPRESENTATIVE = "remove_representative"
    UPDATE_USER = "update_user"
    RENAME_ORGANIZATION = "rename_organization"
    CHANGE_PROVIDER_OF_RECORD = "change_provider_of_record"
    CLOSE_SITE = "close_site"
    CLOSE_ORGANIZATION = "close_organization"


# Changes registry staff approve before they apply: they change who answers for the
# organization's vaccines, or end its account.
NEEDS_APPROVAL = frozenset({ChangeKind.CHANGE_PROVIDER_OF_RECORD, ChangeKind.CLOSE_ORGANIZATION})
# Changes about the organization (no user); the rest name a user, or a representative.
ORGANIZATION_KINDS = frozenset(
    {
        ChangeKind.UPDATE_INFO,
        ChangeKind.ADD_USER,
        ChangeKind.RENAME_ORGANIZATION,
        ChangeKind.CHANGE_PROVIDER_OF_RECORD,
        ChangeKind.CLOSE_SITE,
        ChangeKind.CLOSE_ORGANIZATION,
    }
)


# The organization workflow's step that carries out staff's decision on a change: an incident of
# this step ends the change as failed in the change log (activities/incidents.py).
DECISION_STEP = "decide"


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
    vfc_pin: VfcPin | None = Field(
        default=None, description="Blank clears it, which a VFC provider cannot."
    )

    @model_validator(mode="after")
    def _something(self) -> InfoUpdate:
        if not self.model_fields_set:
            raise ValueError(
                "nothing to update: give at least one of contacts, physical_address, "
                "mailing_address, vaccine_delivery_address, vfc_pin"
            )
        return self


class UserUpdate(_GivenOnly):
    """A correction of a user's name or e-mail address; the User ID never changes. A field left
    out, null or blank stays as it is."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: EmailOrBlank | None = None

    @field_validator("first_name", "last_name", "email")
    @classmethod
    def _blank_is_unchanged(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _something(self) -> UserUpdate:
        if not any((self.first_name, self.last_name, self.email)):
            raise ValueError("nothing to correct: give a first name, last name or e-mail")
        return self


class OrganizationRename(BaseModel):
    """A new name for the organization, under the enrollment's rules for one."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: Annotated[OrgName, *NOT_BLANK]


class OrganizationClosure(BaseModel):
    """Closing the organization: why, in the representative's words, for registry staff."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    reason: StaffTextGiven


# ---- each change as sent, read and checked in one pass ----------------------------------------


def validate_new_user(
    data: object, *, access_level: AccessLevel | None, existing_emails: Iterable[str]
) -> RequestedUser:
    """A user to add: every problem at once, the role against the organization's level."""
    reading = read(RequestedUser, data)
    rules = (
        check_new_user(
            reading.value, access_level=access_level, existing_emails=existing_emails, path=""
        )
        if reading.value is not None
        else []
    )
    return _valid(reading, rules)


def validate_info_update(data: object, *, vfc_provider: bool, for_site: bool = False) -> InfoUpdate:
    """New information: every problem at once; ``vfc_provider`` is what the organization is;
    ``for_site``: the update names one site, which has no contacts of the organization's."""
    reading = read(InfoUpdate, data)
    rules = (
        info_problems(reading.value, vfc_provider=vfc_provider, for_site=for_site)
        if reading.value
        else []
    )
    return _valid(reading, rules)


def info_problems(info: InfoUpdate, *, vfc_provider: bool, for_site: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    if for_site and info.contacts is not None:
        problems.append(
            Problem(
                "contacts",
                "the organization's contacts are not a site's: update them without a site",
            )
        )
    if info.contacts is not None:
        problems += check_contacts(info.contacts, vfc_provider=vfc_provider)
    for name in ("physical_address", "mailing_address", "vaccine_delivery_address"):
        address = getattr(info, name)
        if address is not None:
            problems += check_address(address, name)
    if "vfc_pin" in info.model_fields_set:
        if info.vfc_pin:
            problems += vfc_pin_problems(info.vfc_pin, "vfc_pin")
        elif vfc_provider:
            problems.append(Problem("vfc_pin", "required of a VFC provider"))
    return problems


def validate_user_update(data: object, *, other_emails: Iterable[str]) -> UserUpdate:
    """A correction: every problem at once; ``other_emails`` are the organization's other
    users' addresses, which the new one must not repeat."""
    reading = read(UserUpdate, data)
    rules = []
    email = reading.value.email if reading.value is not None else None
    if email and normalize_email(email) in set(other_emails):
        rules.append(Problem("email", "a user with this e-mail already exists in the organization"))
    return _valid(reading, rules)


def validate_rename(data: object) -> OrganizationRename:
    """A new name: the enrollment's rules for an organization's name (given, plain, not too
    long)."""
    return _valid(read(OrganizationRename, data), [])


def validate_provider_of_record(data: object, *, administers: bool | None) -> ProviderOfRecord:
    """A new provider of record: every problem at once, with the enrollment's rules across
    fields — the license where the organization administers vaccines, the NPI's check digit."""
    reading = read(ProviderOfRecord, data)
    rules = (
        check_provider_of_record(reading.value, administers=administers, path="")
        if reading.value is not None
        else []
    )
    return _valid(reading, rules)


def validate_closure(data: object) -> OrganizationClosure:
    """Closing the organization: a reason is required, for registry staff to weigh."""
    return _valid(read(OrganizationClosure, data), [])


def _valid(reading: Reading[M], rules: list[Problem]) -> M:
    problems = answer(reading, rules)
    if problems or reading.value is None:
        raise InvalidRequest(problems)
    return reading.value
