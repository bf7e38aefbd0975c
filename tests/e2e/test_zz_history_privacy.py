"""Read every workflow history and every log line the suite produced and check that no personal
data or secret stands in plain text: not in payloads, failures, memos or search attributes, not
in what the worker, the SMTP server or the Temporal server wrote to their logs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.message import Message
from sqlalchemy import select
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from cair.store.models import CredentialRow, UserRow
from tests.helpers.examples import example
from tests.helpers.mailbox import body_text
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.stack import Stack

pytestmark = pytest.mark.last  # reads what every other test left behind


def personal_data() -> set[str]:
    """Every e-mail, full name, long last name and phone number of the example requests.
    (Values shorter than six characters would turn up by chance in encrypted bytes.)"""
    found: set[str] = {"ray.vu@lakeshore-fm.example", "someone@elsewhere.example"}
    found.add("TESTPATIENT")  # the patient's name in every VXU the IZ Portal tests send
    for name in ("clinic", "data-exchange", "school"):
        data = example(name)
        people = [c for c in data["contacts"].values() if c] + data["users"]
        if data["provider_of_record"]:
            people.append(data["provider_of_record"])
        for person in people:
            found |= {f"{person['first_name']} {person['last_name']}", person["last_name"]}
            found.add(person.get("email") or "")
            if person.get("phone"):
                found |= {person["phone"], person["phone"].replace("-", "")}
    return {value for value in found if len(value) >= 6}


def secrets_sent(stack: Stack) -> set[str]:
    """Every link token the service e-mailed, and every secret a test revealed."""
    tokens = {
        match
        for message in stack.outbox.messages()
        for match in re.findall(
            r"(?:reveal|password-setup|sign-in)/([\w-]{20,})", body_text(message)
        )
    }
    return tokens | set(REVEALED_SECRETS)


def payloads(message: Message) -> Iterator[Payload]:
    for _, value in message.ListFields():
        items = value if isinstance(value, list | tuple) or hasattr(value, "extend") else [value]
        if hasattr(value, "items") and not isinstance(value, Message):
            items = list(value.values())
        for item in items:
            if isinstance(item, Payload):
                yield item
            elif isinstance(item, Message):
                yield from payloads(item)


async def test_no_personal_data_or_secret_in_any_history(
    dev_server: WorkflowEnvironment, stack: Stack
) -> None:
    raw = await Client.connect(
        dev_server.client.service_client.config.target_host,
        namespace=stack.settings.temporal_namespace,
    )  # no codec: what an operator without the key would see
    forbidden = personal_data() | secrets_sent(stack)
    async with stack.context().db.sessions() as session:
        forbidden |= {u.email for u in (await session.scalars(select(UserRow))).all()}
        forbidden |= {c.secret_hash for c in (await session.scalars(select(CredentialRow))).all()}
    histories = 0
    record = os.environ.get("CAIR_RECORD_HISTORIES")  # refreshes tests/replay/histories
    async for execution in raw.list_workflows():
        history = await raw.get_workflow_handle(
            execution.id, run_id=execution.run_id
        ).fetch_history()
        histories += 1
        if record and stack.name == "sqlite":
            name = f"{execution.workflow_type}-{execution.id}-{execution.run_id[-6:]}.json"
            (Path(record) / name).write_text(history.to_json())
        # Payload bytes as they are stored, and every other field with the payload data left out.
        text = re.sub(r'"data":\s*"[^"]*"', '"data": ""', history.to_json())
        blobs = [text.encode()] + [p.data for e in history.events for p in payloads(e)]
        for blob in blobs:
            lowered = blob.lower()
            leaks = [value for value in forbidden if value.lower().encode() in lowered]
            assert not leaks, f"{execution.id}: {leaks} in plain text"
    assert histories >= 5


async def test_no_personal_data_or_secret_in_any_log_line(stack: Stack) -> None:
    """Every log the stack's processes wrote (workers, crash-test workers, the outbox server
    runs in this process and logs through the same handlers)."""
    forbidden = personal_data() | secrets_sent(stack)
    async with stack.context().db.sessions() as session:
        forbidden |= {u.email for u in (await session.scalars(select(UserRow))).all()}
    logs = sorted(stack.var_dir.glob("*.log"))
    assert logs, "no logs to read"
    lines = 0
    for log in logs:
        for number, line in enumerate(log.read_text(errors="replace").splitlines(), 1):
            lines += 1
            lowered = line.lower()
            leaks = [value for value in forbidden if value.lower() in lowered]
            assert not leaks, f"{log.name}:{number}: {leaks}"
    assert lines > 10


async def test_no_workflow_returned_with_a_handler_still_running(stack: Stack) -> None:
    """The SDK warns when a workflow completes while an update or signal handler still runs
    (the caller would get an error instead of its answer); in the worker processes that warning
    lands in their logs, so none may hold it. In-process workers turn it into an error
    (pyproject.toml's filterwarnings)."""
    logs = sorted(stack.var_dir.glob("worker-*.log"))
    assert logs, "no worker logs to read"
    for log in logs:
        text = log.read_text(errors="replace")
        for warning in ("UnfinishedUpdateHandlersWarning", "UnfinishedSignalHandlersWarning"):
            assert warning not in text, f"{log.name}: {warning}"
