"""Every activity run twice with the same input (what a retry after a crash does) has its effect
once: real SQLite store, real SMTP outbox, Temporal's ActivityEnvironment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import func, select
from temporalio.testing import ActivityEnvironment

from cair.activities.accounts import AccountActivities
from cair.activities.enrollments import EnrollmentActivities
from cair.activities.mail.send import MailActivities
from cair.activities.provisioning import ProvisioningActivities
from cair.activities.users import UserActivities
from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.domain.account_changes import ChangeKind
from cair.domain.contracts.enrollment import (
    ProvisionOrder,
    RegisterRequest,
    StageChange,
)
from cair.domain.contracts.mail import Mail, MailOrder
from cair.domain.contracts.organization import AccountChange, ApplyChange
from cair.domain.contracts.user_activation import UserStateChange
from cair.domain.region_source import RegionMapSource
from cair.domain.request import EnrollmentRequest, RequestedUser
from cair.domain.stages import Stage
from cair.domain.user_states import UserState
from cair.settings import Settings
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.store.models import (
    AuditRow,
    CredentialRow,
    DxSiteRow,
    EmailRow,
    EnrollmentRequestRow,
    OrganizationRow,
    RepresentativeRow,
    UserRow,
)
from tests.helpers.examples import example
from tests.helpers.mailbox import Mailbox


@dataclass
class Registry:
    db: Database
    outbox: Mailbox
    enrollments: EnrollmentActivities
    provisioning: ProvisioningActivities
    mail: MailActivities
    users: UserActivities
    accounts: AccountActivities


@pytest_asyncio.fixture(loop_scope="session")
async def registry(tmp_path: Path) -> AsyncIterator[Registry]:
    smtp = OutboxSmtpServer(tmp_path / "outbox")
    smtp.start()
    settings = Settings(
        _env_file=None, var_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=smtp.port
    )
    await migrate_database(settings)
    db = Database(settings)
    regions = RegionMapSource()
    yield Registry(
        db=db,
        outbox=Mailbox(tmp_path / "outbox"),
        enrollments=EnrollmentActivities(db, regions),
        provisioning=ProvisioningActivities(db, settings.secrets_ring()),
        mail=MailActivities(db, settings, regions),
        users=UserActivities(db),
        accounts=AccountActivities(db),
    )
    await db.dispose()
    smtp.stop()


async def twice(activity: Any, arg: Any) -> Any:
    env = ActivityEnvironment()
    first = await env.run(activity, arg)
    second = await env.run(activity, arg)
    assert first == second
    return first


async def count(registry: Registry, model: Any) -> int:
    async with registry.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_each_activity_applies_once(registry: Registry) -> None:
    request = EnrollmentRequest.model_validate(example("data-exchange"))
    routing = await twice(registry.enrollments.validate_request, request)
    assert routing.access_level == "data_exchange" and routing.region_key == "central_valley"
    await twice(registry.enrollments.register_request, RegisterRequest("ENIDEMPOT1", request))
    await twice(
        registry.enrollments.record_stage,
        StageChange("ENIDEMPOT1", Stage.PROVISIONING, "approve", "Dana"),
    )
    provider_id = await twice(registry.provisioning.provision_provider_id, "ENIDEMPOT1")
    users = await twice(registry.provisioning.create_users, "ENIDEMPOT1")
    site_id = await twice(registry.provisioning.register_first_site, "ENIDEMPOT1")
    assert site_id == f"{provider_id}-01"
    await twice(
        registry.mail.send_mail,
        MailOrder("ENIDEMPOT1/welcome", Mail.WELCOME, enrollment_id="ENIDEMPOT1"),
    )
    await twice(
        registry.users.set_user_state,
        UserStateChange(users[0].user_id, UserState.ACTIVE, "enrollment/active"),
    )
    change = AccountChange(
        "CHIDEMPOT1",
        ChangeKind.ADD_USER,
        "pnair@valleychc.example",
        new_user=RequestedUser(
            first_name="Ray", last_name="Vu", email="ray@valleychc.example", role="read_only"
        ),
    )
    outcome = await twice(
        registry.accounts.apply_account_change,
        ApplyChange(provider_id, change, "2026-11-24T12:00:00+00:00"),
    )
    assert outcome.start_gate and outcome.result.status == "applied"

    assert await count(registry, OrganizationRow) == 1
    assert await count(registry, RepresentativeRow) == 1
    assert await count(registry, UserRow) == 3
    assert await count(registry, CredentialRow) == 1
    assert await count(registry, EmailRow) == 1 and len(registry.outbox.messages()) == 1
    async with registry.db.sessions() as session:
        keys = (await session.scalars(select(AuditRow.idempotency_key))).all()
    # register_request records the first stage too (awaiting-review); the first site's
    # registration for data exchange, its stage and its staging credentials: twelve, each once.
    assert len(keys) == len(set(keys)) == 12


async def test_the_combined_enrollment_steps_apply_once(registry: Registry) -> None:
    """register_request and provision_account do in one step what five activities did, each
    part keyed as before: run twice, everything exists once, and the stages are recorded."""
    request = EnrollmentRequest.model_validate(example("data-exchange"))
    registered = await twice(
        registry.enrollments.register_request, RegisterRequest("ENLEAN0001", request)
    )
    assert registered.duplicate_of is None
    assert registered.routing.access_level == "data_exchange"
    account = await twice(
        registry.provisioning.provision_account,
        ProvisionOrder(
            "ENLEAN0001",
            StageChange("ENLEAN0001", Stage.PROVISIONING, "review-1/provisioning", "Dana"),
            with_credentials=True,
        ),
    )
    assert account.provider_id.startswith("CA") and len(account.users) == 2
    assert await count(registry, OrganizationRow) == 1
    assert await count(registry, UserRow) == 2
    assert await count(registry, CredentialRow) == 1
    assert await count(registry, DxSiteRow) == 1
    assert account.dx_site_id == f"{account.provider_id}-01" and account.dx_plan is not None
    async with registry.db.sessions() as session:
        audit = (await session.execute(select(AuditRow.idempotency_key, AuditRow.action))).all()
    keys = [key for key, _ in audit]
    assert len(keys) == len(set(keys))
    assert "ENLEAN0001/awaiting-review" in keys and "ENLEAN0001/review-1/provisioning" in keys

    again = EnrollmentRequest.model_validate(example("data-exchange"))
    refused = await twice(
        registry.enrollments.register_request, RegisterRequest("ENLEAN0002", again)
    )
    assert refused.duplicate_of == "ENLEAN0001"
    async with registry.db.sessions() as session:
        stages = (await session.execute(select(AuditRow.idempotency_key))).scalars().all()
    assert "ENLEAN0002/duplicate" in stages


async def test_an_email_the_relay_took_before_a_crash_is_recorded_not_resent(
    registry: Registry,
) -> None:
    """The worker died after the relay's "250" and before the store said "sent": the mark on
    disk makes the retry record the sending instead of repeating it."""
    order = MailOrder(
        "ENCRASHED1/acknowledgement", Mail.ACKNOWLEDGEMENT, enrollment_id="ENLEAN0001"
    )
    request = EnrollmentRequest.model_validate(example("clinic"))
    await ActivityEnvironment().run(
        registry.enrollments.register_request, RegisterRequest("ENLEAN0001", request)
    )
    first = await ActivityEnvironment().run(registry.mail.send_mail, order)
    assert len(registry.outbox.messages()) == 1
    async with registry.db.sessions.begin() as session:  # as if the crash came before "sent"
        row = await session.scalar(select(EmailRow).where(EmailRow.idempotency_key == order.key))
        assert row is not None and row.status == "sent"
        row.status = "pending"
    registry.mail.marks.mark(order.key)
    again = await ActivityEnvironment().run(registry.mail.send_mail, order)
    assert again == first and len(registry.outbox.messages()) == 1
    async with registry.db.sessions() as session:
        row = await session.scalar(select(EmailRow).where(EmailRow.idempotency_key == order.key))
    assert row is not None and row.status == "sent"
    assert not registry.mail.marks.marked(order.key)


async def test_a_step_run_again_does_not_undo_what_came_after(registry: Registry) -> None:
    """A local activity runs again when its worker dies before the workflow task completes;
    meanwhile the user may have been inactivated, or the enrollment moved on."""
    request = EnrollmentRequest.model_validate(example("clinic"))
    await ActivityEnvironment().run(
        registry.enrollments.register_request, RegisterRequest("ENAGAIN001", request)
    )
    account = await ActivityEnvironment().run(
        registry.provisioning.provision_account,
        ProvisionOrder(
            "ENAGAIN001",
            StageChange("ENAGAIN001", Stage.PROVISIONING, "review-1/provisioning", "Dana"),
            with_credentials=False,
        ),
    )
    user_id = account.users[0].user_id
    activated = UserStateChange(user_id, UserState.ACTIVE, "enrollment/trained")
    await ActivityEnvironment().run(registry.users.set_user_state, activated)
    await ActivityEnvironment().run(
        registry.users.set_user_state,
        UserStateChange(user_id, UserState.INACTIVE, "change/CHAGAIN001", "Rep"),
    )
    await ActivityEnvironment().run(registry.users.set_user_state, activated)  # run again
    completed = StageChange("ENAGAIN001", Stage.COMPLETED, "completed")
    await ActivityEnvironment().run(registry.enrollments.record_stage, completed)
    await ActivityEnvironment().run(
        registry.enrollments.record_stage,
        StageChange("ENAGAIN001", Stage.NEEDS_ATTENTION, "hold-1/held"),
    )
    await ActivityEnvironment().run(registry.enrollments.record_stage, completed)  # again
    async with registry.db.sessions() as session:
        user = await session.scalar(select(UserRow).where(UserRow.user_id == user_id))
        stage = await session.scalar(
            select(EnrollmentRequestRow.stage).where(EnrollmentRequestRow.id == "ENAGAIN001")
        )
    assert user is not None and user.state == UserState.INACTIVE
    assert stage == Stage.NEEDS_ATTENTION
