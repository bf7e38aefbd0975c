"""Bodies the API takes and pages it returns, beside the domain's own models (the enrollment
request, account changes, a site's registration): those the API takes as sent and the domain
reads, so that one answer names every problem, pydantic's and the rules'; the document states
them as their models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Body
from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from pydantic_core import core_schema as cs

from cair.domain.account_changes import (
    InfoUpdate,
    OrganizationClosure,
    OrganizationRename,
    UserUpdate,
)
from cair.domain.dx_registration import SiteRegistration
from cair.domain.plain_words import PACIFIC
from cair.domain.request import EnrollmentRequest, ProviderOfRecord, RequestedUser, RoleName
from cair.domain.shapes import Email
from cair.domain.text import NOT_BLANK, StaffText, StaffTextGiven, plain_line
from cair.domain.user_states import TrainingKind

T = TypeVar("T")
TokenText = Annotated[str, *plain_line(200), *NOT_BLANK]


@dataclass(frozen=True)
class SentAs:
    """A body taken as sent (any JSON; the domain reads it) and documented as ``model``, with a
    reference to its schema among the document's components."""

    model: type[BaseModel]

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        own = self.model.__pydantic_core_schema__
        shared = list(own["definitions"]) if own["type"] == "definitions" else []
        schema = own["schema"] if own["type"] == "definitions" else own
        ref = schema.get("ref")
        if ref is None:
            return handler(own)
        return handler(
            cs.definitions_schema(cs.definition_reference_schema(ref), [*shared, schema])
        )


EnrollmentBody = Annotated[Any, Body(), SentAs(EnrollmentRequest)]
RegistrationBody = Annotated[Any, Body(), SentAs(SiteRegistration)]
NewUserBody = Annotated[Any, Body(), SentAs(RequestedUser)]
InfoBody = Annotated[Any, Body(), SentAs(InfoUpdate)]
UserUpdateBody = Annotated[Any, Body(), SentAs(UserUpdate)]
RenameBody = Annotated[Any, Body(), SentAs(OrganizationRename)]
ProviderOfRecordBody = Annotated[Any, Body(), SentAs(ProviderOfRecord)]
ClosureBody = Annotated[Any, Body(), SentAs(OrganizationClosure)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TokenBody(_Body):
    """A token from an e-mailed link; links' tokens travel in bodies, never in URLs."""

    token: TokenText


class PasswordBody(_Body):
    token: TokenText
    password: Annotated[str, Field(min_length=1, max_length=200)]


class SignInBody(_Body):
    email: Email


class AmendmentBody(_Body):
    token: TokenText
    request: Annotated[Any, SentAs(EnrollmentRequest)]


class RoleBody(_Body):
    role: RoleName


class RepresentativeBody(_Body):
    email: Email


class ReasonBody(_Body):
    reason: StaffTextGiven


class OptionalReasonBody(_Body):
    reason: StaffText = ""


class MessageBody(_Body):
    message: StaffTextGiven


class TrainingBody(_Body):
    kind: TrainingKind
    date: dt.date | None = Field(
        default=None,
        description="When it happened: between a year ago and today (Pacific time); today if "
        "not given.",
    )

    @field_validator("date")
    @classmethod
    def _within_the_year(cls, value: dt.date | None) -> dt.date | None:
        """Training counts for a year: a date to come, or older than that, is a typing error."""
        if value is None:
            return None
        today = dt.datetime.now(PACIFIC).date()
        a_year_ago = _a_year_before(today)
        if not a_year_ago <= value <= today:
            raise ValueError(f"must be between {a_year_ago.isoformat()} and today")
        return value


def _a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class ExtensionBody(_Body):
    days: Annotated[int, Field(ge=1, le=365)]


class RetryBody(_Body):
    workflow_id: Annotated[str, *plain_line(120), *NOT_BLANK]


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
    second_factor: Literal["enrol", "code"] | None = Field(
        default=None,
        description="A staff session is not usable until this is given: enrol an authenticator "
        "app (first sign-in) or its current code (or a recovery code).",
    )


class CodeBody(_Body):
    """A 6-digit code from an authenticator app, or a recovery code."""

    code: Annotated[str, *plain_line(40), *NOT_BLANK]


class SecondFactorDue(BaseModel):
    """What a half-open staff session waits for; at enrolment, the secret to add to an
    authenticator app (or its otpauth:// URI)."""

    due: Literal["enrol", "code"]
    email: str
    secret: str | None = None
    uri: str | None = None


class SecondFactorDone(BaseModel):
    """Signed in. ``recovery_codes``: after enrolment, shown this once."""

    email: str
    roles: list[str]
    expires_at: str
    recovery_codes: list[str] = []
    recovery_codes_left: int | None = None


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
