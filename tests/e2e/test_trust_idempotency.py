"""What is shown once is kept nowhere for a replay: a retried submit, session, reveal or password
with the same Idempotency-Key is told it was done — without the status token, session token or
secret the first answer carried — and the kept answers hold none of them. Anonymous callers'
keys are scoped by the token they send, so two never share one answer."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from cair.operations import enrollments, sessions, staff_accounts, users
from cair.operations.context import Context
from cair.security.sealing import unseal
from cair.store.models import IdempotencyRow
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually

DOMAIN = "shown-once.example"
CONTACT = f"pnair@{DOMAIN}"


async def _token_in(stack: Stack, address: str, subject: str, pattern: str, seen: int = 0) -> str:
    def find() -> str | None:
        mails = stack.outbox.to(address, subject)
        found = re.search(pattern, body_text(mails[-1])) if len(mails) > seen else None
        return found.group(1) if found else None

    return await eventually(find)


async def _twice(
    api: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> tuple[httpx.Response, httpx.Response]:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    return await api.post(path, json=body, headers=key), await api.post(
        path, json=body, headers=key
    )


def _done_already(replay: httpx.Response, *secrets: str) -> None:
    assert replay.status_code == 409, replay.text
    assert replay.headers["content-type"] == "application/problem+json"
    assert replay.headers["idempotent-replayed"] == "true"
    assert "already" in replay.json()["detail"]
    for secret in secrets:
        assert secret not in replay.text


async def test_a_replay_is_told_done_and_never_shown_the_secret_again(
    stack: Stack, ctx: Context
) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        request = variant("data-exchange", "ShownOnce", email_domain=DOMAIN)
        submitted, again = await _twice(api, "/api/v1/enrollments", request)
        assert submitted.status_code == 201, submitted.text
        enrollment_id, status_token = submitted.json()["id"], submitted.json()["status_token"]
        _done_already(again, status_token)
        assert enrollment_id in again.json()["detail"]  # which enrollment it was: not secret

        await enrollments.approve(ctx, enrollment_id, by="Dana Staff")

        async def provisioned() -> str | None:
            view = await enrollments.status(ctx, enrollment_id)
            return view.provider_id if view.stage == "awaiting_training" else None

        provider_id = await eventually(provisioned, timeout=60)
        reveal = await _token_in(stack, CONTACT, "Welcome", r"/credentials/reveal/(\S+)")
        shown, again = await _twice(api, "/api/v1/credentials/reveal", {"token": reveal})
        assert shown.status_code == 200, shown.text
        secret = shown.json()["secret"]
        REVEALED_SECRETS.append(secret)
        _done_already(again, secret)

        view = await enrollments.status(ctx, enrollment_id)
        for user in view.users:
            if user.state == "pending_training":
                await users.training_complete(ctx, user.user_id, kind="webinar", by="Dana Staff")
        setup = await _token_in(stack, CONTACT, "set your password", r"/password-setup/(\S+)")
        password = "a long and quiet river"
        body = {"token": setup, "password": password}
        done, again = await _twice(api, "/api/v1/password", body)
        assert done.status_code == 200, done.text
        _done_already(again, password)

        asked = await api.post(
            f"/api/v1/organizations/{provider_id}/sign-in", json={"email": CONTACT}
        )
        assert asked.status_code == 202
        link = await _token_in(stack, CONTACT, "sign-in link", r"cair account redeem (\S+)")
        opened, again = await _twice(api, "/api/v1/sessions", {"token": link})
        assert opened.status_code == 201, opened.text
        session_token = opened.json()["token"]
        _done_already(again, session_token)

    kept = await _kept_answers(stack)
    for shown_once in (status_token, secret, session_token):
        assert not any(shown_once in answer for answer in kept)


async def test_anonymous_callers_with_one_key_never_share_an_answer(
    stack: Stack, ctx: Context
) -> None:
    links = {}
    for email in ("one.caller@cair.test", "other.caller@cair.test"):
        await staff_accounts.add(ctx, email, roles=["trainer"], name="Caller")
        await sessions.staff_sign_in(ctx, email)
        links[email] = await _token_in(
            stack, email, "staff console sign-in", r"cair staff redeem (\S+)"
        )
    key = {"Idempotency-Key": "the-same-key-for-both"}
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        answers = {
            email: await api.post("/api/v1/sessions", json={"token": token}, headers=key)
            for email, token in links.items()
        }
    for email, answer in answers.items():
        assert answer.status_code == 201, answer.text
        assert answer.json()["email"] == email
    one, other = (a.json()["token"] for a in answers.values())
    assert one != other


async def _kept_answers(stack: Stack) -> list[str]:
    """Every answer the idempotency store keeps, unsealed as the service would."""
    ring = stack.settings.secrets_ring()
    async with stack.context().db.sessions() as session:
        rows = (await session.scalars(select(IdempotencyRow))).all()
    return [
        unseal(ring, row.response, purpose="idempotent-response", context=f"{row.scope}/{row.key}")
        for row in rows
        if row.response
    ]
