"""The posted enrollment form read as the request's JSON shape (validated by the same rules as
the API), following the answers given so far and the door it came through; and the roles the
access answers allow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cair.domain import limits
from cair.domain.access import ALLOWED_ROLES, ROLE_LABELS, AccessLevel, Role, derive_access_level
from cair.domain.request import STATE_PROGRAMS, AccessAnswers
from cair.web.pages.enrollment_dx_form import exchange
from cair.web.pages.enrollment_form import (
    AGREEMENTS,
    GENERAL,
    ORGANIZATION_PARTS,
    QUESTIONS,
    ROLE_HELP,
    SECTIONS,
    SUPPLIED,
    USER_FIELDS,
    Door,
)
from cair.web.pages.form_fields import Section
from cair.web.pages.form_values import california, fact, put_path, row_number, text_of, yes_no


@dataclass(frozen=True)
class Parsed:
    """A posted form as request data, plus what the page should do with it."""

    data: dict[str, Any]
    action: str  # "review" (the default), "send", "change", "add_user" or "remove_user"
    remove_index: int | None = None
    stray_rows: bool = False  # user fields whose row number no form of ours writes


ACTIONS = ("review", "send", "change", "add_user")


def required_now(section: Section, answers: Mapping[str, Any]) -> bool:
    """A section that must be given with the answers so far (blank, it is sent empty so that
    each of its fields is named as missing)."""
    if section.optional:
        return False
    return not section.required_if or fact(answers, section.required_if) is True


def _section(form: Mapping[str, Any], section: Section, answers: Mapping[str, Any]) -> Any:
    values = {f.path: text_of(form, f.path) for f in section.fields}
    if not any(values.values()) and not required_now(section, answers):
        return None
    found: dict[str, Any] = {}
    for path, value in values.items():
        if value is not None:
            found[path.removeprefix(section.path + ".")] = _cleaned(path, value)
    return found


def _cleaned(path: str, value: str) -> str:
    return california(value) if path.endswith("_address.state") else value


def user_rows(form: Mapping[str, Any]) -> list[dict[str, str]]:
    """Each user row of the form, in order, blank rows kept (they may be added on purpose)."""
    numbers = {row_number(k.split(".")[1]) for k in form if k.startswith("users.") and "." in k[6:]}
    indexes = sorted(n for n in numbers if n is not None)[: limits.MAX_USERS_PER_REQUEST + 1]
    return [{f: text_of(form, f"users.{i}.{f}") or "" for f in USER_FIELDS} for i in indexes]


def _answers(form: Any, door: Door) -> dict[str, Any]:
    """The answers the form follows, as form values (see FACTS); the door's own, whatever
    was posted."""
    names = ("organization.type", "access.administers_vaccines", SUPPLIED.partition("=")[0])
    found: dict[str, Any] = {name: text_of(form, name) for name in names}
    found["organization.state_supplied_programs"] = [
        p for p in form.getlist("organization.state_supplied_programs") if p
    ]
    return found | door.fixed_values()


def parse(form: Any, door: Door = GENERAL) -> Parsed:
    """The posted form (a Starlette FormData) as the request's JSON shape. Blank optional parts
    are left out, so they read as "not given", exactly as in the API; so are parts the answers
    rule out (a school district of a clinic), which the page no longer shows. The access
    answers the door settles are its own, whatever was posted: the New Enrollment form's site
    does not submit electronically; the IZ Portal's does, gives vaccines, and answers the
    data-exchange questions."""
    answers = _answers(form, door)
    data: dict[str, Any] = {}
    for section in SECTIONS:
        if section.shown_if and fact(answers, section.shown_if) is False:
            continue
        if section.path in ORGANIZATION_PARTS:
            for f in section.fields:
                value = text_of(form, f.path)
                if value is not None:
                    put_path(data, f.path, value)
            continue
        found = _section(form, section, answers)
        if found is not None:
            put_path(data, section.path, found)
    org = data.setdefault("organization", {})
    if kind := answers["organization.type"]:
        org["type"] = kind
    supplied = yes_no(form, "organization.receives_state_supplied_vaccine")
    if supplied is not None:
        org["receives_state_supplied_vaccine"] = supplied
    programs = answers["organization.state_supplied_programs"]
    if programs and supplied is not False:
        org["state_supplied_programs"] = programs[: len(STATE_PROGRAMS) + 1]
    data["access"] = {
        key: answer
        for key, _ in door.asked
        if (answer := yes_no(form, f"access.{key}")) is not None
    } | dict(door.fixed)
    if door.data_exchange:
        data["data_exchange"] = exchange(form)
    data["agreements"] = {key: form.get(f"agreements.{key}") == "yes" for key, _ in AGREEMENTS}
    rows = user_rows(form)
    action = str(form.get("action", "review"))
    remove: int | None = None
    if action.startswith("remove_user:"):
        remove = row_number(action.removeprefix("remove_user:"))
        action = "remove_user"
    elif action not in ACTIONS:
        action = "review"
    if action in ("review", "send"):  # blank rows are dropped only when the form is sent on
        rows = [r for r in rows if any(r.values())]
    data["users"] = [{k: v for k, v in row.items() if v} for row in rows]
    stray = any(
        row_number(k.split(".")[1]) is None for k in form if k.startswith("users.") and "." in k[6:]
    )
    return Parsed(data=data, action=action, remove_index=remove, stray_rows=stray)


def user_count(data: Mapping[str, Any]) -> int:
    users = data.get("users")
    return len(users) if isinstance(users, list) else 0


def access_level(values: Mapping[str, Any]) -> AccessLevel | None:
    """The access level the form's answers give; None until all three are answered (or when
    they contradict)."""
    answers = {key: values.get(f"access.{key}") for key, _ in QUESTIONS}
    if any(answer not in ("yes", "no") for answer in answers.values()):
        return None
    return derive_access_level(AccessAnswers(**{k: v == "yes" for k, v in answers.items()}))


def roles_allowed(level: AccessLevel | None) -> list[tuple[str, str, str]]:
    """The roles an access level allows: (value, label, what it does)."""
    allowed = ALLOWED_ROLES[level] if level else frozenset(Role)
    return [(r.value, ROLE_LABELS[r], ROLE_HELP[r]) for r in Role if r in allowed]


def role_choices(level: AccessLevel | None) -> tuple[RoleChoice, ...]:
    """Every role, each with the access levels that allow it and whether the answers so far
    allow it (the form lists only those; site.js re-reads them when the answers change)."""
    return tuple(
        RoleChoice(
            value=role.value,
            label=ROLE_LABELS[role],
            levels=" ".join(lv.value for lv in AccessLevel if role in ALLOWED_ROLES[lv]),
            allowed=level is None or role in ALLOWED_ROLES[level],
        )
        for role in Role
    )


@dataclass(frozen=True)
class RoleChoice:
    value: str
    label: str
    levels: str  # the access levels that allow it, space-separated (data-levels)
    allowed: bool
