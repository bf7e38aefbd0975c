"""Identity keys of an organization, so a second enrollment of the same one is recognised even
when typed differently ("Ave." / "Avenue", capitals, punctuation)."""

from __future__ import annotations

import re

from cair.domain.request import Address, EnrollmentRequest

_ABBREVIATIONS = {
    "street": "st",
    "avenue": "ave",
    "suite": "ste",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "highway": "hwy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
}


def _words(text: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def normalized_address(address: Address) -> str:
    parts = [address.line1, address.line2 or "", address.city, address.zip[:5]]
    return "|".join(_words(p) for p in parts)


def duplicate_keys(request: EnrollmentRequest) -> list[str]:
    organization = request.organization
    address = normalized_address(organization.physical_address)
    keys = [f"name-address:{_words(organization.name)}|{address}"]
    if organization.childcare_license_number:
        keys.append(f"childcare:{_words(organization.childcare_license_number).replace(' ', '')}")
    npi = request.provider_of_record.npi if request.provider_of_record else None
    if npi:
        keys.append(f"npi-address:{npi.strip()}|{address}")
    return keys
