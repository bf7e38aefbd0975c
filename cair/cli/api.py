"""The CLI's way to the service: HTTP calls to its API (``CAIR_API_URL``, by default the dev
stack's), authenticated with the session the user redeemed, refusals printed as the API words
them — one line per invalid field."""

from __future__ import annotations

import os
import ssl
import uuid
from typing import Any, NoReturn
from urllib.request import getproxies

import httpx

from cair.cli.common import fail
from cair.cli.credentials_store import CredentialsStore

DEFAULT_API_URL = "http://localhost:8000"


def api_url() -> str:
    return os.environ.get("CAIR_API_URL", DEFAULT_API_URL).rstrip("/")


def tls(url: str) -> ssl.SSLContext | bool:
    """How httpx checks certificates: against its CA bundle (its default) wherever TLS may be
    spoken, to an https API or through a proxy. A plain-http API reached directly never speaks
    TLS (redirects are not followed), so it gets a context with no CA loaded: loading the bundle
    is a tenth of a command's start, and were TLS ever tried with it the check would fail, never
    be skipped."""
    if url.lower().startswith("http://") and not getproxies():
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return True


class Api:
    def __init__(self) -> None:
        self.url = api_url()
        self.store = CredentialsStore(self.url)

    # ---- sessions ---------------------------------------------------------------------------

    def session_token(self, kind: str) -> str:
        kept = self.store.get(kind)
        if not kept:
            how = "cair staff sign-in EMAIL" if kind == "staff" else "cair account sign-in"
            fail(f"error: not signed in as {kind}: run `{how}` first")
        return str(kept["token"])

    def provider_id(self) -> str:
        """The organization of the representative signed in."""
        kept = self.store.get("representative") or {}
        if not kept.get("provider_id"):
            fail("error: not signed in as a representative: run `cair account sign-in` first")
        return str(kept["provider_id"])

    # ---- calls ------------------------------------------------------------------------------

    def get(self, path: str, *, token: str | None = None, **params: Any) -> Any:
        query = {k: v for k, v in params.items() if v is not None}
        return self._call("GET", path, token=token, params=query)

    def post(self, path: str, body: Any = None, *, token: str | None = None) -> Any:
        # A fresh key per invocation: the CLI's own retries replay rather than repeat.
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        return self._call("POST", path, token=token, json=body, headers=headers)

    def delete(self, path: str, *, token: str | None = None) -> Any:
        return self._call("DELETE", path, token=token)

    def _call(self, method: str, path: str, *, token: str | None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            with httpx.Client(base_url=self.url, timeout=120, verify=tls(self.url)) as client:
                answer = client.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as error:
            fail(
                f"error: cannot reach the CAIR API at {self.url} ({type(error).__name__}): "
                "is `cair dev` running? (CAIR_API_URL says where)"
            )
        if answer.status_code >= 400:
            refuse(answer)
        return answer.json() if answer.content else None


def refuse(answer: httpx.Response) -> NoReturn:
    try:
        problem = answer.json()
    except ValueError:
        fail(f"error: the API answered {answer.status_code}")
    lines = [f"{e['field']}: {e['message']}" for e in problem.get("errors") or []]
    if not lines:
        detail = problem.get("detail") or problem.get("title") or f"HTTP {answer.status_code}"
        lines = [f"error: {detail}"]
    fail(*lines)
