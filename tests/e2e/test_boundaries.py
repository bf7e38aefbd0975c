"""The holes the hardening closed, each tried the hostile way on the real stack, both databases:
one link redeemed from ten tasks at once, a change id borrowed from another organization,
sessions that outlive their use, sign-in floods, two re-issues at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate
from cair.domain.ids import organization_workflow_id
from cair.domain.request import RequestedUser
from cair.operations import account_changes, credentials, sessions
from cair.operations.context import Context
from cair.operations.errors import NotSignedIn, OperationError, TooManyRequests
from cair.store import links
from cair.store.links import LinkPurpose
from cair.store.models import CredentialRow, OrganizationRow, SessionRow, UserRow, as_utc
from cair.workflows.organization import OrganizationWorkflow
from tests.helpers.accounts import approve_and_wait, enrolled, sign_in
from tests.helpers.examples import variant
from tests.helpers.links import reveal_token
from tests.helpers.mailbox import body_text
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually


async def test_one_sign_in_link_redeemed_from_ten_tasks_gives_one_session(
    stack: Stack, ctx: Context
) -> None:
    account = await enrolled(stack, ctx, "school", "Racing")
    async with ctx.db.sessions.begin() as db:
        org = await db.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == account.provider_id)
        )
        assert org is not None
        token = await links.issue(
            db,
            purpose=LinkPurpose.SIGN_IN,
            subject=await _rep_subject(db, org.id),
            issue_key=f"race-{account.provider_id}",
            ttl=timedelta(minutes=15),
        )
        before = await db.scalar(select(func.count()).select_from(SessionRow))
    outcomes = await asyncio.gather(
        *(sessions.redeem(ctx, token) for _ in range(10)), return_exceptions=True
    )
    won = [o for o in outcomes if isinstance(o, sessions.SignedIn)]
    lost = [o for o in outcomes if isinstance(o, OperationError)]
    assert len(won) == 1 and len(lost) == 9, outcomes
    assert all("already been used" in str(o) for o in lost)
    async with ctx.db.sessions() as db:
        after = await db.scalar(select(func.count()).select_from(SessionRow))
    assert after == (before or 0) + 1


async def _rep_subject(db: object, organization_id: int) -> str:
    from cair.store import representatives

    [rep] = await representatives.active_of(db, organization_id)  # type: ignore[arg-type]
    return representatives.link_subject(rep.id)


async def test_a_credential_link_revealed_from_ten_tasks_shows_the_secret_once(
    stack: Stack, ctx: Context
) -> None:
    enrollment_id = await approve_and_wait(
        ctx,
        variant("data-exchange", "RacingReveal", email_domain="racing-reveal.example"),
        "awaiting_training",
    )
    from cair.operations import enrollments

    provider_id = str((await enrollments.status(ctx, enrollment_id)).provider_id)
    welcome = await eventually(
        lambda: [m for m in stack.outbox.about(provider_id) if "Welcome" in str(m["Subject"])]
    )
    token = reveal_token(body_text(welcome[0]))
    outcomes = await asyncio.gather(
        *(credentials.reveal(ctx, token) for _ in range(10)), return_exceptions=True
    )
    shown = [o for o in outcomes if isinstance(o, credentials.RevealedCredentials)]
    assert len(shown) == 1 and all(
        isinstance(o, OperationError) for o in outcomes if o not in shown
    )
    REVEALED_SECRETS.append(shown[0].secret)


async def test_a_change_id_of_another_organization_is_only_ever_ones_own(
    stack: Stack, ctx: Context
) -> None:
    """Organization A uses change id X to add a user; B's representative sends X to inactivate
    one of B's users. B's change is B's: it applies to B, A's outcome is never replayed into B,
    and B's account keeps taking changes."""
    a = await enrolled(stack, ctx, "clinic", "BorrowA", email_domain="borrow-a.example")
    b = await enrolled(stack, ctx, "clinic", "BorrowB", email_domain="borrow-b.example")
    shared = f"CH-SHARED-{a.provider_id}"
    ray = RequestedUser(
        first_name="Ray", last_name="Vu", email="ray@borrow-a.example", role="read_only"
    )
    added = await account_changes.add_user(ctx, a.who, ray, change_id=shared)
    assert added.status == ChangeStatus.APPLIED

    b_lee = b.users["lee.tran@borrow-b.example"]
    done = await account_changes.user_change(
        ctx, b.who, ChangeKind.INACTIVATE_USER, b_lee, change_id=shared
    )
    assert done.status == ChangeStatus.APPLIED and done.user_id == b_lee
    async with ctx.db.sessions() as db:
        lee = await db.scalar(select(UserRow).where(UserRow.user_id == b_lee))
        assert lee is not None and lee.state == "inactive"
    # B's workflow is healthy and still serves changes.
    handle = (await ctx.temporal()).get_workflow_handle_for(
        OrganizationWorkflow.run, organization_workflow_id(b.provider_id)
    )
    assert (await handle.describe()).status is not None
    pending = await handle.query(OrganizationWorkflow.pending_changes)
    assert pending.provider_id == b.provider_id
    again = await account_changes.user_change(ctx, b.who, ChangeKind.REACTIVATE_USER, b_lee)
    assert again.status == ChangeStatus.APPLIED


async def test_sessions_end_at_sign_out_and_after_idling(stack: Stack, ctx: Context) -> None:
    account = await enrolled(stack, ctx, "school", "Idle")
    await sessions.current(ctx, account.session)
    await sessions.sign_out(ctx, account.session)
    with pytest.raises(NotSignedIn):
        await sessions.current(ctx, account.session)
    with pytest.raises(OperationError, match="already ended"):
        await sessions.sign_out(ctx, account.session)

    fresh = await sign_in(stack, ctx, account.provider_id, "msingh@redwood-elem.example")
    # A session in use is kept alive: its use is written (at most once a minute).
    mine = (SessionRow.revoked_at.is_(None), SessionRow.provider_id == account.provider_id)
    async with ctx.db.sessions.begin() as db:
        await db.execute(
            update(SessionRow)
            .where(*mine)
            .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=20))
        )
    await sessions.current(ctx, fresh)
    async with ctx.db.sessions() as db:
        seen = await db.scalar(select(SessionRow.last_seen_at).where(*mine))
    assert seen is not None and datetime.now(UTC) - as_utc(seen) < timedelta(minutes=1)
    async with ctx.db.sessions.begin() as db:
        await db.execute(
            update(SessionRow)
            .where(SessionRow.revoked_at.is_(None), SessionRow.provider_id == account.provider_id)
            .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31))
        )
    with pytest.raises(NotSignedIn, match="idle"):
        await sessions.current(ctx, fresh)


async def test_sign_in_links_are_limited_alike_for_representatives_and_strangers(
    stack: Stack, ctx: Context
) -> None:
    account = await enrolled(stack, ctx, "school", "Flood", email_domain="flood.example")
    representative = "msingh@flood.example"
    limits = {"sign_in_limit_per_address": 5, "sign_in_limit_per_organization": 30}
    strict = Context(stack.settings.model_copy(update=limits))
    try:
        for address in (representative, "stranger@flood.example"):
            answers = []
            for _ in range(4):  # the enrolment helper used one of the representative's five
                answers.append(await sessions.sign_in(strict, account.provider_id, address))
            with pytest.raises(TooManyRequests) as refused:
                for _ in range(2):
                    await sessions.sign_in(strict, account.provider_id, address)
            assert refused.value.retry_after_seconds > 0 and "minutes" in str(refused.value)
    finally:
        await strict.close()
    await eventually(lambda: stack.outbox.more_than(4, representative, "sign-in link"))
    # An account change asked for after every refusal: once its notice has come, a link for a
    # refused ask would have too.
    await account_changes.update_info(ctx, account.who, InfoUpdate(vfc_pin=None))
    await eventually(lambda: stack.outbox.to(representative, "site information updated"))
    assert len(stack.outbox.to(representative, "sign-in link")) == 5
    assert not stack.outbox.to("stranger@flood.example")


async def test_two_reissues_at_once_make_one_credential_and_a_clear_answer(
    stack: Stack, ctx: Context
) -> None:
    enrollment_id = await approve_and_wait(
        ctx,
        variant("data-exchange", "TwiceReissued", email_domain="twice.example"),
        "awaiting_training",
    )
    from cair.operations import enrollments

    provider_id = str((await enrollments.status(ctx, enrollment_id)).provider_id)
    outcomes = await asyncio.gather(
        credentials.reissue(ctx, provider_id, by="Dana Staff"),
        credentials.reissue(ctx, provider_id, by="Lee Staff"),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, OperationError)]
    assert len(refused) == 1 and "just re-issued" in str(refused[0])
    async with ctx.db.sessions() as db:
        org = await db.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
        )
        assert org is not None
        rows = (
            await db.scalars(select(CredentialRow).where(CredentialRow.organization_id == org.id))
        ).all()
    assert len(rows) == 2 and [r.active for r in rows].count(True) == 1
