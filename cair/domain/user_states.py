"""Where a user account stands along its training gate."""

from __future__ import annotations

from enum import StrEnum


class UserState(StrEnum):
    PENDING_TRAINING = "pending_training"
    ACTIVE = "active"
    TRAINING_EXPIRED = "training_expired"
    INACTIVE = "inactive"


class TrainingKind(StrEnum):
    WEBINAR = "webinar"
    IN_PERSON = "in_person"


# A trained Regular/Power user who was away longer than this retakes training on reactivation.
TRAINING_VALID_DAYS = 365
