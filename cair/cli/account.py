"""``cair account``: an authorized representative manages their organization — after signing
in with the e-mailed link; the session is kept (0600) in the config folder, not on the command
line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cair.cli import account_consents  # noqa: F401 - its commands
from cair.cli.api import Api
from cair.cli.audit_export import CsvOption, download
from cair.cli.common import exit_now, fail, print_json, read_json
from cair.cli.paging import every_item
from cair.cli.root import account_app as app


def _print_change(result: dict[str, Any]) -> None:
    print(f"{result['change_id']}: {result['status']} - {result['message']}")
    exit_now(0)


def _org(api: Api, path: str = "") -> str:
    return f"/api/v1/organizations/{api.provider_id()}{path}"


def _rep(api: Api) -> str:
    return api.session_token("representative")


@app.command("sign-in")
def sign_in(provider_id: str, email: str) -> None:
    """E-mail a single-use sign-in link to a representative of PROVIDER_ID."""
    print(Api().post(f"/api/v1/organizations/{provider_id}/sign-in", {"email": email})["message"])
    exit_now(0)


@app.command()
def redeem(token: str) -> None:
    """Exchange the e-mailed sign-in token for a session (kept in your config folder)."""
    api = Api()
    opened = api.post("/api/v1/sessions", {"token": token})
    if opened["kind"] != "representative":
        fail("error: that link signs staff in: use `cair staff redeem`")
    api.store.put("representative", opened)
    print(
        f"signed in as {opened['email']} for {opened['provider_id']} until {opened['expires_at']}"
    )
    exit_now(0)


@app.command("sign-out")
def sign_out() -> None:
    """End the session now (it also ends after 30 minutes unused, or 8 hours)."""
    api = Api()
    token = _rep(api)
    api.store.put("representative", None)
    print(api.delete("/api/v1/sessions/current", token=token)["message"])
    exit_now(0)


@app.command()
def show() -> None:
    """Your organization, every site of it, users and representatives (JSON)."""
    api = Api()
    print_json(api.get(_org(api), token=_rep(api)))
    exit_now(0)


@app.command()
def sites() -> None:
    """Every site of your organization, one a line: Site ID, open or closed, name, county,
    street address, VFC PIN and data-exchange stage."""
    api = Api()
    shown = api.get(_org(api), token=_rep(api))
    if shown.get("closed"):
        print(f"{shown['provider_id']} is closed")
    for site in shown.get("sites", []):
        address = site.get("physical_address") or {}
        street = ", ".join(str(address[k]) for k in ("line1", "city", "zip") if address.get(k))
        print(
            f"{site['site_id']}  {'open' if site['open'] else 'closed'}  {site.get('name') or ''}"
            f"  {site.get('county') or ''}  {street}  VFC PIN {site.get('vfc_pin') or '-'}"
            f"  data exchange: {site.get('dx_stage') or '-'}"
        )
    exit_now(0)


@app.command("update-info")
def update_info(
    file: Annotated[
        Path,
        typer.Argument(
            help="JSON with any of: contacts, physical_address, mailing_address, "
            "vaccine_delivery_address, vfc_pin"
        ),
    ],
    site: Annotated[
        str | None,
        typer.Option("--site", help="A Site ID: that site's addresses and VFC PIN (no contacts)."),
    ] = None,
) -> None:
    """Update organization/site information (not the county: that is a new enrollment).
    Without --site the main site's."""
    data = read_json(file)
    api = Api()
    path = f"/sites/{site}/info" if site else "/info"
    _print_change(api.post(_org(api, path), data, token=_rep(api)))


@app.command()
def rename(name: Annotated[str, typer.Argument(help="The organization's new name.")]) -> None:
    """Rename the organization (at once)."""
    api = Api()
    _print_change(api.post(_org(api, "/name"), {"name": name}, token=_rep(api)))


@app.command("provider-of-record")
def provider_of_record(
    first_name: Annotated[str, typer.Option("--first-name")],
    last_name: Annotated[str, typer.Option("--last-name")],
    license_number: Annotated[str | None, typer.Option("--license-number")] = None,
    license_type: Annotated[str | None, typer.Option("--license-type", help="e.g. MD")] = None,
    npi: Annotated[str | None, typer.Option("--npi")] = None,
) -> None:
    """Change the provider of record: waits for registry staff approval."""
    fields = {
        "first_name": first_name,
        "last_name": last_name,
        "license_number": license_number,
        "license_type": license_type,
        "npi": npi,
    }
    body = {k: v for k, v in fields.items() if v is not None}
    api = Api()
    _print_change(api.post(_org(api, "/provider-of-record"), body, token=_rep(api)))


@app.command("close-site")
def close_site(site_id: Annotated[str, typer.Argument(help="The Site ID.")]) -> None:
    """Close a site at once: its data-exchange credentials stop working. Not the last one."""
    api = Api()
    _print_change(api.post(_org(api, f"/sites/{site_id}/close"), token=_rep(api)))


@app.command()
def close(
    reason: Annotated[str, typer.Option("--reason", help="Why, for registry staff.")],
) -> None:
    """Close the organization: waits for registry staff; then every user, site, credential
    and session of it ends (the history is kept)."""
    api = Api()
    _print_change(api.post(_org(api, "/close"), {"reason": reason}, token=_rep(api)))


@app.command("add-user")
def add_user(
    first_name: Annotated[str, typer.Option("--first-name")],
    last_name: Annotated[str, typer.Option("--last-name")],
    email: Annotated[str, typer.Option("--email")],
    role: Annotated[str, typer.Option("--role", help="read_only, regular, power or dx_qa")],
) -> None:
    """Add a user; Regular and Power users get access after training."""
    api = Api()
    user = {"first_name": first_name, "last_name": last_name, "email": email, "role": role}
    _print_change(api.post(_org(api, "/users"), user, token=_rep(api)))


def _user_command(name: str, action: str, doc: str) -> None:
    def command(user_id: str) -> None:
        api = Api()
        _print_change(api.post(_org(api, f"/users/{user_id}/{action}"), token=_rep(api)))

    command.__doc__ = doc
    app.command(name)(command)


_user_command(
    "inactivate-user", "inactivate", "Inactivate a user at once (sessions and links end)."
)
_user_command(
    "reactivate-user", "reactivate", "Reactivate a user (training older than 12 months is retaken)."
)
_user_command("name-rep", "representative", "Name an active user an authorized representative.")


@app.command("change-role")
def change_role(user_id: str, role: str) -> None:
    """Change a user's role: lowering applies at once, raising waits for staff approval."""
    api = Api()
    _print_change(api.post(_org(api, f"/users/{user_id}/role"), {"role": role}, token=_rep(api)))


@app.command("correct-user")
def correct_user(
    user_id: str,
    first_name: Annotated[str | None, typer.Option("--first-name")] = None,
    last_name: Annotated[str | None, typer.Option("--last-name")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
) -> None:
    """Correct a user's name or e-mail address (the User ID never changes)."""
    fields = {"first_name": first_name, "last_name": last_name, "email": email}
    body = {k: v for k, v in fields.items() if v is not None}
    api = Api()
    _print_change(api.post(_org(api, f"/users/{user_id}/details"), body, token=_rep(api)))


@app.command("remove-rep")
def remove_rep(
    email: Annotated[str, typer.Argument(help="The representative's e-mail address.")],
) -> None:
    """Remove an authorized representative (never the last)."""
    api = Api()
    _print_change(api.post(_org(api, "/representatives/remove"), {"email": email}, token=_rep(api)))


@app.command()
def changes() -> None:
    """The changes awaiting staff approval, and the history (JSON)."""
    api = Api()
    print_json(api.get(_org(api, "/changes"), token=_rep(api)))
    exit_now(0)


@app.command()
def audit(csv_file: CsvOption = None) -> None:
    """Every audited change of the organization: who, what, old and new value, when (JSON
    lines, newest first), or as a CSV file, oldest first (--csv FILE)."""
    import json

    api = Api()
    if csv_file is not None:
        download(api, _org(api, "/audit.csv"), token=_rep(api), into=csv_file)
        exit_now(0)
    for entry in every_item(api, _org(api, "/audit"), token=_rep(api)):
        print(json.dumps(entry, default=str, ensure_ascii=False))
    if not sys.stdout.isatty():
        sys.stdout.flush()
    exit_now(0)
