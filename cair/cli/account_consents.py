"""``cair account facility-consents`` and ``cair account consent``: a Sending Facility's
organization accepts or refuses the role 2 sites of other organizations that name it (until
accepted, the facility cannot send for them and their messages are refused)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cair.cli.api import Api
from cair.cli.common import exit_now, fail
from cair.cli.root import account_app as app


def _path(api: Api, rest: str = "") -> str:
    return f"/api/v1/organizations/{api.provider_id()}/facility-consents{rest}"


def _line(c: dict[str, Any], *, ours: bool) -> str:
    who = (
        f"{c['client_site_id']}  {c['client_site_name']} of {c['client_organization']} "
        f"({c['client_provider_id']})  through your {c['facility_site_id']}"
        if ours
        else f"{c['client_site_id']}  {c['client_site_name']}  through {c['facility_site_id']} "
        f"of {c['facility_provider_id']}"
    )
    decided = f" by {c['decided_by']} on {c['decided_at']}" if c.get("decided_by") else ""
    return f"{c['state']:<8}  {who}{decided}"


@app.command("facility-consents")
def facility_consents() -> None:
    """Sites of other organizations that name your Sending Facilities (pending first), then
    your sites that name another organization's, each with its consent: pending, accepted or
    refused. Decide with `cair account consent SITE_ID --accept|--refuse`."""
    api = Api()
    shown = api.get(_path(api), token=api.session_token("representative"))
    print("Sites naming your Sending Facilities:")
    for c in shown["to_decide"] or []:
        print("  " + _line(c, ours=True))
    if not shown["to_decide"]:
        print("  none")
    print("Your sites naming another organization's Sending Facility:")
    for c in shown["asked"] or []:
        print("  " + _line(c, ours=False))
    if not shown["asked"]:
        print("  none")
    exit_now(0)


@app.command("consent")
def consent(
    site_id: Annotated[
        str, typer.Argument(help="The Site ID of the site that names your facility.")
    ],
    accept: Annotated[bool, typer.Option("--accept", help="Accept it as a client.")] = False,
    refuse: Annotated[bool, typer.Option("--refuse", help="Refuse it.")] = False,
) -> None:
    """Accept or refuse another organization's site as a client of your Sending Facility
    (audited on both organizations; a later decision replaces an earlier one)."""
    if accept == refuse:
        fail("error: --accept or --refuse: give exactly one")
    api = Api()
    decision = "accept" if accept else "refuse"
    done = api.post(_path(api, f"/{site_id}/{decision}"), token=api.session_token("representative"))
    print(f"{done['client_site_id']}: {done['state']} - {done['state_words']}")
    exit_now(0)
