"""The notice a redirect leaves for the page it lands on ("Done: …", "You are signed out."),
carried in a cookie for two minutes and shown once. The cookie is sealed — AES and an
HMAC-SHA256 (Fernet) under a key derived from the web key — because a notice may name people
(users of an organization, a trainee) and the browser's cookie jar need not hold that in plain
text, and because an unsigned notice let anyone who can set a cookie make our page say anything.
A notice whose seal fails, or older than its two minutes, is ignored."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from cair.settings import Settings

SECONDS = 120
MAX_CHARS = 500


def _fernet(settings: Settings) -> Fernet:
    """A key of its own, derived from the web key: a CSRF token is never a notice key."""
    derived = hmac.new(settings.web_key(), b"cair-notice", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(settings: Settings, text: str) -> str:
    """The cookie value for ``text`` (URL-safe base64: no quoting needed)."""
    return _fernet(settings).encrypt(text[:MAX_CHARS].encode()).decode("ascii")


def unseal(settings: Settings, value: str) -> str | None:
    """The notice, or None when the cookie is not one we sealed (or is too old)."""
    try:
        return _fernet(settings).decrypt(value.encode(), ttl=SECONDS).decode()[:MAX_CHARS]
    except (InvalidToken, UnicodeError, ValueError):
        return None
