"""Organizations enrolled, approved and provisioned, and their representatives signed in through
the e-mailed link: where most account, API, browser and IZ Portal tests start."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from cair.operations import enrollments, sessions
from cair.operations.context import Context
from cair.operations.sessions import Representative
from cair.store.models import OrganizationRow, UserRow
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually

# The clinic example's people: its primary contact (a Power user), a Regular user (the vaccine
# coordinator) and a Read-Only user.
SAM = "sam.okafor@lakeshore-fm.example"
LEE = "lee.tran@lakeshore-fm.example"
JO = "jo.kim@lakeshore-fm.example"


@dataclass
class Account:
    provider_id: str
    session: str
    who: Representative
    users: dict[str, str]  # e-mail -> User ID


async def approve_and_wait(ctx: Context, data: dict[str, Any], stage: str) -> str:
    """Submit ``data``, approve it, and wait until the enrollment reaches ``stage``; its id."""
    submitted = await enrollments.submit(ctx, data)
    assert submitted.stage == "awaiting_review", submitted.note
    await enrollments.approve(ctx, submitted.id, by="Dana Staff")

    async def reached() -> bool:
        return (await enrollments.status(ctx, submitted.id)).stage == stage

    await eventually(reached, timeout=60)
    return submitted.id


async def enrolled(
    stack: Stack, ctx: Context, example: str, tag: str, *, email_domain: str | None = None
) -> Account:
    """Enroll and approve an organization, then sign its primary contact in through the e-mail."""
    submitted = await enrollments.submit(ctx, variant(example, tag, email_domain=email_domain))
    await enrollments.approve(ctx, submitted.id, by="Dana Staff")

    async def provisioned() -> str | None:
        view = await enrollments.status(ctx, submitted.id)
        return view.provider_id if view.stage in ("awaiting_training", "completed") else None

    provider_id = await eventually(provisioned, timeout=60)
    primary = variant(example, tag, email_domain=email_domain)["contacts"]["primary"]["email"]
    session = await sign_in(stack, ctx, provider_id, primary)
    async with ctx.db.sessions() as db:
        org = await db.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
        )
        assert org is not None
        rows = (await db.scalars(select(UserRow).where(UserRow.organization_id == org.id))).all()
    who = await sessions.current(ctx, session)
    return Account(provider_id, session, who, {u.email: str(u.user_id) for u in rows})


async def sign_in_token(stack: Stack, ctx: Context, provider_id: str, email: str) -> str:
    """Ask for a sign-in link and take its token from the e-mail, as a person does."""
    subject = f"sign-in link ({provider_id})"
    before = len(stack.outbox.to(email, subject))
    await sessions.sign_in(ctx, provider_id, email)
    mails = await eventually(lambda: stack.outbox.more_than(before, email, subject))
    token = re.search(r"cair account redeem (\S+)", body_text(mails[-1]))
    assert token
    return token.group(1)


async def sign_in(stack: Stack, ctx: Context, provider_id: str, email: str) -> str:
    """A representative's session, signed in through the e-mailed link."""
    return (await sessions.redeem(ctx, await sign_in_token(stack, ctx, provider_id, email))).token
