"""``cair account``: authorized representatives manage their organization; staff decide changes
that raise access. Representative commands take the session from ``--session`` or the
``CAIR_SESSION`` environment variable (``cair account redeem`` prints it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from cair.cli.common import By, exit_now, print_json, read_json, run
from cair.domain.account_changes import ChangeKind, InfoUpdate
from cair.domain.contracts.organization import ChangeResult
from cair.domain.request import RequestedUser
from cair.operations import account_changes, account_views, sessions

app = typer.Typer(
    no_args_is_help=True,
    help="Authorized representatives manage their organization (session from --session or "
    "CAIR_SESSION, printed by `cair account redeem`); staff approve or reject raises.",
)

SessionOption = Annotated[
    str | None,
    typer.Option(
        "--session", envvar="CAIR_SESSION", help="Session token from `cair account redeem`."
    ),
]
ChangeIdOption = Annotated[
    str | None,
    typer.Option("--change-id", help="Your own id for this change; a retry with it applies once."),
]


def _print_change(result: ChangeResult) -> None:
    print(f"{result.change_id}: {result.status.value} - {result.message}")
    exit_now(0)


@app.command("sign-in")
def sign_in(provider_id: str, email: str) -> None:
    """E-mail a single-use sign-in link to a representative of PROVIDER_ID."""
    print(run(lambda ctx: sessions.sign_in(ctx, provider_id, email)))
    exit_now(0)


@app.command()
def redeem(token: str) -> None:
    """Exchange the e-mailed sign-in token for a session; prints `export CAIR_SESSION=...`."""
    session = run(lambda ctx: sessions.redeem(ctx, token))
    print(f"export CAIR_SESSION={session.token}")
    print(
        f"signed in as {session.email} for {session.provider_id} until {session.expires_at}",
        file=sys.stderr,
    )
    exit_now(0)


@app.command("sign-out")
def sign_out(session: SessionOption = None) -> None:
    """End the session now (it also ends after 30 minutes unused, or 8 hours)."""
    print(run(lambda ctx: sessions.sign_out(ctx, session)))
    exit_now(0)


@app.command()
def show(provider_id: str, session: SessionOption = None) -> None:
    """The organization, its site, users and representatives (JSON)."""
    print_json(run(lambda ctx: account_views.show(ctx, session, provider_id)))
    exit_now(0)


@app.command("update-info")
def update_info(
    provider_id: str,
    file: Annotated[
        Path,
        typer.Argument(
            help="JSON with any of: contacts, physical_address, "
            "mailing_address, vaccine_delivery_address, vfc_pin"
        ),
    ],
    session: SessionOption = None,
    change_id: ChangeIdOption = None,
) -> None:
    """Update organization/site information (not the county: that is a new enrollment)."""
    data: Any = read_json(file)
    try:
        info = InfoUpdate.model_validate(data)
    except ValidationError as invalid:
        for error in invalid.errors():
            path = ".".join(str(p) for p in error["loc"])
            print(f"{path}: {error['msg']}", file=sys.stderr)
        exit_now(1)
    _print_change(
        run(
            lambda ctx: account_changes.update_info(
                ctx, session, provider_id, info, change_id=change_id
            )
        )
    )


@app.command("add-user")
def add_user(
    provider_id: str,
    first_name: Annotated[str, typer.Option("--first-name")],
    last_name: Annotated[str, typer.Option("--last-name")],
    email: Annotated[str, typer.Option("--email")],
    role: Annotated[str, typer.Option("--role", help="read_only, regular, power or dx_qa")],
    session: SessionOption = None,
    change_id: ChangeIdOption = None,
) -> None:
    """Add a user; Regular and Power users get access after training."""
    user = RequestedUser(first_name=first_name, last_name=last_name, email=email, role=role)
    _print_change(
        run(
            lambda ctx: account_changes.add_user(
                ctx, session, provider_id, user, change_id=change_id
            )
        )
    )


def _user_command(kind: ChangeKind, doc: str) -> None:
    def command(
        user_id: str, session: SessionOption = None, change_id: ChangeIdOption = None
    ) -> None:
        _print_change(
            run(
                lambda ctx: account_changes.user_change(
                    ctx, session, kind, user_id, change_id=change_id
                )
            )
        )

    command.__doc__ = doc
    app.command(kind.value.replace("_", "-").replace("representative", "rep"))(command)


_user_command(ChangeKind.INACTIVATE_USER, "Inactivate a user at once (sessions and links revoked).")
_user_command(
    ChangeKind.REACTIVATE_USER, "Reactivate a user (training older than 12 months is retaken)."
)
_user_command(ChangeKind.NAME_REPRESENTATIVE, "Name an active user an authorized representative.")
_user_command(
    ChangeKind.REMOVE_REPRESENTATIVE, "Remove an authorized representative (never the last)."
)


@app.command("change-role")
def change_role(
    user_id: str, role: str, session: SessionOption = None, change_id: ChangeIdOption = None
) -> None:
    """Change a user's role: lowering applies at once, raising waits for staff approval."""
    _print_change(
        run(
            lambda ctx: account_changes.user_change(
                ctx, session, ChangeKind.CHANGE_ROLE, user_id, role=role, change_id=change_id
            )
        )
    )


@app.command()
def changes(provider_id: str, session: SessionOption = None) -> None:
    """The change queue, the changes awaiting staff approval, and the history (JSON)."""
    print_json(run(lambda ctx: account_views.changes(ctx, session, provider_id)))
    exit_now(0)


@app.command()
def audit(provider_id: str, session: SessionOption = None) -> None:
    """Every audited change of the organization: who, what, old and new value, when."""
    for entry in run(lambda ctx: account_views.audit(ctx, session, provider_id)):
        print(json.dumps(entry, default=str))
    exit_now(0)


@app.command("pending")
def staff_pending() -> None:
    """STAFF: changes that wait for approval, oldest first."""
    for change in run(account_changes.pending_approvals):
        print(
            f"{change['change_id']}  {change['provider_id']}  {change['user_id']} -> "
            f"{change['role']}  requested by {change['requested_by']} since {change['since']}"
        )
    exit_now(0)


@app.command("approve")
def staff_approve(change_id: str, by: By) -> None:
    """STAFF: approve a change that raises a user's access."""
    _print_change(run(lambda ctx: account_changes.decide(ctx, change_id, approve=True, by=by)))


@app.command("reject")
def staff_reject(
    change_id: str,
    by: By,
    reason: Annotated[str, typer.Option(help="Told to the representative.")] = "",
) -> None:
    """STAFF: reject a change that raises a user's access."""
    _print_change(
        run(lambda ctx: account_changes.decide(ctx, change_id, approve=False, by=by, reason=reason))
    )
