"""How activities fail: what a retry cannot mend becomes a non-retryable ``BadData`` failure, so
the workflow holds the step for staff instead of retrying forever; every failure message is
sanitized, because messages land in workflow history and logs, and exceptions quote values
(names, addresses) that must not."""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import aiosmtplib
import jinja2
import pydantic
from temporalio.exceptions import ApplicationError

from cair.domain.contracts.failures import BAD_DATA
from cair.store.errors import bad_data_reason

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger("cair.activities")


class MissingRecord(LookupError):
    """A row the activity needs does not exist; the message names identifiers only."""


def classify_failures(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Wrap an activity: final failures become BadData, all messages are sanitized."""

    @functools.wraps(fn)
    async def activity(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except ApplicationError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure is worded here, once
            final = final_reason(error)
            where = _where(error)
            log.warning("%s failed at %s: %s", fn.__name__, where, final or type(error).__name__)
            if final is not None:
                raise ApplicationError(final, type=BAD_DATA, non_retryable=True) from None
            raise ApplicationError(
                f"{type(error).__name__} at {where} (will retry)", type=type(error).__name__
            ) from None

    return activity


def final_reason(error: BaseException) -> str | None:
    """A sanitized sentence when a retry cannot help, else None."""
    if isinstance(error, MissingRecord):
        return str(error)
    if isinstance(error, LookupError):
        return "a record the step needs does not exist"
    if isinstance(error, pydantic.ValidationError):
        paths = sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})
        return f"stored data no longer matches its model at: {', '.join(paths)}"[:300]
    if isinstance(error, jinja2.TemplateError):
        return f"the e-mail template failed ({type(error).__name__})"
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return "the SMTP relay refused every recipient"
    if isinstance(error, aiosmtplib.SMTPResponseException) and 500 <= error.code < 600:
        return f"the SMTP relay refused the message for good (code {error.code})"
    if isinstance(error, UnicodeError | ValueError | TypeError):
        return f"a value could not be used ({type(error).__name__} at {_where(error)})"
    return bad_data_reason(error)


def _where(error: BaseException) -> str:
    """The innermost frame of our own code: file and line, never a value."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/cair/" in f.filename]
    frame = frames[-1] if frames else None
    return f"{frame.filename.rsplit('/cair/', 1)[-1]}:{frame.lineno}" if frame else "?"
