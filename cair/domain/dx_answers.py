"""What the IZ Portal asks of a site that will submit immunizations from its EHR: its lead
clinician, contacts, EHR, role (how its messages reach CAIR) and the access agreement. A site
registration asks them of each site; a new organization's IZ Portal enrollment asks them of its
first site, beside what every enrollment asks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from cair.domain.request_parts import Contact, MustAccept, Name, _Strict
from cair.domain.shapes import MedicalLicense, SendingFacilityId
from cair.domain.text import NOT_BLANK, Choice, OrgName

Text = Annotated[OrgName, *NOT_BLANK]


class LeadClinician(_Strict):
    first_name: Name
    last_name: Name
    license_number: MedicalLicense = Field(description="California medical license, e.g. A123456.")


class Ehr(_Strict):
    name: Text
    version: Annotated[Choice, *NOT_BLANK]
    vendor: Text
    certified: bool = Field(description="ONC-certified EHR technology.")
    hl7_capable: MustAccept = Field(description="Sends HL7 v2.5.1 VXU messages: required.")


class AccessAgreement(_Strict):
    accepted: MustAccept
    representative_name: Text
    representative_title: Text


class ExchangeAnswers(_Strict):
    """The IZ Portal's questions about one site's data exchange."""

    clinical: bool = Field(description="A clinical site names its lead clinician.")
    lead_clinician: LeadClinician | None = None
    site_contact: Contact
    ehr: Ehr
    exchange_contact: Contact = Field(description="The data exchange or vendor contact.")
    role: Literal[1, 2, 3] = Field(
        description="1 sends from its own EHR, 2 through a Sending Facility, 3 is a Sending "
        "Facility for several sites."
    )
    sending_facility_id: SendingFacilityId | None = Field(
        default=None,
        description="Role 2 (only): the Site ID of the registered Sending Facility it sends "
        "through, e.g. CA100007-01.",
    )
    agreement: AccessAgreement
    bidirectional: bool = Field(
        default=False,
        description="The EHR also queries CAIR for immunization histories (QBP^Q11 Z34): its "
        "test plan then has query cases.",
    )
