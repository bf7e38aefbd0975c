"""Telling a site's onboarding that its messages came, without a signal per message.

A live EHR sends VXUs back to back; each signal would be an event in the onboarding's history
and a workflow task for the worker. The endpoint records every message first, so one signal
tells the workflow to read all the counts. Per site and per API process, at most one signal goes
each ``NUDGE_EVERY`` seconds; a message inside that window is covered by one more signal at its
end, so the last message is read within the window, never left to the workflow's next timer.
"""

from __future__ import annotations

import asyncio
import logging
import time

from cair.domain import ids
from cair.domain.contracts.data_exchange import DxStage
from cair.operations.context import Context
from cair.store.models import DxSiteRow
from cair.workflows.dx_onboarding import WAITING_FOR_THE_SITE, DataExchangeOnboardingWorkflow

log = logging.getLogger("cair.dx")

NUDGE_EVERY = 1.0
_last: dict[str, float] = {}  # site id -> when its last signal went (this process's clock)
_trailing: dict[str, asyncio.Task[None]] = {}  # the one signal due at a window's end


async def nudge(ctx: Context, site: DxSiteRow) -> None:
    """The site's onboarding, while it waits for messages, reads the counts again soon."""
    if DxStage(site.stage) not in WAITING_FOR_THE_SITE:
        return
    site_id = site.site_id or ""
    waited = time.monotonic() - _last.get(site_id, float("-inf"))
    if waited >= NUDGE_EVERY:
        _last[site_id] = time.monotonic()
        await _signal(ctx, site_id)
    elif site_id not in _trailing:
        task = asyncio.create_task(_later(ctx, site_id, NUDGE_EVERY - waited))
        _trailing[site_id] = task
        task.add_done_callback(lambda done: _forget(site_id, done))


def _forget(site_id: str, task: asyncio.Task[None]) -> None:
    """However the trailing signal ended (sent, failed, cancelled with its loop), the next
    window may have one again."""
    if _trailing.get(site_id) is task:
        del _trailing[site_id]


async def _later(ctx: Context, site_id: str, delay: float) -> None:
    await asyncio.sleep(delay)
    _last[site_id] = time.monotonic()
    await _signal(ctx, site_id)


async def _signal(ctx: Context, site_id: str) -> None:
    """The outcome is recorded already: a signal that does not arrive is made up by the
    workflow's next reading."""
    try:
        client = await ctx.temporal()
        handle = client.get_workflow_handle_for(
            DataExchangeOnboardingWorkflow.run, ids.dx_onboarding_workflow_id(site_id)
        )
        await handle.signal(DataExchangeOnboardingWorkflow.message_received)
    except Exception as error:  # noqa: BLE001 - the message is answered either way
        log.warning("dx site %s not nudged: %s", site_id, type(error).__name__)
