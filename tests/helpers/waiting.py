"""Waiting for an event, never for a length of time: a test polls for what shows the step done
(an e-mail in the outbox, a stage in the store) and fails with a clear message if it never
comes. Typed, so the type checker reads what a caller gets back."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar, overload

T = TypeVar("T")


@overload
async def eventually(
    check: Callable[[], Awaitable[T | None]], *, timeout: float = 30.0, interval: float = 0.2
) -> T: ...


@overload
async def eventually(
    check: Callable[[], T | None], *, timeout: float = 30.0, interval: float = 0.2
) -> T: ...


async def eventually(
    check: Callable[[], object], *, timeout: float = 30.0, interval: float = 0.2
) -> object:
    """Poll a sync or async ``check`` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
