"""Sign-in refusals counted where they are decided: the operations that ask for a link, redeem
it and check a second factor wear ``@counts_sign_in_refusals``, which names the refusal by its
kind (a bounded reason), counts it, and lets it go on unchanged."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from cair.operations.errors import (
    Forbidden,
    Invalid,
    LinkUnusable,
    NotSignedIn,
    OperationError,
    TooManyRequests,
)
from cair.telemetry.metrics import count_sign_in_refusal

P = ParamSpec("P")
R = TypeVar("R")


def refusal_reason(error: OperationError) -> str:
    """A refusal's reason as a label: one of a closed set, never its sentence."""
    if isinstance(error, TooManyRequests):
        return "rate_limit"
    if isinstance(error, LinkUnusable):
        return f"{error.problem.name.lower()}_link"  # unknown, replaced, used, expired
    if isinstance(error, Invalid):
        return "wrong_code"
    if isinstance(error, Forbidden):
        return "not_allowed"  # an inactive account, a closed organization
    if isinstance(error, NotSignedIn):
        return "no_session"
    return "other"


def counts_sign_in_refusals(
    operation: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    @functools.wraps(operation)
    async def counted(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await operation(*args, **kwargs)
        except OperationError as refused:
            count_sign_in_refusal(refusal_reason(refused))
            raise

    return counted
