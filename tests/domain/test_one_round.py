"""One round: whatever is wrong with a request — its shape (pydantic) or its rules across
fields — is named in one answer, one entry per field, so fixing what was named brings no new
problem. For the enrollment, the IZ Portal site registration and the account changes (add a
user, update information, correct a user)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from cair.domain.access import AccessLevel
from cair.domain.account_changes import (
    validate_info_update,
    validate_new_user,
    validate_user_update,
)
from cair.domain.dx_registration import validate_registration
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.reading import Reading, answer, problem_from, read
from cair.domain.regions import load_region_map
from cair.domain.request import Name, RequestedUser
from cair.domain.text import PLAIN_LINE_NOT_BLANK
from cair.domain.validation import validate_enrollment
from tests.helpers.examples import example
from tests.helpers.one_round import (
    BLANK_FORM,
    EMPTY_ENROLLMENT,
    EMPTY_NEW_USER,
    EMPTY_REGISTRATION,
    EVERY_CORRECTION_RULE,
    EVERY_ENROLLMENT_RULE,
    EVERY_INFO_RULE,
    EVERY_NEW_USER_RULE,
    EVERY_REGISTRATION_RULE,
    SECRET,
    blank_form,
    dx_registration,
    every_correction_rule_broken,
    every_enrollment_rule_broken,
    every_info_rule_broken,
    every_new_user_rule_broken,
    every_registration_rule_broken,
)

REGIONS = load_region_map()


def refused(check: Any, *args: Any, **kwargs: Any) -> list[Problem]:
    with pytest.raises(InvalidRequest) as invalid:
        check(*args, **kwargs)
    problems = invalid.value.problems
    paths = [p.path for p in problems]
    assert len(paths) == len(set(paths)), f"one entry per field: {paths}"
    for problem in problems:
        assert problem.message and SECRET not in problem.message, problem
    return problems


def paths(problems: list[Problem]) -> set[str]:
    return {p.path for p in problems}


def test_an_empty_enrollment_names_every_required_field_and_rule_at_once() -> None:
    problems = refused(validate_enrollment, {})
    assert paths(problems) == EMPTY_ENROLLMENT and len(problems) == len(EMPTY_ENROLLMENT)
    found = {p.path: p.message for p in problems}
    assert found["provider_of_record"] == "required where the organization administers vaccines"
    assert found["contacts.primary.phone"] == "required: registry staff call the primary contact"


def test_the_blank_form_names_the_provider_the_role_and_both_agreements_in_the_first_round() -> (
    None
):
    problems = refused(validate_enrollment, blank_form())
    assert paths(problems) == BLANK_FORM and len(problems) == len(BLANK_FORM)


def test_every_enrollment_rule_broken_at_once_is_one_answer() -> None:
    problems = refused(validate_enrollment, every_enrollment_rule_broken())
    assert paths(problems) == EVERY_ENROLLMENT_RULE
    assert len(problems) == len(EVERY_ENROLLMENT_RULE)


def test_fixing_what_was_named_brings_no_new_problem() -> None:
    """The blank form filled in as the first answer asked: accepted in the second round."""
    data = blank_form()
    clinic = example("clinic")
    data["organization"] = clinic["organization"]
    data["provider_of_record"] = clinic["provider_of_record"]
    data["contacts"] = clinic["contacts"]
    data["users"] = [clinic["users"][0]]
    data["agreements"] = clinic["agreements"]
    assert validate_enrollment(data).request.users[0].role == "power"


def test_rules_on_answers_pydantic_refused_hold_back() -> None:
    """A role is not held against an access level the answers do not give, nor a Sending
    Facility against a role that is not one; what a yes/no answer would require is named."""
    data = example("school")
    data["access"]["administers_vaccines"] = "perhaps"
    data["users"][0]["role"] = "power"  # beyond Read-Only, but the level is not known
    found = {p.path: p.message for p in refused(validate_enrollment, data)}
    assert found == {
        "access.administers_vaccines": "must be true or false",
        "provider_of_record": "required where the organization administers vaccines",
    }
    registration = dx_registration(role=7, sending_facility_id="SF-000007")
    refusal = refused(
        validate_registration,
        registration,
        REGIONS,
        sites_registered=0,
        own_sites=set(),
        sending_facilities={"SF-000007"},
    )
    assert paths(refusal) == {"role"}


def register(data: object) -> list[Problem]:
    return refused(
        validate_registration,
        data,
        REGIONS,
        sites_registered=1,
        own_sites={"S100001"},
        sending_facilities={"SF-000007"},
    )


def test_an_empty_site_registration_names_every_required_field() -> None:
    problems = register({})
    assert paths(problems) == EMPTY_REGISTRATION and len(problems) == len(EMPTY_REGISTRATION)


def test_every_registration_rule_broken_at_once_is_one_answer() -> None:
    problems = register(every_registration_rule_broken())
    assert paths(problems) == EVERY_REGISTRATION_RULE
    assert len(problems) == len(EVERY_REGISTRATION_RULE)


def test_a_new_user_empty_and_with_every_rule_broken() -> None:
    empty = refused(validate_new_user, {}, access_level=AccessLevel.READ_ONLY, existing_emails=[])
    assert paths(empty) == EMPTY_NEW_USER
    broken = refused(
        validate_new_user,
        every_new_user_rule_broken("ann@x.example"),
        access_level=AccessLevel.READ_ONLY,
        existing_emails=["ann@x.example"],
    )
    assert paths(broken) == EVERY_NEW_USER_RULE and len(broken) == len(EVERY_NEW_USER_RULE)
    found = {p.path: p.message for p in broken}
    assert (
        found["role"] == "Power exceeds what a Read-Only organization allows (allowed: read_only)"
    )
    assert found["email"] == "a user with this e-mail already exists in the organization"


def test_an_information_update_empty_and_with_every_rule_broken() -> None:
    empty = refused(validate_info_update, {}, vfc_provider=True)
    assert paths(empty) == {"(request)"}
    broken = refused(validate_info_update, every_info_rule_broken(), vfc_provider=False)
    assert paths(broken) == EVERY_INFO_RULE and len(broken) == len(EVERY_INFO_RULE)
    of_a_vfc_provider = refused(validate_info_update, every_info_rule_broken(), vfc_provider=True)
    assert paths(of_a_vfc_provider) == EVERY_INFO_RULE | {"contacts.vaccine_coordinator"}
    cleared = refused(validate_info_update, {"vfc_pin": ""}, vfc_provider=True)
    assert [str(p) for p in cleared] == ["vfc_pin: required of a VFC provider"]


def test_a_user_correction_empty_and_with_every_rule_broken() -> None:
    assert paths(refused(validate_user_update, {}, other_emails=[])) == {"(request)"}
    broken = refused(
        validate_user_update,
        every_correction_rule_broken("Lee@X.example"),
        other_emails=["lee@x.example"],
    )
    assert paths(broken) == EVERY_CORRECTION_RULE and len(broken) == len(EVERY_CORRECTION_RULE)
    blank = validate_user_update({"first_name": "", "last_name": "Kim"}, other_emails=[])
    assert blank.first_name is None and blank.last_name == "Kim"


def test_one_entry_per_field() -> None:
    reading: Reading[RequestedUser] = read(RequestedUser, {"first_name": "A", "role": "x"})
    rules = [
        Problem("role", "a rule on a refused answer"),
        Problem("last_name", "required: a fuller word"),
        Problem("email", "first"),
        Problem("email", "second"),
        Problem("role.deeper", "under a refused answer"),
    ]
    found = {p.path: p.message for p in answer(reading, rules)}
    assert found == {
        "last_name": "required: a fuller word",
        "email": "required",
        "role": "must be one of: read_only, regular, power, dx_qa",
    }
    joined = answer(Reading(None), [Problem("a", "first"), Problem("a", "second")])
    assert [str(p) for p in joined] == ["a: first; second"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"zip": "10001"}, "must be a California ZIP code"),
        ({"zip": ""}, "required"),
        ({"state": None}, "required"),
        ({"line1": "   "}, "required"),
        ({"city": "x" * 81}, "too long: at most 80 characters"),
    ],
)
def test_pydantic_findings_in_words(value: dict[str, str | None], words: str) -> None:
    address = {"line1": "1 Main St", "city": "Eureka", "state": "CA", "zip": "95501"} | value
    data = example("school")
    data["organization"]["physical_address"] = address
    (problem,) = refused(validate_enrollment, data)
    assert problem.message.startswith(words), problem
    assert problem.path == "organization.physical_address." + next(iter(value))


def test_enumerations_in_words() -> None:
    error = {"type": "enum", "loc": ("kind",), "ctx": {"expected": "'webinar' or 'in_person'"}}
    assert (
        str(problem_from({**error, "input": "video"})) == "kind: must be one of: webinar, in_person"
    )
    assert str(problem_from({**error, "input": ""})) == "kind: required"
    assert str(problem_from({"type": "missing", "loc": (), "input": {}})) == "(request): required"


NAME = TypeAdapter(Name)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_the_documented_pattern_is_what_the_server_takes(value: str) -> None:
    """A name the document's pattern admits is taken, one it refuses is refused (any text JSON
    in UTF-8 can carry: not a lone surrogate)."""
    documented = re.fullmatch(PLAIN_LINE_NOT_BLANK, value) is not None
    try:
        NAME.validate_python(value)
        taken = True
    except ValidationError:
        taken = False
    assert documented == taken, repr(value)
