"""A refused form comes back as itself: every problem goes beside the field it names, whether
it came from the form's own check (pydantic), the rules (``InvalidRequest``) or a workflow's
refusal worded as ``user.last_name: required; user.email: …``. What names no field of the form
goes at the top of the error summary, as a sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from cair.domain.problems import InvalidRequest, Problem
from cair.domain.validation import problem_from
from cair.operations.audit_values import Names, in_words

# Where one problem of a refusal starts: a dotted field path, a colon and a space. A message's
# own "; " (inside a quoted value) is not followed by one.
_NEXT = re.compile(r";\s+(?=[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*: )")
_PATH = re.compile(r"^([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*): (.*)$", re.DOTALL)
_PREFIX = re.compile(r"^change \S+ refused: ")


def problems_of(error: Exception) -> list[Problem]:
    """Each problem an error names, by the field path it names (``""``: none)."""
    if isinstance(error, ValidationError):
        return [problem_from(e) for e in error.errors()]
    if isinstance(error, InvalidRequest):
        return list(error.problems)
    return parse(str(error))


def parse(text: str) -> list[Problem]:
    """A refusal's sentence split into its problems."""
    text = _PREFIX.sub("", text.strip())
    found = []
    for piece in _NEXT.split(text):
        named = _PATH.match(piece.strip())
        if named:
            found.append(Problem(named[1], named[2].strip()))
        elif piece.strip():
            found.append(Problem("", piece.strip()))
    return found


def field_errors(
    problems: list[Problem],
    fields: Collection[str],
    *,
    prefix: str = "",
    names: Names | None = None,
) -> dict[str, str]:
    """Problems by the form field they belong to (a problem of ``user.email`` on a form whose
    field is ``email``: ``prefix="user."``); what fits no field is under ``""``. Codes in the
    messages read as words, users by name."""
    errors: dict[str, str] = {}
    for problem in problems:
        path = problem.path.removeprefix(prefix) if prefix else problem.path
        key = _nearest(path, fields)
        message = problem.message if key or not problem.path else _in_words(problem)
        message = in_words(message, names)
        errors[key] = f"{errors[key]}; {message}" if key in errors else message
    if "" in errors:
        errors[""] = sentence(errors[""])
    return errors


def _nearest(path: str, fields: Collection[str]) -> str:
    probe = path
    while probe:
        if probe in fields:
            return probe
        probe = probe.rpartition(".")[0]
    return ""


def _in_words(problem: Problem) -> str:
    where = problem.path.replace("_", " ").replace(".", " ")
    return f"{where}: {problem.message}"


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


@dataclass(frozen=True)
class SummaryItem:
    """One line of an error summary: the link to its field (none for a general problem)."""

    anchor: str
    label: str
    message: str


def summary(
    errors: Mapping[str, str], labels: Mapping[str, str], anchor: Callable[[str], str]
) -> list[SummaryItem]:
    """The error summary's lines: general problems first (and those of a field the page does
    not show), then each field's in form order, linking to it."""
    items = [SummaryItem("", "", m) for k, m in errors.items() if m and k not in labels]
    items += [SummaryItem(anchor(k), labels[k], errors[k]) for k in labels if errors.get(k)]
    return items
