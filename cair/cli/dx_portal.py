"""``cair dx`` at the IZ Portal: a representative registers a site and follows it; the EHR side
(a person trying their interface) sends a VXU file to the staging or production endpoint and
reads the ACK; staff see every site and approve production or send a site back.

The password of ``send`` is read from ``CAIR_DX_PASSWORD`` or asked for, never taken as an
argument: arguments are visible to everyone on the machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from cair.cli.api import Api, api_url, tls
from cair.cli.common import exit_now, fail, print_json, read_json
from cair.cli.dx_check import printable, read_message
from cair.cli.root import dx_app as app

Env = Annotated[str, typer.Option("--env", help="staging or production.")]


def _sites(api: Api, path: str = "") -> str:
    return f"/api/v1/organizations/{api.provider_id()}/dx-sites{path}"


def _show(site: dict[str, Any]) -> None:
    print(f"{site['site_id']}  {site['site_name']}  role {site['role']}: {site['stage_words']}")
    if site.get("bidirectional"):
        print("  bidirectional: queries CAIR (Z34)")
    for done in site.get("passed", []):
        print(f"  passed: {done}")
    for needed in site.get("still_needed", []):
        print(f"  still needed: {needed}")
    for message in site.get("recent_messages", [])[:5]:
        print(
            f"  {message['received_at']} {message['environment']} {message['control_id']}: "
            f"{message['ack_code']}"
        )


@app.command("register")
def register(
    file: Annotated[Path, typer.Argument(help="The site's registration, JSON.")],
) -> None:
    """Register a site of your Data Exchange organization (signed in with `cair account`)."""
    api = Api()
    site = api.post(_sites(api), read_json(file), token=api.session_token("representative"))
    _show(site)
    print("Staging credentials follow by e-mail, with a single-use link to the password.")
    exit_now(0)


@app.command("sites")
def sites(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Your organization's sites: stage, what testing still needs, the last messages."""
    api = Api()
    found = api.get(_sites(api), token=api.session_token("representative"))
    if as_json:
        print_json(found)
    for site in [] if as_json else found:
        _show(site)
    exit_now(0)


@app.command("send")
def send(
    file: Annotated[Path, typer.Argument(help="One HL7 v2.5.1 VXU message.")],
    username: Annotated[str, typer.Option(help="The username of the environment.")],
    facility_id: Annotated[str, typer.Option(help="Your site id (a Sending Facility's id).")],
    env: Env = "staging",
) -> None:
    """Send FILE to CAIR's endpoint with submitSingleMessage and print the ACK; exit 1 if
    CAIR rejected it (MSA-1 AR). The password: CAIR_DX_PASSWORD, or asked for in a terminal."""
    from cair.web.iis_soap import CONTENT_TYPE, SoapFault, read_answer, request  # lxml: only here

    if env not in ("staging", "production"):
        fail("env: must be staging or production")
    problems: list[str] = []
    message = read_message(file, problems)
    if problems:
        fail(*problems)
    password = os.environ.get("CAIR_DX_PASSWORD")
    if not password and not sys.stdin.isatty():
        fail("CAIR_DX_PASSWORD: set it to the environment's password (or run in a terminal)")
    password = password or typer.prompt("Password", hide_input=True)
    envelope = request(
        "submitSingleMessage",
        {
            "username": username,
            "password": password,
            "facilityID": facility_id,
            "hl7Message": message,
        },
    )
    try:
        answer = httpx.post(
            f"{api_url()}/iis/{env}",
            content=envelope,
            headers={"Content-Type": CONTENT_TYPE},
            timeout=30,
            verify=tls(api_url()),
        )
        acknowledgement = read_answer(answer.content)
    except httpx.HTTPError as error:
        fail(f"error: cannot reach {api_url()}/iis/{env} ({type(error).__name__})")
    except SoapFault as refused:
        fail(f"refused: {printable(refused.reason)}")
    print(printable(acknowledgement.replace("\r", "\n")), end="")
    exit_now(1 if "\rMSA|AR|" in "\r" + acknowledgement else 0)


# ---- staff ----------------------------------------------------------------------------------


@app.command("review")
def review(
    stage: Annotated[str | None, typer.Option(help="Only sites in this stage.")] = None,
) -> None:
    """Staff: every site, the longest waiting first (`--stage ready_for_review`: the queue)."""
    api = Api()
    found = api.get("/api/v1/staff/dx-sites", token=api.session_token("staff"), stage=stage)
    for site in found:
        print(f"{site['provider_id']}  ", end="")
        _show(site)
    if not found:
        print("no sites")
    exit_now(0)


@app.command("approve")
def approve(site_id: str) -> None:
    """Staff: approve SITE_ID for production; its production credentials are e-mailed."""
    api = Api()
    status = api.post(f"/api/v1/staff/dx-sites/{site_id}/approve", token=api.session_token("staff"))
    print(f"{status['site_id']}: {status['stage'].replace('_', ' ')}")
    exit_now(0)


@app.command("send-back")
def send_back(
    site_id: str,
    message: Annotated[str, typer.Option(help="What the site should test again.")],
) -> None:
    """Staff: send SITE_ID back to testing with MESSAGE for its representative."""
    api = Api()
    status = api.post(
        f"/api/v1/staff/dx-sites/{site_id}/send-back",
        {"message": message},
        token=api.session_token("staff"),
    )
    print(f"{status['site_id']}: {status['stage'].replace('_', ' ')}")
    exit_now(0)


@app.command("reissue")
def reissue(site_id: str, env: Env = "staging") -> None:
    """Staff (admin): new credentials of ENV for SITE_ID (a lost or expired link); the old
    password stops working and the representative gets a new single-use link."""
    api = Api()
    issued = api.post(
        f"/api/v1/staff/dx-sites/{site_id}/credentials/{env}", token=api.session_token("staff")
    )
    print(f"{site_id}: new {env} credentials for {issued['username']}; the link is e-mailed")
    exit_now(0)
