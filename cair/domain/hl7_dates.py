"""HL7 v2.5.1 dates (DT) and date/times (DTM, TS-1) as a sender writes them:
``YYYYMMDD[HH[MM[SS[.S[S[S[S]]]]]]][+/-ZZZZ]``. The CDC guide wants at least the day for
birth and administration dates and the message time, so a value shorter than a day is not
read. Never raises: a value that is not a real moment is ``None``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

_MOMENT = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:(?P<H>\d{2})(?:(?P<M>\d{2})(?:(?P<S>\d{2})(?:\.(?P<f>\d{1,4}))?)?)?)?"
    r"(?P<zone>[+-]\d{4})?",
    re.ASCII,  # "\d" is 0-9 only: other scripts' digits are not an HL7 date
)


def moment(text: str) -> datetime | None:
    """The instant ``text`` names, in UTC. Without an offset it is read as UTC: callers that
    compare it allow a day either way for the sender's zone."""
    found = _MOMENT.fullmatch(text)
    if found is None:
        return None
    zone = UTC
    if found["zone"]:
        sign = -1 if found["zone"][0] == "-" else 1
        hours, minutes = int(found["zone"][1:3]), int(found["zone"][3:5])
        if hours > 14 or minutes > 59:
            return None
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        parsed = datetime(
            int(found["y"]),
            int(found["m"]),
            int(found["d"]),
            int(found["H"] or 0),
            int(found["M"] or 0),
            int(found["S"] or 0),
            int((found["f"] or "0").ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return parsed.astimezone(UTC)


def day(text: str) -> date | None:
    """The calendar day ``text`` names, as the sender wrote it (its own zone, not UTC's)."""
    found = _MOMENT.fullmatch(text)
    if found is None or moment(text) is None:
        return None
    return date(int(found["y"]), int(found["m"]), int(found["d"]))


def latest_day(now: datetime) -> date:
    """The latest calendar day anywhere in California at ``now``: its UTC day, since Pacific
    time is always behind UTC (a Californian date later than this is in the future)."""
    return now.astimezone(UTC).date()
