"""Posted forms and form values: a field's text or yes/no answer, dotted paths into nested
request data, and request data back into form values by path. Shared by the enrollment and the
IZ Portal site forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cair.security.tokens import new_token


def text_of(form: Mapping[str, Any], name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def yes_no(form: Mapping[str, Any], name: str) -> bool | None:
    return {"yes": True, "no": False}.get(str(form.get(name, "")))


def put_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` of nested dicts, making the parents."""
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def row_number(text: str) -> int | None:
    """A row number as the form writes them (a few digits), or None for anything else."""
    return int(text) if text.isdigit() and len(text) <= 3 else None


def values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Request data (as parsed from the form, or as stored) → form values by dotted path."""
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif isinstance(node, list) and prefix == "organization.state_supplied_programs":
            flat[prefix] = [str(p) for p in node]
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(f"{prefix}.{index}", value)
        elif isinstance(node, bool):
            flat[prefix] = "yes" if node else "no"
        elif node is not None:
            flat[prefix] = str(node)

    walk("", data)
    return flat


def fact(values: Mapping[str, Any], expr: str) -> bool | None:
    """Whether an answer already given holds: ``"organization.type=school"`` (a choice),
    ``"clinical=yes"``, or ``"vfc"`` (a VFC provider: state-supplied vaccine through VFC, or
    no program named yet). None while the question is unanswered, so the page shows what
    might apply. site.js reads the same expressions (``data-shown-if``, ``data-required-if``)."""
    if expr == "vfc":
        supplied = fact(values, "organization.receives_state_supplied_vaccine=yes")
        if not supplied:
            return supplied
        programs = values.get("organization.state_supplied_programs") or []
        return not programs or "VFC" in programs
    name, _, wanted = expr.partition("=")
    given = values.get(name)
    if given in (None, ""):
        return None
    return str(given) == (wanted or "yes")


def california(text: str) -> str:
    """A state typed as "California", "Calif." or "ca" is CA, the only state CAIR enrolls;
    anything else is kept as typed, for the rules to refuse."""
    squeezed = "".join(text.split()).rstrip(".").lower()
    return "CA" if squeezed in ("ca", "cal", "calif", "california") else text


def form_id_of(posted: str) -> str:
    """The id a form carries through its rounds (problems, check, change), so the same form
    sent twice makes one thing: the one posted, when it looks like ours, or a new one."""
    if 20 <= len(posted) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in posted):
        return posted
    return new_token()[:32]
