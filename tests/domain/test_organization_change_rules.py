"""The organization-level account-change rules alone: renaming, a new provider of record (it
waits for staff), a site's own information, closing a site, closing the organization (it waits
for staff, then ends everything). Facts in, a plan out, no store and no Temporal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial

import pytest

from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import (
    ChangeKind,
    ChangeStatus,
    InfoUpdate,
    validate_closure,
    validate_info_update,
    validate_provider_of_record,
    validate_rename,
)
from cair.domain.change_plans import (
    AccountFacts,
    CloseOrganization,
    CloseSite,
    RenameOrganization,
    RepresentativeFacts,
    RepresentativeSource,
    RevokeUserLinks,
    SetProviderOfRecord,
    SetUser,
    SiteFacts,
    UpdateOrganization,
    UserFacts,
)
from cair.domain.change_rules import plan_change, plan_decision
from cair.domain.problems import InvalidRequest
from cair.domain.request import Address, ProviderOfRecord
from cair.domain.user_states import UserState

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SAM = RepresentativeFacts(
    email="sam@clinic.example",
    name="Sam Okafor",
    source=RepresentativeSource.PRIMARY_CONTACT,
    user_id="U1000001",
)
LEE = UserFacts(
    user_id="U1000002",
    email="lee@clinic.example",
    first_name="Lee",
    last_name="Tran",
    role=Role.REGULAR,
    state=UserState.PENDING_TRAINING,
    training_date=None,
    gate_workflow_id="user-U1000002",
    representative=False,
)
JO = replace(
    LEE,
    user_id="U1000003",
    email="jo@clinic.example",
    role=Role.READ_ONLY,
    state=UserState.ACTIVE,
    training_date=date(2026, 6, 1),
    gate_workflow_id="user-U1000003",
)
GONE = replace(JO, user_id="U1000004", email="gone@clinic.example", state=UserState.INACTIVE)
MAIN = SiteFacts(site_id="CA100001-01", values={"vfc_pin": "123456"})
SECOND = SiteFacts(
    site_id="CA100001-02", values={"vfc_pin": None}, dx_workflow_id="dx-site-CA100001-02"
)
DR_ADA = {"first_name": "Ada", "last_name": "Park", "license_number": "A123456"}
FACTS = AccountFacts(
    provider_id="CA100001",
    access_level=AccessLevel.CLINICAL,
    vfc_provider=True,
    contacts={},
    site={"vfc_pin": "123456"},
    user_emails=frozenset({"lee@clinic.example", "jo@clinic.example"}),
    representatives=(SAM,),
    now=NOW,
    name="Lakeshore Family Medicine",
    provider_of_record={**DR_ADA, "license_type": "MD", "npi": None},
    sites=(MAIN, SECOND),
    users=(LEE, JO, GONE),
)
planned = partial(plan_change, change_id="CH1", requested_by="sam@clinic.example")
VALID_NPI = "1234567893"


def _provider(**given: str) -> ProviderOfRecord:
    return ProviderOfRecord.model_validate({**DR_ADA, "license_type": "MD", **given})


def test_renaming_applies_at_once_with_old_and_new_for_the_audit() -> None:
    plan = planned(ChangeKind.RENAME_ORGANIZATION, FACTS, name="Lakeshore Health")
    assert plan.status == ChangeStatus.APPLIED
    assert plan.writes == (RenameOrganization("Lakeshore Health"),)
    assert (plan.old, plan.new) == (
        {"name": "Lakeshore Family Medicine"},
        {"name": "Lakeshore Health"},
    )


@pytest.mark.parametrize(
    ("name", "words"),
    [("   ", "name: required"), ("x" * 201, "name:"), ("Lakeshore Family Medicine", "already")],
)
def test_a_blank_long_or_unchanged_name_is_refused(name: str, words: str) -> None:
    plan = planned(ChangeKind.RENAME_ORGANIZATION, FACTS, name=name)
    assert plan.status == ChangeStatus.REFUSED and words in plan.message
    assert plan.writes == ()


def test_a_name_is_checked_by_the_enrollments_rules_before_it_is_sent() -> None:
    assert validate_rename({"name": "  New Name  "}).name == "New Name"
    with pytest.raises(InvalidRequest) as refused:
        validate_rename({"name": "", "other": 1})
    paths = {p.path for p in refused.value.problems}
    assert paths == {"name", "other"}


def test_a_new_provider_of_record_waits_for_staff_and_writes_nothing() -> None:
    new = _provider(first_name="Bea", npi=VALID_NPI)
    plan = planned(ChangeKind.CHANGE_PROVIDER_OF_RECORD, FACTS, provider_of_record=new)
    assert plan.status == ChangeStatus.AWAITING_APPROVAL and plan.writes == ()
    assert "Bea Park (MD)" in plan.message and "registry staff" in plan.message
    assert plan.new["provider_of_record"]["npi"] == VALID_NPI


def test_the_provider_of_record_follows_the_enrollments_cross_field_rules() -> None:
    no_license = ProviderOfRecord(first_name="Bea", last_name="Park")
    plan = planned(ChangeKind.CHANGE_PROVIDER_OF_RECORD, FACTS, provider_of_record=no_license)
    assert plan.status == ChangeStatus.REFUSED
    assert "license_number: required" in plan.message and "license_type" in plan.message
    # An organization that administers no vaccines needs no license.
    read_only = replace(FACTS, access_level=AccessLevel.READ_ONLY)
    fine = planned(ChangeKind.CHANGE_PROVIDER_OF_RECORD, read_only, provider_of_record=no_license)
    assert fine.status == ChangeStatus.AWAITING_APPROVAL
    with pytest.raises(InvalidRequest) as refused:
        validate_provider_of_record(
            {"first_name": "Bea", "last_name": "Park", "npi": "1234567890"}, administers=True
        )
    found = {p.path: p.message for p in refused.value.problems}
    assert found["npi"] == "check digit does not match (not a valid NPI)"
    assert found["license_number"].startswith("required")
    assert found["license_type"].startswith("required")


def test_the_same_provider_of_record_again_is_refused() -> None:
    plan = planned(ChangeKind.CHANGE_PROVIDER_OF_RECORD, FACTS, provider_of_record=_provider())
    assert plan.status == ChangeStatus.REFUSED and "already" in plan.message


def test_staff_approve_the_provider_of_record_or_reject_it_with_a_reason() -> None:
    new = _provider(first_name="Bea")
    decide = partial(
        plan_decision,
        FACTS,
        change_id="CH1",
        user_id=None,
        kind=ChangeKind.CHANGE_PROVIDER_OF_RECORD,
        provider_of_record=new,
    )
    approved = decide(approve=True, reason="")
    assert approved.status == ChangeStatus.APPLIED
    assert approved.writes == (
        SetProviderOfRecord({**DR_ADA, "first_name": "Bea", "license_type": "MD"}),
    )
    rejected = decide(approve=False, reason="license not found")
    assert rejected.status == ChangeStatus.REJECTED and rejected.writes == ()
    assert "license not found" in rejected.message


def test_an_info_update_with_a_site_changes_that_site_only() -> None:
    pin = InfoUpdate(vfc_pin="654321")
    plan = planned(ChangeKind.UPDATE_INFO, FACTS, info=pin, site_id="ca100001-02")
    assert plan.status == ChangeStatus.APPLIED and plan.site_id == "CA100001-02"
    assert plan.writes == (UpdateOrganization(None, {"vfc_pin": "654321"}, site_id="CA100001-02"),)
    assert plan.old == {"vfc_pin": None} and "of site" in plan.message
    # Without a site: the main one, as before.
    main = planned(ChangeKind.UPDATE_INFO, FACTS, info=pin)
    assert main.writes == (UpdateOrganization(None, {"vfc_pin": "654321"}),)
    assert main.old == {"vfc_pin": "123456"}


def test_a_sites_update_is_refused_for_an_unknown_or_closed_site_or_with_contacts() -> None:
    pin = InfoUpdate(vfc_pin="654321")
    unknown = planned(ChangeKind.UPDATE_INFO, FACTS, info=pin, site_id="CA999999-01")
    assert unknown.status == ChangeStatus.REFUSED and "no site CA999999-01" in unknown.message
    closed = replace(FACTS, sites=(MAIN, replace(SECOND, closed=True)))
    refused = planned(ChangeKind.UPDATE_INFO, closed, info=pin, site_id="CA100001-02")
    assert refused.status == ChangeStatus.REFUSED and "is closed" in refused.message
    with pytest.raises(InvalidRequest) as contacts:
        validate_info_update(
            {
                "contacts": {
                    "primary": {
                        "first_name": "A",
                        "last_name": "B",
                        "email": "a@b.example",
                        "phone": "510-555-0134",
                    },
                    "vaccine_coordinator": {
                        "first_name": "C",
                        "last_name": "D",
                        "email": "c@d.example",
                    },
                }
            },
            vfc_provider=True,
            for_site=True,
        )
    assert [p.path for p in contacts.value.problems] == ["contacts"]
    address = Address(line1="1 Main St", city="Oakland", state="CA", zip="94601")
    fine = planned(
        ChangeKind.UPDATE_INFO,
        FACTS,
        info=InfoUpdate(mailing_address=address),
        site_id=MAIN.site_id,
    )
    assert fine.status == ChangeStatus.APPLIED


def test_closing_a_site_applies_at_once_and_stops_its_onboarding() -> None:
    plan = planned(ChangeKind.CLOSE_SITE, FACTS, site_id="CA100001-02")
    assert plan.status == ChangeStatus.APPLIED
    assert plan.writes == (CloseSite("CA100001-02"),)
    assert plan.stop_dx == ("dx-site-CA100001-02",) and plan.site_id == "CA100001-02"


def test_the_last_open_site_an_unknown_one_or_a_closed_one_is_not_closed() -> None:
    one_left = replace(FACTS, sites=(MAIN, replace(SECOND, closed=True)))
    last = planned(ChangeKind.CLOSE_SITE, one_left, site_id=MAIN.site_id)
    assert last.status == ChangeStatus.REFUSED
    assert "last open site" in last.message and "close the organization instead" in last.message
    again = planned(ChangeKind.CLOSE_SITE, one_left, site_id=SECOND.site_id)
    assert again.status == ChangeStatus.REFUSED and "closed already" in again.message
    unknown = planned(ChangeKind.CLOSE_SITE, FACTS, site_id="CA999999-01")
    assert unknown.status == ChangeStatus.REFUSED and "no site CA999999-01" in unknown.message


def test_closing_the_organization_waits_for_staff_with_its_reason() -> None:
    plan = planned(ChangeKind.CLOSE_ORGANIZATION, FACTS, reason="the clinic moved")
    assert plan.status == ChangeStatus.AWAITING_APPROVAL and plan.writes == ()
    assert plan.new == {"reason": "the clinic moved"}
    blank = planned(ChangeKind.CLOSE_ORGANIZATION, FACTS, reason="  ")
    assert blank.status == ChangeStatus.REFUSED and "reason: required" in blank.message
    with pytest.raises(InvalidRequest):
        validate_closure({})
    assert validate_closure({"reason": " moved "}).reason == "moved"


def test_approved_closure_inactivates_everyone_closes_every_site_and_stops_every_gate() -> None:
    plan = plan_decision(
        FACTS,
        change_id="CH1",
        user_id=None,
        approve=True,
        reason="",
        kind=ChangeKind.CLOSE_ORGANIZATION,
        closing_reason="the clinic moved",
    )
    assert plan.status == ChangeStatus.APPLIED
    assert plan.writes == (
        SetUser(LEE.user_id, state=UserState.INACTIVE),
        RevokeUserLinks(LEE.user_id),
        SetUser(JO.user_id, state=UserState.INACTIVE),
        RevokeUserLinks(JO.user_id),
        RevokeUserLinks(GONE.user_id),
        CloseSite(MAIN.site_id),
        CloseSite(SECOND.site_id),
        CloseOrganization("the clinic moved"),
    )
    assert plan.stop_gates == ("user-U1000002",)  # the one still waiting for training
    assert plan.stop_dx == ("dx-site-CA100001-02",)
    assert plan.new["users_inactivated"] == [LEE.user_id, JO.user_id]
    assert plan.also_tell == (SAM.email,)


def test_a_closed_organization_takes_no_further_change_nor_decision() -> None:
    closed = replace(FACTS, closed=True)
    for kind, more in (
        (ChangeKind.RENAME_ORGANIZATION, {"name": "Another"}),
        (ChangeKind.CLOSE_SITE, {"site_id": SECOND.site_id}),
        (ChangeKind.UPDATE_INFO, {"info": InfoUpdate(vfc_pin="654321")}),
        (ChangeKind.INACTIVATE_USER, {"user_id": JO.user_id}),
    ):
        plan = planned(kind, replace(closed, user=JO), **more)
        assert plan.status == ChangeStatus.REFUSED
        assert "the organization is closed" in plan.message
    decided = plan_decision(
        closed, change_id="CH1", user_id=JO.user_id, role=Role.REGULAR, approve=True, reason=""
    )
    assert decided.status == ChangeStatus.REFUSED and "closed" in decided.message
