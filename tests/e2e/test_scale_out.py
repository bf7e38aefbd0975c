"""Scale-out as deployed: two worker processes and two API processes (`cair serve`) against one
PostgreSQL database and one Temporal server, migrated once beforehand (the workers do not
migrate). A hundred enrollments go through both APIs, each approved through both at once, and
each organization's representative makes two changes at once, one through each API. Nothing
happens twice and nothing is lost; both workers and both APIs did the work."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from cair.domain import ids
from cair.settings import normalize_database_url
from cair.store.models import AccountChangeRow, EmailRow, OrganizationRow, UserRow
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack, answers, build_stack, postgres_url
from tests.helpers.staff import staff_session
from tests.helpers.waiting import eventually

ENROLLMENTS = 100
AT_ONCE = 10
# Per organization: acknowledgement, welcome, the school user's access e-mail, the sign-in link,
# and for each of the two users added at once its access e-mail and the change notice.
MAILS_PER_ORGANIZATION = 8


@dataclass
class ScaledOut:
    stack: Stack
    apis: list[str]


async def fresh_database(url: str, name: str) -> str:
    """A database of its own beside the shared test database, dropped and made anew."""
    admin = create_async_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def scaled(
    dev_server: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ScaledOut]:
    url = postgres_url()
    if url is None:
        pytest.skip("CAIR_TEST_POSTGRES_URL is not set; .ci/run sets it")
    database = await fresh_database(url, "cair_scale_out")
    var_dir = tmp_path_factory.mktemp("stack-scale")
    stack, smtp = await build_stack(
        "scale",
        var_dir,
        database,
        dev_server.client.service_client.config.target_host,
        extra_env={"CAIR_MIGRATE_ON_START": "false"},  # `cair migrate` ran once, as released
    )
    first_api = stack.api_url
    stack.start_worker()
    stack.start_api()
    await eventually(lambda: "worker polling" in (var_dir / "worker-1.log").read_text(), timeout=60)
    await eventually(lambda: answers(stack.api_url + "/healthz"), timeout=60)
    yield ScaledOut(stack, [first_api, stack.api_url])
    stack.stop_workers()
    smtp.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def mailed_token(stack: Stack, address: str, subject: str, pattern: str) -> str:
    def find() -> str | None:
        mails = stack.outbox.to(address, subject)
        found = re.search(pattern, body_text(mails[-1])) if mails else None
        return found.group(1) if found else None

    return await eventually(find, timeout=60)


async def one_organization(
    out: ScaledOut, clients: list[httpx.AsyncClient], staff: dict[str, str], index: int
) -> str:
    """Enroll through one API, approve through both at once, then change the account through
    both at once; the Provider ID."""
    here, there = clients[index % 2], clients[(index + 1) % 2]
    domain = f"scale{index}.example"
    sent = await here.post(
        "/api/v1/enrollments", json=variant("school", f"Scale{index}", email_domain=domain)
    )
    assert sent.status_code == 201, sent.text
    enrollment, applicant = sent.json()["id"], bearer(sent.json()["status_token"])
    approvals = await asyncio.gather(
        *(c.post(f"/api/v1/staff/enrollments/{enrollment}/approve", headers=staff) for c in clients)
    )
    assert sorted(a.status_code for a in approvals)[0] == 200, [a.text for a in approvals]
    assert all(a.status_code in (200, 409) for a in approvals), [a.text for a in approvals]

    async def provisioned() -> str | None:
        view = (await there.get(f"/api/v1/enrollments/{enrollment}", headers=applicant)).json()
        return view["provider_id"] if view["stage"] == "completed" else None

    provider = await eventually(provisioned, timeout=120)
    contact = variant("school", "x", email_domain=domain)["contacts"]["primary"]["email"]
    asked = await here.post(f"/api/v1/organizations/{provider}/sign-in", json={"email": contact})
    assert asked.status_code == 202, asked.text
    link = await mailed_token(out.stack, contact, "sign-in link", r"cair account redeem (\S+)")
    opened = await there.post("/api/v1/sessions", json={"token": link})
    rep = bearer(opened.json()["token"])
    added = await asyncio.gather(
        *(
            c.post(
                f"/api/v1/organizations/{provider}/users",
                json={
                    "first_name": "Added",
                    "last_name": f"Through{n}",
                    "email": f"added{n}@{domain}",
                    "role": "read_only",
                },
                headers=rep,
            )
            for n, c in enumerate(clients)
        )
    )
    assert [a.json()["status"] for a in added] == ["applied", "applied"], [a.text for a in added]
    return provider


@pytest.mark.slow  # a hundred enrollments, PostgreSQL
@pytest.mark.timeout(300)
async def test_two_workers_and_two_apis_do_each_thing_once(scaled: ScaledOut) -> None:
    stack = scaled.stack
    ctx = stack.context()
    try:
        staff = bearer(await staff_session(stack, ctx, "sol.scale@cair.test", "admin"))
        gate = asyncio.Semaphore(AT_ONCE)
        clients = [httpx.AsyncClient(base_url=url, timeout=120) for url in scaled.apis]

        async def limited(index: int) -> str:
            async with gate:
                return await one_organization(scaled, clients, staff, index)

        try:
            providers = await asyncio.gather(*(limited(i) for i in range(ENROLLMENTS)))
        finally:
            for client in clients:
                await client.aclose()
        assert len(set(providers)) == ENROLLMENTS

        async with ctx.db.sessions() as session:
            organizations = await session.scalar(select(func.count(OrganizationRow.id)))
            per_org = Counter((await session.scalars(select(UserRow.organization_id))).all())
            changes = (await session.scalars(select(AccountChangeRow))).all()
        assert organizations == ENROLLMENTS
        assert set(per_org.values()) == {3}  # the school's user and the two added at once
        assert len(changes) == 2 * ENROLLMENTS
        assert {c.status for c in changes} == {"applied"}

        expected = 1 + MAILS_PER_ORGANIZATION * ENROLLMENTS  # and the staff sign-in link

        async def all_sent() -> bool:  # the last e-mails may still be on their way
            async with ctx.db.sessions() as session:
                statuses = (await session.scalars(select(EmailRow.status))).all()
            return (
                len(statuses) >= expected
                and set(statuses) == {"sent"}
                and len(stack.outbox.messages()) >= len(statuses)
            )

        await eventually(all_sent, timeout=60)
        async with ctx.db.sessions() as session:
            keys = (await session.scalars(select(EmailRow.idempotency_key))).all()
            message_ids = (await session.scalars(select(EmailRow.message_id))).all()
        assert len(keys) == expected, sorted(keys)
        assert len(set(message_ids)) == len(message_ids) == len(keys)
        assert len([k for k in keys if k.endswith("/welcome")]) == ENROLLMENTS
        kept = Counter(str(m["Message-ID"]) for m in stack.outbox.messages())
        assert max(kept.values()) == 1  # no e-mail reached the relay twice
        assert set(kept) == set(message_ids)  # each one the service recorded, and no other

        # Both workers took tasks, and both APIs answered requests.
        temporal = await ctx.temporal()
        workers: set[str] = set()
        async with ctx.db.sessions() as session:
            enrollment_ids = (
                await session.execute(text("SELECT id FROM enrollment_requests LIMIT 20"))
            ).scalars()
            sample = list(enrollment_ids)
        for enrollment_id in sample:
            history = await temporal.get_workflow_handle(
                ids.enrollment_workflow_id(enrollment_id)
            ).fetch_history()
            workers |= {
                e.workflow_task_started_event_attributes.identity
                for e in history.events
                if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
            }
        workers.discard("")  # a task the server handed out before any worker had it
        assert len(workers) == 2, workers
        for log in stack.var_dir.glob("api-*.log"):
            assert log.read_text().count("POST /api/v1/") >= ENROLLMENTS, log
    finally:
        await ctx.close()
