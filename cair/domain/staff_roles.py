"""What registry staff may do, by role. An admin may do everything a reviewer or trainer may."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class StaffRole(StrEnum):
    REVIEWER = "reviewer"  # enrollments: review, decide; account changes that raise access
    TRAINER = "trainer"  # users awaiting training: record it, extend the deadline
    ADMIN = "admin"  # all of the above, credentials re-issue, held steps, staff accounts


def may_act_as(roles: Iterable[StaffRole], needed: StaffRole) -> bool:
    held = set(roles)
    return needed in held or StaffRole.ADMIN in held
