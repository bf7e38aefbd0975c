"""Single-use link tokens and session tokens: random, URL-safe, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """256 random bits, URL-safe. Never starting with '-': people paste tokens after commands,
    where a leading dash reads as an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def token_digest(token: str) -> str:
    """A fast digest is right here: tokens carry 256 random bits, so no brute force applies."""
    return hashlib.sha256(token.encode()).hexdigest()
