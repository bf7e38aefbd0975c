"""What every ``cair`` command shares: running an operation, wording refusals, leaving."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from cair.domain.problems import InvalidRequest
from cair.operations.context import Context
from cair.operations.errors import OperationError
from cair.settings import get_settings

T = TypeVar("T")
By = Annotated[str, typer.Option("--by", help="Staff member's name (recorded in the audit log).")]


def run(operation: Callable[[Context], Awaitable[T]]) -> T:
    """Run one operation; print refusals the way people read them and exit 1."""

    async def _with_context() -> T:
        ctx = Context(get_settings())
        try:
            return await operation(ctx)
        finally:
            await ctx.close()

    try:
        return asyncio.run(_with_context())
    except InvalidRequest as invalid:
        for problem in invalid.problems:
            print(problem, file=sys.stderr)
    except OperationError as refused:
        print(f"error: {refused}", file=sys.stderr)
    exit_now(1)


def exit_now(code: int) -> NoReturn:
    """Flush and leave at once: the SDK can abort at interpreter exit (DESIGN §5)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        print(f"error: {path}: no such file", file=sys.stderr)
    except json.JSONDecodeError as bad:
        print(f"error: {path}: not valid JSON ({bad.msg} at line {bad.lineno})", file=sys.stderr)
    exit_now(1)


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))
