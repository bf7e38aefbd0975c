"""Identity keys of an organization, so a second enrollment of the same one is recognised even
when typed differently ("Ave." / "Avenue", capitals, punctuation, full-width letters) — in any
script: a name in Chinese or Armenian keeps its letters, so two different ones never collide."""

from __future__ import annotations

import hashlib
import unicodedata

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


# A key longer than this is stored as its digest: keys are only ever compared for equality.
KEY_LENGTH = 300


def _words(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in folded)
    return " ".join(_ABBREVIATIONS.get(w, w) for w in kept.split())


def _bounded(key: str) -> str:
    if len(key) <= KEY_LENGTH:
        return key
    kind, _, value = key.partition(":")
    return f"{kind}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"


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
    return [_bounded(key) for key in keys]
