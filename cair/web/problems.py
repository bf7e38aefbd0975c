"""Errors as ``application/problem+json`` (RFC 9457): a title, the status, a detail, and for
invalid input one entry per field (``errors``: field path and rule). Never a traceback: an
unexpected failure is a bare 500 and goes to the log without the request's values."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from temporalio.service import RPCError

from cair.domain.problems import InvalidRequest, Problem
from cair.domain.validation import problem_from
from cair.operations.errors import OperationError, TooManyRequests
from cair.store.errors import unavailable_reason

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("cair.api")

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Not possible now",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


class FieldProblem(BaseModel):
    field: str
    message: str


class ProblemDocument(BaseModel):
    """An RFC 9457 problem, with one entry per invalid field where there are any."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] = []


# What every route may answer besides success, for the OpenAPI document.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemDocument, "content": {MEDIA_TYPE: {}}, "description": TITLES[status]}
    for status in (400, 401, 403, 404, 409, 413, 422, 429, 503)
}


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ProblemDocument(
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        errors=[FieldProblem(field=p.path, message=p.message) for p in errors or []],
    )
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(InvalidRequest)
    async def _invalid(_request: Request, invalid: InvalidRequest) -> JSONResponse:
        return problem(
            422, f"{len(invalid.problems)} problem(s) in the request", errors=invalid.problems
        )

    @app.exception_handler(RequestValidationError)
    async def _malformed(_request: Request, invalid: RequestValidationError) -> JSONResponse:
        problems = []
        for error in invalid.errors():
            where = list(error.get("loc", ()))
            if where and where[0] == "body":
                where = where[1:]
            problems.append(problem_from({**error, "loc": tuple(where)}))
        return problem(422, f"{len(problems)} problem(s) in the request", errors=problems)

    @app.exception_handler(OperationError)
    async def _refused(_request: Request, refused: OperationError) -> JSONResponse:
        headers = None
        if isinstance(refused, TooManyRequests):
            headers = {"Retry-After": str(refused.retry_after_seconds)}
        return problem(refused.status, str(refused), headers=headers)

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, error: HTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else None
        return problem(error.status_code, detail, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        route = request.scope.get("route")
        where = getattr(route, "path", "?")
        away = unavailable_reason(error)
        if away is None and isinstance(error, RPCError):
            away = "the workflow service does not answer; try again in a moment"
        if away is not None:
            log.warning("%s %s: %s", request.method, where, away)
            return problem(503, away, headers={"Retry-After": "5"})
        # Only the kind of failure and where: the request's values may be personal data.
        log.error("unexpected %s in %s %s", type(error).__name__, request.method, where)
        return problem(500)
