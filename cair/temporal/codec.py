"""AES-256-GCM payload codec: no personal data stands in plain form in workflow history or the
Temporal UI. Each payload is encrypted whole (metadata included) with a fresh nonce by the
newest key of the ring, and tagged with that key's fingerprint, so older payloads still open with
the key that made them and a missing key is named rather than garbling.

Sealing also keeps payloads made without the key out: workers and clients decode with
``refuse_unsealed``, which turns a plaintext payload (sent by anyone reaching Temporal without
the key) into an empty one marked ``UNSEALED``, which the data converter refuses
(``cair/temporal/converter.py``). The codec does not raise itself: a codec error fails the whole
workflow task, again and again, while the converter's refusal rejects an update, drops a signal
and fails a start. The codec endpoint decodes leniently, so the Web UI still shows what Temporal
writes in plain. Search attributes never pass through a codec. A sealed payload is not bound to
its workflow (no associated data yet): someone who may write to the namespace could replay one
copied from another history, which is why the namespace's writers are limited
(docs/deployment.md, "Who may reach Temporal")."""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from cair.security.keyring import KeyRing

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
UNSEALED = b"binary/unsealed-refused"


class CodecError(ValueError):
    """A payload that cannot be decrypted: unknown key, or altered."""


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: KeyRing | bytes, *, refuse_unsealed: bool = False) -> None:
        super().__init__()
        self.ring = keys if isinstance(keys, KeyRing) else KeyRing([keys])
        self.refuse_unsealed = refuse_unsealed
        self._aeads = {key_id: AESGCM(self.ring.by_id(key_id) or b"") for key_id in self.ring.ids}
        self.key_id = self.ring.newest_id

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(12)
        sealed = self._aeads[self.key_id].encrypt(nonce, payload.SerializeToString(), None)
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: self.key_id.encode()},
            data=nonce + sealed,
        )

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            if self.refuse_unsealed:  # its content is dropped: nothing of it reaches a workflow
                return Payload(metadata={"encoding": UNSEALED})
            return payload  # lenient (the codec endpoint): shown as Temporal wrote it
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        aead = self._aeads.get(key_id)
        if aead is None:
            raise CodecError(
                f"payload was encrypted with key {key_id or '(none)'}; this codec has "
                f"{', '.join(self.ring.ids)}"
            )
        try:
            plain = aead.decrypt(payload.data[:12], payload.data[12:], None)
        except InvalidTag:
            raise CodecError("payload does not open with its key: it was altered") from None
        decoded = Payload()
        decoded.ParseFromString(plain)
        return decoded
