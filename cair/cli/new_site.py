"""``cair account enroll-site``: a representative enrolls a new site of their organization; it
goes to registry staff like an enrollment, routed by the site's county."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cair.cli.api import Api
from cair.cli.common import exit_now, read_json
from cair.cli.root import account_app


@account_app.command("enroll-site")
def enroll_site(
    file: Annotated[
        Path,
        typer.Argument(
            help="JSON: site_name, county, physical_address, receives_state_supplied_vaccine, "
            "agreements, and any of mailing_address, vaccine_delivery_address, vfc_pin, "
            "contacts, users, data_exchange (`cair schema` shows the shapes)"
        ),
    ],
) -> None:
    """Enroll a new site of the organization you are signed in to; prints its enrollment id."""
    data = read_json(file)
    api = Api()
    provider_id = api.provider_id()
    answer = api.post(
        f"/api/v1/organizations/{provider_id}/sites",
        data,
        token=api.session_token("representative"),
    )
    api.store.keep_status_token(answer["id"], answer["status_token"])
    print(answer["id"])
    detail = f" ({answer['note']})" if answer.get("note") else ""
    print(f"{answer['stage']}{detail}", file=sys.stderr)
    exit_now(0 if answer["stage"] not in ("refused_duplicate", "invalid") else 1)
