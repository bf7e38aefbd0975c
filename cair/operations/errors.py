"""Refusals, worded for the person who asked, each of a kind a client can act on (the HTTP API
maps the kind to its status code; the CLI prints the sentence)."""

from __future__ import annotations

from cair.store.links import LinkProblem


class OperationError(Exception):
    """The request was understood but cannot be done now (the stage or state refuses it)."""

    status = 409


class Refused(OperationError):
    """A change the rules refuse; the message says which rule."""

    status = 422


class NotFound(OperationError):
    """No such thing — or none the caller may know of: the answer is the same either way."""

    status = 404


class NotSignedIn(OperationError):
    status = 401


class Forbidden(OperationError):
    status = 403


class Invalid(OperationError):
    """The request itself breaks a rule (a field, an argument)."""

    status = 422


class TooManyRequests(OperationError):
    status = 429

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(OperationError):
    """A part the service needs (database, Temporal) does not answer."""

    status = 503


class LinkUnusable(OperationError):
    """An e-mailed link that is used, replaced, expired or unknown; ``problem`` says which, so
    a page can say what to do next."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem
