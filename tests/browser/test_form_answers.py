"""The forms' answers without a browser: what the pages follow (facts), a state typed in words,
answers carried through "Change" and back unchanged, and every problem the rules name for a
form sent empty shown beside a part of the form, never only at its top."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.datastructures import FormData

from cair.domain.dx_registration import parse_registration
from cair.domain.problems import InvalidRequest
from cair.domain.validation import validate_enrollment
from cair.web.pages import dx_site_form, enrollment_form, enrollment_parsing
from cair.web.pages.answers import hidden_fields
from cair.web.pages.form_fields import shown_at
from cair.web.pages.form_values import california, fact, values
from tests.helpers.examples import example
from tests.helpers.paths import EXAMPLES


def posted(data: dict[str, Any], **more: str) -> FormData:
    """Request data as the browser posts it again: the check page's hidden fields."""
    return FormData([*hidden_fields(values(data)), *more.items()])


@pytest.mark.parametrize("typed", ["CA", "ca", "California", "CALIFORNIA", "Calif.", " Cal "])
def test_california_in_words_is_ca(typed: str) -> None:
    assert california(typed) == "CA"


@pytest.mark.parametrize("typed", ["NV", "Nevada", "Californias", "C"])
def test_another_state_is_kept_for_the_rules_to_refuse(typed: str) -> None:
    assert california(typed) == typed


def test_facts_are_unknown_until_answered() -> None:
    assert fact({}, "organization.type=school") is None
    assert fact({"organization.type": "school"}, "organization.type=school") is True
    assert fact({"organization.type": "wic_facility"}, "organization.type=school") is False
    supplied = "organization.receives_state_supplied_vaccine"
    assert fact({}, "vfc") is None
    assert fact({supplied: "no"}, "vfc") is False
    assert fact({supplied: "yes"}, "vfc") is True  # no program named yet: taken as VFC
    programs = "organization.state_supplied_programs"
    assert fact({supplied: "yes", programs: ["317"]}, "vfc") is False
    assert fact({supplied: "yes", programs: ["317", "VFC"]}, "vfc") is True


def test_the_enrollment_answers_survive_change_and_back() -> None:
    data = enrollment_parsing.parse(posted(example("clinic"))).data
    again = enrollment_parsing.parse(posted(data, action="change"))
    assert again.action == "change" and again.data == data
    assert enrollment_parsing.parse(posted(again.data)).data == data
    validate_enrollment(data)  # what is checked is what is sent


def test_parts_the_answers_rule_out_are_not_sent() -> None:
    clinic = example("clinic")
    clinic["organization"]["school_district"] = "Left over"
    clinic["organization"]["receives_state_supplied_vaccine"] = False
    data = enrollment_parsing.parse(posted(clinic)).data
    assert "school_district" not in data["organization"]
    assert "vfc_pin" not in data["organization"]


def test_the_site_answers_survive_change_and_back() -> None:
    registration = json.loads((EXAMPLES / "dx-site-registration.json").read_text())
    data = dx_site_form.parse(posted(registration))
    assert data == registration
    assert dx_site_form.parse(posted(data, action="change")) == data
    parse_registration(data)


def test_a_site_that_is_not_clinical_sends_no_lead_clinician() -> None:
    registration = json.loads((EXAMPLES / "dx-site-registration.json").read_text())
    registration["clinical"] = False
    assert "lead_clinician" not in dx_site_form.parse(posted(registration))


def test_every_problem_of_an_empty_form_is_shown_beside_its_part() -> None:
    form = FormData(
        [
            ("users.0.first_name", ""),
            ("organization.receives_state_supplied_vaccine", "yes"),
            ("access.administers_vaccines", "yes"),
            ("organization.type", "school"),
        ]
    )
    parsed = enrollment_parsing.parse(form)
    with pytest.raises(InvalidRequest) as refused:
        validate_enrollment(parsed.data)
    known = enrollment_form.known_anchors(1)
    for problem in refused.value.problems:
        assert shown_at(problem.path, known, "")[0], problem
    with pytest.raises(InvalidRequest) as refused:
        parse_registration(dx_site_form.parse(FormData([("clinical", "yes"), ("role", "2")])))
    for problem in refused.value.problems:
        assert shown_at(problem.path, dx_site_form.ANCHORS, "")[0], problem
