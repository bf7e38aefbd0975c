"""A site's registration at the IZ Portal: the example passes; each rule broken on its own is
named by its field, all at once; structure is refused like an enrollment's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cair.domain.dx_registration import MAX_SITES_ON_THEIR_OWN, validate_registration
from cair.domain.problems import InvalidRequest
from cair.domain.regions import load_region_map
from tests.helpers.paths import EXAMPLES

REGIONS = load_region_map()


def example(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "dx-site-registration.json").read_text())
    data.update(changes)
    return data


def problems(data: object, **context: Any) -> dict[str, str]:
    given: dict[str, Any] = {
        "sites_registered": 0,
        "own_sites": set(),
        "sending_facilities": {"SF-000007"},
        **context,
    }
    with pytest.raises(InvalidRequest) as refused:
        validate_registration(data, REGIONS, **given)
    return {p.path: p.message for p in refused.value.problems}


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"county": "San Diego"}, "county", "not an online (CAIR 7) county"),
        ({"county": "Atlantis"}, "county", "not a California county"),
        ({"lead_clinician": None}, "lead_clinician", "required for a clinical site"),
        ({"role": 2}, "sending_facility_id", "required for a role 2 site"),
        ({"role": 2, "sending_facility_id": "SF-17"}, "sending_facility_id", "CA100007-01"),
        (
            {"role": 2, "sending_facility_id": "SF-000008"},
            "sending_facility_id",
            "not a registered",
        ),
        ({"sending_facility_id": "SF-000007"}, "sending_facility_id", "only a role 2 site"),
        ({"role": 4}, "role", "1"),
        ({"main_site_id": "CA100999-01"}, "main_site_id", "not a registered site"),
    ],
)
def test_each_rule_names_its_field(changes: dict[str, Any], path: str, words: str) -> None:
    found = problems(example(**changes))
    assert path in found and words in found[path], found


def test_nested_rules_and_several_problems_at_once() -> None:
    data = example()
    data["lead_clinician"] = {**data["lead_clinician"], "license_number": "12345"}
    data["ehr"] = {**data["ehr"], "hl7_capable": False}
    data["agreement"] = {**data["agreement"], "accepted": False}
    data["exchange_contact"] = {**data["exchange_contact"], "email": "not-an-address"}
    data["physical_address"] = {**data["physical_address"], "state": "NV"}
    found = problems(data)
    assert set(found) >= {
        "lead_clinician.license_number",
        "ehr.hl7_capable",
        "agreement.accepted",
        "exchange_contact.email",
        "physical_address.state",
    }


def test_more_sites_are_added_under_the_main_site() -> None:
    many: dict[str, Any] = {"sites_registered": MAX_SITES_ON_THEIR_OWN, "own_sites": {"S100001"}}
    assert "main_site_id" in problems(example(), **many)
    added = validate_registration(
        example(main_site_id="S100001"),
        REGIONS,
        sites_registered=MAX_SITES_ON_THEIR_OWN,
        own_sites={"S100001"},
        sending_facilities=set(),
    )
    assert added.main_site_id == "S100001"


def test_a_sending_facility_and_a_site_through_it_register() -> None:
    facility = validate_registration(
        example(role=3), REGIONS, sites_registered=0, own_sites=set(), sending_facilities=set()
    )
    assert facility.role == 3
    through = validate_registration(
        example(role=2, sending_facility_id="SF-000007"),
        REGIONS,
        sites_registered=1,
        own_sites=set(),
        sending_facilities={"SF-000007"},
    )
    assert through.sending_facility_id == "SF-000007"


def test_structure_and_hostile_text_are_refused_by_field() -> None:
    found = problems(example(site_name="x" * 5000, unknown=1, clinical="maybe"))
    assert "too long" in found["site_name"]
    assert "unknown field" in found["unknown"]
    assert found["clinical"] == "must be true or false"
    control = problems(example(site_name="Clinic\x00\x1b[31m"))
    assert "site_name" in control
    assert "\x1b" not in control["site_name"]
