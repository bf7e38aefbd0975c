"""The staff console's training list: users awaiting training, soonest deadline first; trainers
record a training or extend a deadline."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.domain import ids
from cair.operations import users
from cair.operations.errors import OperationError
from cair.store.users import UserListing
from cair.web.api.schemas import ExtensionBody, TrainingBody
from cair.web.pages.identity import TrainerPage
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_console import ROLE_NAMES, refusal_words

router = APIRouter(prefix="/staff")


@dataclass(frozen=True)
class StaffTrainingPage:
    """What staff_training.html reads: the users awaiting training, soonest deadline first,
    each with a link to the workflow that holds their access."""

    users: list[UserListing]
    provider_id: str
    role_names: dict[str, str]
    workflow_url: dict[str, str]
    section: str = "training"


@router.get("/training", response_class=HTMLResponse)
async def training(staff: TrainerPage, request: Request) -> Response:
    provider_id = (request.query_params.get("provider_id") or "").strip().upper() or None
    waiting = await users.listing(
        context_of(request), state="pending_training", provider_id=provider_id
    )
    waiting.sort(key=lambda u: u.training_deadline or "")
    settings = context_of(request).settings
    page = StaffTrainingPage(
        users=waiting,
        provider_id=provider_id or "",
        role_names=ROLE_NAMES,
        workflow_url={
            u.user_id: settings.workflow_ui_url(ids.user_gate_workflow_id(u.user_id))
            for u in waiting
        },
    )
    return render(request, "staff_training.html", page, title="Users awaiting training")


@router.post("/users/{user_id}/training", response_class=HTMLResponse)
async def record_training(user_id: str, staff: TrainerPage, request: Request) -> Response:
    form = await request.form()
    fields = {"kind": str(form.get("kind", "")), "date": str(form.get("date", "")) or None}
    try:
        body = TrainingBody.model_validate(fields)
        await users.training_complete(
            context_of(request), user_id, kind=body.kind, by=staff.email, on=body.date
        )
    except (ValidationError, OperationError) as refused:
        return redirect(
            request, "/staff/training", notice=f"Not recorded: {refusal_words(refused)}"
        )
    return redirect(
        request, "/staff/training", notice=f"Training recorded for {user_id}: access opens now."
    )


@router.post("/users/{user_id}/training-deadline", response_class=HTMLResponse)
async def extend_deadline(user_id: str, staff: TrainerPage, request: Request) -> Response:
    form = await request.form()
    try:
        body = ExtensionBody.model_validate({"days": str(form.get("days", ""))})
        await users.training_extend(context_of(request), user_id, days=body.days, by=staff.email)
    except (ValidationError, OperationError) as refused:
        return redirect(
            request, "/staff/training", notice=f"Not extended: {refusal_words(refused)}"
        )
    return redirect(
        request, "/staff/training", notice=f"Deadline of {user_id} extended by {body.days} days."
    )
