"""Identifier checks: NPI (Luhn over the 80840 prefix), California ZIP codes, e-mail syntax."""

from __future__ import annotations

import re

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")


def npi_is_valid(npi: str) -> bool:
    """10 digits, first 1 or 2, last the Luhn check digit over '80840' + the first nine."""
    if len(npi) != 10 or not npi.isdigit() or npi[0] not in "12":
        return False
    return _luhn_check_digit("80840" + npi[:9]) == int(npi[9])


def _luhn_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # doubled: the rightmost digit of the payload sits next to the check
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def is_california_zip(zip_code: str) -> bool:
    """Five digits (or ZIP+4) in California's range, 900xx through 961xx."""
    match = _ZIP.match(zip_code.strip())
    return bool(match) and 900 <= int(match.group(1)[:3]) <= 961  # type: ignore[union-attr]


def is_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value.strip()))


def normalize_email(value: str) -> str:
    return value.strip().lower()
