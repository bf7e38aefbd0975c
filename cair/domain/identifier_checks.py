"""Identifier checks: NPI (Luhn over the 80840 prefix), California ZIP codes, e-mail syntax, US
telephone numbers, VFC PINs. Digits are ASCII digits only: other scripts' digits ('٩', '９')
look like numbers to a person and to ``str.isdigit`` but are not ones any registry system takes."""

from __future__ import annotations

import re

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_ZIP = re.compile(r"([0-9]{5})(?:-[0-9]{4})?")
_NPI_SHAPE = re.compile(r"[12][0-9]{9}")
_VFC_PIN = re.compile(r"[0-9]{6}")
_PHONE = re.compile(
    r"\+?1?[ .-]?\(?([0-9]{3})\)?[ .-]?([0-9]{3})[ .-]?([0-9]{4})(?: ?(?:x|ext\.?) ?[0-9]{1,6})?"
)


def npi_has_shape(npi: str) -> bool:
    """10 ASCII digits, the first 1 or 2."""
    return bool(_NPI_SHAPE.fullmatch(npi))


def npi_is_valid(npi: str) -> bool:
    """The right shape, and the last digit the Luhn check digit over '80840' + the first nine."""
    if not npi_has_shape(npi):
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
    """Five ASCII digits (or ZIP+4) in California's range, 900xx through 961xx."""
    match = _ZIP.fullmatch(zip_code.strip())
    return match is not None and 900 <= int(match.group(1)[:3]) <= 961


def is_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value.strip()))


def is_us_phone(value: str) -> bool:
    """Ten digits with area code, e.g. 510-555-0134, (510) 555-0134, +1 510 555 0134 x12."""
    return bool(_PHONE.fullmatch(value.strip()))


def is_vfc_pin(value: str) -> bool:
    """The 6-digit number the VFC program assigns to a site."""
    return bool(_VFC_PIN.fullmatch(value.strip()))


def normalize_email(value: str) -> str:
    return value.strip().lower()
