"""Strangers cannot lock anyone out of signing in: links asked for made-up addresses, from many
clients, use up nobody's limit, so a real representative and a real staff member still get
their link. One client alone still meets the limits it always met."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from cair.operations import sessions, staff_accounts
from cair.operations.context import Context
from cair.operations.errors import TooManyRequests
from tests.helpers.accounts import enrolled
from tests.helpers.stack import Stack, answers
from tests.helpers.waiting import eventually

STAFF_MEMBER = "steady.staff@cair.test"
STAFF_SUBJECT = "staff console sign-in"
# The limits as deployed (the shared stack raises them for the other tests), and a client
# address taken from the header a trusted proxy writes.
LIMITS = {
    "CAIR_SIGN_IN_LIMIT_PER_ADDRESS": "5",
    "CAIR_SIGN_IN_LIMIT_PER_ORGANIZATION": "30",
    "CAIR_TRUSTED_PROXY_HEADER": "X-Forwarded-For",
}


@pytest_asyncio.fixture(loop_scope="session")
async def strict_api(stack: Stack) -> AsyncIterator[str]:
    """An API process of the stack with the deployed limits, behind a 'proxy' (the test)."""
    strict = Stack(
        name=stack.name,
        settings=stack.settings,
        env={**stack.env, **LIMITS},
        outbox=stack.outbox,
        var_dir=stack.var_dir,
    )
    process = strict.start_api()
    try:
        await eventually(lambda: answers(strict.api_url + "/healthz"), timeout=60)
        yield strict.api_url
    finally:
        process.terminate()
        process.wait(timeout=15)


async def _ask(api: httpx.AsyncClient, path: str, email: str, client: str) -> int:
    answer = await api.post(path, json={"email": email}, headers={"X-Forwarded-For": client})
    return answer.status_code


async def test_a_flood_of_made_up_addresses_locks_no_one_out(
    stack: Stack, ctx: Context, strict_api: str
) -> None:
    account = await enrolled(stack, ctx, "school", "Lockout", email_domain="lockout.example")
    representative = "msingh@lockout.example"
    await staff_accounts.add(ctx, STAFF_MEMBER, roles=["reviewer"], name="Steady Staff")
    org_path = f"/api/v1/organizations/{account.provider_id}/sign-in"
    rep_subject = f"sign-in link ({account.provider_id})"
    rep_before = len(stack.outbox.to(representative, rep_subject))
    staff_before = len(stack.outbox.to(STAFF_MEMBER, STAFF_SUBJECT))

    async with httpx.AsyncClient(base_url=strict_api, timeout=60) as api:
        flood = [
            await _ask(api, path, f"nobody{c}.{n}@{domain}", f"203.0.113.{c}")
            for c in range(1, 13)
            for n in range(5)
            for path, domain in (
                (org_path, "lockout.example"),
                ("/api/v1/staff/sign-in", "cair.test"),
            )
        ]
        real_rep = await _ask(api, org_path, representative, "198.51.100.7")
        real_staff = await _ask(api, "/api/v1/staff/sign-in", STAFF_MEMBER, "198.51.100.8")

    assert (real_rep, real_staff) == (202, 202)
    await eventually(lambda: stack.outbox.more_than(rep_before, representative, rep_subject))
    await eventually(lambda: stack.outbox.more_than(staff_before, STAFF_MEMBER, STAFF_SUBJECT))
    assert flood == [202] * 120  # twelve clients, each within its own limits


async def test_one_client_still_meets_the_limits(stack: Stack, strict_api: str) -> None:
    provider_id = "CA199999"  # no such organization: the answers are the same for every one
    path = f"/api/v1/organizations/{provider_id}/sign-in"
    async with httpx.AsyncClient(base_url=strict_api, timeout=60) as api:
        one_client = [await _ask(api, path, f"n{n}@abuse.example", "192.0.2.1") for n in range(31)]
        one_address = [
            await _ask(api, path, "target@abuse.example", f"192.0.2.{10 + c}") for c in range(6)
        ]
        staff = [
            await _ask(api, "/api/v1/staff/sign-in", f"s{n}@abuse.example", "192.0.2.2")
            for n in range(31)
        ]
    assert one_client == [202] * 30 + [429]  # per client, per organization: 30 an hour
    assert one_address == [202] * 5 + [429]  # per address asked for, whoever asks: 5 in 15 min
    assert staff == [202] * 30 + [429]


async def test_the_operations_count_per_client(stack: Stack, ctx: Context) -> None:
    """The same, one layer down: the limits the web layer hands the client address to."""
    account = await enrolled(stack, ctx, "school", "LockoutOps", email_domain="lockout-ops.example")
    limits = {"sign_in_limit_per_address": 5, "sign_in_limit_per_organization": 30}
    strict = Context(stack.settings.model_copy(update=limits))
    before = len(stack.outbox.to("msingh@lockout-ops.example", "sign-in link"))
    try:
        for c in range(12):
            for n in range(5):
                client = f"203.0.113.{100 + c}"
                await sessions.sign_in(
                    strict, account.provider_id, f"x{c}.{n}@lockout-ops.example", client=client
                )
                await sessions.staff_sign_in(strict, f"x{c}.{n}@ops.cair.test", client=client)
        await sessions.sign_in(
            strict, account.provider_id, "msingh@lockout-ops.example", client="198.51.100.9"
        )
        with pytest.raises(TooManyRequests, match="from your address"):
            for n in range(31):
                await sessions.staff_sign_in(strict, f"y{n}@ops.cair.test", client="192.0.2.77")
    finally:
        await strict.close()
    await eventually(lambda: stack.outbox.more_than(before, "msingh@lockout-ops.example"))
