"""An enrolled Data Exchange organization at the IZ Portal, for a test module's sites: its
representative's and a reviewer's bearer headers, and an API client on the stack."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from tests.helpers.accounts import enrolled
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session


@dataclass
class Portal:
    stack: Stack
    api: httpx.AsyncClient
    provider_id: str
    rep: dict[str, str]
    staff: dict[str, str]


@contextlib.asynccontextmanager
async def opened(stack: Stack, tag: str, domain: str, reviewer: str) -> AsyncIterator[Portal]:
    """The organization enrolled (``tag``, addresses at ``domain``) and signed in."""
    ctx = stack.context()
    try:
        account = await enrolled(stack, ctx, "data-exchange", tag, email_domain=domain)
        review = await staff_session(stack, ctx, reviewer, "reviewer")
    finally:
        await ctx.close()
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        yield Portal(
            stack,
            api,
            account.provider_id,
            {"Authorization": f"Bearer {account.session}"},
            {"Authorization": f"Bearer {review}"},
        )
