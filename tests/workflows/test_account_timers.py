"""Account management clocks on the time-skipping server: sign-in links expire after 15 minutes;
reactivated Regular/Power users retake training older than 12 months."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from cair.domain.account_changes import ChangeKind
from cair.operations import account_changes, enrollments, sessions, users
from cair.operations.errors import OperationError
from cair.store.models import UserRow
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.skipping import Skipping, user_state
from tests.helpers.waiting import eventually


async def clinic_account(skipping: Skipping, tag: str) -> tuple[str, dict[str, str]]:
    domain = f"{tag.lower()}.example"
    submitted = await enrollments.submit(skipping.ctx, variant("clinic", tag, email_domain=domain))
    await enrollments.approve(skipping.ctx, submitted.id, by="Dana Staff")

    async def provider_id() -> str | None:
        view = await enrollments.status(skipping.ctx, submitted.id)
        return view.provider_id if view.stage == "awaiting_training" else None

    provider = await eventually(provider_id)
    async with skipping.ctx.db.sessions() as session:
        rows = (
            await session.scalars(select(UserRow).where(UserRow.email.like(f"%@{domain}")))
        ).all()
    return provider, {u.email: str(u.user_id) for u in rows}


async def sign_in_token(skipping: Skipping, provider: str, count: int, tag: str) -> str:
    SAM = f"sam.okafor@{tag.lower()}.example"
    await sessions.sign_in(skipping.ctx, provider, SAM)
    mails = await eventually(lambda: skipping.outbox.more_than(count - 1, SAM, "sign-in link"))
    found = re.search(r"cair account redeem (\S+)", body_text(mails[-1]))
    assert found
    return found.group(1)


async def test_sign_in_link_expires_after_fifteen_minutes(skipping: Skipping) -> None:
    provider, _ = await clinic_account(skipping, "LinkExpiry")
    stale = await sign_in_token(skipping, provider, 1, "LinkExpiry")
    await skipping.env.sleep(timedelta(minutes=16))
    with pytest.raises(OperationError, match="expired"):
        await sessions.redeem(skipping.ctx, stale)

    fresh = await sign_in_token(skipping, provider, 2, "LinkExpiry")
    await skipping.env.sleep(timedelta(minutes=10))
    session = await sessions.redeem(skipping.ctx, fresh)
    assert session.provider_id == provider


async def test_reactivation_retakes_training_older_than_twelve_months(skipping: Skipping) -> None:
    provider, ids = await clinic_account(skipping, "Reactivation")
    LEE = "lee.tran@reactivation.example"
    session = (
        await sessions.redeem(
            skipping.ctx, await sign_in_token(skipping, provider, 1, "Reactivation")
        )
    ).token
    who = await sessions.current(skipping.ctx, session)
    lee = ids[LEE]
    await users.training_complete(skipping.ctx, lee, kind="webinar", by="Dana Staff")
    await eventually(lambda: user_state(skipping, lee), timeout=5)
    await eventually(lambda: skipping.outbox.to(LEE, "set your password"))

    await account_changes.user_change(skipping.ctx, who, ChangeKind.INACTIVATE_USER, lee)
    await skipping.env.sleep(timedelta(days=200))
    session = (
        await sessions.redeem(
            skipping.ctx, await sign_in_token(skipping, provider, 2, "Reactivation")
        )
    ).token
    who = await sessions.current(skipping.ctx, session)
    back = await account_changes.user_change(skipping.ctx, who, ChangeKind.REACTIVATE_USER, lee)
    assert back.status == "applied" and await user_state(skipping, lee) == "active"

    await account_changes.user_change(skipping.ctx, who, ChangeKind.INACTIVATE_USER, lee)
    await skipping.env.sleep(timedelta(days=200))  # training now 400 days old
    session = (
        await sessions.redeem(
            skipping.ctx, await sign_in_token(skipping, provider, 3, "Reactivation")
        )
    ).token
    who = await sessions.current(skipping.ctx, session)
    again = await account_changes.user_change(skipping.ctx, who, ChangeKind.REACTIVATE_USER, lee)
    assert "retakes" in again.message
    assert await user_state(skipping, lee) == "pending_training"
    await eventually(lambda: len(skipping.outbox.to(LEE, "training needed")) == 2)
    await users.training_complete(skipping.ctx, lee, kind="in-person", by="Dana Staff")

    async def active() -> bool:
        return await user_state(skipping, lee) == "active"

    await eventually(active)
