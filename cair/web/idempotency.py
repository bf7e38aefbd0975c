"""``Idempotency-Key`` on POST: a retry with the same key and the same body gets the first
answer (status and body, replayed); the same key with another body is refused (422); a retry
while the first still runs is told so (409). Keys are scoped to the caller and the route —
an anonymous caller by the token its body carries — and kept 24 hours, their answers sealed.

An answer shown once (a session token, a status token, a revealed secret, recovery codes) is
not kept: for those routes the store keeps only that the request was done, and a replay is told
so (409) without it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cair.operations.context import Context
from cair.security.sealing import seal, unseal
from cair.store import idempotency
from cair.web.middleware import send_problem
from cair.web.problems import MEDIA_TYPE, TITLES

PURPOSE = "idempotent-response"
ONCE = " (with this Idempotency-Key)"
SHOWN_ONCE = {  # route: what a replay of its success is told instead
    "/api/v1/sessions": "this sign-in link was redeemed already" + ONCE + "; its session token "
    "was shown once and is not kept: ask for a new sign-in link",
    "/api/v1/credentials/reveal": "these credentials were revealed already" + ONCE + "; a "
    "secret is shown once and is not kept: staff can issue new credentials",
    "/api/v1/password": "this password was set already" + ONCE,
    "/api/v1/sessions/current/second-factor": "this sign-in was finished already" + ONCE + "; "
    "recovery codes are shown once and are not kept",
    "/api/v1/enrollments": "this enrollment was submitted already as {id}" + ONCE + "; its "
    "status link was shown once and is not kept: it is in the acknowledgement e-mail",
}


class Idempotency:
    def __init__(self, app: ASGIApp, *, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        key_bytes = headers.get(b"idempotency-key")
        if scope.get("method") != "POST" or not key_bytes or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        key = key_bytes.decode("latin-1")
        if len(key) > 200:
            await send_problem(send, 422, "Idempotency-Key: at most 200 characters")
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        caller = headers.get(b"authorization", b"") or _token_digest(body)
        where = hashlib.sha256(caller + b" " + scope["path"].encode()).hexdigest()
        digest = hashlib.sha256(body).hexdigest()
        ring = self.ctx.settings.secrets_ring()
        async with self.ctx.db.sessions.begin() as session:
            earlier = await idempotency.find(session, where, key)
            claimed = earlier is None and await idempotency.claim(session, where, key, digest)
        if not claimed:
            await self._answer_again(send, earlier, digest, ring, f"{where}/{key}")
            return

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"], captured["headers"] = message["status"], message["headers"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")

        try:
            await self.app(scope, replay_body, capture)
        finally:
            async with self.ctx.db.sessions.begin() as session:
                if captured["status"] < 500:
                    content_type = dict(captured["headers"]).get(b"content-type", b"").decode()
                    status, kept, content_type = _kept(
                        scope["path"], captured["status"], captured["body"], content_type
                    )
                    await idempotency.complete(
                        session,
                        where,
                        key,
                        status=status,
                        response=seal(ring, kept, purpose=PURPOSE, context=f"{where}/{key}"),
                        content_type=content_type,
                    )
                else:  # our failure: the key is given back so a retry runs again
                    await idempotency.release(session, where, key)
        await send(
            {
                "type": "http.response.start",
                "status": captured["status"],
                "headers": captured["headers"],
            }
        )
        await send({"type": "http.response.body", "body": captured["body"]})

    async def _answer_again(
        self, send: Send, earlier: Any, digest: str, ring: Any, context: str
    ) -> None:
        if earlier is None or earlier.status is None:
            await send_problem(send, 409, "a request with this Idempotency-Key is still running")
            return
        if earlier.body_digest != digest:
            await send_problem(
                send, 422, "this Idempotency-Key was used with another body; use a new key"
            )
            return
        body = unseal(ring, earlier.response or "", purpose=PURPOSE, context=context).encode()
        headers = [
            (b"content-type", (earlier.content_type or "application/json").encode()),
            (b"content-length", str(len(body)).encode()),
            (b"idempotent-replayed", b"true"),
        ]
        await send({"type": "http.response.start", "status": earlier.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _token_digest(body: bytes) -> bytes:
    """An anonymous caller is who holds the token its body carries (a link's, kept as a
    digest): two strangers picking the same key never meet."""
    try:
        token = json.loads(body).get("token")
    except (ValueError, AttributeError):
        return b""
    return hashlib.sha256(token.encode()).hexdigest().encode() if isinstance(token, str) else b""


def _kept(path: str, status: int, body: bytes, content_type: str) -> tuple[int, str, str]:
    """What is kept to answer a replay: the answer itself, or — for an answer shown once — a
    problem document saying the request was done, naming nothing secret."""
    done = SHOWN_ONCE.get(path)
    if done is None or not 200 <= status < 300:
        return status, body.decode(), content_type
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    named = answer.get("id", "") if isinstance(answer, dict) else ""
    problem = {
        "type": "about:blank",
        "title": TITLES[409],
        "status": 409,
        "detail": done.format(id=named),
        "errors": [],
    }
    return 409, json.dumps(problem), MEDIA_TYPE
