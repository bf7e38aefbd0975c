"""The enrollment form's two pages: the form itself (blank, filled from the access check, sent
back with its problems, or opened again from "Change"), and the answers to check before they are
sent. Both follow the answers already given: the sections and required marks of the form, and
the roles the access answers allow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from cair.domain.access import ACCESS_LEVEL_LABELS
from cair.domain.problems import Problem
from cair.domain.validation import ValidEnrollment
from cair.operations import regions
from cair.operations.errors import OperationError
from cair.web.pages import enrollment_form, form_values
from cair.web.pages.answers import Group, enrollment_groups, hidden_fields
from cair.web.pages.enrollment_form import AGREEMENTS, FACTS, LABELS, QUESTIONS, user_label
from cair.web.pages.enrollment_parsing import (
    RoleChoice,
    access_level,
    role_choices,
    user_count,
)
from cair.web.pages.form_fields import Section, label_for, summarize
from cair.web.pages.rendering import context_of, render

ENROLL_TITLE = "Enroll your organization in CAIR"
FORM_ID = "enroll-form"
# The enrollment form's folded parts, by the paths each holds (see _any_under).
FOLDED = {
    "addresses": ("organization.mailing_address", "organization.vaccine_delivery_address"),
    "contacts": ("contacts.technical", "contacts.other"),
}


@dataclass(frozen=True)
class EnrollFormPage:
    """What enroll_form.html reads: the enrollment form (or the amendment form, with the staff
    message that asked for it), filled with what was entered and its problems, its sections
    and required marks following the answers given (``facts``)."""

    heading: str
    sec: dict[str, Section]
    opened: dict[str, bool]  # folded part → whether it starts open
    org_types: dict[str, str]
    roles: tuple[RoleChoice, ...]
    level_label: str | None
    questions: tuple[tuple[str, str], ...]
    agreements: tuple[tuple[str, str], ...]
    counties: tuple[str, ...]
    values: dict[str, Any]
    errors: dict[str, str]
    summary: list[tuple[str, str, str]]  # (anchor, label, message)
    facts: dict[str, bool | None]
    user_rows: int
    form_id: str
    amending: str | None
    staff_message: str | None
    action: str
    form_element: str = FORM_ID


def form_page(
    request: Request,
    *,
    form_id: str,
    data: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    users: int | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
    amending: str | None = None,
    staff_message: str | None = None,
) -> HTMLResponse:
    shown = values if values is not None else form_values.values(data or {})
    rows = users if users is not None else max(user_count(data or {}), 1)
    known = enrollment_form.known_anchors(rows)
    errors, summary = summarize(
        problems or [], known, lambda p: user_label(p) or label_for(p, LABELS), FORM_ID
    )
    level = access_level(shown)
    heading = f"Correct enrollment {amending}" if amending else ENROLL_TITLE
    page = EnrollFormPage(
        heading=heading,
        sec={s.path: s for s in enrollment_form.SECTIONS},
        opened={part: _any_under(under, shown, errors) for part, under in FOLDED.items()},
        org_types=enrollment_form.ORG_TYPE_LABELS,
        roles=role_choices(level),
        level_label=ACCESS_LEVEL_LABELS[level] if level else None,
        questions=QUESTIONS,
        agreements=AGREEMENTS,
        counties=regions.counties(),
        values=shown,
        errors=errors,
        summary=summary,
        facts={expr: form_values.fact(shown, expr) for expr in FACTS},
        user_rows=rows,
        form_id=form_id,
        amending=amending,
        staff_message=staff_message,
        action=request.url.path,
    )
    title = ("Error: " if problems else "") + heading
    return render(request, "enroll_form.html", page, status=status, title=title)


@dataclass(frozen=True)
class EnrollReviewPage:
    """What enroll_review.html reads: every answer in words, grouped as the form asks them,
    each group with its way back to the form; the answers ride along as hidden fields."""

    heading: str
    groups: list[Group]
    hidden: list[tuple[str, str]]
    form_id: str
    amending: str | None
    action: str


def review_page(
    request: Request,
    valid: ValidEnrollment,
    data: dict[str, Any],
    *,
    form_id: str,
    amending: str | None = None,
) -> HTMLResponse:
    try:
        region = regions.county_check(context_of(request), valid.county).region
        where = f"{valid.county} County ({region})"
    except OperationError:
        where = f"{valid.county} County"
    page = EnrollReviewPage(
        heading="Check your answers before sending your "
        + ("corrected request" if amending else "enrollment"),
        groups=enrollment_groups(valid, where),
        hidden=hidden_fields(form_values.values(data)),
        form_id=form_id,
        amending=amending,
        action=request.url.path,
    )
    return render(request, "enroll_review.html", page, title=page.heading)


def _any_under(prefixes: tuple[str, ...], *found: dict[str, Any]) -> bool:
    """Whether a folded part of the form holds a value or a problem (then it starts open)."""
    return any(key.startswith(prefixes) for keys in found for key in keys)
