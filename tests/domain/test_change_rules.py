"""The account-change rules alone: facts in, a plan out, no store and no Temporal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate
from cair.domain.change_plans import (
    AccountFacts,
    CreateUser,
    RetireRepresentative,
    RevokeUserLinks,
    SetUser,
    UserFacts,
)
from cair.domain.change_rules import plan_change, plan_decision
from cair.domain.request import RequestedUser
from cair.domain.user_states import UserState

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
LEE = UserFacts(
    user_id="U1000002",
    email="lee@clinic.example",
    first_name="Lee",
    last_name="Tran",
    role=Role.REGULAR,
    state=UserState.ACTIVE,
    training_date=date(2026, 6, 1),
    gate_workflow_id="user-U1000002",
    representative=False,
)
FACTS = AccountFacts(
    provider_id="CA100001",
    access_level=AccessLevel.CLINICAL,
    receives_state_supplied_vaccine=True,
    contacts={},
    site={"vfc_pin": "123456"},
    user_emails=frozenset({"lee@clinic.example"}),
    active_representatives=1,
    now=NOW,
    user=LEE,
)


def test_raising_a_role_waits_for_staff_and_writes_nothing() -> None:
    plan = plan_change(
        ChangeKind.CHANGE_ROLE, FACTS, change_id="CH1", requested_by="r", user_id=LEE.user_id,
        role=Role.POWER,
    )  # fmt: skip
    assert plan.status == ChangeStatus.AWAITING_APPROVAL and plan.writes == ()


def test_lowering_a_trainee_ends_the_old_gate_and_opens_access_at_once() -> None:
    trainee = replace(LEE, state=UserState.PENDING_TRAINING)
    plan = plan_change(
        ChangeKind.CHANGE_ROLE, replace(FACTS, user=trainee), change_id="CH9", requested_by="r",
        user_id=LEE.user_id, role=Role.READ_ONLY,
    )  # fmt: skip
    assert plan.status == ChangeStatus.APPLIED
    assert plan.stop_gate == "user-U1000002"
    assert plan.start_gate is not None and plan.start_gate.workflow_id == "user-U1000002-CH9"
    assert plan.writes == (
        SetUser(LEE.user_id, state=UserState.ACTIVE, role=Role.READ_ONLY,
                gate_workflow_id="user-U1000002-CH9"),
    )  # fmt: skip


def test_the_last_representative_cannot_be_inactivated() -> None:
    rep = replace(LEE, representative=True)
    plan = plan_change(
        ChangeKind.INACTIVATE_USER, replace(FACTS, user=rep), change_id="CH1", requested_by="r",
        user_id=LEE.user_id,
    )  # fmt: skip
    assert plan.status == ChangeStatus.REFUSED and "last authorized representative" in plan.message


def test_inactivating_a_representative_retires_them_and_revokes_links() -> None:
    rep = replace(LEE, representative=True)
    facts = replace(FACTS, user=rep, active_representatives=2)
    plan = plan_change(
        ChangeKind.INACTIVATE_USER, facts, change_id="CH1", requested_by="r", user_id=LEE.user_id
    )
    assert RetireRepresentative(LEE.email) in plan.writes
    assert RevokeUserLinks(LEE.user_id) in plan.writes


def test_reactivation_sends_stale_training_back_to_the_gate() -> None:
    away = replace(LEE, state=UserState.INACTIVE, training_date=date(2025, 9, 1))
    plan = plan_change(
        ChangeKind.REACTIVATE_USER, replace(FACTS, user=away), change_id="CH2", requested_by="r",
        user_id=LEE.user_id,
    )  # fmt: skip
    assert "retakes" in plan.message
    assert plan.start_gate is not None and plan.start_gate.role == Role.REGULAR


def test_another_organizations_user_is_not_found() -> None:
    plan = plan_change(
        ChangeKind.INACTIVATE_USER, replace(FACTS, user=None), change_id="CH1", requested_by="r",
        user_id="U9999999",
    )  # fmt: skip
    assert plan.status == ChangeStatus.REFUSED and "no user U9999999 in CA100001" in plan.message


def test_adding_a_user_checks_the_level_and_duplicates() -> None:
    over = RequestedUser(first_name="A", last_name="B", email="a@clinic.example", role="dx_qa")
    same = RequestedUser(first_name="A", last_name="B", email="LEE@clinic.example", role="regular")
    for requested, says in ((over, "exceeds"), (same, "already exists")):
        plan = plan_change(
            ChangeKind.ADD_USER, FACTS, change_id="CH1", requested_by="r", new_user=requested
        )
        assert plan.status == ChangeStatus.REFUSED and says in plan.message
    fine = RequestedUser(first_name="Ray", last_name="Vu", email="ray@clinic.example", role="power")
    plan = plan_change(ChangeKind.ADD_USER, FACTS, change_id="CH1", requested_by="r", new_user=fine)
    assert plan.writes == (CreateUser(fine),) and plan.start_gate is not None


def test_removing_the_vfc_pin_of_a_vfc_site_is_refused() -> None:
    plan = plan_change(
        ChangeKind.UPDATE_INFO, FACTS, change_id="CH1", requested_by="r",
        info=InfoUpdate(vfc_pin=None),
    )  # fmt: skip
    assert plan.status == ChangeStatus.REFUSED and plan.message.startswith("vfc_pin:")


def test_staff_approval_of_a_raise_to_power_after_recent_training_applies_at_once() -> None:
    plan = plan_decision(
        FACTS, change_id="CH1", user_id=LEE.user_id, role=Role.POWER, approve=True, reason=""
    )
    assert plan.status == ChangeStatus.APPLIED and plan.start_gate is None
    rejected = plan_decision(
        FACTS, change_id="CH1", user_id=LEE.user_id, role=Role.POWER, approve=False, reason=" "
    )
    assert rejected.status == ChangeStatus.REJECTED and "no reason given" in rejected.message
