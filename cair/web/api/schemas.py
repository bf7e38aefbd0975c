"""Bodies the API takes and pages it returns, beside the domain's own models (the enrollment
request, account changes) which it takes as they are."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from cair.domain import limits
from cair.domain.request import EnrollmentRequest
from cair.domain.text import EmailText, StaffText

T = TypeVar("T")
TokenText = Annotated[str, Field(min_length=1, max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TokenBody(_Body):
    """A token from an e-mailed link; links' tokens travel in bodies, never in URLs."""

    token: TokenText


class PasswordBody(_Body):
    token: TokenText
    password: Annotated[str, Field(min_length=1, max_length=200)]


class SignInBody(_Body):
    email: EmailText


class AmendmentBody(_Body):
    token: TokenText
    request: EnrollmentRequest


class RoleBody(_Body):
    role: Annotated[str, Field(max_length=limits.CHOICE)]


class RepresentativeBody(_Body):
    email: EmailText


class ReasonBody(_Body):
    reason: StaffText


class OptionalReasonBody(_Body):
    reason: StaffText = ""


class MessageBody(_Body):
    message: StaffText


class TrainingBody(_Body):
    kind: Annotated[str, Field(max_length=20, description="webinar or in_person")]
    date: dt.date | None = Field(default=None, description="When it happened; today if not given.")


class ExtensionBody(_Body):
    days: Annotated[int, Field(ge=1, le=365)]


class RetryBody(_Body):
    workflow_id: Annotated[str, Field(min_length=1, max_length=120)]


class Submitted(BaseModel):
    """A submitted enrollment: its tracking id, where it went, and the applicant's own key to
    its status (keep it: it is shown this once)."""

    id: str
    stage: str
    note: str | None
    status_url: str
    status_token: str


class SessionOpened(BaseModel):
    token: str
    kind: str
    email: str
    expires_at: str
    provider_id: str | None = None
    roles: list[str] = []


class Message(BaseModel):
    message: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int
    next_offset: int | None


def page(items: list[T], *, total: int, offset: int, limit: int) -> Page[T]:
    following = offset + len(items)
    return Page[T](
        items=items,
        total=total,
        offset=offset,
        limit=limit,
        next_offset=following if following < total else None,
    )


Limit = Annotated[int, Field(ge=1, le=200)]
Offset = Annotated[int, Field(ge=0, le=1_000_000)]
