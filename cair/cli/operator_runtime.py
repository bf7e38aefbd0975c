"""What operator commands run with: the settings, refused in a sentence if wrong, and an
operations context for one call (imported only then: ``outbox`` needs the settings alone).
Apart from ``operator`` so that client commands, which only call the API, import neither the
settings nor the store nor Temporal (tests/test_cli_imports.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from cair.cli.common import fail
from cair.settings import Settings, SettingsError, get_settings

if TYPE_CHECKING:
    from cair.operations.context import Context

T = TypeVar("T")


def settings(*, keys: Callable[[Settings], object] | None = None) -> Settings:
    """The settings, refused in a sentence if wrong; ``keys`` reads the keys a command needs,
    so a missing one stops it at start, not at its first request."""
    try:
        found = get_settings()
        if keys is not None:
            keys(found)
        return found
    except (SettingsError, ValueError) as invalid:
        fail(f"settings: {invalid}", code=2)


def serving_keys(found: Settings) -> None:
    found.codec_ring(), found.secrets_ring(), found.web_key()


def worker_keys(found: Settings) -> None:
    found.codec_ring(), found.secrets_ring()


def run(operation: Callable[[Context], Awaitable[T]]) -> T:
    """One operation with a context of its own (Temporal client, database), closed after;
    an operation's refusal is printed as one line."""
    from cair.operations.context import Context
    from cair.operations.errors import OperationError

    async def _with_context() -> T:
        ctx = Context(settings())
        try:
            return await operation(ctx)
        finally:
            await ctx.close()

    try:
        return asyncio.run(_with_context())
    except OperationError as refused:
        fail(f"error: {refused}")
