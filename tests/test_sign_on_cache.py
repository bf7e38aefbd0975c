"""A repeated data-exchange sign-on is remembered, not weakened: a success skips the next Argon2
check of the same secret against the same stored digest; credentials re-issued since, a wrong
password or an expired entry go through the full check (or are refused) again. Argon2 is real
here: the checks are counted around the hasher, not imitated."""

from __future__ import annotations

import pytest

from cair.security.secret_hashing import hash_secret, verify_secret
from cair.security.sign_on_cache import Presented, SignOnCache
from cair.settings import Settings

SECRET = "a-site-secret-of-192-random-bits"
TTL = 300.0


class Clock:
    """Monotonic seconds that move only when a test moves them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingVerify:
    """The real Argon2 check, counted."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, digest: str, secret: str) -> bool:
        self.calls += 1
        return verify_secret(digest, secret)


@pytest.fixture(scope="module")
def digest() -> str:
    return hash_secret(SECRET)


def presented(password: str = SECRET, *, facility: str = "S100234") -> Presented:
    return Presented("S100234_STG", password, facility, "staging")


async def test_a_second_sign_on_skips_argon2(digest: str) -> None:
    cache, verify = SignOnCache(clock=Clock()), CountingVerify()
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    assert verify.calls == 1


async def test_credentials_reissued_since_miss_and_the_old_secret_fails(digest: str) -> None:
    cache, verify = SignOnCache(clock=Clock()), CountingVerify()
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    reissued = hash_secret("the new secret")
    assert not await cache.opens(presented(), reissued, verify, ttl=TTL)
    assert verify.calls == 2  # checked in full against the new digest, and refused
    assert len(cache) == 0  # the entry of the replaced digest is dropped
    assert await cache.opens(presented("the new secret"), reissued, verify, ttl=TTL)
    assert await cache.opens(presented("the new secret"), reissued, verify, ttl=TTL)
    assert verify.calls == 3


async def test_a_wrong_password_is_never_remembered(digest: str) -> None:
    cache, verify = SignOnCache(clock=Clock()), CountingVerify()
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    for _ in range(2):
        assert not await cache.opens(presented(SECRET + "x"), digest, verify, ttl=TTL)
        assert not await cache.opens(presented(SECRET[:-1]), digest, verify, ttl=TTL)
    assert verify.calls == 5  # every wrong one checked in full, each time
    assert len(cache) == 1
    # Another facility is another entry (the store finds its credentials): checked in full.
    assert await cache.opens(presented(facility="S100235"), digest, verify, ttl=TTL)
    assert verify.calls == 6


async def test_an_entry_expires_by_the_clock(digest: str) -> None:
    clock = Clock()
    cache, verify = SignOnCache(clock=clock), CountingVerify()
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    clock.now += TTL - 1
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    assert verify.calls == 1
    clock.now += 1
    assert await cache.opens(presented(), digest, verify, ttl=TTL)
    assert verify.calls == 2  # expired: checked in full again


async def test_no_ttl_remembers_nothing_and_the_size_is_bounded(digest: str) -> None:
    cache, verify = SignOnCache(most=2, clock=Clock()), CountingVerify()
    assert await cache.opens(presented(), digest, verify, ttl=0)
    assert await cache.opens(presented(), digest, verify, ttl=0)
    assert verify.calls == 2 and len(cache) == 0
    others = [hash_secret(f"secret {n}") for n in range(3)]
    for n, other in enumerate(others):
        assert await cache.opens(presented(f"secret {n}"), other, verify, ttl=TTL)
    assert len(cache) == 2  # the least recently used went first
    assert await cache.opens(presented("secret 0"), others[0], verify, ttl=TTL)
    assert verify.calls == 2 + 3 + 1


async def test_the_cache_keeps_no_password_and_its_setting_is_bounded(digest: str) -> None:
    cache = SignOnCache(clock=Clock())
    assert await cache.opens(presented(), digest, CountingVerify(), ttl=TTL)
    assert SECRET not in repr(presented())
    assert SECRET.encode() not in b"".join(cache._entries)  # keys are HMACs
    assert Settings(_env_file=None).dx_sign_on_cache_seconds == 300
    with pytest.raises(ValueError, match="dx_sign_on_cache_seconds"):
        Settings(_env_file=None, dx_sign_on_cache_seconds=-1)
    with pytest.raises(ValueError, match="most"):
        SignOnCache(most=0)
