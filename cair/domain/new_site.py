"""A new site of an enrolled organization, as its representative sends it: only the site's own
facts. The service fills in the organization's (name, type, provider of record, access) from
the account and checks the whole as an enrollment (:mod:`cair.operations.new_sites`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from cair.domain.dx_answers import ExchangeAnswers
from cair.domain.problems import Problem
from cair.domain.request import Agreements, Contacts, EnrollmentRequest, RequestedUser
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


def new_site_refused(request: EnrollmentRequest, *, signed_in_as: str | None) -> list[Problem]:
    """Only the service names the organization a new site joins, from its representative's
    session: a request naming one otherwise would add a site to someone else's account."""
    if request.new_site is None or request.new_site.provider_id == signed_in_as:
        return []
    return [
        Problem(
            "new_site",
            "a new site of an enrolled organization is enrolled by its representative, signed "
            "in (POST /api/v1/organizations/{provider_id}/sites)",
        )
    ]


def as_first_sent(data: object, stored: dict[str, Any]) -> object:
    """An amendment with ``new_site`` as the request was first sent: whether it is a new site,
    and of which organization, is not the amendment's to change."""
    if not isinstance(data, dict):
        return data
    amended = {k: v for k, v in data.items() if k != "new_site"}
    if stored.get("new_site") is not None:
        amended["new_site"] = stored["new_site"]
    return amended
