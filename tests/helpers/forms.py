"""The CSRF token of a page's form, read from the page as a browser would: the page tests post
forms with it (or without it, to see them refused)."""

from __future__ import annotations

import re

import httpx


def form_token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert found, f"no form on {path} ({page.status_code})"
    return found.group(1)
