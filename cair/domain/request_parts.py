"""The small parts the enrollment request and the IZ Portal's questions share: a strict model,
a name, an address, a contact, an agreement that must be accepted."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict

from cair.domain.shapes import Email, Phone, StateCode, Zip
from cair.domain.text import NOT_BLANK, AddressLine, City, PersonName, Stated

Name = Annotated[PersonName, *NOT_BLANK]
MustAccept = Annotated[bool, Stated(const=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Address(_Strict):
    line1: Annotated[AddressLine, *NOT_BLANK]
    line2: AddressLine | None = None
    city: Annotated[City, *NOT_BLANK]
    state: StateCode
    zip: Zip


class Contact(_Strict):
    first_name: Name
    last_name: Name
    email: Email
    phone: Phone | None = None
