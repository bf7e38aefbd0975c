"""The account-change rules alone: facts in, a plan out, no store and no Temporal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial

from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate, UserUpdate
from cair.domain.change_plans import (
    AccountFacts,
    ChangePlan,
    CreateUser,
    NameRepresentative,
    RepresentativeFacts,
    RepresentativeSource,
    RetireRepresentative,
    RevokeUserLinks,
    SetUser,
    SetUserDetails,
    UserFacts,
)
from cair.domain.change_rules import plan_change, plan_decision
from cair.domain.request import Contact, Contacts, RequestedUser
from cair.domain.user_states import UserState

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SAM = RepresentativeFacts(
    email="sam@clinic.example",
    name="Sam Okafor",
    source=RepresentativeSource.PRIMARY_CONTACT,
    user_id=None,
)
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
    vfc_provider=True,
    contacts={},
    site={"vfc_pin": "123456"},
    user_emails=frozenset({"lee@clinic.example"}),
    representatives=(SAM,),
    now=NOW,
    user=LEE,
)
# Who asks for a change, and its id, make no difference to the rules.
planned = partial(plan_change, change_id="CH1", requested_by="r")


def test_raising_a_role_waits_for_staff_and_writes_nothing() -> None:
    plan = planned(ChangeKind.CHANGE_ROLE, FACTS, user_id=LEE.user_id, role=Role.POWER)
    assert plan.status == ChangeStatus.AWAITING_APPROVAL and plan.writes == ()


def test_lowering_a_trainee_ends_the_old_gate_and_opens_access_at_once() -> None:
    trainee = replace(LEE, state=UserState.PENDING_TRAINING)
    plan = planned(
        ChangeKind.CHANGE_ROLE,
        replace(FACTS, user=trainee),
        change_id="CH9",
        user_id=LEE.user_id,
        role=Role.READ_ONLY,
    )
    assert plan.status == ChangeStatus.APPLIED
    assert plan.stop_gate == "user-U1000002"
    assert plan.start_gate is not None and plan.start_gate.workflow_id == "user-U1000002-CH9"
    assert plan.writes == (
        SetUser(
            LEE.user_id,
            state=UserState.ACTIVE,
            role=Role.READ_ONLY,
            gate_workflow_id="user-U1000002-CH9",
        ),
    )


def test_the_last_representative_cannot_be_inactivated() -> None:
    rep = replace(LEE, representative=True)
    facts = replace(FACTS, user=rep, representatives=(_rep_of(LEE),))
    plan = planned(ChangeKind.INACTIVATE_USER, facts, user_id=LEE.user_id)
    assert plan.status == ChangeStatus.REFUSED and "last authorized representative" in plan.message


def test_inactivating_a_representative_retires_them_and_revokes_links() -> None:
    rep = replace(LEE, representative=True)
    facts = replace(FACTS, user=rep, representatives=(SAM, _rep_of(LEE)))
    plan = planned(ChangeKind.INACTIVATE_USER, facts, user_id=LEE.user_id)
    assert RetireRepresentative(LEE.email) in plan.writes
    assert RevokeUserLinks(LEE.user_id) in plan.writes


def test_reactivation_sends_stale_training_back_to_the_gate() -> None:
    away = replace(LEE, state=UserState.INACTIVE, training_date=date(2025, 9, 1))
    plan = planned(
        ChangeKind.REACTIVATE_USER, replace(FACTS, user=away), change_id="CH2", user_id=LEE.user_id
    )
    assert "retakes" in plan.message
    assert plan.start_gate is not None and plan.start_gate.role == Role.REGULAR


def test_another_organizations_user_is_not_found() -> None:
    plan = planned(ChangeKind.INACTIVATE_USER, replace(FACTS, user=None), user_id="U9999999")
    assert plan.status == ChangeStatus.REFUSED and "no user U9999999 in CA100001" in plan.message


def test_adding_a_user_checks_the_level_and_duplicates() -> None:
    over = RequestedUser(first_name="A", last_name="B", email="a@clinic.example", role="dx_qa")
    same = RequestedUser(first_name="A", last_name="B", email="LEE@clinic.example", role="regular")
    for requested, says in ((over, "exceeds"), (same, "already exists")):
        plan = planned(ChangeKind.ADD_USER, FACTS, new_user=requested)
        assert plan.status == ChangeStatus.REFUSED and says in plan.message
    viewer = RequestedUser(
        first_name="Vi", last_name="Ew", email="vi@clinic.example", role="read_only"
    )
    plan = planned(ChangeKind.ADD_USER, FACTS, new_user=viewer)
    assert plan.status == ChangeStatus.APPLIED and plan.writes == (CreateUser(viewer),)


def test_a_new_user_above_read_only_waits_for_staff_like_a_raise() -> None:
    """Otherwise adding a new Power user would be the way around approving a raise."""
    power = RequestedUser(
        first_name="Ray", last_name="Vu", email="ray@clinic.example", role="power"
    )
    for role in ("regular", "power"):
        asked = RequestedUser.model_validate({**power.model_dump(), "role": role})
        plan = planned(ChangeKind.ADD_USER, FACTS, new_user=asked)
        assert plan.status == ChangeStatus.AWAITING_APPROVAL and not plan.writes
        assert "waits for registry staff approval" in plan.message
    approved = plan_decision(
        FACTS,
        change_id="CH9",
        user_id=None,
        approve=True,
        reason="",
        kind=ChangeKind.ADD_USER,
        new_user=power,
    )
    assert approved.status == ChangeStatus.APPLIED and approved.writes == (CreateUser(power),)
    assert approved.start_gate is not None and approved.start_gate.role == Role.POWER
    taken = replace(FACTS, user_emails=frozenset({*FACTS.user_emails, "ray@clinic.example"}))
    meanwhile = plan_decision(
        taken,
        change_id="CH9",
        user_id=None,
        approve=True,
        reason="",
        kind=ChangeKind.ADD_USER,
        new_user=power,
    )
    assert meanwhile.status == ChangeStatus.REFUSED and "already exists" in meanwhile.message


def test_removing_the_vfc_pin_of_a_vfc_site_is_refused() -> None:
    plan = planned(ChangeKind.UPDATE_INFO, FACTS, info=InfoUpdate(vfc_pin=None))
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


def _rep_of(user: UserFacts) -> RepresentativeFacts:
    return RepresentativeFacts(
        user.email, f"{user.first_name} {user.last_name}", RepresentativeSource.NAMED, user.user_id
    )


def test_a_new_primary_contact_takes_over_the_old_ones_sign_in() -> None:
    """The representative made from the old primary contact is retired, the new primary
    contact becomes one, and both addresses are told."""
    facts = replace(FACTS, contacts={"primary": {"email": "sam@clinic.example"}})
    new = Contacts(
        primary=Contact(
            first_name="Ana", last_name="Diaz", email="ana@clinic.example", phone="510-555-0199"
        ),
        vaccine_coordinator=Contact(first_name="Lee", last_name="Tran", email="lee@clinic.example"),
    )
    asked = planned(ChangeKind.UPDATE_INFO, facts, info=InfoUpdate(contacts=new))
    # A new address would gain a representative's rights: confirmed by link, approved by staff.
    assert asked.status == ChangeStatus.AWAITING_APPROVAL and not asked.writes
    assert asked.confirm_email == "ana@clinic.example"

    def decided(facts: AccountFacts, confirmed: bool) -> ChangePlan:
        return plan_decision(
            facts,
            change_id="CH7",
            user_id=None,
            approve=True,
            reason="",
            kind=ChangeKind.UPDATE_INFO,
            info=InfoUpdate(contacts=new),
            contact_confirmed=confirmed,
        )

    assert decided(facts, False).status == ChangeStatus.REFUSED
    plan = decided(facts, True)
    assert plan.status == ChangeStatus.APPLIED
    ana = NameRepresentative(
        None, "ana@clinic.example", "Ana Diaz", RepresentativeSource.PRIMARY_CONTACT
    )
    assert ana in plan.writes
    assert RetireRepresentative("sam@clinic.example") in plan.writes
    assert set(plan.also_tell) == {"ana@clinic.example", "sam@clinic.example"}
    named = replace(SAM, source=RepresentativeSource.NAMED)
    kept = decided(replace(facts, representatives=(named,)), True)
    assert RetireRepresentative("sam@clinic.example") not in kept.writes


def test_a_representative_who_is_no_user_is_removed_by_address() -> None:
    facts = replace(FACTS, representatives=(SAM, _rep_of(LEE)))
    plan = planned(ChangeKind.REMOVE_REPRESENTATIVE, facts, email="SAM@clinic.example")
    assert plan.writes == (RetireRepresentative("sam@clinic.example"),)
    unknown = planned(ChangeKind.REMOVE_REPRESENTATIVE, facts, email="nobody@clinic.example")
    assert unknown.status == ChangeStatus.REFUSED


def test_a_users_name_and_address_are_corrected_and_the_old_address_told() -> None:
    plan = planned(
        ChangeKind.UPDATE_USER,
        FACTS,
        user_id=LEE.user_id,
        user_update=UserUpdate(last_name="Tran-Wu", email="lee.tw@clinic.example"),
    )
    assert plan.writes == (SetUserDetails(LEE.user_id, None, "Tran-Wu", "lee.tw@clinic.example"),)
    assert plan.also_tell == ("lee@clinic.example",)
    crowded = replace(FACTS, user_emails=FACTS.user_emails | {"jo@clinic.example"})
    taken = planned(
        ChangeKind.UPDATE_USER,
        crowded,
        user_id=LEE.user_id,
        user_update=UserUpdate(email="jo@clinic.example"),
    )
    assert taken.status == ChangeStatus.REFUSED and "already exists" in taken.message
