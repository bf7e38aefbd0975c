"""The enrollment form's two pages: the form itself (blank, filled from the access check, sent
back with its problems, or opened again from "Change"), and the answers to check before they are
sent. Both follow the answers already given: the sections and required marks of the form, and
the roles the access answers allow; and the door (``enrollment_form.Door``): the IZ Portal's
form asks about the first site's data exchange too, and says what follows for it."""

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
from cair.web.pages.answers import Group, enrollment_groups, exchange_groups, hidden_fields
from cair.web.pages.enrollment_dx_form import DX, DX_FACTS, DX_SECTIONS
from cair.web.pages.enrollment_form import AGREEMENTS, FACTS, GENERAL, LABELS, Door, user_label
from cair.web.pages.enrollment_parsing import (
    RoleChoice,
    access_level,
    role_choices,
    user_count,
)
from cair.web.pages.form_fields import Section, label_for, summarize
from cair.web.pages.rendering import context_of, render

ENROLL_TITLE = "Enroll your organization in CAIR"
IZ_PORTAL_TITLE = "Enroll at the CAIR IZ Portal"
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
    door: str  # "general" or "iz_portal"
    sec: dict[str, Section]
    dx_sec: dict[str, Section]  # the data-exchange parts by their own path (IZ Portal only)
    fixed: dict[str, str]  # the access answers the door settles, as hidden fields
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
    door: Door = GENERAL,
) -> HTMLResponse:
    given = values if values is not None else form_values.values(data or {})
    shown = given | door.fixed_values()  # whatever was posted or stored
    rows = users if users is not None else max(user_count(data or {}), 1)
    known = enrollment_form.known_anchors(rows, door)
    errors, summary = summarize(
        problems or [], known, lambda p: user_label(p) or label_for(p, LABELS), FORM_ID
    )
    level = access_level(shown)
    title = IZ_PORTAL_TITLE if door.data_exchange else ENROLL_TITLE
    heading = f"Correct enrollment {amending}" if amending else title
    facts = FACTS + DX_FACTS if door.data_exchange else FACTS
    page = EnrollFormPage(
        heading=heading,
        door=door.name,
        sec={s.path: s for s in enrollment_form.SECTIONS},
        dx_sec={s.path.removeprefix(DX): s for s in DX_SECTIONS} if door.data_exchange else {},
        fixed=door.fixed_values(),
        opened={part: _any_under(under, shown, errors) for part, under in FOLDED.items()},
        org_types=enrollment_form.ORG_TYPE_LABELS,
        roles=role_choices(level),
        level_label=ACCESS_LEVEL_LABELS[level] if level else None,
        questions=door.asked,
        agreements=AGREEMENTS,
        counties=_counties(request, door),
        values=shown,
        errors=errors,
        summary=summary,
        facts={expr: form_values.fact(shown, expr) for expr in facts},
        user_rows=rows,
        form_id=form_id,
        amending=amending,
        staff_message=staff_message,
        action=request.url.path,
    )
    title = ("Error: " if problems else "") + heading
    return render(request, "enroll_form.html", page, status=status, title=title)


def _counties(request: Request, door: Door) -> tuple[str, ...]:
    """The counties the form lists: at the IZ Portal only those whose sites exchange data with
    CAIR directly (elsewhere the Local CAIR Representative enrolls them)."""
    every = regions.counties()
    if not door.data_exchange:
        return every
    ctx = context_of(request)
    return tuple(c for c in every if regions.county_check(ctx, c).enrolls_online)


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
    data_exchange: bool  # then the page says what follows for the first site


def review_page(
    request: Request,
    valid: ValidEnrollment,
    data: dict[str, Any],
    *,
    form_id: str,
    amending: str | None = None,
) -> HTMLResponse:
    exchange = valid.request.data_exchange
    try:
        region = regions.county_check(context_of(request), valid.county).region
        where = f"{valid.county} County ({region})"
    except OperationError:
        where = f"{valid.county} County"
    page = EnrollReviewPage(
        heading="Check your answers before sending your "
        + ("corrected request" if amending else "enrollment"),
        groups=enrollment_groups(valid, where)
        + (exchange_groups(exchange, "data_exchange") if exchange else []),
        hidden=hidden_fields(form_values.values(data)),
        form_id=form_id,
        amending=amending,
        action=request.url.path,
        data_exchange=exchange is not None,
    )
    return render(request, "enroll_review.html", page, title=page.heading)


def _any_under(prefixes: tuple[str, ...], *found: dict[str, Any]) -> bool:
    """Whether a folded part of the form holds a value or a problem (then it starts open)."""
    return any(key.startswith(prefixes) for keys in found for key in keys)
