"""Form fields described once: each has the dotted path of the request field it fills (the same
path a validation problem names), a label, and the browser hints (type, autocomplete). Templates
draw them; the error summary names problems by their labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from cair.domain import limits
from cair.domain.problems import Problem


@dataclass(frozen=True)
class Field:
    path: str
    label: str
    kind: str = "text"  # text, email, tel, select, radios, county, textarea, date, number
    autocomplete: str = "off"
    required: bool = False
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for a select
    max_length: int | None = None
    width: str = ""  # "short" for zips, PINs and the like
    required_if: str = ""  # a fact (form_values.fact): required only while it holds
    shown_if: str = ""  # a fact: left out once known not to hold

    @property
    def id(self) -> str:
        """An HTML id: the path with dots as dashes (``f-organization-name``)."""
        return "f-" + self.path.replace(".", "-")


@dataclass(frozen=True)
class Section:
    """A fieldset: a required part of the request, or an optional one left out when blank.
    Facts (``form_values.fact``) make it follow earlier answers: ``shown_if`` leaves it out
    once known not to apply, ``required_if`` makes it required while it holds and optional
    when it does not."""

    path: str
    legend: str
    fields: tuple[Field, ...]
    optional: bool = False
    hint: str = ""
    shown_if: str = ""
    required_if: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return "s-" + self.path.replace(".", "-")


def address(path: str, legend: str, *, optional: bool = False, hint: str = "") -> Section:
    kind = "shipping" if "delivery" in path else "billing" if "mailing" in path else "work"
    return Section(
        path,
        legend,
        (
            Field(
                f"{path}.line1",
                "Street address",
                autocomplete=f"section-{kind} address-line1",
                required=True,
                max_length=limits.ADDRESS_LINE,
            ),
            Field(
                f"{path}.line2",
                "Suite, unit or floor (optional)",
                autocomplete=f"section-{kind} address-line2",
                max_length=limits.ADDRESS_LINE,
            ),
            Field(
                f"{path}.city",
                "City",
                autocomplete=f"section-{kind} address-level2",
                required=True,
                max_length=limits.CITY,
            ),
            Field(
                f"{path}.state",
                "State",
                autocomplete=f"section-{kind} address-level1",
                required=True,
                max_length=limits.STATE,
                width="short",
                hint="CA",
            ),
            Field(
                f"{path}.zip",
                "ZIP code",
                autocomplete=f"section-{kind} postal-code",
                required=True,
                max_length=limits.ZIP,
                width="short",
            ),
        ),
        optional=optional,
        hint=hint,
    )


def contact(
    path: str,
    legend: str,
    *,
    optional: bool = False,
    hint: str = "",
    phone_required: bool = False,
    required_if: str = "",
) -> Section:
    section = path.rsplit(".", 1)[-1]
    return Section(
        path,
        legend,
        (
            Field(
                f"{path}.first_name",
                "First name",
                autocomplete=f"section-{section} given-name",
                required=True,
                max_length=limits.PERSON_NAME,
            ),
            Field(
                f"{path}.last_name",
                "Last name",
                autocomplete=f"section-{section} family-name",
                required=True,
                max_length=limits.PERSON_NAME,
            ),
            Field(
                f"{path}.email",
                "E-mail address",
                kind="email",
                autocomplete=f"section-{section} email",
                required=True,
                max_length=limits.EMAIL,
            ),
            Field(
                f"{path}.phone",
                "Phone",
                kind="tel",
                autocomplete=f"section-{section} tel",
                required=phone_required,
                max_length=limits.PHONE,
                hint="Ten digits, e.g. 916-555-0100",
            ),
        ),
        optional=optional,
        hint=hint,
        required_if=required_if,
    )


def prefixed(section: Section, prefix: str) -> Section:
    """The same section filling a part of a larger request (``data_exchange.``): its paths and
    the facts it follows, under ``prefix``, so one description serves both forms. Only facts
    of its own part (``clinical=yes``, not ``vfc``) can be moved so."""

    def moved(expr: str) -> str:
        return prefix + expr if expr else ""

    return replace(
        section,
        path=prefix + section.path,
        fields=tuple(
            replace(
                f,
                path=prefix + f.path,
                shown_if=moved(f.shown_if),
                required_if=moved(f.required_if),
            )
            for f in section.fields
        ),
        shown_if=moved(section.shown_if),
        required_if=moved(section.required_if),
    )


def labels(sections: tuple[Section, ...]) -> dict[str, str]:
    """Path → "Legend: label", for naming problems in the error summary."""
    named = {s.path: s.legend for s in sections}
    for section in sections:
        for f in section.fields:
            named[f.path] = f"{section.legend}: {f.label}"
    return named


def anchors(*sections: Section) -> dict[str, str]:
    """Path → the id of the element that shows it (a section's fieldset, then its fields), in
    the order given."""
    found: dict[str, str] = {}
    for section in sections:
        found.setdefault(section.path, section.id)
        found.update({f.path: f.id for f in section.fields})
    return found


def shown_at(path: str, known: dict[str, str], default: str) -> tuple[str, str]:
    """Where a problem of ``path`` is shown: (the shown path, its element id), the nearest
    shown parent for a path no element shows (``users.0`` → its row), else ``default``."""
    probe = path
    while probe:
        if probe in known:
            return probe, known[probe]
        probe = probe.rpartition(".")[0]
    return "", default


def summarize(
    problems: Iterable[Problem],
    known: dict[str, str],
    label: Callable[[str], str],
    default: str,
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The problems as a form shows them: by the path beside which each is shown (several on
    one field joined), and the summary's (anchor, label, message), one line per problem, in
    the order of the page (``known`` lists its elements in that order; ``default`` is first)."""
    errors: dict[str, str] = {}
    summary: list[tuple[str, str, str]] = []
    for problem in problems:
        shown, anchor = shown_at(problem.path, known, default)
        before = errors.get(shown)
        errors[shown] = f"{before}; {problem.message}" if before else problem.message
        summary.append((anchor, label(problem.path), problem.message))
    place = {anchor: i for i, anchor in enumerate(dict.fromkeys([default, *known.values()]))}
    summary.sort(key=lambda line: place.get(line[0], len(place)))
    return errors, summary


def label_for(path: str, named: dict[str, str]) -> str:
    """The label of a path, or of its nearest labelled parent, or the path in words."""
    probe = path
    while probe:
        if probe in named:
            return named[probe]
        probe = probe.rpartition(".")[0]
    return path.replace("_", " ").replace(".", " › ")
