"""The enrollment form the hostile way: huge values, control characters, absurd row numbers,
more than the body limit, a form sent twice. Each answer is a page that says what is wrong, and
nothing is half-made: no enrollment starts unless the request is whole."""

from __future__ import annotations

import re

import httpx

from cair.store import enrollments as enrollment_rows
from tests.helpers.forms import form_token
from tests.helpers.stack import Stack

FORM = "/enroll/form"


async def enrollment_count(site: Stack) -> int:
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            _, total = await enrollment_rows.listing(session, limit=1)
        return total
    finally:
        await ctx.close()


def clinic_form(token: str, **more: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "organization.name": "Hostile Clinic",
        "organization.type": "healthcare_provider",
        "organization.county": "Alameda",
        "organization.physical_address.line1": "1 Hostile Way",
        "organization.physical_address.city": "Oakland",
        "organization.physical_address.state": "CA",
        "organization.physical_address.zip": "94606",
        "organization.receives_state_supplied_vaccine": "no",
        "provider_of_record.first_name": "Ana",
        "provider_of_record.last_name": "Reyes",
        "provider_of_record.license_type": "MD",
        "provider_of_record.license_number": "A123456",
        "contacts.primary.first_name": "Sam",
        "contacts.primary.last_name": "Okafor",
        "contacts.primary.email": "sam@hostile.example",
        "contacts.primary.phone": "510-555-0134",
        "access.administers_vaccines": "yes",
        "access.submits_electronically": "no",
        "access.enters_historical_doses": "no",
        "users.0.first_name": "Sam",
        "users.0.last_name": "Okafor",
        "users.0.email": "sam@hostile.example",
        "users.0.role": "regular",
        "agreements.user_access_agreement": "yes",
        "agreements.patient_notice_acknowledged": "yes",
        **more,
    }


async def test_hostile_enrollment_forms_are_answered_and_start_nothing(site: Stack) -> None:
    before = await enrollment_count(site)
    with httpx.Client(base_url=site.api_url, timeout=30) as browser:
        token = form_token(browser, FORM)
        cases = {
            "a name of 5000 characters": clinic_form(token, **{"organization.name": "N" * 5000}),
            "a control character": clinic_form(
                token, **{"contacts.primary.last_name": "Ok\x1bafor"}
            ),
            "a bidirectional override": clinic_form(
                token, **{"organization.name": "Clinic \u202e"}
            ),
            "a row number of 5000 digits": clinic_form(token, **{f"users.{'9' * 5000}.email": "x"}),
            "a removal of row 5000 digits": clinic_form(token, action="remove_user:" + "9" * 5000),
            "an unknown role": clinic_form(token, **{"users.0.role": "superuser"}),
            "an organization type of none": clinic_form(token, **{"organization.type": "bank"}),
        }
        for case, form in cases.items():
            answer = browser.post(FORM, data=form)
            assert answer.status_code in (200, 422), (case, answer.status_code)
            assert "text/html" in answer.headers["content-type"], case
            assert "Traceback" not in answer.text
        too_long = browser.post(FORM, data=cases["a name of 5000 characters"])
        assert "too long: at most 200 characters" in too_long.text
        stray = browser.post(FORM, data=cases["a row number of 5000 digits"])
        assert stray.status_code == 422 and "a user row it never showed" in stray.text
        control = browser.post(FORM, data=cases["a control character"])
        assert "control or invisible character" in control.text
        assert re.search(r'id="f-contacts-primary-last_name"[^>]*aria-invalid="true"', control.text)
        reviewed = browser.post(FORM, data=clinic_form(token))  # whole, but not yet sent
        assert reviewed.status_code == 200 and "Check your answers" in reviewed.text
        urlencoded = {"content-type": "application/x-www-form-urlencoded"}
        huge = browser.post(FORM, content=b"a=" + b"x" * 300_000, headers=urlencoded)
        assert huge.status_code == 413
    assert await enrollment_count(site) == before


async def test_a_form_sent_twice_is_one_enrollment(site: Stack) -> None:
    before = await enrollment_count(site)
    with httpx.Client(base_url=site.api_url, timeout=60) as browser:
        page = browser.get(FORM).text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
        form_id = re.search(r'name="form_id" value="([^"]+)"', page)
        assert token and form_id
        form = clinic_form(
            token.group(1),
            form_id=form_id.group(1),
            action="send",  # the check page's button; the form itself only leads there
            **{
                "organization.name": "Twice Clinic",
                "organization.physical_address.line1": "2 Twice Way",
            },
        )
        first = browser.post(FORM, data=form)
        second = browser.post(FORM, data=form)  # the double click
        assert first.status_code == second.status_code == 303, re.findall(
            r"Error:</span>([^<]+)", first.text
        )
        one = re.search(r"/status/", first.headers["location"])
        assert one and second.headers["location"].startswith("/status/")
        shown = browser.get(second.headers["location"]).text
        assert "Twice Clinic" in shown
    assert await enrollment_count(site) == before + 1
