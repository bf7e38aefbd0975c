"""Which database errors a retry cannot mend, worded without the values involved."""

from __future__ import annotations

from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
    ProgrammingError,
    StatementError,
)


def bad_data_reason(error: BaseException) -> str | None:
    """A sentence for a value the database refuses on every try (too long, wrong kind), or
    None when the error may pass (a lost connection, a lock, a race on a unique key)."""
    if isinstance(error, DataError):
        original = type(error.orig).__name__ if error.orig is not None else "DataError"
        return f"the database refused a value as too long or of the wrong kind ({original})"
    if isinstance(error, StatementError) and isinstance(error.orig, ValueError | TypeError):
        return f"a value could not be stored ({type(error.orig).__name__})"
    return None


def unavailable_reason(error: BaseException) -> str | None:
    """A sentence when the database is away or not set up, else None."""
    text = str(getattr(error, "orig", error)).lower()
    if isinstance(error, OperationalError | ProgrammingError) and (
        "no such table" in text or "does not exist" in text
    ):
        return "the database is not set up yet: run `cair migrate`"
    if isinstance(error, OperationalError | InterfaceError | InternalError) or (
        isinstance(error, DBAPIError)
        and not isinstance(error, DataError | IntegrityError | ProgrammingError)
    ):
        # A restart or a lost connection: asyncpg's "terminating connection" and "starting up"
        # arrive as plain DBAPIErrors.
        return "the database does not answer; try again in a moment"
    if isinstance(error, ConnectionError | OSError) and not isinstance(error, FileNotFoundError):
        return "a service this one needs does not answer; try again in a moment"
    return None
