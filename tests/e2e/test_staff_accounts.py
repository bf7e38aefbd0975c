"""Staff accounts that can be taken away, and the second factor of staff sign-in: removing a
staff member ends their sessions and unused links at once and keeps them out; the first sign-in
enrols an authenticator app (a wrong code refused, the secret kept sealed) and hands out
recovery codes, each good once; an operator's reset ends the sessions and asks for a new
enrolment; an admin can do neither to themselves."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import select

from cair.operations import sessions, staff_accounts
from cair.operations.context import Context
from cair.operations.errors import Refused
from cair.store import staff
from cair.store.models import AuditRow, SessionRow
from tests.helpers.stack import Stack
from tests.helpers.staff import (
    cli_sign_in,
    code_for,
    forget_app,
    remember_secret,
    sign_in_token,
    staff_session,
)

ME = "/api/v1/staff/me"
SECOND_FACTOR = "/api/v1/sessions/current/second-factor"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _audit_actions(ctx: Context, email: str) -> list[tuple[str, str]]:
    async with ctx.db.sessions() as session:
        member = await staff.by_email(session, email)
        assert member is not None
        rows = await session.scalars(
            select(AuditRow)
            .where(AuditRow.subject_type == "staff", AuditRow.subject_id == str(member.id))
            .order_by(AuditRow.id)
        )
        return [(row.action, row.actor) for row in rows]


@pytest.mark.timeout(120)
async def test_removing_a_staff_member_ends_their_sessions_at_once(
    stack: Stack, ctx: Context
) -> None:
    member = "gone.soon@cair.test"
    admin = "keeps.access@cair.test"
    admin_token = await staff_session(stack, ctx, admin, "admin")
    token = await staff_session(stack, ctx, member, "reviewer")
    unused_link = await sign_in_token(stack, ctx, member)
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as api:
        assert (await api.get(ME, headers=bearer(token))).status_code == 200

        shown = stack.cli("staff", "remove", member)
        assert "removed" in shown.stdout and "sessions" in shown.stdout

        refused = await api.get(ME, headers=bearer(token))  # the very next call
        assert refused.status_code == 401, refused.text
        assert (await api.get(ME, headers=bearer(admin_token))).status_code == 200
        link = await api.post("/api/v1/sessions", json={"token": unused_link})
        assert link.status_code >= 400, link.text

        # Removed, they cannot sign in: the same answer as anyone, and no e-mail.
        before = len(stack.outbox.to(member, "staff console sign-in"))
        asked = await api.post("/api/v1/staff/sign-in", json={"email": member})
        assert asked.status_code == 202
        await asyncio.sleep(3)
        assert len(stack.outbox.to(member, "staff console sign-in")) == before

    # An admin cannot remove (or reset) themselves, and is told so.
    with pytest.raises(Refused, match="cannot remove yourself"):
        await staff_accounts.remove(ctx, admin, by=admin)
    with pytest.raises(Refused, match="yourself"):
        await staff_accounts.reset_second_factor(ctx, admin, by=admin)
    # Another admin can; and adding the address again brings them back, to enrol anew.
    assert "removed already" in await staff_accounts.remove(ctx, member, by=admin)
    back = stack.cli("staff", "add", member, "--role", "reviewer")
    assert "back" in back.stdout
    opened = await sessions.redeem(ctx, await sign_in_token(stack, ctx, member))
    assert opened.second_factor == "enrol"
    actions = await _audit_actions(ctx, member)
    assert ("staff.removed", "operator") in actions
    assert ("staff.restored", "operator") in actions


@pytest.mark.timeout(120)
async def test_the_first_sign_in_enrols_an_authenticator_and_recovery_codes_work_once(
    stack: Stack, ctx: Context
) -> None:
    email = "two.factors@cair.test"
    await staff_accounts.add(ctx, email, roles=["trainer"], name="Two Factors")
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as api:
        opened = await api.post(
            "/api/v1/sessions", json={"token": await sign_in_token(stack, ctx, email)}
        )
        assert opened.status_code == 201, opened.text
        assert opened.json()["second_factor"] == "enrol"
        half = bearer(opened.json()["token"])
        assert (await api.get(ME, headers=half)).status_code == 401  # not usable yet

        due = (await api.get(SECOND_FACTOR, headers=half)).json()
        assert due["due"] == "enrol" and due["uri"].startswith("otpauth://totp/")
        secret = due["secret"]
        assert (await api.get(SECOND_FACTOR, headers=half)).json()["secret"] == secret
        remember_secret(stack, email, secret)
        right = await code_for(stack, email)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        refused = await api.post(SECOND_FACTOR, json={"code": wrong}, headers=half)
        assert refused.status_code == 422, refused.text
        assert (await api.get(ME, headers=half)).status_code == 401

        done = await api.post(SECOND_FACTOR, json={"code": right}, headers=half)
        assert done.status_code == 200, done.text
        codes = done.json()["recovery_codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        assert (await api.get(ME, headers=half)).json()["email"] == email
        async with ctx.db.sessions() as session:
            member = await staff.by_email(session, email)
            assert member is not None and member.totp_sealed is not None
            assert secret not in member.totp_sealed  # sealed, never plain
            kept = await staff.unused_recovery_codes(session, member.id)
            assert len(kept) == 10 and not any(
                c.replace("-", "") in k.code_hash for c in codes for k in kept
            )

        async def second_sign_in() -> dict[str, str]:
            again = await api.post(
                "/api/v1/sessions", json={"token": await sign_in_token(stack, ctx, email)}
            )
            assert again.json()["second_factor"] == "code"
            headers = bearer(again.json()["token"])
            assert (await api.get(SECOND_FACTOR, headers=headers)).json()["secret"] is None
            return headers

        # A recovery code signs in once, typed any way.
        headers = await second_sign_in()
        used = await api.post(
            SECOND_FACTOR, json={"code": codes[0].upper().replace("-", " ")}, headers=headers
        )
        assert used.status_code == 200, used.text
        assert used.json()["recovery_codes_left"] == 9
        assert (await api.get(ME, headers=headers)).status_code == 200
        headers = await second_sign_in()
        twice = await api.post(SECOND_FACTOR, json={"code": codes[0]}, headers=headers)
        assert twice.status_code == 422
        # The app's code taken once is not taken again.
        replayed = await api.post(SECOND_FACTOR, json={"code": right}, headers=headers)
        assert replayed.status_code == 422
        fresh = await api.post(
            SECOND_FACTOR, json={"code": await code_for(stack, email)}, headers=headers
        )
        assert fresh.status_code == 200, fresh.text
    assert pyotp.TOTP(secret).verify(right, valid_window=2)  # it was a real code all along
    actions = [a for a, _ in await _audit_actions(ctx, email)]
    assert "staff.second_factor_enrolled" in actions and "staff.recovery_code_used" in actions


@pytest.mark.timeout(180)  # a third code within one 30-second step waits for the next
async def test_a_reset_ends_the_sessions_and_asks_for_a_new_enrolment(
    stack: Stack, ctx: Context, tmp_path: Path
) -> None:
    email = "lost.phone@cair.test"
    stack.cli("staff", "add", email, "--role", "reviewer")
    terminal = tmp_path / "config"
    first = await cli_sign_in(stack, email, terminal)  # the secret shown, then verified
    assert "secret" in first and "Recovery codes" in first and "signed in as" in first
    assert email in stack.cli("staff", "whoami", config=terminal).stdout
    again = await cli_sign_in(stack, email, terminal)  # `cair staff redeem TOKEN --code`
    assert "signed in as" in again and "secret" not in again

    reset = stack.cli("staff", "reset-2fa", email)
    assert "reset" in reset.stdout
    refused = stack.cli("staff", "whoami", config=terminal, check=False)
    assert refused.returncode != 0 and "not signed in" in refused.stderr
    async with ctx.db.sessions() as session:
        member = await staff.by_email(session, email)
        assert member is not None and member.totp_sealed is None
        assert not await staff.unused_recovery_codes(session, member.id)
        open_sessions = await session.scalars(
            select(SessionRow).where(
                SessionRow.subject_id == member.id,
                SessionRow.kind == "staff",
                SessionRow.revoked_at.is_(None),
            )
        )
        assert not list(open_sessions)
    forget_app(stack, email)
    enrolled_again = await cli_sign_in(stack, email, terminal)
    assert "secret" in enrolled_again and "Recovery codes" in enrolled_again
    actions = await _audit_actions(ctx, email)
    assert ("staff.second_factor_reset", "operator") in actions
