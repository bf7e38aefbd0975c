"""The vocabulary of account-change plans: the facts the rules read (``AccountFacts``) and the
plan they return (``ChangePlan``: writes, a training gate to start or stop, audit values). The
rules are in :mod:`cair.domain.change_rules`; the store carries plans out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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


@dataclass(frozen=True)
class AccountFacts:
    provider_id: str
    access_level: AccessLevel
    receives_state_supplied_vaccine: bool
    contacts: dict[str, Any]
    site: dict[str, Any]
    user_emails: frozenset[str]
    active_representatives: int
    now: datetime  # workflow time: training age is measured against it
    user: UserFacts | None = None  # the user the change is about, when it names one


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
class RevokeUserLinks:
    user_id: str


@dataclass(frozen=True)
class NameRepresentative:
    user_id: str
    email: str
    name: str


@dataclass(frozen=True)
class RetireRepresentative:
    email: str


Write = (
    UpdateOrganization
    | CreateUser
    | SetUser
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
