"""An enrolled organization enrolls a new site: its representative, signed in, sends the site's
own facts (name, county, addresses, VFC, contacts, users, agreements and, for a Data Exchange
organization, the IZ Portal's questions) and the organization's are filled in from the account.
The result is an enrollment request like any other: the same workflow, the same staff queue,
routed by the new site's county."""

from __future__ import annotations

from typing import Any

from cair.domain.access import AccessLevel
from cair.domain.contracts.enrollment import EnrollmentStatus
from cair.domain.problems import InvalidRequest, Problem
from cair.operations import enrollments
from cair.operations.context import Context
from cair.operations.errors import NotFound, Refused
from cair.operations.sessions import Representative
from cair.store import organizations

# The access answers each level was derived from (domain/access.py), given again for a new site:
# a site does what its organization does. A site that will submit electronically is registered
# at the IZ Portal instead.
ANSWERS_OF_LEVEL: dict[AccessLevel, dict[str, bool]] = {
    AccessLevel.DATA_EXCHANGE: {
        "administers_vaccines": True,
        "submits_electronically": True,
        "enters_historical_doses": True,
    },
    AccessLevel.CLINICAL: {
        "administers_vaccines": True,
        "submits_electronically": False,
        "enters_historical_doses": True,
    },
    AccessLevel.LIMITED_CLINICAL: {
        "administers_vaccines": False,
        "submits_electronically": False,
        "enters_historical_doses": True,
    },
    AccessLevel.READ_ONLY: {
        "administers_vaccines": False,
        "submits_electronically": False,
        "enters_historical_doses": False,
    },
}
SITE_FACTS = (
    "county",
    "physical_address",
    "mailing_address",
    "vaccine_delivery_address",
    "receives_state_supplied_vaccine",
    "state_supplied_programs",
    "vfc_pin",
)
# Where a problem of the full request lies in what the representative sent.
_PATHS = {"organization.": "", "new_site.": ""}


async def prefilled(ctx: Context, who: Representative) -> dict[str, Any]:
    """What the organization already told the registry, for a new site's form."""
    async with ctx.db.sessions() as session:
        org = await organizations.by_provider_id(session, who.provider_id)
        if org is None:
            raise NotFound(f"no organization {who.provider_id}")
        if org.closed_at is not None:
            raise Refused(f"{who.provider_id} is closed")
        return {
            "provider_id": org.provider_id,
            "organization": {
                "name": org.name,
                "type": org.org_type,
                "childcare_license_number": org.info.get("childcare_license_number"),
                "school_district": org.info.get("school_district"),
            },
            "access_level": org.access_level,
            "access": ANSWERS_OF_LEVEL[AccessLevel(org.access_level)],
            "provider_of_record": org.info.get("provider_of_record"),
            "contacts": org.contacts,
        }


def full_request(known: dict[str, Any], data: object) -> dict[str, Any]:
    """The enrollment request of a new site: what was sent, with the organization's facts."""
    sent: dict[str, Any] = data if isinstance(data, dict) else {}
    organization = {**known["organization"], **{k: sent[k] for k in SITE_FACTS if k in sent}}
    full: dict[str, Any] = {
        "organization": organization,
        "provider_of_record": known["provider_of_record"],
        "contacts": sent.get("contacts") or known["contacts"],
        "access": known["access"],
        "users": sent.get("users") or [],
        "agreements": sent.get("agreements"),
        "new_site": {"provider_id": known["provider_id"], "site_name": sent.get("site_name")},
    }
    if sent.get("data_exchange") is not None:
        full["data_exchange"] = sent["data_exchange"]
    unknown = set(sent) - {*SITE_FACTS, "site_name", "contacts", "users", "agreements"}
    unknown -= {"data_exchange"}
    for key in sorted(unknown):
        full["organization"][key] = sent[key]  # refused by name below
    return full


async def enroll_site(
    ctx: Context, who: Representative, data: object, *, enrollment_id: str | None = None
) -> EnrollmentStatus:
    """Send a new site's enrollment for review; every problem at once, named as sent."""
    known = await prefilled(ctx, who)
    try:
        return await enrollments.submit(
            ctx,
            full_request(known, data),
            enrollment_id=enrollment_id,
            new_site_of=who.provider_id,
        )
    except InvalidRequest as invalid:
        raise InvalidRequest([_as_sent(p) for p in invalid.problems]) from None


def _as_sent(problem: Problem) -> Problem:
    for prefix, replacement in _PATHS.items():
        if problem.path.startswith(prefix):
            return Problem(replacement + problem.path.removeprefix(prefix), problem.message)
    return problem
