"""Every code a page or e-mail may show has words, and times read in California's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import ChangeKind, ChangeStatus
from cair.domain.contracts.data_exchange import DxStage
from cair.domain.plain_words import AUDIT_ACTIONS, KINDS, actor_words, pacific, words
from cair.domain.stages import Stage
from cair.domain.user_states import TrainingKind, UserState
from tests.helpers.paths import ROOT

ENUMS = {
    "role": Role,
    "access_level": AccessLevel,
    "stage": Stage,
    "user_state": UserState,
    "training_kind": TrainingKind,
    "dx_stage": DxStage,
    "change_kind": ChangeKind,
    "change_status": ChangeStatus,
}


@pytest.mark.parametrize("kind", sorted(ENUMS))
def test_every_code_of_every_kind_has_words(kind: str) -> None:
    for code in ENUMS[kind]:
        assert KINDS[kind].get(code.value), f"{kind} {code.value} has no words"
        assert "_" not in words(kind, code)


def test_every_audit_action_the_code_writes_has_words() -> None:
    action = re.compile(r'(?:action=|else )"([a-z_]+(?:\.[a-z_]+)+)"')
    written = {
        found
        for path in (ROOT / "cair").rglob("*.py")
        for call in path.read_text().split("audit.append(")[1:]
        for found in action.findall(call[:1200])
    }
    assert "enrollment.stage" in written
    assert written <= set(AUDIT_ACTIONS), sorted(written - set(AUDIT_ACTIONS))


def test_times_read_in_pacific_time_with_the_zone() -> None:
    assert pacific("2026-11-25T14:05:00+00:00") == "25 Nov 2026, 6:05 AM PST"
    assert pacific(datetime(2026, 7, 4, 20, 0, tzinfo=UTC)) == "4 Jul 2026, 1:00 PM PDT"
    assert pacific(None) == ""


def test_the_service_itself_is_named_cair() -> None:
    assert actor_words("system") == "CAIR"
    assert actor_words("dana.staff@cair.test") == "dana.staff@cair.test"
