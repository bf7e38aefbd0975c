"""What every e-mail builder reads from, and what it returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cair.activities.failures import MissingRecord
from cair.domain.contracts.mail import MailOrder
from cair.domain.regions import RegionMap
from cair.domain.request import EnrollmentRequest
from cair.settings import Settings
from cair.store import enrollments, organizations, users
from cair.store.database import Session
from cair.store.models import EnrollmentRequestRow, OrganizationRow, UserRow

HELP_DESK_PHONE = "1-800-578-7889"
HELP_DESK_EMAIL = "CAIRHelpDesk@cdph.ca.gov"
TRAINING_VIDEOS_URL = "https://www.cairweb.org/cair-training/"
WEBINAR_URL = "https://www.cairweb.org/cair-training/#webinars"
PATIENT_NOTICE_URL = "https://www.cairweb.org/docs/IMM-1237.pdf"
OFFICE_WORKFLOW_URL = "https://www.cairweb.org/docs/CAIR-office-workflow-guide.pdf"


@dataclass(frozen=True)
class Sources:
    session: Session
    settings: Settings
    regions: RegionMap


@dataclass(frozen=True)
class IssuedLink:
    """A single-use link the sending step issued for this e-mail."""

    url: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Envelope:
    to: list[str]
    cc: list[str]
    context: dict[str, Any]


Builder = Callable[[Sources, MailOrder, IssuedLink | None], Awaitable[Envelope]]


def base_context() -> dict[str, Any]:
    return {
        "help_desk_phone": HELP_DESK_PHONE,
        "help_desk_email": HELP_DESK_EMAIL,
        "training_videos_url": TRAINING_VIDEOS_URL,
        "webinar_url": WEBINAR_URL,
        "patient_notice_url": PATIENT_NOTICE_URL,
        "office_workflow_url": OFFICE_WORKFLOW_URL,
    }


async def enrollment_of(
    src: Sources, order: MailOrder
) -> tuple[EnrollmentRequestRow, EnrollmentRequest]:
    row = await enrollments.get(src.session, order.enrollment_id or "")
    if row is None:
        raise MissingRecord(f"no enrollment {order.enrollment_id}")
    return row, EnrollmentRequest.model_validate(row.request)


async def organization_of(src: Sources, order: MailOrder) -> OrganizationRow:
    org = await organizations.by_provider_id(src.session, order.provider_id or "")
    if org is None:
        raise MissingRecord(f"no organization {order.provider_id}")
    return org


async def user_of(src: Sources, order: MailOrder) -> tuple[UserRow, OrganizationRow]:
    user = await users.by_user_id(src.session, order.user_id or "")
    if user is None:
        raise MissingRecord(f"no user {order.user_id}")
    org = await organizations.get(src.session, user.organization_id)
    if org is None:
        raise MissingRecord(f"user {order.user_id} has no organization")
    return user, org


def user_context(user: UserRow, org: OrganizationRow) -> dict[str, Any]:
    """The user's role goes as its code: the template says it in words (``|words("role")``)."""
    return {
        **base_context(),
        "user_name": f"{user.first_name} {user.last_name}",
        "user_id": user.user_id,
        "role": user.role,
        "org_name": org.name,
        "provider_id": org.provider_id,
    }


def page_url(src: Sources, path: str) -> str:
    """A page of this service, as the reader opens it from the e-mail."""
    return f"{src.settings.public_base_url.rstrip('/')}{path}"


def full_name(person: dict[str, Any]) -> str:
    return f"{person['first_name']} {person['last_name']}"
