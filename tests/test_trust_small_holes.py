"""Small holes closed: the dev outbox's e-mails (sign-in links, reveal links) readable by their
owner only; the staff queue's waiting filter bounded and counted without walking day by day;
the client address taken from a trusted proxy's header only when told to."""

from __future__ import annotations

import random
import smtplib
import stat
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.requests import Request

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.domain import business_days
from cair.operations import enrollments
from cair.operations.context import Context
from cair.operations.errors import Invalid
from cair.settings import Settings
from cair.web import identity
from tests.helpers.waiting import eventually


async def test_outbox_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    server = OutboxSmtpServer(tmp_path / "outbox")
    server.start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.test", "b@x.test", "link"
        message.set_content("https://cair.test/account/sign-in/secret-token")
        with smtplib.SMTP(server.host, server.port) as relay:
            relay.send_message(message)
        [kept] = await eventually(lambda: list((tmp_path / "outbox").glob("*.eml")))
    finally:
        server.stop()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def _walked_between(start: datetime, end: datetime) -> int:
    """The definition, day by day: what the arithmetic must agree with (replay depends on it)."""
    days, moment = 0, start
    while True:
        moment += timedelta(days=1)
        if moment > end:
            return days
        if moment.weekday() < 5:
            days += 1


def _walked_add(start: datetime, days: int) -> datetime:
    moment, remaining = start, days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def test_business_days_agree_with_walking_day_by_day() -> None:
    rng = random.Random(20261125)
    pacific = ZoneInfo("America/Los_Angeles")
    for _ in range(3000):
        zone = rng.choice([UTC, pacific])
        start = datetime(2026, 1, 1, tzinfo=zone) + timedelta(minutes=rng.randrange(2 * 10**6))
        end = start + timedelta(minutes=rng.randrange(-(10**4), 10**6))
        assert business_days.business_days_between(start, end) == _walked_between(start, end)
        days = rng.randrange(0, 60)
        assert business_days.add_business_days(start, days) == _walked_add(start, days)
        back = business_days.waited_since(end, days)
        assert _walked_between(back, end) >= days
        assert days == 0 or _walked_between(back + timedelta(days=1), end) < days


class _CountedSteps(datetime):
    """A datetime that counts the days added to it: a day-by-day walk shows in the count."""

    steps = 0

    def __add__(self, other: timedelta) -> _CountedSteps:
        _CountedSteps.steps += 1
        moved = super().__add__(other)  # a _CountedSteps again: subclasses keep their type
        assert isinstance(moved, _CountedSteps)
        return moved

    def __sub__(self, other: Any) -> Any:
        _CountedSteps.steps += 1
        return super().__sub__(other)


def test_business_days_are_counted_without_walking_day_by_day() -> None:
    start = _CountedSteps(2026, 1, 5, 9, tzinfo=UTC)
    end = _CountedSteps(2046, 1, 5, 9, tzinfo=UTC)
    _CountedSteps.steps = 0
    assert business_days.business_days_between(start, end) == 5219
    assert business_days.add_business_days(start, 5219) == end
    assert business_days.waited_since(end, 400) < end
    assert _CountedSteps.steps < 60


async def test_the_queue_filter_is_bounded(tmp_path: Path) -> None:
    ctx = Context(Settings(_env_file=None, var_dir=tmp_path))
    try:
        for days in (-1, 401, 100_000):
            with pytest.raises(Invalid, match="min_business_days"):
                await enrollments.queue(ctx, min_business_days=days)
    finally:
        await ctx.close()


def _request(headers: dict[str, str], *, trusted: str = "X-Forwarded-For") -> Request:
    settings = Settings(_env_file=None, trusted_proxy_header=trusted)
    app = SimpleNamespace(state=SimpleNamespace(ctx=SimpleNamespace(settings=settings)))
    scope = {
        "type": "http",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("10.0.0.5", 5555),
        "app": app,
    }
    return Request(scope)


def test_the_client_address_comes_from_the_trusted_proxys_entry() -> None:
    # The proxy appends what it saw; anything before it was written by the client.
    forged = _request({"X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
    assert identity.client_address(forged) == "203.0.113.9"
    assert identity.client_address(_request({})) == "10.0.0.5"


def test_without_the_setting_the_header_is_ignored() -> None:
    assert (
        identity.client_address(_request({"X-Forwarded-For": "203.0.113.9"}, trusted=""))
        == "10.0.0.5"
    )
