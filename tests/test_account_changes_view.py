"""The account's changes are read from the store: a change that waits for staff is worded as the
organization's workflow words it to its sender, and reading needs no Temporal at all (real
SQLite store; Temporal's address points at a port where nothing listens)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import ActivityEnvironment

from cair.activities.accounts import _details
from cair.activities.incidents import IncidentActivities
from cair.domain.access import Role
from cair.domain.account_changes import DECISION_STEP, ChangeKind, InfoUpdate
from cair.domain.awaiting_changes import awaiting_result
from cair.domain.contracts.failures import Incident
from cair.domain.contracts.organization import AccountChange
from cair.domain.request import ProviderOfRecord, RequestedUser
from cair.operations import account_views
from cair.operations.context import Context
from cair.settings import Settings
from cair.store import changes
from cair.store.migrate import migrate_database
from cair.store.models import AccountChangeRow

REP = "rep@clinic.test"
WAITING = [
    AccountChange(
        change_id="C-add",
        kind=ChangeKind.ADD_USER,
        requested_by=REP,
        new_user=RequestedUser(
            first_name="Ray", last_name="Vu", email="ray@clinic.test", role=Role.POWER
        ),
    ),
    AccountChange(
        change_id="C-raise",
        kind=ChangeKind.CHANGE_ROLE,
        requested_by=REP,
        user_id="U1000003",
        role=Role.POWER,
    ),
    AccountChange(
        change_id="C-por",
        kind=ChangeKind.CHANGE_PROVIDER_OF_RECORD,
        requested_by=REP,
        provider_of_record=ProviderOfRecord(
            first_name="Bea", last_name="Park", license_number="A765432", license_type="MD"
        ),
    ),
    AccountChange(
        change_id="C-contact",
        kind=ChangeKind.UPDATE_INFO,
        requested_by=REP,
        info=InfoUpdate.model_validate(
            {
                "contacts": {
                    "primary": {
                        "first_name": "Ana",
                        "last_name": "Diaz",
                        "email": "ana@clinic.test",
                        "phone": "5105550100",
                    }
                }
            }
        ),
    ),
    AccountChange(
        change_id="C-close", kind=ChangeKind.CLOSE_ORGANIZATION, requested_by=REP, reason="merged"
    ),
]


def _row(
    change: AccountChange, *, status: str = "awaiting_approval", provider_id: str = "P1"
) -> AccountChangeRow:
    """The change as the apply activity records it."""
    return AccountChangeRow(
        change_id=change.change_id,
        provider_id=provider_id,
        kind=change.kind.value,
        details=_details(change),
        status=status,
        target_user_id=change.user_id,
        requested_by=change.requested_by,
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Nothing listens on port 9: a question to Temporal would fail, not wait.
    return Settings(_env_file=None, var_dir=tmp_path, temporal_address="127.0.0.1:9")


async def test_waiting_changes_read_from_the_store_as_the_workflow_words_them(
    settings: Settings,
) -> None:
    await migrate_database(settings)
    ctx = Context(settings)
    try:
        async with ctx.db.sessions.begin() as session:
            rename = AccountChange(
                change_id="C-rename",
                kind=ChangeKind.RENAME_ORGANIZATION,
                requested_by=REP,
                name="Lakeshore",
            )
            session.add(_row(rename, status="applied"))
            session.add_all(_row(change) for change in WAITING)
            other = AccountChange(  # another organization's change is not this one's
                change_id="C-other",
                kind=ChangeKind.CHANGE_ROLE,
                requested_by="other@x.test",
                user_id="U9",
                role=Role.POWER,
            )
            session.add(_row(other, provider_id="P2"))
        shown = await account_views.changes(ctx, "P1")
    finally:
        await ctx.close()

    assert shown["awaiting_approval"] == [{**vars(awaiting_result(c))} for c in WAITING]
    messages = [c["message"] for c in shown["awaiting_approval"]]
    assert messages[0] == "adding Ray Vu as power waits for registry staff approval"
    assert messages[1] == "raising the role to power waits for registry staff approval"
    assert "ana@clinic.test must confirm" in messages[3]
    assert [h["change_id"] for h in shown["history"]] == [
        "C-rename",
        *(c.change_id for c in WAITING),
    ]
    assert [h["status"] for h in shown["history"]][:2] == ["applied", "awaiting_approval"]
    assert ctx._client is None  # Temporal was never asked


def test_a_stored_change_comes_back_as_it_was_asked() -> None:
    """What the decision activity rebuilds from the row is the change that was sent."""
    for change in WAITING:
        row = _row(change)
        assert changes.awaiting_change(row) == change


async def test_a_decision_that_failed_no_longer_waits(settings: Settings) -> None:
    """Staff's decision failed for good (its transaction kept nothing) and the account's
    workflow dropped the change: the incident ends it as failed in the change log, so neither
    the account nor staff's list shows it waiting for ever. Another step's incident (the
    confirmation of an applied change) leaves its change alone."""
    await migrate_database(settings)
    ctx = Context(settings)
    try:
        async with ctx.db.sessions.begin() as session:
            session.add(_row(WAITING[0]))
            session.add(_row(WAITING[1], status="applied"))
        incidents = IncidentActivities(ctx.db)
        env = ActivityEnvironment()
        for change, step in ((WAITING[0], DECISION_STEP), (WAITING[1], "confirmation")):
            incident = Incident(
                key=f"P1/change-{change.change_id}/{step}",
                workflow_id="org-P1",
                step=step,
                reason="ApplicationError: bad data",
                provider_id="P1",
                change_id=change.change_id,
            )
            await env.run(incidents.record_incident, incident)
            await env.run(incidents.record_incident, incident)  # a retry: the same outcome
        shown = await account_views.changes(ctx, "P1")
        async with ctx.db.sessions() as session:
            waiting, total = await changes.awaiting_page(session, "awaiting_approval", limit=10)
    finally:
        await ctx.close()
    assert shown["awaiting_approval"] == [] and (waiting, total) == ([], 0)
    assert [(h["change_id"], h["status"]) for h in shown["history"]] == [
        ("C-add", "failed"),
        ("C-raise", "applied"),
    ]
    assert "could not be carried out" in (shown["history"][0]["outcome"] or "")
