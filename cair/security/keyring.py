"""A ring of AES-256 keys: the newest encrypts, every key decrypts what it once encrypted. Each
key is known by its fingerprint, which travels with what it encrypted, so a key rotation (add a
new key at the front, keep the old ones) never breaks replay, the UI or a sealed secret."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable


class KeyRingError(ValueError):
    """A key that cannot be used; the message says which and why, never the key."""


def fingerprint(key: bytes) -> str:
    """A public name for a key (never the key itself)."""
    return hashlib.sha256(key).hexdigest()[:8]


class KeyRing:
    def __init__(self, keys: Iterable[bytes]) -> None:
        self.keys = list(keys)
        if not self.keys:
            raise KeyRingError("a key ring needs at least one key")
        for number, key in enumerate(self.keys, 1):
            if len(key) != 32:
                raise KeyRingError(f"key {number} is {len(key)} bytes; an AES-256 key is 32")
        self._by_id = {fingerprint(k): k for k in self.keys}

    @property
    def newest(self) -> bytes:
        return self.keys[0]

    @property
    def newest_id(self) -> str:
        return fingerprint(self.keys[0])

    @property
    def ids(self) -> list[str]:
        return [fingerprint(k) for k in self.keys]

    def by_id(self, key_id: str) -> bytes | None:
        return self._by_id.get(key_id)

    @classmethod
    def from_text(cls, text: str, *, name: str) -> KeyRing:
        """Keys in base64, newest first, separated by commas or new lines."""
        keys = []
        for number, part in enumerate(text.replace(",", "\n").split(), 1):
            try:
                keys.append(base64.b64decode(part, validate=True))
            except (binascii.Error, ValueError):
                raise KeyRingError(f"{name}: key {number} is not base64") from None
        try:
            return cls(keys)
        except KeyRingError as error:
            raise KeyRingError(f"{name}: {error}") from None

    def to_text(self) -> str:
        return "\n".join(base64.b64encode(k).decode() for k in self.keys) + "\n"
