"""The API's paged lists from the CLI: one page with a note of what is left, or every page
(to find one item by id)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from cair.cli.api import Api

PAGE = 200  # the API's largest page

LimitOption = Annotated[int, typer.Option(min=1, max=PAGE, help=f"How many to show (1 to {PAGE}).")]
OffsetOption = Annotated[int, typer.Option(min=0, help="How many to skip first.")]


def every_item(api: Api, path: str, *, token: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Each item of a paged list, page after page."""
    offset: int | None = 0
    while offset is not None:
        found = api.get(path, token=token, limit=PAGE, offset=offset, **params)
        yield from found["items"]
        offset = found["next_offset"]


def note_the_rest(found: dict[str, Any]) -> None:
    """On stderr, when the page is not the whole list: which rows these are and how to go on."""
    items, total, offset = found["items"], found["total"], found["offset"]
    if items and (offset or found["next_offset"] is not None):
        more = f"; --offset {found['next_offset']} for the next" if found["next_offset"] else ""
        print(f"{offset + 1}-{offset + len(items)} of {total}{more}", file=sys.stderr)
