"""Argon2id hashes of data-exchange secrets (passlib is unmaintained: argon2-cffi directly)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    return str(_hasher.hash(secret))


def verify_secret(secret_hash: str, secret: str) -> bool:
    try:
        return bool(_hasher.verify(secret_hash, secret))
    except VerificationError:
        return False
