"""Names beside ids, and recorded values in words: what the audit and change-history lines
(``audit_lines``) are made of. A role reads "Regular", a region its name, a contact's phone "the
primary contact's phone"; a message of the rules names users as "Ray Vu (U1000003)"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cair.domain.plain_words import actor_words, words

ROLE_CODES = re.compile(r"\b(read_only|regular|power|dx_qa)\b")
STATE_CODES = re.compile(r"\b(pending_training|training_expired)\b")
USER_ID = re.compile(r"\b(?:user )?(U\d{7})\b")
BOOKKEEPING = {"status", "change_id", "note", "training", "training_deadline"}
CONTACT_KINDS = {
    "primary": "primary contact",
    "vaccine_coordinator": "vaccine coordinator",
    "technical": "technical contact",
    "other": "other contact",
}
PLACES = {
    "physical_address": "street address",
    "mailing_address": "mailing address",
    "vaccine_delivery_address": "vaccine delivery address",
    "vfc_pin": "VFC PIN",
}
LEAVES = {
    "line1": "street",
    "line2": "suite",
    "zip": "ZIP code",
    "phone": "phone",
    "email": "e-mail",
    "first_name": "first name",
    "last_name": "last name",
    "city": "city",
    "state": "state",
}


@dataclass(frozen=True)
class Names:
    """What the lines name beside ids: users by User ID, the organization, the regions."""

    users: Mapping[str, str] = field(default_factory=dict)
    organization: str = ""
    regions: Mapping[str, str] = field(default_factory=dict)

    def user(self, user_id: str | None) -> str:
        if not user_id:
            return "a user"
        name = self.users.get(user_id)
        return f"{name} ({user_id})" if name else f"user {user_id}"

    def actor(self, actor: str | None) -> str:
        if actor and actor in self.users:
            return self.user(actor)
        return {"applicant": "The applicant", "link holder": "The contact"}.get(
            actor or "", actor_words(actor)
        )


@dataclass(frozen=True)
class Line:
    """One entry: when (ISO 8601; pages show it with ``when``) and what happened, in words."""

    at: str
    text: str


def reworded(message: str, names: Names) -> str:
    """A rule's message in words, as a sentence's start."""
    text = in_words(message, names)
    return text[:1].upper() + text[1:]


def in_words(message: str, names: Names | None = None) -> str:
    """A rule's message with users by name beside their id, roles and states in words."""
    names = names or Names()
    text = re.sub(
        r"\((read_only|regular|power|dx_qa)\)",
        lambda m: f"as a {words('role', m[1])} user",
        message,
    )
    text = USER_ID.sub(lambda m: names.user(m[1]), text)
    text = ROLE_CODES.sub(lambda m: words("role", m[1]), text)
    return STATE_CODES.sub(lambda m: words("user_state", m[1]).lower(), text)


def value_words(key: str, value: Any, names: Names) -> str:
    """A recorded value as it reads: roles, states, stages and regions in words."""
    if value in (None, ""):
        return "nothing"
    if isinstance(value, dict):
        parts = [str(v) for v in value.values() if v not in (None, "")]
        return ", ".join(parts) or "nothing"
    kinds = {"role": "role", "state": "user_state", "stage": "stage"}
    if key in kinds:
        return words(kinds[key], value)
    if key == "access_level":
        return words("access_level", value)
    if key == "region":
        return names.regions.get(str(value), str(value).replace("_", " "))
    if key.endswith(("deadline", "date")):
        return day_words(value)
    return str(value)


def day_words(value: Any) -> str:
    """A recorded date (or moment) as a day: '2 Jan 2027'."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def changes_between(old: Mapping[str, Any], new: Mapping[str, Any], names: Names) -> list[str]:
    """'the role from Regular to Power', one per value that changed (nested values by part)."""
    found = []
    for path, after in _leaves(new).items():
        before = _leaves(old).get(path)
        if path.split(".")[0] in BOOKKEEPING or before == after:
            continue
        key = path.rsplit(".", 1)[-1]
        label = _label(path)
        if before in (None, ""):
            found.append(f"the {label} to {value_words(key, after, names)}")
        else:
            found.append(
                f"the {label} from {value_words(key, before, names)} to "
                f"{value_words(key, after, names)}"
            )
    removed = {
        _label(path.rsplit(".", 1)[0] if path.startswith("contacts.") else path)
        for path, before in _leaves(old).items()
        if before not in (None, "") and path not in _leaves(new) and path.split(".")[0] in new
    }
    found += [f"removed the {label}" for label in sorted(removed)]
    return found


def _leaves(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key not in ("training",):
            flat |= _leaves(value, path + ".")
        else:
            flat[path] = value
    return flat


def _label(path: str) -> str:
    parts = path.split(".")
    if parts[0] == "contacts" and len(parts) >= 2:
        whose = CONTACT_KINDS.get(parts[1], parts[1].replace("_", " "))
        leaf = LEAVES.get(parts[-1], parts[-1].replace("_", " ")) if len(parts) > 2 else ""
        return f"{whose}'s {leaf}".strip() if leaf else whose
    if parts[0] in PLACES:
        place = PLACES[parts[0]]
        return f"{place} ({LEAVES.get(parts[-1], parts[-1])})" if len(parts) > 1 else place
    return words("audit_field", parts[-1])
