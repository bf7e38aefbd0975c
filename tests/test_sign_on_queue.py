"""The password checks of the SOAP endpoint wait in a bounded queue: past it, a caller is
answered at once (busy), so a flood of sign-ons cannot pile up without bound."""

from __future__ import annotations

import pytest

from cair.operations import dx_messages
from cair.security.secret_hashing import hash_secret


async def test_a_full_queue_answers_at_once_and_a_free_one_checks() -> None:
    digest = hash_secret("the right secret")
    assert await dx_messages._verify(digest, "the right secret")
    waiting = dx_messages._waiting
    dx_messages._waiting = dx_messages.MAX_WAITING_CHECKS  # as if that many wait already
    try:
        with pytest.raises(dx_messages.Busy, match="busy"):
            await dx_messages._verify(digest, "the right secret")
    finally:
        dx_messages._waiting = waiting
    assert dx_messages._waiting == waiting  # a refusal takes no place in the queue
    assert not await dx_messages._verify(digest, "a guess")
