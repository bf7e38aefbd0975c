"""AES-256-GCM payload codec: no personal data stands in plain form in workflow history or the
Temporal UI. Each payload is encrypted whole (metadata included) with a fresh nonce and tagged
with a fingerprint of the key, so a wrong key is named rather than garbling."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"


def key_fingerprint(key: bytes) -> str:
    """A public name for the key (never the key itself)."""
    return hashlib.sha256(key).hexdigest()[:8]


class EncryptionCodec(PayloadCodec):
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the codec key must be 32 bytes (AES-256)")
        super().__init__()
        self._aead = AESGCM(key)
        self.key_id = key_fingerprint(key)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, payload.SerializeToString(), None)
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: self.key_id.encode()},
            data=nonce + sealed,
        )

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # not ours (e.g. search attributes): pass through
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        if key_id != self.key_id:
            raise ValueError(
                f"payload was encrypted with key {key_id or '(none)'}, this codec has {self.key_id}"
            )
        plain = self._aead.decrypt(payload.data[:12], payload.data[12:], None)
        decoded = Payload()
        decoded.ParseFromString(plain)
        return decoded
