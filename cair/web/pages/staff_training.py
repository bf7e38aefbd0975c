"""The staff console's training list: users awaiting training, soonest deadline first; trainers
record a training or extend a deadline. The Provider ID filter survives both (the form carries
it back), and a refused form comes back as the list with the problem beside its field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.domain import ids
from cair.domain.plain_words import PACIFIC
from cair.domain.user_states import TRAINING_VALID_DAYS
from cair.operations import staff_lists, users
from cair.operations.errors import OperationError
from cair.store.users import UserListing
from cair.web.api.schemas import ExtensionBody, TrainingBody
from cair.web.pages.identity import TrainerPage
from cair.web.pages.paging import PAGE_SIZE, Pager, pager, whole
from cair.web.pages.refusals import SummaryItem, field_errors, problems_of, summary
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_console import ROLE_NAMES

router = APIRouter(prefix="/staff")
LABELS = {"kind": "How they trained", "date": "Date trained", "days": "Days to add"}


@dataclass(frozen=True)
class StaffTrainingPage:
    """What staff_training.html reads: the users awaiting training, soonest deadline first,
    each with a link to the workflow that holds their access; the filter; the dates a
    training may have; a refused form's problems and values, by field id (``date-U1000001``)."""

    users: list[UserListing]
    provider_id: str
    pager: Pager
    role_names: dict[str, str]
    workflow_url: dict[str, str]
    today: str
    earliest: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[SummaryItem] = field(default_factory=list)
    section: str = "training"


def _filter_of(text: str | None) -> str:
    return (text or "").strip().upper()[:20]


def _back(provider_id: str, offset: int) -> str:
    """The list's page the form was on, its filter kept."""
    query = urlencode({k: v for k, v in (("provider_id", provider_id), ("offset", offset)) if v})
    return "/staff/training" + (f"?{query}" if query else "")


async def _page(
    request: Request,
    provider_id: str,
    offset: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context_of(request)
    waiting, total = await staff_lists.user_listing(
        ctx,
        state="pending_training",
        provider_id=provider_id or None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    today = datetime.now(PACIFIC).date()
    errors = errors or {}
    labels = {
        f"{name}-{u.user_id}": f"{u.name} ({u.user_id}): {label}"
        for u in waiting
        for name, label in LABELS.items()
    } | {f"row-{u.user_id}": f"{u.name} ({u.user_id})" for u in waiting}
    page = StaffTrainingPage(
        users=waiting,
        provider_id=provider_id,
        pager=pager(
            "/staff/training",
            {"provider_id": provider_id} if provider_id else {},
            total=total,
            offset=offset,
            shown=len(waiting),
        ),
        role_names=ROLE_NAMES,
        workflow_url={
            u.user_id: ctx.settings.workflow_ui_url(ids.user_gate_workflow_id(u.user_id))
            for u in waiting
        },
        today=today.isoformat(),
        earliest=(today - timedelta(days=TRAINING_VALID_DAYS)).isoformat(),
        values=values or {},
        errors=errors,
        summary=summary(errors, labels, lambda key: key),
    )
    title = ("Error: " if errors else "") + "Users awaiting training"
    return render(request, "staff_training.html", page, status=status, title=title)


@router.get("/training", response_class=HTMLResponse)
async def training(staff: TrainerPage, request: Request) -> Response:
    query = request.query_params
    return await _page(request, _filter_of(query.get("provider_id")), whole(query.get("offset")))


async def _name_of(request: Request, user_id: str) -> str:
    name = await staff_lists.user_name(context_of(request), user_id)
    return f"{name} ({user_id})" if name else user_id


def _errors(error: Exception, user_id: str, fields: tuple[str, ...]) -> dict[str, str]:
    """A refusal's problems by the field ids of the user's row (the row for the rest)."""
    found = field_errors(problems_of(error), fields)
    return {(f"{k}-{user_id}" if k else f"row-{user_id}"): v for k, v in found.items()}


@router.post("/users/{user_id}/training", response_class=HTMLResponse)
async def record_training(user_id: str, staff: TrainerPage, request: Request) -> Response:
    form = await request.form()
    provider_id = _filter_of(str(form.get("provider_id", "")))
    offset = whole(str(form.get("offset", "")))
    kind, on = str(form.get("kind", "")), str(form.get("date", ""))
    values = {f"kind-{user_id}": kind, f"date-{user_id}": on}
    name = await _name_of(request, user_id)
    try:
        body = TrainingBody.model_validate({"kind": kind, "date": on or None})
        await users.training_complete(
            context_of(request), user_id, kind=body.kind, by=staff.email, on=body.date
        )
    except (ValidationError, OperationError) as refused:
        errors = _errors(refused, user_id, ("kind", "date"))
        return await _page(request, provider_id, offset, values=values, errors=errors, status=422)
    notice = f"Training recorded for {name}: their access opens now."
    return redirect(request, _back(provider_id, offset), notice=notice)


@router.post("/users/{user_id}/training-deadline", response_class=HTMLResponse)
async def extend_deadline(user_id: str, staff: TrainerPage, request: Request) -> Response:
    form = await request.form()
    provider_id = _filter_of(str(form.get("provider_id", "")))
    offset = whole(str(form.get("offset", "")))
    days = str(form.get("days", ""))
    name = await _name_of(request, user_id)
    try:
        body = ExtensionBody.model_validate({"days": days})
        await users.training_extend(context_of(request), user_id, days=body.days, by=staff.email)
    except (ValidationError, OperationError) as refused:
        errors = _errors(refused, user_id, ("days",))
        values = {f"days-{user_id}": days}
        return await _page(request, provider_id, offset, values=values, errors=errors, status=422)
    notice = f"The training deadline of {name} was extended by {body.days} days."
    return redirect(request, _back(provider_id, offset), notice=notice)
