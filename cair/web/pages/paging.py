"""The pages' lists one page at a time: the offset read from the address (anything but a small
whole number reads as the first page), and the Previous / Next links, which keep the page's
other query parameters (its filters)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

PAGE_SIZE = 50


@dataclass(frozen=True)
class Pager:
    """What ``_pager.html`` draws: where this page is, and the links to its neighbours."""

    total: int
    offset: int
    size: int
    shown: int
    previous: str | None
    next: str | None

    @property
    def first(self) -> int:
        return self.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.offset + self.shown

    @property
    def number(self) -> int:
        return self.offset // self.size + 1

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)


def offset_of(request: Request, name: str = "offset") -> int:
    return whole(request.query_params.get(name))


def whole(text: str | None) -> int:
    text = text or ""
    return int(text) if text.isdigit() and len(text) < 7 else 0


def pager(
    path: str,
    params: Mapping[str, str],
    *,
    total: int,
    offset: int,
    shown: int,
    size: int = PAGE_SIZE,
    name: str = "offset",
    fragment: str = "",
) -> Pager:
    """The links of the page at ``path`` (with its filters, ``params``) that shows ``shown``
    rows from ``offset`` of ``total``; a form's answer draws the list's page, not its own."""
    kept = {k: v for k, v in params.items() if k != name}  # an empty filter may mean "any"

    def link(to: int) -> str:
        query = urlencode({**kept, **({name: str(to)} if to else {})})
        return path + (f"?{query}" if query else "") + fragment

    return Pager(
        total=total,
        offset=offset,
        size=size,
        shown=shown,
        # Past the end (a list that shrank): back to its last page.
        previous=link(min(max(offset - size, 0), max(total - 1, 0) // size * size))
        if offset > 0
        else None,
        next=link(offset + size) if offset + shown < total and shown else None,
    )


def here(request: Request) -> tuple[str, dict[str, str]]:
    """A GET page's own path and query, for ``pager``."""
    return request.url.path, dict(request.query_params)
