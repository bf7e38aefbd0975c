"""Seal a secret with a key derived from a server key, so the database never holds it in plain
form while it waits for its single reveal. ``context`` is bound in as associated data: a sealed
value copied to another row (another credential id) does not open."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CREDENTIAL_SEAL = "credential-seal"


def _derive(server_key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        server_key
    )


def seal(server_key: bytes, plaintext: str, *, purpose: str, context: str = "") -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(server_key, purpose)).encrypt(
        nonce, plaintext.encode(), context.encode() or None
    )
    return base64.b64encode(nonce + sealed).decode()


def unseal(server_key: bytes, sealed: str, *, purpose: str, context: str = "") -> str:
    raw = base64.b64decode(sealed)
    aead = AESGCM(_derive(server_key, purpose))
    return aead.decrypt(raw[:12], raw[12:], context.encode() or None).decode()
