"""Contracts of the UserActivationWorkflow (a user's training gate)."""

from __future__ import annotations

from dataclasses import dataclass

from cair.domain.access import Role
from cair.domain.user_states import TrainingKind, UserState


@dataclass(frozen=True)
class UserActivationInput:
    user_id: str
    role: Role
    provider_id: str
    reason: str = "enrollment"
    training_days: int = 30
    activity_timeout_seconds: float = 30.0


@dataclass(frozen=True)
class TrainingCompleted:
    kind: TrainingKind
    by: str
    date: str = ""


@dataclass(frozen=True)
class DeadlineExtension:
    days: int
    by: str


@dataclass(frozen=True)
class UserStateChange:
    user_id: str
    state: UserState
    step: str
    actor: str = "system"
    deadline: str | None = None
    training: TrainingCompleted | None = None


@dataclass
class ActivationStatus:
    user_id: str
    role: Role
    state: UserState
    deadline: str | None = None
    reminders_sent: int = 0
    held: str | None = None  # the step held for staff after it failed, and why
