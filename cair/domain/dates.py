"""Dates as people read them in e-mails and messages."""

from __future__ import annotations

from datetime import datetime


def long_date(moment: datetime) -> str:
    """'Tuesday, December 1, 2026' (no zero padding)."""
    return f"{moment:%A}, {moment:%B} {moment.day}, {moment.year}"
