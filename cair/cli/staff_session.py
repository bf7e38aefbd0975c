"""Registry staff sign in: an e-mailed single-use link, then a second factor — at first sign-in
an authenticator app enrolled (its secret shown here, a current code confirms it, and recovery
codes are shown once), later its current code (or a recovery code). The session is kept (0600)
in the config folder; it is usable only once the second factor is given."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from cair.cli.api import Api
from cair.cli.common import exit_now, fail, print_json
from cair.cli.root import staff_app

SECOND_FACTOR = "/api/v1/sessions/current/second-factor"


@staff_app.command("sign-in")
def sign_in(email: str) -> None:
    """E-mail yourself a single-use sign-in link (15 minutes)."""
    print(Api().post("/api/v1/staff/sign-in", {"email": email})["message"])
    exit_now(0)


@staff_app.command()
def redeem(
    token: str,
    code: Annotated[
        str | None,
        typer.Option(help="Your authenticator app's current code (or a recovery code)."),
    ] = None,
) -> None:
    """Exchange the e-mailed token for a session, then give your second factor (asked for
    here, or --code); the session is kept (0600) in your config folder."""
    api = Api()
    opened = api.post("/api/v1/sessions", {"token": token})
    if opened["kind"] != "staff":
        fail("error: that link signs a representative in: use `cair account redeem`")
    api.store.put("staff", opened)
    if opened.get("second_factor"):
        _second_factor(api, opened, code)
    _signed_in(opened["email"], opened["roles"], opened["expires_at"])


@staff_app.command()
def verify(
    code: Annotated[str, typer.Argument(help="The current code, or a recovery code.")],
) -> None:
    """Finish signing in: your authenticator app's current code (or a recovery code)."""
    api = Api()
    kept = api.store.get("staff")
    if not kept or not kept.get("second_factor"):
        fail("error: no sign-in waits for a code: run `cair staff sign-in EMAIL` first")
    _finish(api, kept, code)


@staff_app.command("sign-out")
def sign_out() -> None:
    """End your staff session now."""
    api = Api()
    token = api.session_token("staff")
    api.store.put("staff", None)
    print(api.delete("/api/v1/sessions/current", token=token)["message"])
    exit_now(0)


@staff_app.command()
def whoami() -> None:
    """Who you are signed in as, with which roles."""
    api = Api()
    print_json(api.get("/api/v1/staff/me", token=api.session_token("staff")))
    exit_now(0)


def _second_factor(api: Api, kept: dict[str, Any], code: str | None) -> None:
    due = api.get(SECOND_FACTOR, token=kept["token"])
    if due["due"] == "enrol":
        print(
            "Your staff account needs a second factor. Add this secret to an authenticator app "
            "(e.g. one on your phone; time-based, 6 digits):\n"
            f"  secret  {due['secret']}\n"
            f"  or open {due['uri']}"
        )
        code = None  # a code given before the secret was seen cannot be this secret's
    if code is None and not sys.stdin.isatty():
        print("Not signed in yet: finish with `cair staff verify CODE`, the app's current code.")
        exit_now(0)
    asked = "Code from your authenticator app" + (" (or a recovery code)" * (due["due"] == "code"))
    _finish(api, kept, code if code is not None else typer.prompt(asked))


def _finish(api: Api, kept: dict[str, Any], code: str) -> None:
    done = api.post(SECOND_FACTOR, {"code": code}, token=kept["token"])
    api.store.put("staff", {**kept, "second_factor": None, "expires_at": done["expires_at"]})
    if done["recovery_codes"]:
        print(
            "Recovery codes: each signs you in once instead of a code, if the app is lost. "
            "Keep them somewhere safe; they are not shown again:"
        )
        print("\n".join(f"  {c}" for c in done["recovery_codes"]))
    if done.get("recovery_codes_left") is not None:
        print(f"A recovery code was used: {done['recovery_codes_left']} left.")
    _signed_in(done["email"], done["roles"], done["expires_at"])


def _signed_in(email: str, roles: list[str], expires_at: str) -> None:
    print(f"signed in as {email} ({', '.join(roles)}) until {expires_at}")
    exit_now(0)
