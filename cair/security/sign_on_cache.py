"""Repeated data-exchange sign-ons without an Argon2 check each time: a live site signs on with
every VXU (thousands a day), and each check costs ~0.15 s of a CPU.

A success is remembered for a few minutes under an HMAC, with a key drawn per process, of what
the caller presented (username, password, facility, environment), together with a fingerprint
of the stored digest it was checked against. A later sign-on counts as checked only if the same
secret is presented *and* the site's current stored digest is still that one: credentials
re-issued (new digest) or revoked (no working row, so no digest to compare) miss at once.
Failures are never remembered, and the plain password is never kept (docs/performance.md,
"SOAP throughput", for what memory access would give an attacker)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Verify = Callable[[str, str], Awaitable[bool]]  # (stored digest, presented secret) -> opened


@dataclass(frozen=True)
class Presented:
    """What a caller signs on with; hashed on arrival, never stored as such."""

    username: str
    password: str
    facility_id: str
    environment: str

    def __repr__(self) -> str:  # never the password, in a traceback or a log
        return f"Presented({self.username!r}, facility {self.facility_id!r}, {self.environment})"


class SignOnCache:
    """Successful checks of one process, bounded in number and age (least recently used first
    out). ``clock`` is monotonic seconds; tests give their own."""

    def __init__(self, *, most: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        if most < 1:
            raise ValueError("most: the cache must hold at least one sign-on")
        self._key = secrets.token_bytes(32)  # per process: entries mean nothing elsewhere
        self._most = most
        self._clock = clock
        self._entries: OrderedDict[bytes, tuple[bytes, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def opens(self, presented: Presented, digest: str, verify: Verify, *, ttl: float) -> bool:
        """Whether ``presented`` opens the credentials stored as ``digest``: from a remembered
        success against this very digest, else by ``verify`` (whose success is then remembered
        ``ttl`` seconds; 0 remembers nothing)."""
        slot = self._slot(presented)
        if self._remembered(slot, digest):
            return True
        if not await verify(digest, presented.password):
            return False  # never remembered: every wrong guess costs the full check
        if ttl > 0:
            self._entries[slot] = (_fingerprint(digest), self._clock() + ttl)
            self._entries.move_to_end(slot)
            while len(self._entries) > self._most:
                self._entries.popitem(last=False)
        return True

    def forget_all(self) -> None:
        self._entries.clear()

    def _slot(self, presented: Presented) -> bytes:
        parts = (
            presented.username,
            presented.password,
            presented.facility_id,
            presented.environment,
        )
        # Each part length-prefixed, so no two different tuples give the same bytes.
        encoded = b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)
        return hmac.new(self._key, encoded, hashlib.sha256).digest()

    def _remembered(self, slot: bytes, digest: str) -> bool:
        found = self._entries.get(slot)
        if found is None:
            return False
        fingerprint, expires = found
        if self._clock() >= expires or not hmac.compare_digest(fingerprint, _fingerprint(digest)):
            del self._entries[slot]  # stale, or checked against credentials since replaced
            return False
        self._entries.move_to_end(slot)
        return True


def _fingerprint(digest: str) -> bytes:
    return hashlib.sha256(digest.encode()).digest()
