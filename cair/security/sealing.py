"""Seal a secret with a key derived from the secrets key ring, so the database never holds it in
plain form while it waits for its single reveal. ``context`` is bound in as associated data: a
sealed value copied to another row (another credential id) does not open. The sealed text names
its key (``v1.<key id>.<base64>``), so it opens after the ring has a newer key."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cair.security.keyring import KeyRing

CREDENTIAL_SEAL = "credential-seal"
_VERSION = "v1"


class SealError(ValueError):
    """A sealed value that does not open (another key, another row, or altered)."""


def _derive(key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)


def seal(ring: KeyRing, plaintext: str, *, purpose: str, context: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(ring.newest, purpose)).encrypt(
        nonce, plaintext.encode(), context.encode()
    )
    return f"{_VERSION}.{ring.newest_id}.{base64.b64encode(nonce + sealed).decode()}"


def unseal(ring: KeyRing, sealed: str, *, purpose: str, context: str) -> str:
    version, _, rest = sealed.partition(".")
    key_id, _, body = rest.partition(".")
    key = ring.by_id(key_id) if version == _VERSION else None
    if key is None:
        raise SealError("sealed with a key this service no longer has")
    raw = base64.b64decode(body)
    try:
        return AESGCM(_derive(key, purpose)).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except InvalidTag:
        raise SealError("the sealed value does not open here (other row, or altered)") from None
