"""Business days: what staff reminders count in (weekends excluded)."""

from __future__ import annotations

from datetime import datetime, timedelta


def add_business_days(start: datetime, days: int) -> datetime:
    """Step day by day, counting only Monday–Friday; the time of day and zone are kept.
    Friday 10:00 + 2 → Tuesday 10:00; Saturday 10:00 + 2 → Tuesday 10:00."""
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def business_days_between(start: datetime, end: datetime) -> int:
    """Whole business days from ``start`` to ``end`` (how long a request has waited)."""
    days, moment = 0, start
    while True:
        moment += timedelta(days=1)
        if moment > end:
            return days
        if moment.weekday() < 5:
            days += 1
