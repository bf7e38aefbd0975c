"""The applicant's primary contact confirms their address at the page the e-mail links to (a
button with the page's CSRF token), as a deployment runs it; the API refuses a made-up or used
token in words, and staff cannot act on the request before it is confirmed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack, answers
from tests.helpers.waiting import eventually


@pytest_asyncio.fixture(loop_scope="session")
async def deployed(stack: Stack) -> AsyncIterator[str]:
    """An API process of the stack that asks the contact to confirm first; its URL."""
    process, url = stack.another_api({"CAIR_CONFIRM_APPLICANT_ADDRESS": "true"})
    await eventually(lambda: answers(url + "/healthz"), timeout=60)
    yield url
    process.terminate()


async def test_the_contact_confirms_at_the_page_and_the_request_reaches_staff(
    stack: Stack, deployed: str
) -> None:
    data = variant("school", "Confirms Page", email_domain="confirms-page.example")
    contact = data["contacts"]["primary"]["email"]
    async with httpx.AsyncClient(base_url=deployed, timeout=60) as api:
        submitted = await api.post("/api/v1/enrollments", json=data)
        assert submitted.status_code == 201, submitted.text
        assert submitted.json()["stage"] == "awaiting_confirmation"
        enrollment_id = submitted.json()["id"]

        mail = await eventually(lambda: stack.outbox.to(contact, "Confirm your e-mail"))
        found = re.search(r"/enroll/confirm/(\S+)", body_text(mail[-1]))
        assert found and enrollment_id in str(mail[-1]["Subject"])
        token = found.group(1)

        made_up = await api.post("/api/v1/enrollment-confirmations", json={"token": "x" * 43})
        assert made_up.status_code == 409 and "not valid" in made_up.json()["detail"]

        page = await api.get(f"/enroll/confirm/{token}")
        assert page.status_code == 200 and "Yes, this address is mine" in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        unforged = await api.post(f"/enroll/confirm/{token}", data={})
        assert unforged.status_code == 403  # no token from the page: nothing confirmed
        confirmed = await api.post(f"/enroll/confirm/{token}", data={"csrf_token": csrf[1]})
        assert confirmed.status_code == 200 and "your address is confirmed" in confirmed.text

        again = await api.post("/api/v1/enrollment-confirmations", json={"token": token})
        assert again.status_code == 409 and "already been used" in again.json()["detail"]
        status = await api.get(
            f"/api/v1/enrollments/{enrollment_id}",
            headers={"Authorization": f"Bearer {submitted.json()['status_token']}"},
        )
        assert status.json()["stage"] == "awaiting_review"
    await eventually(lambda: stack.outbox.to(contact, "enrollment received"))
