"""What e-mailed links open, from the command line: data-exchange credentials (shown once), a
password, a primary contact's confirmation of their address (an applicant's, an organization's
new one)."""

from __future__ import annotations

import getpass
import sys

from cair.cli.api import Api
from cair.cli.common import exit_now, fail, print_json
from cair.cli.root import account_app, app, credentials_app, password_app


@credentials_app.command("reveal")
def credentials_reveal(token: str) -> None:
    """Show data-exchange credentials once, from the token of the e-mailed link."""
    print_json(Api().post("/api/v1/credentials/reveal", {"token": token}))
    exit_now(0)


@password_app.command("set")
def password_set(token: str) -> None:
    """Set your CAIR password from the password-setup link's token (asked twice, not echoed;
    from standard input when it is not a terminal)."""
    if sys.stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != first:
            fail("error: the two passwords differ")
    else:
        first = sys.stdin.readline().rstrip("\n")
    print(Api().post("/api/v1/password", {"token": token, "password": first})["message"])
    exit_now(0)


@account_app.command("confirm-contact")
def confirm_contact(token: str) -> None:
    """Confirm your address as an organization's new primary contact, from the e-mailed link's
    token; registry staff then review the change."""
    print(Api().post("/api/v1/contact-confirmations", {"token": token})["message"])
    exit_now(0)


@app.command("confirm-address")
def confirm_address(token: str) -> None:
    """Confirm your address as an enrollment's primary contact, from the e-mailed link's token;
    the request then goes to registry staff."""
    print(Api().post("/api/v1/enrollment-confirmations", {"token": token})["message"])
    exit_now(0)
