"""Business days: what staff reminders count in (weekends excluded). Counted in whole weeks —
any seven days in a row hold five business days — plus at most a week stepped by day, so a
number of any size costs the same; the answers are those of stepping day by day (workflows
replay on them)."""

from __future__ import annotations

from datetime import datetime, timedelta

DAY = timedelta(days=1)


def add_business_days(start: datetime, days: int) -> datetime:
    """Counting only Monday–Friday; the time of day and zone are kept.
    Friday 10:00 + 2 → Tuesday 10:00; Saturday 10:00 + 2 → Tuesday 10:00."""
    if days <= 0:
        return start
    weeks = (days - 1) // 5  # fewer than ``days`` business days: the answer lies beyond
    step, remaining = 7 * weeks, days - 5 * weeks
    while remaining > 0:  # at most seven steps
        step += 1
        if (start.weekday() + step) % 7 < 5:
            remaining -= 1
    return start + timedelta(days=step)


def business_days_between(start: datetime, end: datetime) -> int:
    """Whole business days from ``start`` to ``end`` (how long a request has waited): the
    weekdays among start + 1 day, start + 2 days, … up to ``end``."""
    steps = _whole_days(start, end)
    weeks, rest = divmod(steps, 7)
    return 5 * weeks + sum(1 for k in range(1, rest + 1) if (start.weekday() + k) % 7 < 5)


def waited_since(end: datetime, days: int) -> datetime:
    """The latest moment, whole days before ``end``, from which ``days`` business days have
    passed by ``end`` (``end`` itself for 0): requests submitted by then have waited that long."""
    if days <= 0:
        return end
    weeks = (days - 1) // 5
    back = 7 * weeks
    while business_days_between(end - timedelta(days=back), end) < days:  # at most 7 times
        back += 1
    return end - timedelta(days=back)


def _whole_days(start: datetime, end: datetime) -> int:
    """How many days can be added to ``start`` (on its own clock) and stay at or before
    ``end``: the length of the day-by-day walk, found from the elapsed time and corrected by the
    hour or two a change of clocks may shift it."""
    if start + DAY > end:
        return 0
    steps = max((end - start) // DAY, 1)
    while start + timedelta(days=steps + 1) <= end:
        steps += 1
    while start + timedelta(days=steps) > end:
        steps -= 1
    return steps
