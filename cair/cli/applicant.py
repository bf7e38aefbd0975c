"""Applicants: submit an enrollment, follow it, amend it; the request's JSON Schema."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cair.cli.api import Api
from cair.cli.common import exit_now, print_json, read_json
from cair.cli.root import app


@app.command()
def submit(file: Path) -> None:
    """Submit an enrollment request; prints its enrollment id (and keeps its status key)."""
    data = read_json(file)
    api = Api()
    answer = api.post("/api/v1/enrollments", data)
    api.store.keep_status_token(answer["id"], answer["status_token"])
    print(answer["id"])
    detail = f" ({answer['note']})" if answer.get("note") else ""
    print(f"{answer['stage']}{detail}", file=sys.stderr)
    print(f"status page: {answer['status_url']}", file=sys.stderr)
    exit_now(0 if answer["stage"] not in ("refused_duplicate", "invalid") else 1)


@app.command()
def status(enrollment_id: str) -> None:
    """Where an enrollment stands (JSON): staff see it whole, the applicant who submitted it
    from this computer sees their view."""
    api = Api()
    staff = api.store.get("staff")
    if staff:
        print_json(api.get(f"/api/v1/staff/enrollments/{enrollment_id}", token=staff["token"]))
    else:
        token = api.store.status_token(enrollment_id)
        print_json(api.get(f"/api/v1/enrollments/{enrollment_id}", token=token))
    exit_now(0)


@app.command()
def amend(
    enrollment_id: str,
    file: Path,
    token: Annotated[
        str, typer.Option(help="The token of the link in the changes-requested e-mail.")
    ],
) -> None:
    """Submit the corrected request after staff asked for changes."""
    data = read_json(file)
    answer = Api().post(
        f"/api/v1/enrollments/{enrollment_id}/amendment", {"token": token, "request": data}
    )
    print(f"{answer['id']}: {answer['stage']}")
    exit_now(0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of an enrollment request."""
    from cair.domain.request import EnrollmentRequest

    print_json(EnrollmentRequest.model_json_schema())
    exit_now(0)
