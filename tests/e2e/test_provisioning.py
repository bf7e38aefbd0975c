"""Provisioning and activation end to end: Provider ID, users, credentials, welcome e-mail,
training gate, and crashes at every provisioning step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cair.operations import credentials, enrollments, users
from cair.operations.context import Context
from cair.operations.errors import OperationError
from cair.security.secret_hashing import verify_secret
from cair.store.models import (
    CredentialRow,
    EmailRow,
    LinkTokenRow,
    OrganizationRow,
    UserRow,
)
from tests.helpers.accounts import approve_and_wait
from tests.helpers.examples import variant
from tests.helpers.links import reveal_token
from tests.helpers.mailbox import body_html, body_text
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.stack import Stack
from tests.helpers.staff import STAFF_ADMIN
from tests.helpers.waiting import eventually


async def users_by_email(ctx: Context, provider_id: str) -> dict[str, UserRow]:
    async with ctx.db.sessions() as session:
        org = await session.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
        )
        assert org is not None
        rows = (
            await session.scalars(select(UserRow).where(UserRow.organization_id == org.id))
        ).all()
    return {u.email: u for u in rows}


async def test_clinic_provisioned_with_training_gate(
    stack: Stack, ctx: Context, staff_cli: Path
) -> None:
    enrollment_id = await approve_and_wait(ctx, variant("clinic", "Gate"), "awaiting_training")
    view = await enrollments.status(ctx, enrollment_id)
    assert view.provider_id is not None and re.fullmatch(r"CA\d{6}", view.provider_id)
    accounts = await users_by_email(ctx, view.provider_id)
    assert set(accounts) == {
        "sam.okafor@lakeshore-fm.example",
        "lee.tran@lakeshore-fm.example",
        "jo.kim@lakeshore-fm.example",
    }
    power = accounts["sam.okafor@lakeshore-fm.example"]
    regular = accounts["lee.tran@lakeshore-fm.example"]
    reader = accounts["jo.kim@lakeshore-fm.example"]
    assert (power.role, regular.role, reader.role) == ("power", "regular", "read_only")
    assert all(re.fullmatch(r"U\d{7}", str(u.user_id)) for u in accounts.values())

    welcome = [m for m in stack.outbox.about(view.provider_id) if "Welcome" in str(m["Subject"])]
    assert len(welcome) == 1
    text = body_text(welcome[0])
    for account in accounts.values():
        assert str(account.user_id) in text and str(account.user_id) in body_html(welcome[0])
    assert "1-800-578-7889" in text and "Immunization Registry Notice" in text
    assert "office-workflow guide" in text and "webinar" in text

    await eventually(lambda: stack.outbox.to("jo.kim@lakeshore-fm.example", "access is ready"))
    assert reader.state == "active"
    assert power.state == regular.state == "pending_training"
    assert stack.outbox.to("lee.tran@lakeshore-fm.example", "training needed")
    assert not stack.outbox.to("lee.tran@lakeshore-fm.example", "set your password")

    waiting = stack.cli(
        "users", "--state", "pending_training", "--provider", view.provider_id, config=staff_cli
    )
    assert str(regular.user_id) in waiting.stdout and str(power.user_id) in waiting.stdout
    assert str(reader.user_id) not in waiting.stdout
    done = stack.cli(
        "training-complete", str(regular.user_id), "--kind", "webinar", config=staff_cli
    )
    assert "active" in done.stdout
    await users.training_complete(ctx, str(power.user_id), kind="in-person", by="Dana Staff")
    await eventually(
        lambda: stack.outbox.to("sam.okafor@lakeshore-fm.example", "set your password"), timeout=30
    )
    await eventually(lambda: stack.outbox.to("lee.tran@lakeshore-fm.example", "set your password"))

    async def completed() -> bool:
        return (await enrollments.status(ctx, enrollment_id)).stage == "completed"

    await eventually(completed, timeout=30)
    final = await enrollments.status(ctx, enrollment_id)
    assert {u.state for u in final.users} == {"active"}
    accounts = await users_by_email(ctx, view.provider_id)
    assert accounts["sam.okafor@lakeshore-fm.example"].training_kind == "in_person"
    assert accounts["lee.tran@lakeshore-fm.example"].trained_by == STAFF_ADMIN

    again = stack.cli(
        "training-complete",
        str(regular.user_id),
        "--kind",
        "webinar",
        check=False,
        config=staff_cli,
    )
    assert again.returncode == 1 and (
        "already active" in again.stderr or "is active" in again.stderr
    )

    # Lee sets a password from the password-setup link; the link then is used up.
    setup = stack.outbox.to("lee.tran@lakeshore-fm.example", "set your password")[-1]
    found = re.search(r"/password-setup/(\S+)", body_text(setup))
    assert found
    weak = stack.cli("password", "set", found.group(1), check=False, stdin="short\n")
    assert weak.returncode == 1 and "at least 12 characters" in weak.stderr
    done = stack.cli("password", "set", found.group(1), stdin="correct horse battery staple\n")
    assert f"password of {regular.user_id} is set" in done.stdout
    used = stack.cli("password", "set", found.group(1), check=False, stdin="another long one!\n")
    assert used.returncode == 1 and "already been used" in used.stderr
    lee = (await users_by_email(ctx, view.provider_id))["lee.tran@lakeshore-fm.example"]
    assert lee.password_hash and lee.password_hash.startswith("$argon2id$")
    assert lee.password_set_at is not None
    with pytest.raises(OperationError, match="no such user"):
        await users.training_complete(ctx, "U9999999", kind="webinar", by="Dana Staff")


async def test_data_exchange_credentials_revealed_exactly_once(stack: Stack, ctx: Context) -> None:
    enrollment_id = await approve_and_wait(
        ctx, variant("data-exchange", "Creds"), "awaiting_training"
    )
    view = await enrollments.status(ctx, enrollment_id)
    assert view.access_level == "data_exchange" and view.provider_id
    welcome = [m for m in stack.outbox.about(view.provider_id) if "Welcome" in str(m["Subject"])][0]
    token = reveal_token(body_text(welcome))
    site_id = f"{view.provider_id}-01"
    assert f"{site_id.lower()}-staging" in body_text(welcome)

    shown = stack.cli("credentials", "reveal", token)
    secret = _json(shown.stdout)["secret"]
    REVEALED_SECRETS.append(secret)
    assert secret not in body_text(welcome) and secret not in body_html(welcome)
    again = stack.cli("credentials", "reveal", token, check=False)
    assert again.returncode == 1 and "already been used" in again.stderr

    async with ctx.db.sessions() as session:
        credential = await session.scalar(
            select(CredentialRow)
            .join(OrganizationRow)
            .where(OrganizationRow.provider_id == view.provider_id)
        )
        assert credential is not None
        assert credential.secret_hash.startswith("$argon2id$")
        assert verify_secret(credential.secret_hash, secret)
        assert credential.sealed_secret is None
        old_hash = credential.secret_hash

    # Staff re-issue the organization's credentials: its first site's, in staging still.
    reissued = await credentials.reissue(ctx, view.provider_id, by="Dana Staff")
    assert reissued.username == f"{site_id.lower()}-staging"
    mail = stack.outbox.to("pnair@valleychc.example", f"staging credentials for site {site_id}")
    assert len(mail) == 1 and not mail[0]["Cc"]  # a password link goes to the representative
    new_secret = (await credentials.reveal(ctx, reveal_token(body_text(mail[0])))).secret
    REVEALED_SECRETS.append(new_secret)
    async with ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(CredentialRow)
                .join(OrganizationRow)
                .where(OrganizationRow.provider_id == view.provider_id)
                .order_by(CredentialRow.id)
            )
        ).all()
    assert [r.active for r in rows] == [False, True]
    assert rows[0].secret_hash == old_hash and not verify_secret(rows[1].secret_hash, secret)
    assert verify_secret(rows[1].secret_hash, new_secret)
    school = await approve_and_wait(ctx, variant("school", "NoCreds"), "completed")
    school_provider = str((await enrollments.status(ctx, school)).provider_id)
    with pytest.raises(OperationError, match="not a Data Exchange"):
        await credentials.reissue(ctx, school_provider, by="Dana Staff")


async def test_school_gets_read_only_users_active_at_once(stack: Stack, ctx: Context) -> None:
    enrollment_id = await approve_and_wait(ctx, variant("school", "ReadOnly"), "completed")
    view = await enrollments.status(ctx, enrollment_id)
    assert view.access_level == "read_only"
    assert [(u.role, u.state) for u in view.users] == [("read_only", "active")]
    ready = stack.outbox.to("msingh@redwood-elem.example", "access is ready")
    assert any(view.users[0].user_id in body_text(m) for m in ready)


CRASH_POINTS = (
    "provider_id.before_commit",
    "provider_id.after_commit",
    "users.after_first",
    "mail.welcome",
)


@pytest.mark.slow  # 38 s on SQLite: four worker kills and restarts
@pytest.mark.timeout(180)
async def test_worker_killed_at_each_provisioning_step_makes_one_of_everything(
    stack: Stack,
) -> None:
    queue = f"crash-provisioning-{stack.name}"
    ctx = Context(stack.settings.model_copy(update={"temporal_task_queue": queue}))
    try:
        stack.start_worker(task_queue=queue, extra_env={"CAIR_FAULT_PAUSE_AT": CRASH_POINTS[0]})
        submitted = await enrollments.submit(ctx, variant("data-exchange", "Crashing"))
        await enrollments.approve(ctx, submitted.id, by="Dana Staff")
        for index, point in enumerate(CRASH_POINTS):
            marker = stack.var_dir / f"paused-{point}"
            await eventually(marker.exists, timeout=60)
            stack.workers[-1].kill()
            stack.workers[-1].wait()
            marker.unlink()
            following = CRASH_POINTS[index + 1] if index + 1 < len(CRASH_POINTS) else ""
            stack.start_worker(task_queue=queue, extra_env={"CAIR_FAULT_PAUSE_AT": following})

        async def trained_users_pending() -> bool:
            return (await enrollments.status(ctx, submitted.id)).stage == "awaiting_training"

        await eventually(trained_users_pending, timeout=90)
        view = await enrollments.status(ctx, submitted.id)
        async with ctx.db.sessions() as session:
            orgs = (
                await session.scalars(
                    select(OrganizationRow).where(OrganizationRow.enrollment_id == submitted.id)
                )
            ).all()
            assert len(orgs) == 1 and orgs[0].provider_id == view.provider_id
            assert (
                await session.scalar(
                    select(func.count())
                    .select_from(UserRow)
                    .where(UserRow.organization_id == orgs[0].id)
                )
                == 2
            )
            assert (
                await session.scalar(
                    select(func.count())
                    .select_from(CredentialRow)
                    .where(CredentialRow.organization_id == orgs[0].id)
                )
                == 1
            )
            welcome_rows = (
                await session.scalars(
                    select(EmailRow).where(EmailRow.idempotency_key == f"{submitted.id}/welcome")
                )
            ).all()
            reveal_links = (
                await session.scalars(
                    select(LinkTokenRow).where(
                        LinkTokenRow.issue_key == f"{submitted.id}/welcome",
                        LinkTokenRow.revoked_at.is_(None),
                    )
                )
            ).all()
        assert len(welcome_rows) == 1 and welcome_rows[0].status == "sent"
        assert len(reveal_links) == 1
        assert (
            len(
                [
                    m
                    for m in stack.outbox.about(str(view.provider_id))
                    if "Welcome" in str(m["Subject"])
                ]
            )
            == 1
        )
        assert len(view.users) == 2
    finally:
        await ctx.close()


def _json(text: str) -> dict[str, Any]:
    import json

    value: dict[str, Any] = json.loads(text)
    return value
