"""Every enrollment rule, positive and negative, with the example requests as fixtures."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cair.domain.access import AccessLevel, Role, derive_access_level, is_raise, role_allowed
from cair.domain.problems import InvalidRequest
from cair.domain.request import AccessAnswers, EnrollmentRequest
from cair.domain.validation import check_enrollment, parse_enrollment, validate_enrollment
from tests.helpers.examples import example


def problems(data: dict[str, Any]) -> dict[str, str]:
    """path → message of every problem found."""
    with pytest.raises(InvalidRequest) as invalid:
        validate_enrollment(data)
    return {p.path: p.message for p in invalid.value.problems}


@pytest.mark.parametrize(
    ("name", "level", "county"),
    [
        ("clinic", AccessLevel.CLINICAL, "Alameda"),
        ("data-exchange", AccessLevel.DATA_EXCHANGE, "Fresno"),
        ("school", AccessLevel.READ_ONLY, "Humboldt"),
    ],
)
def test_the_examples_are_accepted_as_they_are(name: str, level: AccessLevel, county: str) -> None:
    valid = validate_enrollment(example(name))
    assert valid.access_level == level and valid.county == county


def test_access_level_is_derived_from_the_answers() -> None:
    def level(administers: bool, electronic: bool, historical: bool) -> AccessLevel | None:
        return derive_access_level(
            AccessAnswers(
                administers_vaccines=administers,
                submits_electronically=electronic,
                enters_historical_doses=historical,
            )
        )

    assert level(True, True, False) == AccessLevel.DATA_EXCHANGE
    assert level(True, False, True) == AccessLevel.CLINICAL
    assert level(False, False, True) == AccessLevel.LIMITED_CLINICAL
    assert level(False, False, False) == AccessLevel.READ_ONLY
    assert level(False, True, True) is None  # contradictory


def test_a_client_cannot_send_its_own_access_level() -> None:
    data = example("school")
    data["access_level"] = "data_exchange"
    assert problems(data) == {"access_level": "unknown field (not part of the request)"}


def test_unknown_and_missing_fields_are_named() -> None:
    data = example("clinic")
    data["organization"]["website"] = "https://x.example"
    del data["contacts"]["primary"]["email"]
    data["agreements"]["user_access_agreement"] = "yes please"
    found = problems(data)
    assert found["organization.website"].startswith("unknown field")
    assert found["contacts.primary.email"] == "required"
    assert found["agreements.user_access_agreement"] == "must be true or false"


def test_many_faults_are_reported_at_once() -> None:
    data = example("clinic")
    data["organization"]["type"] = "veterinary_clinic"
    data["organization"]["county"] = "Clark"
    data["organization"]["physical_address"].update(state="NV", zip="89501")
    data["provider_of_record"]["npi"] = "1234567890"
    data["contacts"]["primary"]["email"] = "sam-at-lakeshore"
    data["users"][2]["email"] = data["users"][0]["email"].upper()
    data["agreements"]["patient_notice_acknowledged"] = False
    found = problems(data)
    assert found["organization.type"].startswith("must be one of: healthcare_provider")
    assert "58 counties" in found["organization.county"]
    assert found["organization.physical_address.state"].startswith("must be CA")
    assert "California ZIP" in found["organization.physical_address.zip"]
    assert "check digit" in found["provider_of_record.npi"]
    assert found["contacts.primary.email"].startswith("must be an e-mail address")
    assert found["users.2.email"] == "duplicates the e-mail of users.0"
    assert "Immunization Registry Notice" in found["agreements.patient_notice_acknowledged"]
    assert len(found) == 8


@pytest.mark.parametrize(
    "org_type",
    ["healthcare_provider", "school", "childcare_facility", "wic_facility", "foster_care_agency"],
)
def test_eligible_types(org_type: str) -> None:
    data = example("school")
    data["organization"].update(
        type=org_type, childcare_license_number="CC-1", school_district="Eureka City Schools"
    )
    if org_type == "healthcare_provider":
        data["provider_of_record"] = example("clinic")["provider_of_record"]
    assert check_enrollment(parse_enrollment(data)) == []


def test_fields_required_by_type() -> None:
    childcare = example("school")
    childcare["organization"].update(type="childcare_facility", school_district=None)
    assert problems(childcare) == {
        "organization.childcare_license_number": "required for a childcare facility"
    }
    school = example("school")
    school["organization"]["school_district"] = "  "
    assert problems(school) == {"organization.school_district": "required for a school"}
    clinic = example("clinic")
    clinic["provider_of_record"] = None
    assert problems(clinic) == {
        "provider_of_record": "required where the organization administers vaccines"
    }
    clinic = example("clinic")
    clinic["provider_of_record"].update(license_number=None, license_type="")
    assert set(problems(clinic)) == {
        "provider_of_record.license_number",
        "provider_of_record.license_type",
    }


def test_state_supplied_vaccine_needs_pin_and_coordinator() -> None:
    data = example("clinic")
    data["organization"]["vfc_pin"] = None
    data["contacts"]["vaccine_coordinator"] = None
    found = problems(data)
    assert found["organization.vfc_pin"] == "required of a VFC provider"
    assert found["contacts.vaccine_coordinator"] == "required of a VFC provider"
    data = example("clinic")
    data["organization"]["vfc_pin"] = "12AB"
    assert problems(data) == {"organization.vfc_pin": "must be the site's 6-digit VFC PIN"}


def test_npi_shape_and_check_digit_only_when_given() -> None:
    data = example("clinic")
    data["provider_of_record"]["npi"] = None
    validate_enrollment(data)
    data["provider_of_record"]["npi"] = "3234567893"
    assert problems(data) == {"provider_of_record.npi": "must be 10 digits starting with 1 or 2"}


def test_county_spellings() -> None:
    for spelling in ("alameda", "ALAMEDA COUNTY", "  Alameda   County "):
        data = example("clinic")
        data["organization"]["county"] = spelling
        assert validate_enrollment(data).county == "Alameda"


def test_other_addresses_must_be_californian_too() -> None:
    data = example("data-exchange")
    data["organization"]["mailing_address"]["zip"] = "10001"
    assert set(problems(data)) == {"organization.mailing_address.zip"}


def test_users_required_and_roles_within_the_level() -> None:
    data = example("school")
    data["users"] = []
    assert problems(data) == {"users": "at least one user is required"}
    data = example("school")
    data["users"][0]["role"] = "regular"
    assert "exceeds what a Read-Only organization allows" in problems(data)["users.0.role"]
    data = example("clinic")
    data["users"][0]["role"] = "dx_qa"
    assert "Clinical" in problems(data)["users.0.role"]
    data = example("clinic")
    data["users"][0]["role"] = "admin"
    assert problems(data)["users.0.role"] == "must be one of: read_only, regular, power, dx_qa"


def test_contradicting_answers() -> None:
    data = example("school")
    data["access"]["submits_electronically"] = True
    found = problems(data)
    assert "without administering" in found["access.submits_electronically"]


def test_role_policy() -> None:
    assert role_allowed(Role.POWER, AccessLevel.CLINICAL)
    assert not role_allowed(Role.POWER, AccessLevel.LIMITED_CLINICAL)
    assert role_allowed(Role.REGULAR, AccessLevel.LIMITED_CLINICAL)
    assert role_allowed(Role.DX_QA, AccessLevel.DATA_EXCHANGE)
    assert not role_allowed(Role.DX_QA, AccessLevel.CLINICAL)
    assert is_raise(Role.READ_ONLY, Role.REGULAR) and is_raise(Role.REGULAR, Role.POWER)
    assert not is_raise(Role.POWER, Role.READ_ONLY) and not is_raise(Role.POWER, Role.REGULAR)
    assert is_raise(Role.READ_ONLY, Role.DX_QA)


def test_json_schema_lists_the_allowed_values() -> None:
    schema = EnrollmentRequest.model_json_schema()
    organization = schema["$defs"]["Organization"]["properties"]
    assert "foster_care_agency" in organization["type"]["enum"]
    assert schema["$defs"]["RequestedUser"]["properties"]["role"]["enum"] == [
        "read_only",
        "regular",
        "power",
        "dx_qa",
    ]


def test_examples_are_not_mutated_by_validation() -> None:
    data = example("clinic")
    before = copy.deepcopy(data)
    validate_enrollment(data)
    assert data == before


def test_programs_decide_who_is_a_vfc_provider() -> None:
    """A 317-only site gives no VFC PIN and no coordinator; naming programs of a site that gets
    none, or none for one that does, is refused; the yes/no alone still means VFC."""
    data = example("clinic")
    data["organization"].update(state_supplied_programs=["317"], vfc_pin=None)
    data["contacts"]["vaccine_coordinator"] = None
    validate_enrollment(data)
    data["organization"].update(state_supplied_programs=["vfc", "SGF"])
    assert set(problems(data)) == {"organization.vfc_pin", "contacts.vaccine_coordinator"}
    data["organization"].update(state_supplied_programs=["XYZ", "317", "317"])
    assert problems(data) == {
        "organization.state_supplied_programs.0": "must be one of: VFC, 317, SGF",
        "organization.state_supplied_programs": "names a program twice",
    }
    school = example("school")
    school["organization"]["state_supplied_programs"] = ["VFC"]
    assert "organization.state_supplied_programs" in problems(school)


def test_the_provider_of_record_is_needed_wherever_vaccines_are_given() -> None:
    wic = example("school")
    wic["organization"].update(type="wic_facility", school_district=None)
    wic["access"]["administers_vaccines"] = True
    assert "provider_of_record" in problems(wic)


def test_the_primary_contact_gives_a_telephone_number() -> None:
    data = example("school")
    data["contacts"]["primary"]["phone"] = None
    assert problems(data) == {
        "contacts.primary.phone": "required: registry staff call the primary contact"
    }
    data["contacts"]["primary"]["phone"] = "555-0101"
    assert problems(data) == {
        "contacts.primary.phone": "must be a telephone number with area code, e.g. 510-555-0134"
    }


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("organization", "physical_address", "zip"), "\u0669\u0664\u0666\u0660\u0666"),
        (("organization", "vfc_pin"), "\uff11\uff12\uff13\uff14\uff15\uff16"),
        (("provider_of_record", "npi"), "\u0661234567893"),
    ],
)
def test_digits_of_other_scripts_are_not_digits(path: tuple[str, ...], value: str) -> None:
    data = example("clinic")
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert ".".join(path) in problems(data)


@pytest.mark.parametrize("bad", ["\x00", "\r", "\n", "\v", "\u2028", "\u2029", "\u202e", "\x85"])
def test_control_characters_and_line_separators_are_refused(bad: str) -> None:
    data = example("school")
    data["organization"]["name"] = f"Redwood{bad}Elementary"
    data["users"][0]["last_name"] = f"Sin{bad}gh"
    found = problems(data)
    assert found["organization.name"].startswith("contains a control or invisible character")
    assert "users.0.last_name" in found


def test_huge_values_are_refused_briefly_and_lists_are_bounded() -> None:
    data = example("school")
    data["organization"]["name"] = "x" * 1_000_000
    data["organization"]["type"] = "y" * 1_000_000
    data["users"] = [dict(data["users"][0], email=f"u{i}@redwood.example") for i in range(1000)]
    found = problems(data)
    assert found["organization.name"] == "too long: at most 200 characters"
    assert found["users"] == "too many: at most 50"
    assert all(len(message) < 200 for message in found.values())


def test_a_request_that_is_not_an_object_is_refused_as_a_whole() -> None:
    data: object
    for data in ([], "text", 3, None):
        with pytest.raises(InvalidRequest) as invalid:
            validate_enrollment(data)
        assert [str(p) for p in invalid.value.problems] == ["(request): must be an object"]
