"""The API and the pages under load, as Locust users: applicants, representatives and staff.

Run only as its own process (Locust patches the standard library with gevent): ``python -m
bench.api_load`` seeds a stack and starts ``locust -f bench/locust_api.py --headless`` with
``CAIR_LOAD_SEED`` naming the seeded identities (JSON) and ``CAIR_LOAD_THINK`` the pause between
one person's requests ("0", or "1-3" seconds). Requests are named by route template, so the
report reads per route. Writes are tagged ``write``; the no-pause run leaves them out
(``--exclude-tags write``) and measures reads per second.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from typing import Any

from locust import between, constant, tag, task
from locust.contrib.fasthttp import FastHttpUser

SEED: dict[str, Any] = json.loads(open(os.environ["CAIR_LOAD_SEED"]).read())  # noqa: SIM115
_low, _, _high = os.environ.get("CAIR_LOAD_THINK", "0").partition("-")
WAIT = between(float(_low), float(_high)) if _high else constant(float(_low))
SESSION_COOKIE = "cair_session"  # cair.web.pages.cookies.SESSION_COOKIE over plain http


def _key() -> dict[str, str]:
    """A fresh Idempotency-Key, as the CLI sends with every POST."""
    return {"Idempotency-Key": str(uuid.uuid4())}


class Applicant(FastHttpUser):
    """Someone who submitted: reads the status (API and page), now and then submits again."""

    weight = 18
    wait_time = WAIT

    def on_start(self) -> None:
        mine = random.choice(SEED["applicants"])
        self.enrollment_id, self.token = mine["id"], mine["token"]

    @task(6)
    def status(self) -> None:
        self.client.get(
            f"/api/v1/enrollments/{self.enrollment_id}",
            headers={"Authorization": f"Bearer {self.token}"},
            name="GET /api/v1/enrollments/{enrollment_id}",
        )

    @task(2)
    def status_page(self) -> None:
        self.client.get(f"/status/{self.token}", name="GET /status/{token} (page)")

    @tag("write")
    @task(1)
    def submit(self) -> None:
        body = json.loads(json.dumps(SEED["example"]))
        tag_ = uuid.uuid4().hex[:10]
        body["organization"]["name"] = f"{body['organization']['name']} load {tag_}"
        body["organization"]["physical_address"]["line1"] = f"{tag_} Load Way"
        with self.client.post(
            "/api/v1/enrollments",
            json=body,
            headers=_key(),
            name="POST /api/v1/enrollments",
            catch_response=True,
        ) as answer:
            if answer.status_code == 201:
                made = answer.json()
                self.enrollment_id, self.token = made["id"], made["status_token"]
            else:
                answer.failure(f"{answer.status_code} {answer.text[:200]}")


class Representative(FastHttpUser):
    """A representative of an enrolled organization: reads the account and its changes (API and
    page) and now and then changes the VFC PIN (a change for staff, or made at once)."""

    weight = 14
    wait_time = WAIT

    def on_start(self) -> None:
        mine = random.choice(SEED["representatives"])
        self.provider_id, self.token = mine["provider_id"], mine["token"]
        self.bearer = {"Authorization": f"Bearer {self.token}"}

    @task(4)
    def account(self) -> None:
        self.client.get(
            f"/api/v1/organizations/{self.provider_id}",
            headers=self.bearer,
            name="GET /api/v1/organizations/{provider_id}",
        )

    @task(1)
    def changes(self) -> None:
        self.client.get(
            f"/api/v1/organizations/{self.provider_id}/changes",
            headers=self.bearer,
            name="GET /api/v1/organizations/{provider_id}/changes",
        )

    @task(2)
    def account_page(self) -> None:
        self.client.get(
            f"/account/{self.provider_id}",
            headers={"Cookie": f"{SESSION_COOKIE}={self.token}"},
            name="GET /account/{provider_id} (page)",
        )

    @tag("write")
    @task(1)
    def change_pin(self) -> None:
        with self.client.post(
            f"/api/v1/organizations/{self.provider_id}/info",
            json={"vfc_pin": f"{random.randrange(10**6):06d}"},
            headers={**self.bearer, **_key()},
            name="POST /api/v1/organizations/{provider_id}/info",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.text[:200]}")


class Staff(FastHttpUser):
    """A reviewer working the queue: the list and a request's detail (API and console pages),
    now and then an approval of a request still waiting."""

    weight = 14
    wait_time = WAIT

    def on_start(self) -> None:
        self.token = random.choice(SEED["staff"])
        self.bearer = {"Authorization": f"Bearer {self.token}"}
        self.cookie = {"Cookie": f"{SESSION_COOKIE}={self.token}"}

    def _some_enrollment(self) -> str:
        return str(random.choice(SEED["enrollment_ids"]))

    @task(3)
    def queue(self) -> None:
        self.client.get(
            "/api/v1/staff/enrollments", headers=self.bearer, name="GET /api/v1/staff/enrollments"
        )

    @task(3)
    def detail(self) -> None:
        self.client.get(
            f"/api/v1/staff/enrollments/{self._some_enrollment()}",
            headers=self.bearer,
            name="GET /api/v1/staff/enrollments/{enrollment_id}",
        )

    @task(2)
    def queue_page(self) -> None:
        self.client.get(
            "/staff/enrollments", headers=self.cookie, name="GET /staff/enrollments (page)"
        )

    @task(2)
    def detail_page(self) -> None:
        self.client.get(
            f"/staff/enrollments/{self._some_enrollment()}",
            headers=self.cookie,
            name="GET /staff/enrollments/{enrollment_id} (page)",
        )

    @tag("write")
    @task(1)
    def approve(self) -> None:
        """Approve one request from the queue (another reviewer may have been first: 409)."""
        waiting = self.client.get(
            "/api/v1/staff/enrollments?stage=awaiting_review&limit=20",
            headers=self.bearer,
            name="GET /api/v1/staff/enrollments",
        )
        items = waiting.json().get("items", []) if waiting.status_code == 200 else []
        if not items:
            return
        chosen = random.choice(items)["view"]["id"]
        with self.client.post(
            f"/api/v1/staff/enrollments/{chosen}/approve",
            headers={**self.bearer, **_key()},
            name="POST /api/v1/staff/enrollments/{enrollment_id}/approve",
            catch_response=True,
        ) as answer:
            if answer.status_code == 409:
                answer.success()  # decided a moment ago by someone else: what a person sees
            elif answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.text[:200]}")


class Probe(FastHttpUser):
    """The load balancer's probe, twice a second each, whatever the mode: the floor (a route of
    the same app that touches nothing), timed under the same load without adding much."""

    weight = 4
    wait_time = constant(0.5)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")
