"""The vocabulary of account-change plans: the facts the rules read (``AccountFacts``) and the
plan they return (``ChangePlan``: writes, training gates to start or stop, data-exchange
workflows to stop, audit values). The rules are in :mod:`cair.domain.change_rules`; the store
carries plans out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cair.domain.access import AccessLevel, Role, administers_vaccines
from cair.domain.account_changes import ChangeStatus
from cair.domain.request import RequestedUser
from cair.domain.user_states import UserState

# Stands for the User ID in the message of a plan that creates the user; the store fills it in.
NEW_USER_ID = "<new user>"


# ---- what the store knows -----------------------------------------------------------------


@dataclass(frozen=True)
class UserFacts:
    user_id: str
    email: str
    first_name: str
    last_name: str
    role: Role
    state: UserState
    training_date: date | None
    gate_workflow_id: str | None
    representative: bool  # an active authorized representative


class RepresentativeSource(StrEnum):
    PRIMARY_CONTACT = "primary_contact"  # made from the enrollment's (or update's) primary contact
    NAMED = "named"  # named by a representative's change


@dataclass(frozen=True)
class RepresentativeFacts:
    email: str
    name: str
    source: RepresentativeSource
    user_id: str | None


@dataclass(frozen=True)
class SiteFacts:
    """One site of the organization: its Site ID, its values an update may change, whether it
    is closed, and the data-exchange onboarding workflow of its IZ Portal registration."""

    site_id: str
    values: dict[str, Any]  # addresses and VFC PIN, as ``SITE_FIELDS`` name them
    closed: bool = False
    dx_workflow_id: str | None = None


@dataclass(frozen=True)
class AccountFacts:
    provider_id: str
    access_level: AccessLevel
    vfc_provider: bool
    contacts: dict[str, Any]
    site: dict[str, Any]
    user_emails: frozenset[str]
    representatives: tuple[RepresentativeFacts, ...]  # the active ones
    now: datetime  # workflow time: training age is measured against it
    user: UserFacts | None = None  # the user the change is about, when it names one
    name: str = ""
    provider_of_record: dict[str, Any] | None = None
    closed: bool = False
    sites: tuple[SiteFacts, ...] = ()  # every site, the main one first
    users: tuple[UserFacts, ...] = ()  # every user (read for a closure)
    # Onboarding workflows of IZ Portal registrations with no site row (closed with the
    # organization).
    other_dx_workflow_ids: tuple[str, ...] = ()

    def representative(self, email: str) -> RepresentativeFacts | None:
        wanted = email.strip().lower()
        return next((r for r in self.representatives if r.email.lower() == wanted), None)

    def site_named(self, site_id: str) -> SiteFacts | None:
        wanted = site_id.strip().upper()
        return next((s for s in self.sites if s.site_id.upper() == wanted), None)

    @property
    def administers_vaccines(self) -> bool:
        """What the access level says of the enrollment's answer (docs/domain.md)."""
        return administers_vaccines(self.access_level)


# ---- what to do -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateOrganization:
    """Contacts of the organization, and values of one site (``site_id`` None: the main one)."""

    contacts: dict[str, Any] | None
    site: dict[str, Any]
    site_id: str | None = None


@dataclass(frozen=True)
class RenameOrganization:
    name: str


@dataclass(frozen=True)
class SetProviderOfRecord:
    provider_of_record: dict[str, Any]


@dataclass(frozen=True)
class CloseSite:
    """The site closes; its data-exchange credentials and their unused reveal links are
    revoked."""

    site_id: str


@dataclass(frozen=True)
class CloseOrganization:
    """The organization closes: every credential and unused reveal link of it revoked, its
    representatives' sessions ended. Users and sites close by their own writes."""

    reason: str


@dataclass(frozen=True)
class CreateUser:
    user: RequestedUser


@dataclass(frozen=True)
class SetUser:
    user_id: str
    state: UserState | None = None
    role: Role | None = None
    gate_workflow_id: str | None = None


@dataclass(frozen=True)
class SetUserDetails:
    """Correct a user's name or e-mail (a representative record of the user follows)."""

    user_id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class RevokeUserLinks:
    user_id: str


@dataclass(frozen=True)
class NameRepresentative:
    user_id: str | None
    email: str
    name: str
    source: RepresentativeSource = RepresentativeSource.NAMED


@dataclass(frozen=True)
class RetireRepresentative:
    email: str


Write = (
    UpdateOrganization
    | RenameOrganization
    | SetProviderOfRecord
    | CloseSite
    | CloseOrganization
    | CreateUser
    | SetUser
    | SetUserDetails
    | RevokeUserLinks
    | NameRepresentative
    | RetireRepresentative
)


@dataclass(frozen=True)
class Gate:
    """Start a training gate run. ``workflow_id`` None: the new user's own gate."""

    role: Role
    workflow_id: str | None = None


@dataclass(frozen=True)
class ChangePlan:
    status: ChangeStatus
    message: str
    user_id: str | None = None
    writes: tuple[Write, ...] = ()
    start_gate: Gate | None = None
    stop_gate: str | None = None
    notify: bool = True
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    # Addresses that gained or lost sign-in rights, or whose address changed: told by e-mail.
    also_tell: tuple[str, ...] = ()
    # More training gates to stop (a closure stops every one), and data-exchange onboarding
    # workflows to stop (a closed site's, or every site's of a closed organization).
    stop_gates: tuple[str, ...] = ()
    stop_dx: tuple[str, ...] = ()
    site_id: str | None = None  # the site the change is about, for the audit
    # A new primary contact's address, to be confirmed by an e-mailed link before staff approve.
    confirm_email: str | None = None
