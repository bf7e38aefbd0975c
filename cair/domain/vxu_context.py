"""Who sent a VXU and what CAIR therefore expects of it: the site's role and ids (from its
credentials), and the message values and test plan of ``data/iz_portal.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from importlib import resources
from typing import Any

# MSH-21 of a VXU following the CDC guide, release 1.5 (its ACK carries Z23).
VXU_PROFILE = "Z22^CDCPHINVS"
ACK_PROFILE = "Z23^CDCPHINVS"


class SiteRole(IntEnum):
    """How a site's messages reach CAIR (the IZ Portal's registration question)."""

    DIRECT = 1  # sends from its own EHR
    THROUGH_SENDING_FACILITY = 2  # a Sending Facility sends for it
    SENDING_FACILITY = 3  # sends for several client sites


@dataclass(frozen=True)
class Sender:
    """Who the credentials of the message belong to, and what its MSH must therefore say."""

    role: SiteRole
    site_id: str
    region_code: str  # MSH-6, e.g. CAIRBA
    sending_facility_id: str | None = None  # role 2: the facility it sends through; 3: its own
    client_sites: frozenset[str] = frozenset()  # role 3: the sites it may send for
    facility_consented: bool = True  # role 2: its facility's organization accepted it

    def __post_init__(self) -> None:
        if self.role != SiteRole.DIRECT and not self.sending_facility_id:
            raise ValueError("sending_facility_id: required for site roles 2 and 3")


@dataclass(frozen=True)
class MessageRules:
    """The values a CAIR VXU must carry (from ``data/iz_portal.json``)."""

    message_type: str
    processing_id: str
    version: str
    new_record_action: str
    test_patients: frozenset[str] = field(default_factory=frozenset)


@cache
def portal_facts() -> dict[str, Any]:
    """``data/iz_portal.json``: region codes, message values, the test plan
    (``test_plan.staging_test_plan`` reads it)."""
    text = resources.files("cair.domain").joinpath("data/iz_portal.json").read_text()
    facts: dict[str, Any] = json.loads(text)
    return facts


@cache
def default_rules() -> MessageRules:
    facts = portal_facts()
    message = facts["message"]
    return MessageRules(
        message_type=message["type"],
        processing_id=message["processing_id"],
        version=message["version"],
        new_record_action=message["new_record_action"],
        test_patients=frozenset(facts["test_plan"]["test_patients"]),
    )


def region_code(region_key: str) -> str:
    """MSH-6 of a site in ``region_key`` (a key of the county/region map)."""
    codes: dict[str, str] = portal_facts()["region_codes"]
    return codes[region_key]
