"""Seal a secret with a key derived from the server key, so the database never holds it in
plain form while it waits for its single reveal."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(server_key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        server_key
    )


def seal(server_key: bytes, plaintext: str, *, purpose: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(server_key, purpose)).encrypt(nonce, plaintext.encode(), None)
    return base64.b64encode(nonce + sealed).decode()


def unseal(server_key: bytes, sealed: str, *, purpose: str) -> str:
    raw = base64.b64decode(sealed)
    return AESGCM(_derive(server_key, purpose)).decrypt(raw[:12], raw[12:], None).decode()
