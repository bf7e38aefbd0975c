"""Staff actions that cannot be undone ask once more, on the server (no script needed): approving
or rejecting an enrollment, issuing new data-exchange credentials. The first press draws a page
that says what will happen; only its own button, which sends ``confirm=yes``, does it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from cair.domain.access import Role, needs_training
from cair.domain.plain_words import words
from cair.operations.enrollments import StaffEnrollment
from cair.web.pages.rendering import render


@dataclass(frozen=True)
class StaffConfirmPage:
    """What staff_confirm.html reads: what the action does, the form that does it (its hidden
    values kept from the first press), and where "no" goes back to."""

    heading: str
    lead: str
    effects: list[str]
    action: str
    button: str
    danger: bool
    hidden: dict[str, str]
    back: str
    back_label: str
    change_label: str = ""  # a button that goes back to the form with what was typed
    section: str = "queue"


def confirmed(form: Any) -> bool:
    return bool(form.get("confirm") == "yes")


def confirm_page(request: Request, page: StaffConfirmPage) -> Response:
    return render(request, "staff_confirm.html", page, title=page.heading)


def approval(found: StaffEnrollment) -> StaffConfirmPage:
    view, data = found.view, found.request
    users = data.get("users") or []
    named = ", ".join(
        f"{u['first_name']} {u['last_name']} ({words('role', u['role'])})" for u in users
    )
    trainees = [
        u for u in users if u.get("role") in tuple(Role) and needs_training(Role(u["role"]))
    ]
    primary = (data.get("contacts") or {}).get("primary") or {}
    effects = [
        f"A CAIR Provider ID is created for {view.org_name}, with "
        f"{words('access_level', view.access_level)} access.",
        f"{len(users)} user{'s' if len(users) != 1 else ''} get a User ID: {named}."
        if users
        else "No users are created.",
        f"The welcome e-mail goes to {primary.get('first_name', '')} "
        f"{primary.get('last_name', '')} ({primary.get('email', '')}), who becomes the "
        "organization's authorized representative.",
    ]
    if trainees:
        effects.append(
            f"{len(trainees)} Regular or Power user{'s' if len(trainees) != 1 else ''} wait for "
            "their training to be recorded before their access opens."
        )
    if view.access_level == "data_exchange":
        effects.append("Data-exchange credentials are issued, shown once through an e-mailed link.")
    effects.append("An approval cannot be undone.")
    return StaffConfirmPage(
        heading=f"Approve {view.org_name}?",
        lead=f"Enrollment {view.id}, sent {_county(view.county)}.",
        effects=effects,
        action=f"/staff/enrollments/{view.id}/approve",
        button="Yes, approve the enrollment",
        danger=False,
        hidden={},
        back=f"/staff/enrollments/{view.id}",
        back_label="No, go back to the request",
    )


def rejection(found: StaffEnrollment, reason: str) -> StaffConfirmPage:
    view = found.view
    return StaffConfirmPage(
        heading=f"Reject {view.org_name}?",
        lead=f"Enrollment {view.id}, sent {_county(view.county)}.",
        effects=[
            "The applicant is e-mailed that the enrollment was not approved, with this reason:",
            f"“{reason}”",
            "The request closes: to enroll, the organization sends a new request.",
            "A rejection cannot be undone.",
        ],
        action=f"/staff/enrollments/{view.id}/reject",
        button="Yes, reject the enrollment",
        danger=True,
        hidden={"reason": reason},
        back=f"/staff/enrollments/{view.id}",
        back_label="No, go back to the request",
        change_label="Change the reason",
    )


def new_credentials(account: dict[str, Any]) -> StaffConfirmPage:
    provider_id = account["provider_id"]
    contacts = account.get("contacts") or {}
    primary = contacts.get("primary") or {}
    technical = contacts.get("technical") or {}
    told = primary.get("email", "the primary contact")
    if technical.get("email") and technical.get("email") != primary.get("email"):
        told += f" (copied to {technical['email']})"
    return StaffConfirmPage(
        heading=f"Issue new data-exchange credentials for {account['name']}?",
        lead=f"Provider ID {provider_id}.",
        effects=[
            "The current secret stops working at once: the organization's EHR interface cannot "
            "send until it is set up with the new one.",
            f"A single-use link to the new secret is e-mailed to {told}.",
            "This cannot be undone.",
        ],
        action=f"/staff/organizations/{provider_id}/credentials",
        button="Yes, issue new credentials",
        danger=True,
        hidden={},
        back=f"/staff/organizations/{provider_id}",
        back_label="No, keep the current credentials",
    )


def _county(county: str) -> str:
    return f"from {county} County" if county else ""
