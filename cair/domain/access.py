"""Access levels, user roles and the training each role needs (docs/domain.md)."""

from __future__ import annotations

from enum import StrEnum

from cair.domain.request import AccessAnswers


class AccessLevel(StrEnum):
    DATA_EXCHANGE = "data_exchange"
    CLINICAL = "clinical"
    LIMITED_CLINICAL = "limited_clinical"
    READ_ONLY = "read_only"


class Role(StrEnum):
    READ_ONLY = "read_only"
    REGULAR = "regular"
    POWER = "power"
    DX_QA = "dx_qa"


ROLE_LABELS: dict[Role, str] = {
    Role.READ_ONLY: "Read-Only",
    Role.REGULAR: "Regular",
    Role.POWER: "Power",
    Role.DX_QA: "DX QA",
}

ACCESS_LEVEL_LABELS: dict[AccessLevel, str] = {
    AccessLevel.DATA_EXCHANGE: "Data Exchange",
    AccessLevel.CLINICAL: "Clinical",
    AccessLevel.LIMITED_CLINICAL: "Limited Clinical",
    AccessLevel.READ_ONLY: "Read-Only",
}

# Rank of the clinical roles; DX QA stands apart (data-exchange monitoring only).
_ROLE_RANK = {Role.READ_ONLY: 0, Role.REGULAR: 1, Role.POWER: 2, Role.DX_QA: 0}

ALLOWED_ROLES: dict[AccessLevel, frozenset[Role]] = {
    AccessLevel.READ_ONLY: frozenset({Role.READ_ONLY}),
    AccessLevel.LIMITED_CLINICAL: frozenset({Role.READ_ONLY, Role.REGULAR}),
    AccessLevel.CLINICAL: frozenset({Role.READ_ONLY, Role.REGULAR, Role.POWER}),
    AccessLevel.DATA_EXCHANGE: frozenset({Role.READ_ONLY, Role.REGULAR, Role.POWER, Role.DX_QA}),
}


def derive_access_level(answers: AccessAnswers) -> AccessLevel | None:
    """The organization's access level from its answers; None when the answers contradict."""
    if answers.administers_vaccines:
        return AccessLevel.DATA_EXCHANGE if answers.submits_electronically else AccessLevel.CLINICAL
    if answers.submits_electronically:
        return None  # sends doses electronically without administering any: contradictory
    return (
        AccessLevel.LIMITED_CLINICAL if answers.enters_historical_doses else AccessLevel.READ_ONLY
    )


def administers_vaccines(level: AccessLevel) -> bool:
    """Only a Clinical or Data Exchange organization answered that it administers vaccines."""
    return level in (AccessLevel.CLINICAL, AccessLevel.DATA_EXCHANGE)


def role_allowed(role: Role, level: AccessLevel) -> bool:
    return role in ALLOWED_ROLES[level]


def needs_training(role: Role) -> bool:
    """Regular and Power users train (webinar or in person) before they get access."""
    return role in (Role.REGULAR, Role.POWER)


def is_raise(old: Role, new: Role) -> bool:
    """A change that grants more than the user had; it needs staff approval."""
    if new == Role.DX_QA:
        return old != Role.DX_QA
    return _ROLE_RANK[new] > _ROLE_RANK[old] or (old == Role.DX_QA and new != Role.READ_ONLY)
