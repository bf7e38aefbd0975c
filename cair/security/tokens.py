"""Single-use link tokens: random, URL-safe, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """A fast digest is right here: tokens carry 256 random bits, so no brute force applies."""
    return hashlib.sha256(token.encode()).hexdigest()
