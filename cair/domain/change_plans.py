"""The vocabulary of account-change plans: the facts the rules read (``AccountFacts``) and the
plan they return (``ChangePlan``: writes, a training gate to start or stop, audit values). The
rules are in :mod:`cair.domain.change_rules`; the store carries plans out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cair.domain.access import AccessLevel, Role
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

    def representative(self, email: str) -> RepresentativeFacts | None:
        wanted = email.strip().lower()
        return next((r for r in self.representatives if r.email.lower() == wanted), None)


# ---- what to do -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateOrganization:
    contacts: dict[str, Any] | None
    site: dict[str, Any]


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
