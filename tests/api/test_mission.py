"""The whole mission through the HTTP API alone, on the real stack: an applicant submits and
follows, staff approve, users are provisioned, training is recorded, credentials are revealed
once, a password is set, the representative changes the account and staff approve a raise."""

from __future__ import annotations

import re

import httpx

from tests.helpers.examples import variant
from tests.helpers.identities import Identities
from tests.helpers.mailbox import body_text
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually

DOMAIN = "mission.example"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def token_in(stack: Stack, address: str, subject: str, pattern: str) -> str:
    def find() -> str | None:
        mails = stack.outbox.to(address, subject)
        found = re.search(pattern, body_text(mails[-1])) if mails else None
        return found.group(1) if found else None

    return await eventually(find)


async def test_the_mission_through_http(stack: Stack, identities: Identities) -> None:
    staff = bearer(identities.admin)
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        # The applicant submits and follows with their own key.
        request = variant("data-exchange", "Mission", email_domain=DOMAIN)
        submitted = await api.post("/api/v1/enrollments", json=request)
        assert submitted.status_code == 201, submitted.text
        enrollment, applicant = submitted.json()["id"], bearer(submitted.json()["status_token"])
        mine = (await api.get(f"/api/v1/enrollments/{enrollment}", headers=applicant)).json()
        assert mine["stage"] == "awaiting_review" and mine["next_step"]

        # Staff find it in the queue, read it whole, approve it.
        queue = await api.get("/api/v1/staff/enrollments?stage=awaiting_review", headers=staff)
        assert enrollment in [item["view"]["id"] for item in queue.json()["items"]]
        detail = (await api.get(f"/api/v1/staff/enrollments/{enrollment}", headers=staff)).json()
        assert detail["request"]["organization"]["name"].endswith("Mission")
        approved = await api.post(f"/api/v1/staff/enrollments/{enrollment}/approve", headers=staff)
        assert approved.json()["stage"] == "provisioning"

        async def provisioned() -> str | None:
            view = (await api.get(f"/api/v1/enrollments/{enrollment}", headers=applicant)).json()
            return view["provider_id"] if view["stage"] == "awaiting_training" else None

        provider = await eventually(provisioned, timeout=60)

        # Training is recorded; the user's access opens.
        waiting = await api.get(
            "/api/v1/staff/users",
            params={"state": "pending_training", "provider_id": provider},
            headers=staff,
        )
        [trainee] = waiting.json()["items"]
        trained = await api.post(
            f"/api/v1/staff/users/{trainee['user_id']}/training",
            json={"kind": "in_person"},
            headers=staff,
        )
        assert trained.json()["state"] == "active"

        # The first site's staging credentials are shown once.
        contact = f"pnair@{DOMAIN}"
        reveal = await token_in(stack, contact, "Welcome", r"/credentials/reveal/(\S+)")
        shown = await api.post("/api/v1/credentials/reveal", json={"token": reveal})
        assert (
            shown.status_code == 200
            and shown.json()["username"] == f"{provider.lower()}-01-staging"
        )
        REVEALED_SECRETS.append(shown.json()["secret"])
        twice = await api.post("/api/v1/credentials/reveal", json={"token": reveal})
        assert twice.status_code == 409 and "already been used" in twice.json()["detail"]

        # The trained user sets a password.
        setup = await token_in(stack, contact, "set your password", r"/password-setup/(\S+)")
        weak = await api.post("/api/v1/password", json={"token": setup, "password": "short"})
        assert weak.status_code == 422 and "at least 12" in weak.json()["detail"]
        set_ = await api.post(
            "/api/v1/password", json={"token": setup, "password": "a long and quiet river"}
        )
        assert set_.status_code == 200

        # The representative signs in and changes the account.
        asked = await api.post(f"/api/v1/organizations/{provider}/sign-in", json={"email": contact})
        assert asked.status_code == 202
        link = await token_in(stack, contact, "sign-in link", r"cair account redeem (\S+)")
        opened = await api.post("/api/v1/sessions", json={"token": link})
        assert opened.json()["kind"] == "representative"
        rep = bearer(opened.json()["token"])
        account = (await api.get(f"/api/v1/organizations/{provider}", headers=rep)).json()
        dx_qa = next(u for u in account["users"] if u["role"] == "dx_qa")
        added = await api.post(
            f"/api/v1/organizations/{provider}/users",
            json={
                "first_name": "Ray",
                "last_name": "Vu",
                "email": f"ray@{DOMAIN}",
                "role": "read_only",
            },
            headers=rep,
        )
        assert added.json()["status"] == "applied"
        raised = await api.post(
            f"/api/v1/organizations/{provider}/users/{added.json()['user_id']}/role",
            json={"role": "power"},
            headers=rep,
        )
        assert raised.json()["status"] == "awaiting_approval"
        change = raised.json()["change_id"]
        pending = (await api.get("/api/v1/staff/changes", headers=staff)).json()["items"]
        assert change in [c["change_id"] for c in pending]
        decided = await api.post(
            f"/api/v1/staff/organizations/{provider}/changes/{change}/approve", headers=staff
        )
        assert decided.json()["status"] == "applied"
        history = (await api.get(f"/api/v1/organizations/{provider}/changes", headers=rep)).json()
        assert {h["change_id"] for h in history["history"]} >= {added.json()["change_id"], change}
        audit = (await api.get(f"/api/v1/organizations/{provider}/audit", headers=rep)).json()[
            "items"
        ]
        approval = next(e for e in audit if e["action"] == "account.change_role.approved")
        assert approval["actor"] == "ada.admin@cair.test"
        assert dx_qa["state"] == "active"

        signed_out = await api.delete("/api/v1/sessions/current", headers=rep)
        assert signed_out.status_code == 200
        after = await api.get(f"/api/v1/organizations/{provider}", headers=rep)
        assert after.status_code == 401
