"""The two doors without a browser or a stack: the IZ Portal's enrollment is a guarded page like
every other; the door question decides which form follows; and each door's form settles its
own access answers whatever is posted (the New Enrollment form's site never submits
electronically; the IZ Portal's always does, and carries its data-exchange answers, whether
its first site also queries CAIR among them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi.routing import iter_route_contexts
from starlette.datastructures import FormData

from cair.domain.validation import validate_enrollment
from cair.settings import Settings
from cair.web.app import create_app
from cair.web.pages import csrf, enrollment_parsing
from cair.web.pages.answers import QUERIES, exchange_groups, hidden_fields
from cair.web.pages.enrollment_form import GENERAL, IZ_PORTAL
from cair.web.pages.form_values import values
from tests.helpers.examples import example
from tests.helpers.routes import dependency_calls


@pytest_asyncio.fixture(loop_scope="session")
async def pages(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The pages app in this process: GETs that read no store."""
    app = create_app(Settings(var_dir=tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pages.test") as client:
        yield client
    await app.state.ctx.close()


def test_the_iz_portal_door_is_a_guarded_page(tmp_path: Path) -> None:
    app = create_app(Settings(var_dir=tmp_path))
    found = [r for r in iter_route_contexts(app.routes) if r.path == "/iz-portal/enroll"]
    assert {m for r in found for m in r.methods or ()} == {"GET", "POST"}
    for route in found:
        assert not route.include_in_schema
        assert csrf.check in dependency_calls(route.dependant)


async def test_the_door_question_decides_the_form(pages: httpx.AsyncClient) -> None:
    missing = await pages.get("/enroll/check", params={"county": "Alameda"})
    assert missing.status_code == 422
    assert 'href="#q-submits_electronically"' in missing.text
    assert "Will this site submit immunization data electronically" in missing.text

    electronic = await pages.get(
        "/enroll/check", params={"submits_electronically": "yes", "county": "Alameda"}
    )
    assert electronic.status_code == 200
    assert (
        'href="/iz-portal/enroll?county=Alameda&amp;submits_electronically=yes&amp;'
        'administers_vaccines=yes"' in electronic.text
    )

    general = await pages.get(
        "/enroll/check",
        params={
            "submits_electronically": "no",
            "county": "Alameda",
            "administers_vaccines": "yes",
            "enters_historical_doses": "no",
        },
    )
    assert general.status_code == 200
    assert 'href="/enroll/form?county=Alameda&amp;submits_electronically=no' in general.text
    assert "/iz-portal/enroll?" not in general.text


async def test_each_form_draws_its_door(pages: httpx.AsyncClient) -> None:
    tampered = await pages.get(
        "/enroll/form",
        params={"administers_vaccines": "yes", "submits_electronically": "yes"},
    )
    assert '<input type="hidden" name="access.submits_electronically" value="no">' in (
        tampered.text
    )
    assert 'type="radio" name="access.submits_electronically"' not in tampered.text
    assert 'name="data_exchange.' not in tampered.text

    portal = await pages.get("/iz-portal/enroll", params={"county": "Alameda"})
    assert portal.status_code == 200
    for name in ("administers_vaccines", "submits_electronically"):
        assert f'<input type="hidden" name="access.{name}" value="yes">' in portal.text
    for name in ("clinical", "ehr.hl7_capable", "role", "bidirectional", "agreement.accepted"):
        assert f'name="data_exchange.{name}"' in portal.text
    # Whether the site also queries CAIR: No until Yes is chosen (the answer's default).
    assert 'name="data_exchange.bidirectional" value="no" checked' in portal.text


def test_each_door_settles_its_access_answers() -> None:
    posted = FormData(
        [
            ("access.administers_vaccines", "no"),
            ("access.submits_electronically", "yes"),
            ("access.enters_historical_doses", "yes"),
            ("data_exchange.clinical", "no"),
            ("data_exchange.role", "2"),
            ("data_exchange.sending_facility_id", "CA100007-01"),
            ("data_exchange.ehr.name", "OpenClinic EHR"),
        ]
    )
    general = enrollment_parsing.parse(posted, GENERAL).data
    assert general["access"] == {
        "administers_vaccines": False,
        "submits_electronically": False,
        "enters_historical_doses": True,
    }
    assert "data_exchange" not in general

    portal = enrollment_parsing.parse(posted, IZ_PORTAL).data
    assert portal["access"] == {
        "administers_vaccines": True,
        "submits_electronically": True,
        "enters_historical_doses": True,
    }
    exchange = portal["data_exchange"]
    assert exchange["role"] == 2 and exchange["sending_facility_id"] == "CA100007-01"
    assert exchange["ehr"] == {"name": "OpenClinic EHR"}
    assert exchange["agreement"] == {"accepted": False}
    assert not {"site_name", "county", "physical_address"} & set(exchange)


def as_posted(data: dict[str, Any]) -> FormData:
    """Request data as the browser posts it again: the check page's hidden fields."""
    return FormData([*hidden_fields(values(data))])


@pytest.mark.parametrize("queries", [True, False])
def test_the_iz_portal_form_carries_whether_the_site_queries_cair(queries: bool) -> None:
    """The answer posted is the request's, survives "Change" and back (the check page's hidden
    fields), and is read back on the check page."""
    data = example("data-exchange")
    data["data_exchange"]["bidirectional"] = queries
    posted = as_posted(data)
    parsed = enrollment_parsing.parse(posted, IZ_PORTAL).data
    assert parsed["data_exchange"]["bidirectional"] is queries
    again = as_posted(parsed)
    assert enrollment_parsing.parse(again, IZ_PORTAL).data == parsed
    exchange = validate_enrollment(parsed).request.data_exchange
    assert exchange is not None and exchange.bidirectional is queries
    rows = {
        row.key: row.lines
        for group in exchange_groups(exchange, "data_exchange")
        if group.change == "f-data_exchange-bidirectional"
        for row in group.rows
    }
    assert rows == {"Queries CAIR (bidirectional)": (QUERIES[queries],)}


def test_a_site_that_does_not_say_does_not_query() -> None:
    """Not posted (a form drawn before the question): left out, so the rules' default, No."""
    data = example("data-exchange")
    data["data_exchange"].pop("bidirectional", None)
    posted = as_posted(data)
    parsed = enrollment_parsing.parse(posted, IZ_PORTAL).data
    assert "bidirectional" not in parsed["data_exchange"]
    exchange = validate_enrollment(parsed).request.data_exchange
    assert exchange is not None and exchange.bidirectional is False
