"""A new site of an enrolled organization, as its representative sends it: only the site's own
facts. The service fills in the organization's (name, type, provider of record, access) from
the account and checks the whole as an enrollment (:mod:`cair.operations.new_sites`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from cair.domain.dx_answers import ExchangeAnswers
from cair.domain.request import Agreements, Contacts, RequestedUser
from cair.domain.request_parts import Address, _Strict
from cair.domain.shapes import County, Program, VfcPin
from cair.domain.text import NOT_BLANK, OrgName


class NewSiteRequest(_Strict):
    site_name: Annotated[OrgName, *NOT_BLANK]
    county: County = Field(description="The site's county: it routes the request.")
    physical_address: Address
    mailing_address: Address | None = None
    vaccine_delivery_address: Address | None = None
    receives_state_supplied_vaccine: bool = Field(description="VFC, 317 or SGF vaccine.")
    state_supplied_programs: Annotated[list[Program], Field(max_length=3)] | None = None
    vfc_pin: VfcPin | None = Field(default=None, description="Required of a VFC provider.")
    contacts: Contacts | None = Field(
        default=None, description="The site's contacts; the organization's when left out."
    )
    users: list[RequestedUser] = Field(
        default_factory=list, description="Users to add with the site (none is fine)."
    )
    agreements: Agreements
    data_exchange: ExchangeAnswers | None = Field(
        default=None,
        description="Required of a Data Exchange organization's new site: the IZ Portal's "
        "questions.",
    )
