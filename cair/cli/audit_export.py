"""Audit trails from the CLI: ``cair staff audit`` (the registry's, by dates and kind; a page
of it, or ``--csv FILE`` for all of it) and the CSV download ``cair account audit --csv FILE``
uses. A download goes to a temporary file beside FILE and takes FILE's name only when whole."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from cair.cli.api import Api, refuse, tls
from cair.cli.common import exit_now, fail
from cair.cli.paging import LimitOption, OffsetOption, note_the_rest
from cair.cli.root import staff_app

CsvOption = Annotated[
    Path | None, typer.Option("--csv", help="Write the whole trail to this CSV file.")
]


def _day(text: str | None, name: str) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        fail(f"{name}: {text!r} is not a date (YYYY-MM-DD)")


def download(
    api: Api, path: str, *, token: str, into: Path, query: dict[str, Any] | None = None
) -> None:
    """Stream the CSV at ``path`` into ``into``; say how many rows went there."""
    params = {k: v for k, v in (query or {}).items() if v is not None}
    partial = into.with_name(f".{into.name}.part")
    try:
        with (
            httpx.Client(base_url=api.url, timeout=300, verify=tls(api.url)) as client,
            client.stream(
                "GET", path, params=params, headers={"Authorization": f"Bearer {token}"}
            ) as answer,
        ):
            if answer.status_code >= 400:
                answer.read()
                refuse(answer)
            # An audit trail is for its owner alone: 0600 from the start, never through a link
            # someone left at the partial file's name.
            partial.unlink(missing_ok=True)
            with os.fdopen(
                os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
            ) as out:
                for piece in answer.iter_bytes():
                    out.write(piece)
            rows = answer.headers.get("X-Rows", "?")
    except httpx.TransportError as error:
        partial.unlink(missing_ok=True)
        fail(f"error: cannot reach the CAIR API at {api.url} ({type(error).__name__})")
    except OSError as error:
        partial.unlink(missing_ok=True)
        fail(f"error: {into}: cannot be written ({error.strerror})")
    os.replace(partial, into)
    print(f"{rows} audit entries written to {into}")


@staff_app.command("audit")
def audit(
    since: Annotated[
        str | None, typer.Option("--from", help="First Pacific day, YYYY-MM-DD.")
    ] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last Pacific day, YYYY-MM-DD.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="An action (staff.removed) or its family (staff).")
    ] = None,
    csv_file: CsvOption = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
) -> None:
    """STAFF (reviewer): the registry's audit trail, newest first (JSON lines), or all of it,
    oldest first, as a CSV file (--csv FILE)."""
    api = Api()
    token = api.session_token("staff")
    chosen = {"from": _day(since, "from"), "to": _day(until, "to"), "kind": kind}
    if csv_file is not None:
        download(api, "/api/v1/staff/audit.csv", token=token, into=csv_file, query=chosen)
        exit_now(0)
    found = api.get("/api/v1/staff/audit", token=token, limit=limit, offset=offset, **chosen)
    for entry in found["items"]:
        print(json.dumps(entry, default=str, ensure_ascii=False))
    note_the_rest(found)
    exit_now(0)
