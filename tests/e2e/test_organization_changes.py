"""Organization-level account changes end to end, through the same OrganizationWorkflow queue:
renaming (at once), a new provider of record (registry staff approve or reject it), each site
shown and updated, closing a site (its credentials and onboarding end; never the last one) and
closing the organization (staff approve; users, sites, credentials and sessions end, the history
stays, nothing more is taken)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus

from cair.domain import ids
from cair.domain.account_changes import ChangeKind
from cair.domain.contracts.data_exchange import DxOnboardingInput, DxResume, DxStage
from cair.domain.problems import InvalidRequest
from cair.domain.vxu_rules import staging_test_plan
from cair.operations import account_changes, account_views, sessions
from cair.operations.context import Context
from cair.operations.errors import Forbidden, NotSignedIn, OperationError
from cair.security.tokens import new_token, token_digest
from cair.store.models import (
    AccountChangeRow,
    CredentialRow,
    DxSiteRow,
    LinkTokenRow,
    OrganizationRow,
    SiteRow,
    UserRow,
)
from cair.web.pages.cookies import SESSION_COOKIE
from cair.workflows.dx_onboarding import DataExchangeOnboardingWorkflow
from tests.helpers.accounts import JO, LEE, SAM, enrolled, sign_in_token
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.staff import STAFF_ADMIN
from tests.helpers.waiting import eventually

STAFF_QUEUE = "cair-enrollment-staff@cair.example"
NEW_PROVIDER = {
    "first_name": "Bea",
    "last_name": "Park",
    "license_number": "A765432",
    "license_type": "MD",
    "npi": "1234567893",
}


async def organization(ctx: Context, provider_id: str) -> OrganizationRow:
    async with ctx.db.sessions() as db:
        row = await db.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
        )
    assert row is not None
    return row


async def cli_session(stack: Stack, ctx: Context, provider_id: str, folder: Path) -> Path:
    """Sam (the clinic's primary contact) signed in through the CLI, as a person does."""
    stack.cli("account", "redeem", await sign_in_token(stack, ctx, provider_id, SAM), config=folder)
    return folder


@dataclass
class SecondSite:
    site_id: str
    site_row: int
    dx_row: int
    credential: int
    reveal_token: str
    workflow_id: str


async def add_registered_site(ctx: Context, provider_id: str) -> SecondSite:
    """A second site of the organization, registered for data exchange at the IZ Portal (a
    dx_sites row pointing at it), with working staging credentials, an unused reveal link and
    its onboarding workflow waiting for test messages."""
    org = await organization(ctx, provider_id)
    site_id = ids.facility_id_for(provider_id, 2)
    token = new_token()
    async with ctx.db.sessions.begin() as db:
        site = SiteRow(
            organization_id=org.id,
            facility_id=site_id,
            physical_address={
                "line1": "2 Second St",
                "city": "Oakland",
                "state": "CA",
                "zip": "94601",
            },
            name="Lakeshore East",
            county="Alameda",
            region="bay_area",
        )
        db.add(site)
        await db.flush()
        dx = DxSiteRow(
            organization_id=org.id,
            site_row_id=site.id,
            site_id=site_id,
            registration_key=f"test/{site_id}",
            role=1,
            site_name="Lakeshore East",
            county="Alameda",
            region="bay_area",
            registration={},
            stage=DxStage.STAGING_CREDENTIALS_ISSUED.value,
            registered_by=SAM,
            representative_id=0,
        )
        db.add(dx)
        await db.flush()
        credential = CredentialRow(
            organization_id=org.id,
            issue_key=f"test/{site_id}/staging",
            username=ids.dx_site_username_for(site_id, "staging"),
            facility_id=site_id,
            secret_hash="not-a-real-hash",
            sealed_secret="sealed",
            issued_by="test",
            dx_site_id=dx.id,
            environment="staging",
        )
        db.add(credential)
        await db.flush()
        db.add(
            LinkTokenRow(
                token_hash=token_digest(token),
                purpose="credential_reveal",
                subject=f"credential:{credential.id}",
                issue_key=f"test/{site_id}/reveal",
                expires_at=datetime.now(UTC) + timedelta(days=3),
            )
        )
        ids_found = (site.id, dx.id, credential.id)
    workflow_id = ids.dx_onboarding_workflow_id(site_id)
    await (await ctx.temporal()).start_workflow(
        DataExchangeOnboardingWorkflow.run,
        DxOnboardingInput(
            site_id=site_id,
            provider_id=provider_id,
            plan=staging_test_plan(),
            resume=DxResume(
                stage=DxStage.STAGING_CREDENTIALS_ISSUED,
                after_message_id=0,
                sent_back=0,
                reminders=0,
            ),
        ),
        id=workflow_id,
        task_queue=ctx.settings.temporal_task_queue,
    )
    return SecondSite(site_id, *ids_found, reveal_token=token, workflow_id=workflow_id)


async def workflow_status(ctx: Context, workflow_id: str) -> WorkflowExecutionStatus | None:
    return (await (await ctx.temporal()).get_workflow_handle(workflow_id).describe()).status


async def ended(ctx: Context, workflow_id: str) -> bool:
    return await workflow_status(ctx, workflow_id) == WorkflowExecutionStatus.CANCELED


async def credential_row(ctx: Context, credential_id: int) -> CredentialRow:
    async with ctx.db.sessions() as db:
        row = await db.get(CredentialRow, credential_id)
    assert row is not None
    return row


async def reveal_link(ctx: Context, token: str) -> LinkTokenRow:
    async with ctx.db.sessions() as db:
        row = await db.scalar(
            select(LinkTokenRow).where(LinkTokenRow.token_hash == token_digest(token))
        )
    assert row is not None
    return row


async def test_rename_at_once_and_a_provider_of_record_waits_for_staff(
    stack: Stack, ctx: Context, staff_cli: Path, tmp_path: Path
) -> None:
    account = await enrolled(stack, ctx, "clinic", "OrgRename")
    provider, who = account.provider_id, account.who
    sam_cli = await cli_session(stack, ctx, provider, tmp_path / "sam")
    before = (await organization(ctx, provider)).name

    # Renaming applies at once, audited old -> new, confirmed by e-mail.
    renamed = stack.cli("account", "rename", "Lakeshore Health Partners", config=sam_cli)
    assert "applied" in renamed.stdout
    assert (await organization(ctx, provider)).name == "Lakeshore Health Partners"
    audit = await account_views.audit(ctx, provider)
    entry = next(e for e in audit if e["action"] == "account.rename_organization")
    assert (entry["old"], entry["new"]["name"]) == ({"name": before}, "Lakeshore Health Partners")
    await eventually(lambda: stack.outbox.to(SAM, "organization renamed"))
    with pytest.raises(InvalidRequest) as blank:
        await account_changes.rename_organization(ctx, who, {"name": "  "})
    assert [p.path for p in blank.value.problems] == ["name"]

    # A provider of record without a license, for a clinic, is refused field by field.
    with pytest.raises(InvalidRequest) as refused:
        await account_changes.change_provider_of_record(
            ctx, who, {"first_name": "Bea", "last_name": "Park", "npi": "1234567890"}
        )
    assert {p.path for p in refused.value.problems} == {"license_number", "license_type", "npi"}

    # A new provider of record waits for staff: nothing changes until they approve.
    old_provider = (await organization(ctx, provider)).info["provider_of_record"]
    waiting = await account_changes.change_provider_of_record(ctx, who, NEW_PROVIDER)
    assert waiting.status == "awaiting_approval"
    assert (await organization(ctx, provider)).info["provider_of_record"] == old_provider
    staff_mail = await eventually(lambda: stack.outbox.to(STAFF_QUEUE, waiting.change_id))
    assert "provider of record" in body_text(staff_mail[0])
    assert "provider_of_record" not in body_text(staff_mail[0])  # words, never codes
    pending = stack.cli("account", "pending", config=staff_cli).stdout
    assert waiting.change_id in pending and "provider of record -> Bea Park" in pending
    shown = await account_views.changes(ctx, provider)
    assert [c["change_id"] for c in shown["awaiting_approval"]] == [waiting.change_id]
    approved = stack.cli("account", "approve", waiting.change_id, config=staff_cli)
    assert "applied" in approved.stdout
    stored = (await organization(ctx, provider)).info["provider_of_record"]
    assert stored == NEW_PROVIDER
    decided = next(
        e
        for e in await account_views.audit(ctx, provider)
        if e["action"] == "account.change_provider_of_record.approved"
    )
    assert decided["actor"] == STAFF_ADMIN
    assert decided["new"]["provider_of_record"]["last_name"] == "Park"

    # Another one, rejected with a reason: it never applies, the representative is told.
    other = await account_changes.change_provider_of_record(
        ctx, who, {**NEW_PROVIDER, "first_name": "Cy", "npi": None}
    )
    assert other.status == "awaiting_approval"
    rejected = stack.cli(
        "account", "reject", other.change_id, "--reason", "license not found", config=staff_cli
    )
    assert "rejected" in rejected.stdout and "license not found" in rejected.stdout
    assert (await organization(ctx, provider)).info["provider_of_record"] == NEW_PROVIDER
    told = await eventually(lambda: stack.outbox.to(SAM, "declined by registry staff"))
    assert other.change_id in body_text(told[-1])
    assert await account_changes.pending_approvals(ctx) == [] or all(
        p["provider_id"] != provider for p in await account_changes.pending_approvals(ctx)
    )


async def test_each_site_is_shown_updated_and_closed_but_never_the_last(
    stack: Stack, ctx: Context, tmp_path: Path
) -> None:
    account = await enrolled(stack, ctx, "clinic", "SiteClose")
    provider, who = account.provider_id, account.who
    second = await add_registered_site(ctx, provider)
    main_id = ids.facility_id_for(provider, 1)

    # The account lists every site, with its data-exchange stage, through the API and the CLI.
    async with httpx.AsyncClient(base_url=stack.api_url) as api:
        headers = {"Authorization": f"Bearer {account.session}"}
        shown = (await api.get(f"/api/v1/organizations/{provider}", headers=headers)).json()
        by_id = {s["site_id"]: s for s in shown["sites"]}
        assert set(by_id) == {main_id, second.site_id}
        assert by_id[second.site_id]["dx_stage"] == "staging_credentials_issued"
        assert by_id[second.site_id]["name"] == "Lakeshore East" and by_id[main_id]["open"]
        # One site's VFC PIN, by its Site ID: the main site stays as it was.
        main_pin = by_id[main_id]["vfc_pin"]
        updated = await api.post(
            f"/api/v1/organizations/{provider}/sites/{second.site_id}/info",
            json={"vfc_pin": "654321"},
            headers=headers,
        )
        assert updated.status_code == 200 and updated.json()["status"] == "applied"
        contacts = await api.post(
            f"/api/v1/organizations/{provider}/sites/{second.site_id}/info",
            json={"contacts": {"primary": {"first_name": "A"}}},
            headers=headers,
        )
        assert contacts.status_code == 422
    async with ctx.db.sessions() as db:
        rows = (await db.execute(select(SiteRow.facility_id, SiteRow.vfc_pin))).all()
    pins = {site_id: pin for site_id, pin in rows}
    assert (pins[second.site_id], pins[main_id]) == ("654321", main_pin)
    await _pages_show_the_sites(stack, account.session, provider, second.site_id)
    sam_cli = await cli_session(stack, ctx, provider, tmp_path / "sam")
    listed = stack.cli("account", "sites", config=sam_cli).stdout
    assert second.site_id in listed and "Lakeshore East" in listed and "654321" in listed

    # Closing the site: at once; its credentials and reveal link end, its onboarding stops.
    assert await workflow_status(ctx, second.workflow_id) == WorkflowExecutionStatus.RUNNING
    closed = stack.cli("account", "close-site", second.site_id, config=sam_cli)
    assert "applied" in closed.stdout
    credential = await credential_row(ctx, second.credential)
    assert (credential.active, credential.sealed_secret) == (False, None)
    assert credential.revoked_at is not None
    assert (await reveal_link(ctx, second.reveal_token)).revoked_at is not None
    await eventually(lambda: ended(ctx, second.workflow_id))
    async with ctx.db.sessions() as db:
        site = await db.get(SiteRow, second.site_row)
        assert site is not None and site.closed_at is not None
    after = await account_views.show(ctx, provider)
    assert [s["open"] for s in after["sites"]] == [True, False]
    entry = next(
        e for e in await account_views.audit(ctx, provider) if e["action"] == "account.close_site"
    )
    assert entry["subject"] == f"site {second.site_id}"

    # Never the last open site, never a closed or unknown one; words say what to do instead.
    with pytest.raises(OperationError, match="close the organization instead"):
        await account_changes.close_site(ctx, who, main_id)
    with pytest.raises(OperationError, match="closed already"):
        await account_changes.close_site(ctx, who, second.site_id)
    with pytest.raises(OperationError, match="no site CA999999-01"):
        await account_changes.close_site(ctx, who, "CA999999-01")
    with pytest.raises(OperationError, match="is closed"):
        await account_changes.update_info(ctx, who, {"vfc_pin": "111111"}, site_id=second.site_id)
    async with ctx.db.sessions() as db:
        main = await db.scalar(select(SiteRow).where(SiteRow.facility_id == main_id))
        assert main is not None and main.closed_at is None


async def _pages_show_the_sites(stack: Stack, session: str, provider: str, site_id: str) -> None:
    """The account page lists every site with its actions; each organization form opens."""
    cookies = {SESSION_COOKIE: session}
    async with httpx.AsyncClient(base_url=stack.api_url, cookies=cookies) as browser:
        page = (await browser.get(f"/account/{provider}")).text
        assert f"Site ID {site_id}" in page and "Lakeshore East" in page and "654321" in page
        assert "Staging credentials issued" in page  # the stage in words
        assert "2 Second St, Oakland, CA 94601" in page
        assert f"/account/{provider}/sites/{site_id}/close" in page
        for path, words in (
            (f"/sites/{site_id}/info", f"Site {site_id}: Lakeshore East"),
            ("/name", "Rename"),
            ("/provider-of-record", "License type"),
            ("/close", "Why does the organization close?"),
        ):
            answer = await browser.get(f"/account/{provider}{path}")
            assert answer.status_code == 200 and words in answer.text, path


async def test_closing_the_organization_waits_for_staff_then_ends_everything(
    stack: Stack, ctx: Context, staff_cli: Path, tmp_path: Path
) -> None:
    account = await enrolled(stack, ctx, "clinic", "Closure")
    provider, who = account.provider_id, account.who
    second = await add_registered_site(ctx, provider)
    sam_cli = await cli_session(stack, ctx, provider, tmp_path / "sam")
    lee_gate = ids.user_gate_workflow_id(account.users[LEE])
    assert await workflow_status(ctx, lee_gate) == WorkflowExecutionStatus.RUNNING

    # Asked through the API, with a reason; nothing ends before staff approve.
    async with httpx.AsyncClient(base_url=stack.api_url) as api:
        headers = {"Authorization": f"Bearer {account.session}"}
        blank = await api.post(
            f"/api/v1/organizations/{provider}/close", json={"reason": " "}, headers=headers
        )
        assert blank.status_code == 422 and "reason" in blank.text
        asked = await api.post(
            f"/api/v1/organizations/{provider}/close",
            json={"reason": "the clinic merged into another"},
            headers=headers,
        )
    assert asked.status_code == 200, asked.text
    closing = asked.json()
    assert closing["status"] == "awaiting_approval"
    with pytest.raises(OperationError, match="waits for registry staff already"):
        await account_changes.close_organization(ctx, who, {"reason": "again"})
    assert (await organization(ctx, provider)).closed_at is None
    assert (await sessions.current(ctx, account.session)).provider_id == provider
    await eventually(lambda: stack.outbox.to(STAFF_QUEUE, closing["change_id"]))
    waiting = [
        p for p in await account_changes.pending_approvals(ctx) if p["provider_id"] == provider
    ]
    assert [(p["kind"], p["reason"]) for p in waiting] == [
        ("close_organization", "the clinic merged into another")
    ]

    approved = stack.cli("account", "approve", closing["change_id"], config=staff_cli)
    assert "applied" in approved.stdout

    # The organization is closed; its history is kept.
    org = await organization(ctx, provider)
    assert org.closed_at is not None
    async with ctx.db.sessions() as db:
        states = (
            await db.scalars(select(UserRow.state).where(UserRow.organization_id == org.id))
        ).all()
        credentials = (
            await db.scalars(select(CredentialRow).where(CredentialRow.organization_id == org.id))
        ).all()
        sites = (await db.scalars(select(SiteRow).where(SiteRow.organization_id == org.id))).all()
        history = (
            await db.scalars(
                select(AccountChangeRow.status).where(AccountChangeRow.provider_id == provider)
            )
        ).all()
    assert states and set(states) == {"inactive"}
    assert credentials and not any(c.active for c in credentials)
    assert all(c.sealed_secret is None for c in credentials)
    assert sites and all(s.closed_at is not None for s in sites)
    assert "applied" in history
    assert (await reveal_link(ctx, second.reveal_token)).revoked_at is not None
    await eventually(lambda: ended(ctx, lee_gate))  # the training gate stopped
    await eventually(lambda: ended(ctx, second.workflow_id))  # the onboarding stopped
    actions = [e["action"] for e in await account_views.audit(ctx, provider)]
    assert "account.close_organization" in actions
    assert "account.close_organization.approved" in actions
    await eventually(lambda: stack.outbox.to(SAM, "organization closed"))

    # Sessions ended; signing in again is refused in words that say why.
    with pytest.raises(NotSignedIn):
        await sessions.current(ctx, account.session)
    ended_cli = stack.cli("account", "show", check=False, config=sam_cli)
    assert ended_cli.returncode == 1 and "not signed in" in ended_cli.stderr
    with pytest.raises(Forbidden, match="is closed"):
        await sessions.sign_in(ctx, provider, SAM)
    refused_cli = stack.cli("account", "sign-in", provider, JO, check=False, config=sam_cli)
    assert refused_cli.returncode == 1 and "is closed" in refused_cli.stderr

    # Any further change is refused: the organization is closed.
    with pytest.raises(OperationError, match="the organization is closed"):
        await account_changes.rename_organization(ctx, who, {"name": "Too Late"})
    with pytest.raises(OperationError, match="the organization is closed"):
        await account_changes.user_change(ctx, who, ChangeKind.REACTIVATE_USER, account.users[JO])
    shown = await account_views.show(ctx, provider)
    assert shown["closed"] is True and json.dumps(shown)  # the account still reads
