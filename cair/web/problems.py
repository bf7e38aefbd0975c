"""Errors as ``application/problem+json`` (RFC 9457): a title, the status, a detail, and for
invalid input one entry per field (``errors``: field path and rule). Never a traceback: an
unexpected failure is a bare 500 and goes to the log without the request's values."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from temporalio.service import RPCError

from cair.domain.problems import InvalidRequest, Problem
from cair.domain.validation import problem_from
from cair.operations.errors import OperationError, TooManyRequests
from cair.store.errors import unavailable_reason
from cair.web.pages.errors import error_page, is_page, note_visitor, refusal_page
from cair.web.pages.rendering import static_url

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
    """Errors of API routes as problem documents; errors under a page as pages."""

    @app.exception_handler(InvalidRequest)
    async def _invalid(request: Request, invalid: InvalidRequest) -> Response:
        detail = f"{len(invalid.problems)} problem(s) in the request"
        if is_page(request):
            return error_page(request, 422, "; ".join(str(p) for p in invalid.problems[:20]))
        return problem(422, detail, errors=invalid.problems)

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, invalid: RequestValidationError) -> Response:
        problems = []
        for error in invalid.errors():
            where = list(error.get("loc", ()))
            if where and where[0] == "body":
                where = where[1:]
            problems.append(problem_from({**error, "loc": tuple(where)}))
        if is_page(request):
            return error_page(request, 422, "; ".join(str(p) for p in problems[:20]))
        return problem(422, f"{len(problems)} problem(s) in the request", errors=problems)

    @app.exception_handler(OperationError)
    async def _refused(request: Request, refused: OperationError) -> Response:
        headers = None
        if isinstance(refused, TooManyRequests):
            headers = {"Retry-After": str(refused.retry_after_seconds)}
        if is_page(request):
            return refusal_page(request, refused, refused.status, headers)
        return problem(refused.status, str(refused), headers=headers)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else None
        headers = getattr(error, "headers", None)
        if is_page(request):
            await note_visitor(request)
            return error_page(request, error.status_code, None, headers=headers)
        return problem(error.status_code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        route = request.scope.get("route")
        where = getattr(route, "path", "?")
        away = unavailable_reason(error)
        if away is None and isinstance(error, RPCError):
            away = "the workflow service does not answer; try again in a moment"
        if away is not None:
            log.warning("%s %s: %s", request.method, where, away)
            if is_page(request):
                return _bare_page(503)
            return problem(503, away, headers={"Retry-After": "5"})
        # Only the kind of failure and where: the request's values may be personal data.
        log.error("unexpected %s in %s %s", type(error).__name__, request.method, where)
        return _bare_page(500) if is_page(request) else problem(500)


def _bare_page(status: int) -> Response:
    """A page for when the service itself is failing: drawn without the database."""
    title = "The service is busy or restarting" if status == 503 else "Something went wrong"
    body = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
        f'<link rel=stylesheet href="{static_url("site.css")}">'
        f"<main class=page><h1>{title}</h1><p>Nothing was changed. Please try again in a "
        f"minute.</p><p><a href=/>Home</a></p></main></html>"
    )
    headers = {"Retry-After": "5"} if status == 503 else None
    return HTMLResponse(body, status_code=status, headers=headers)
