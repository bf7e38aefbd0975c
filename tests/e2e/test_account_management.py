"""Account management end to end: representatives sign in and change their organization;
changes are ordered, idempotent, audited, approved by staff where they raise access."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import WorkflowUpdateStage

from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate
from cair.domain.contracts.organization import AccountChange, ChangeResult
from cair.domain.ids import organization_workflow_id
from cair.domain.request import Contact, Contacts, RequestedUser
from cair.operations import account_changes, account_views, sessions, users
from cair.operations.context import Context
from cair.operations.errors import NotSignedIn, OperationError
from cair.store.models import (
    AccountChangeRow,
    AuditRow,
    EmailRow,
    LinkTokenRow,
    UserRow,
)
from cair.store.users import by_user_id as find_user
from cair.workflows.organization import OrganizationWorkflow
from tests.helpers.accounts import JO, LEE, SAM, enrolled, sign_in, sign_in_token
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.staff import STAFF_ADMIN
from tests.helpers.waiting import eventually


async def user_row(ctx: Context, user_id: str) -> UserRow:
    async with ctx.db.sessions() as db:
        row = await find_user(db, user_id)
    assert row is not None
    return row


async def test_sign_in_answers_alike_and_links_are_single_use(
    stack: Stack, ctx: Context, tmp_path: Path
) -> None:
    account = await enrolled(stack, ctx, "school", "SignIn")
    maya_address, stranger = "msingh@redwood-elem.example", "someone@elsewhere.example"
    answer_stranger = await sessions.sign_in(ctx, account.provider_id, stranger)
    answer_rep = await sessions.sign_in(ctx, account.provider_id, maya_address)
    assert answer_stranger.replace(stranger, "X") == answer_rep.replace(maya_address, "X")
    # Maya's second link of this organization (enrolled() asked for the first), asked for after
    # the stranger was answered: once it has come, a link for the stranger would have too.
    subject = f"sign-in link ({account.provider_id})"
    mails = await eventually(lambda: stack.outbox.more_than(1, maya_address, subject))
    assert not stack.outbox.to(stranger)

    token = re.search(r"cair account redeem (\S+)", body_text(mails[-1]))
    assert token
    maya = tmp_path / "maya"
    shown = stack.cli("account", "redeem", token.group(1), config=maya)
    assert f"for {account.provider_id}" in shown.stdout
    assert token.group(1) not in (maya / "credentials.json").read_text()  # the session, not it
    again = stack.cli("account", "redeem", token.group(1), check=False, config=tmp_path / "x")
    assert again.returncode == 1 and "already been used" in again.stderr

    listed = stack.cli("account", "show", config=maya).stdout
    assert "msingh@redwood-elem.example" in json.loads(listed)["representatives"][0]["email"]
    refused = stack.cli("account", "show", check=False, config=tmp_path / "nobody")
    assert refused.returncode == 1 and "not signed in" in refused.stderr
    stack.cli("account", "sign-out", config=maya)
    ended = stack.cli("account", "show", check=False, config=maya)
    assert ended.returncode == 1 and "not signed in" in ended.stderr


async def test_representative_manages_users(
    stack: Stack, ctx: Context, staff_cli: Path, tmp_path: Path
) -> None:
    account = await enrolled(stack, ctx, "clinic", "Manage")
    who, provider = account.who, account.provider_id
    sam_cli = tmp_path / "sam"
    token = await sign_in_token(stack, ctx, provider, SAM)
    stack.cli("account", "redeem", token, config=sam_cli)

    # Add a Regular user: staff approve the grant, then the user is active after training.
    asked = await account_changes.add_user(
        ctx,
        who,
        RequestedUser(
            first_name="Ray", last_name="Vu", email="ray.vu@lakeshore-fm.example", role="regular"
        ),
    )
    assert asked.status == "awaiting_approval" and asked.user_id is None
    assert asked.change_id in stack.cli("account", "pending", config=staff_cli).stdout
    added = await account_changes.decide(
        ctx, asked.change_id, approve=True, by=STAFF_ADMIN, provider_id=provider
    )
    assert added.status == "applied" and added.user_id
    assert (await user_row(ctx, added.user_id)).state == "pending_training"
    await eventually(lambda: stack.outbox.to("ray.vu@lakeshore-fm.example", "training needed"))
    await users.training_complete(ctx, added.user_id, kind="webinar", by="Dana Staff")
    await eventually(lambda: stack.outbox.to("ray.vu@lakeshore-fm.example", "set your password"))
    assert (await user_row(ctx, added.user_id)).state == "active"
    stack.cli("account", "inactivate-user", added.user_id, config=sam_cli)
    async with ctx.db.sessions() as db:
        links = (
            await db.scalars(select(LinkTokenRow).where(LinkTokenRow.subject == added.user_id))
        ).all()
    assert links and all(link.revoked_at is not None for link in links)  # setup link revoked

    # Inactivate a user: at once, with e-mails and audit entries.
    lee = account.users[LEE]
    done = stack.cli("account", "inactivate-user", lee, config=sam_cli)
    assert "applied" in done.stdout
    assert (await user_row(ctx, lee)).state == "inactive"
    await eventually(lambda: stack.outbox.to(LEE, "user inactivated"))
    assert stack.outbox.to(SAM, "user inactivated")

    # Raise Read-Only to Regular: staff approval, then training.
    jo = account.users[JO]
    raised = await account_changes.user_change(ctx, who, ChangeKind.CHANGE_ROLE, jo, role="regular")
    assert raised.status == "awaiting_approval"
    assert (await user_row(ctx, jo)).role == "read_only"
    staff_mail = await eventually(
        lambda: stack.outbox.to("cair-enrollment-staff@cair.example", raised.change_id)
    )
    assert f"cair account approve {raised.change_id}" in body_text(staff_mail[0])
    assert raised.change_id in stack.cli("account", "pending", config=staff_cli).stdout
    refused = stack.cli("account", "approve", raised.change_id, check=False, config=sam_cli)
    assert refused.returncode == 1 and "not signed in as staff" in refused.stderr
    approved = stack.cli("account", "approve", raised.change_id, config=staff_cli)
    assert "applied" in approved.stdout
    jo_row = await user_row(ctx, jo)
    assert (jo_row.role, jo_row.state) == ("regular", "pending_training")
    await users.training_complete(ctx, jo, kind="in-person", by="Dana Staff")
    await eventually(lambda: _state_is(ctx, jo, "active"))

    # Lower a Power user to Read-Only: at once.
    sam = account.users[SAM]
    lowered = await account_changes.user_change(
        ctx, who, ChangeKind.CHANGE_ROLE, sam, role="read_only"
    )
    assert lowered.status == "applied"
    sam_row = await user_row(ctx, sam)
    assert (sam_row.role, sam_row.state) == ("read_only", "active")

    # The last representative cannot be inactivated; a role above the level is refused.
    with pytest.raises(OperationError, match="last authorized representative"):
        await account_changes.user_change(ctx, who, ChangeKind.INACTIVATE_USER, sam)
    with pytest.raises(OperationError, match="dx_qa exceeds"):
        await account_changes.user_change(ctx, who, ChangeKind.CHANGE_ROLE, jo, role="dx_qa")
    assert (await user_row(ctx, sam)).state == "active"

    audit = await account_views.audit(ctx, provider)
    actions = [entry["action"] for entry in audit]
    for action in (
        "account.add_user",
        "account.add_user.approved",
        "account.inactivate_user",
        "account.change_role",
        "account.change_role.approved",
    ):
        assert action in actions
    approval = next(e for e in audit if e["action"] == "account.change_role.approved")
    assert approval["actor"] == STAFF_ADMIN  # the signed-in staff member, not a typed name
    inactivation = next(e for e in audit if e["action"] == "account.inactivate_user")
    assert inactivation["old"] in ({"state": "active"}, {"state": "pending_training"})
    assert inactivation["new"]["state"] == "inactive" and inactivation["actor"] == SAM


async def _state_is(ctx: Context, user_id: str, state: str) -> bool:
    return (await user_row(ctx, user_id)).state == state


async def test_changes_apply_in_order_and_retries_apply_once(stack: Stack, ctx: Context) -> None:
    account = await enrolled(stack, ctx, "school", "Ordered")
    handle = (await ctx.temporal()).get_workflow_handle_for(
        OrganizationWorkflow.run, organization_workflow_id(account.provider_id)
    )
    phones = ["707-555-0201", "707-555-0202", "707-555-0203"]
    site_before = (await account_views.show(ctx, account.provider_id))["site"]
    pending = []
    for index, phone in enumerate(phones):
        change = AccountChange(
            change_id=f"ORDER-{account.provider_id}-{index}",
            kind=ChangeKind.UPDATE_INFO,
            requested_by=account.who.email,
            info=InfoUpdate(contacts=_contacts(phone)),
        )
        pending.append(
            await handle.start_update(
                OrganizationWorkflow.submit_change,
                change,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
            )
        )
    results: list[ChangeResult] = [await p.result() for p in pending]
    assert [r.status for r in results] == ["applied"] * 3
    shown = await account_views.show(ctx, account.provider_id)
    assert shown["contacts"]["primary"]["phone"] == phones[-1]
    # Contacts alone were given: the site (addresses, VFC PIN) stays as it was.
    assert shown["site"] == site_before and shown["site"]["physical_address"]
    async with ctx.db.sessions() as db:
        order = (
            await db.scalars(
                select(AccountChangeRow.change_id)
                .where(AccountChangeRow.provider_id == account.provider_id)
                .order_by(AccountChangeRow.id)
            )
        ).all()
    assert order == [f"ORDER-{account.provider_id}-{i}" for i in range(3)]

    retry_id = f"RETRY-{account.provider_id}"
    pin = InfoUpdate(vfc_pin=None)
    first = await account_changes.update_info(ctx, account.who, pin, change_id=retry_id)
    second = await account_changes.update_info(ctx, account.who, pin, change_id=retry_id)
    assert first == second
    async with ctx.db.sessions() as db:
        assert (
            await db.scalar(
                select(func.count())
                .select_from(AuditRow)
                .where(
                    AuditRow.idempotency_key == f"{account.provider_id}/change-{retry_id}/applied"
                )
            )
            == 1
        )
        assert (
            await db.scalar(
                select(func.count())
                .select_from(EmailRow)
                .where(EmailRow.idempotency_key.like(f"{account.provider_id}/change-{retry_id}/%"))
            )
            == 1
        )


def _contacts(phone: str) -> Contacts:
    return Contacts(
        primary=Contact(
            first_name="Maya", last_name="Singh", email="msingh@redwood-elem.example", phone=phone
        )
    )


async def test_one_organizations_representative_cannot_touch_another(
    stack: Stack, ctx: Context
) -> None:
    a = await enrolled(stack, ctx, "school", "OrgA")
    b = await enrolled(stack, ctx, "clinic", "OrgB")
    victim = b.users[LEE]
    # Another organization's user is refused as a user who does not exist: same words, and
    # nothing that names the other organization.
    with pytest.raises(OperationError) as foreign:
        await account_changes.user_change(ctx, a.who, ChangeKind.INACTIVATE_USER, victim)
    with pytest.raises(OperationError) as missing:
        await account_changes.user_change(ctx, a.who, ChangeKind.INACTIVATE_USER, "U9999999")
    assert b.provider_id not in str(foreign.value)
    assert (
        str(foreign.value).replace(victim, "U").split(": ", 1)[1]
        == str(missing.value).replace("U9999999", "U").split(": ", 1)[1]
    )
    # Through the API, A's session does not open B's account at all.
    async with httpx.AsyncClient(base_url=stack.api_url) as api:
        headers = {"Authorization": f"Bearer {a.session}"}
        read = await api.get(f"/api/v1/organizations/{b.provider_id}", headers=headers)
        write = await api.post(
            f"/api/v1/organizations/{b.provider_id}/info",
            json={"vfc_pin": "654321"},
            headers=headers,
        )
    assert read.status_code == write.status_code == 403
    assert write.headers["content-type"] == "application/problem+json"
    assert (await user_row(ctx, victim)).state == "pending_training"
    async with ctx.db.sessions() as db:
        assert not (
            await db.scalars(
                select(AccountChangeRow).where(AccountChangeRow.provider_id == b.provider_id)
            )
        ).all()


async def test_continue_as_new_keeps_every_change(stack: Stack, ctx: Context) -> None:
    """The stack sets the history threshold to 40 events, so a dozen changes roll it over."""
    account = await enrolled(stack, ctx, "school", "Rollover")
    handle = (await ctx.temporal()).get_workflow_handle_for(
        OrganizationWorkflow.run, organization_workflow_id(account.provider_id)
    )
    first_run = (await handle.describe()).run_id
    submitted = await asyncio.gather(
        *(
            account_changes.update_info(
                ctx,
                account.who,
                InfoUpdate(contacts=_contacts(f"707-555-03{i:02d}")),
                change_id=f"ROLL-{account.provider_id}-{i:02d}",
            )
            for i in range(14)
        )
    )
    assert all(r.status == "applied" for r in submitted)
    pending = await handle.query(OrganizationWorkflow.pending_changes)
    assert pending.run > 1 and (await handle.describe()).run_id != first_run
    async with ctx.db.sessions() as db:
        statuses = (
            await db.scalars(
                select(AccountChangeRow.status).where(
                    AccountChangeRow.change_id.like(f"ROLL-{account.provider_id}-%")
                )
            )
        ).all()
    assert statuses == ["applied"] * 14


async def test_representatives_are_named_and_removed_but_never_the_last(
    stack: Stack, ctx: Context, tmp_path: Path
) -> None:
    account = await enrolled(stack, ctx, "clinic", "Reps")
    jo, sam = account.users[JO], account.users[SAM]
    sam_cli = tmp_path / "sam"
    sam_token = await sign_in_token(stack, ctx, account.provider_id, SAM)
    stack.cli("account", "redeem", sam_token, config=sam_cli)
    named = stack.cli("account", "name-rep", jo, config=sam_cli)
    assert "applied" in named.stdout
    jo_session = await sign_in(stack, ctx, account.provider_id, JO)
    jo_who = await sessions.current(ctx, jo_session)

    removed = await account_changes.remove_representative(ctx, jo_who, SAM)
    assert removed.status == ChangeStatus.APPLIED
    with pytest.raises(NotSignedIn):  # Sam's sessions ended with it
        await sessions.current(ctx, account.session)
    ended = stack.cli("account", "show", check=False, config=sam_cli)
    assert ended.returncode == 1 and "not signed in" in ended.stderr
    with pytest.raises(OperationError, match="at least one authorized representative"):
        await account_changes.remove_representative(ctx, jo_who, JO)
    with pytest.raises(OperationError, match="last authorized representative"):
        await account_changes.user_change(ctx, jo_who, ChangeKind.INACTIVATE_USER, jo)
    shown = await account_views.show(ctx, account.provider_id)
    assert [r["user_id"] for r in shown["representatives"]] == [jo]
    assert await sessions.sign_in(ctx, account.provider_id, SAM)  # same answer, no e-mail
    # Jo asks after Sam was answered: once Jo's link has come, a link for Sam would have too.
    await sign_in_token(stack, ctx, account.provider_id, JO)
    assert len(stack.outbox.to(SAM, f"sign-in link ({account.provider_id})")) == 2
    assert sam  # still a user, no longer a representative


async def test_a_replaced_primary_contact_loses_sign_in_and_is_told(
    stack: Stack, ctx: Context
) -> None:
    """update-info with a new primary contact waits: the new address is confirmed by its
    owner through an e-mailed link, then staff approve; only then is the old one's
    representative record (made from the primary contact) retired with its sessions, and the
    new one can sign in; both told."""
    account = await enrolled(stack, ctx, "school", "Handover", email_domain="handover.example")
    old = "msingh@handover.example"
    new = Contacts(
        primary=Contact(
            first_name="Ana",
            last_name="Diaz",
            email="ana.diaz@handover.example",
            phone="707-555-0199",
        )
    )
    asked = await account_changes.update_info(ctx, account.who, InfoUpdate(contacts=new))
    assert asked.status == ChangeStatus.AWAITING_APPROVAL, asked.message
    assert "confirm their address" in asked.message
    await sessions.current(ctx, account.session)  # nothing changed yet: still signed in
    mail = await eventually(
        lambda: stack.outbox.to("ana.diaz@handover.example", "Confirm your e-mail address")
    )
    token = re.search(r"cair account confirm-contact (\S+)", body_text(mail[-1]))
    assert token and len(mail[-1]["To"].addresses) == 1
    with pytest.raises(OperationError, match="has not confirmed their address"):
        await account_changes.decide(
            ctx, asked.change_id, approve=True, by=STAFF_ADMIN, provider_id=account.provider_id
        )
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as api:
        confirmed = await api.post("/api/v1/contact-confirmations", json={"token": token[1]})
        assert confirmed.status_code == 200, confirmed.text
        again = await api.post("/api/v1/contact-confirmations", json={"token": token[1]})
        assert again.status_code != 200  # the link is single-use
    changed = await account_changes.decide(
        ctx, asked.change_id, approve=True, by=STAFF_ADMIN, provider_id=account.provider_id
    )
    assert changed.status == ChangeStatus.APPLIED, changed.message
    assert "ana.diaz@handover.example is now an authorized representative" in changed.message
    with pytest.raises(NotSignedIn):
        await sessions.current(ctx, account.session)
    await sessions.sign_in(ctx, account.provider_id, old)  # same answer, no link
    ana = await sign_in(stack, ctx, account.provider_id, "ana.diaz@handover.example")
    assert (await sessions.current(ctx, ana)).email == "ana.diaz@handover.example"
    # Told twice: when it was asked (waiting), and when staff approved it (applied).
    told = await eventually(lambda: stack.outbox.more_than(1, old, "site information updated"))
    assert "ana.diaz@handover.example" in str(told[-1]["Cc"]) + str(told[-1]["To"])
    audit = await account_views.audit(ctx, account.provider_id)
    update = next(e for e in audit if e["action"] == "account.update_info")
    assert update["old"]["contacts"]["primary"]["email"] == old
    assert len(stack.outbox.to(old, f"sign-in link ({account.provider_id})")) == 1
