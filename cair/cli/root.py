"""The ``cair`` command and its groups; the commands themselves live with their audience."""

from __future__ import annotations

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain text: refusals are read by people and by scripts alike
    pretty_exceptions_enable=False,
    help="CAIR onboarding. Applicants, representatives and staff use the service through its "
    "API (CAIR_API_URL, by default the dev stack's); operators run the stack. Results on "
    "stdout; refusals on stderr, one line per problem, with exit status 1.",
)
staff_app = typer.Typer(
    no_args_is_help=True, help="Registry staff: sign in and out; operators add staff."
)
account_app = typer.Typer(
    no_args_is_help=True,
    help="Authorized representatives manage their organization (after `cair account sign-in`); "
    "staff approve or reject changes that raise access.",
)
credentials_app = typer.Typer(no_args_is_help=True, help="Data-exchange credentials.")
password_app = typer.Typer(no_args_is_help=True, help="A user's CAIR password.")
dx_app = typer.Typer(
    no_args_is_help=True,
    help="Data exchange at the IZ Portal: check an HL7 VXU offline, register sites, send "
    "messages to the staging or production endpoint; staff approve production.",
)
app.add_typer(staff_app, name="staff")
app.add_typer(account_app, name="account")
app.add_typer(credentials_app, name="credentials")
app.add_typer(password_app, name="password")
app.add_typer(dx_app, name="dx")
