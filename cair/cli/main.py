"""``cair``: the dev stack, applicants' and staff's actions, from the command line.

Every command prints results on stdout and refusals on stderr (exit status 1), one line per
problem, so scripts can rely on both.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cair.cli import account
from cair.cli.common import By, exit_now, print_json, read_json, run
from cair.domain import ids
from cair.domain.request import EnrollmentRequest
from cair.operations import credentials as credential_ops
from cair.operations import enrollments, incidents, users
from cair.settings import get_settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="CAIR onboarding: the local stack, enrollment, staff review, training, credentials "
    "and account management. Results on stdout; refusals on stderr with exit status 1.",
)
credentials_app = typer.Typer(no_args_is_help=True, help="Data-exchange credentials.")
app.add_typer(credentials_app, name="credentials")
app.add_typer(account.app, name="account")


@app.command()
def dev() -> None:
    """Run the whole local stack: Temporal dev server + UI, SMTP outbox, codec endpoint, worker."""
    from cair.devstack.stack import run_dev

    exit_now(run_dev(get_settings()))


@app.command()
def worker() -> None:
    """Run a worker only (against the configured Temporal)."""
    from cair.worker import main

    main()


@app.command()
def schema() -> None:
    """Print the JSON Schema of an enrollment request."""
    print_json(EnrollmentRequest.model_json_schema())


@app.command()
def submit(file: Path) -> None:
    """Submit an enrollment request; prints its enrollment id."""
    data = read_json(file)
    status = run(lambda ctx: enrollments.submit(ctx, data))
    print(status.id)
    detail = f" ({status.note})" if status.note else ""
    print(f"{status.stage}{detail}", file=sys.stderr)
    exit_now(0 if status.stage not in ("refused_duplicate", "invalid") else 1)


@app.command()
def status(enrollment_id: str) -> None:
    """Where an enrollment stands, with its users (JSON)."""
    view = run(lambda ctx: enrollments.status(ctx, enrollment_id))
    print_json(view.as_dict())
    exit_now(0)


@app.command(name="list")
def list_(
    stage: Annotated[str | None, typer.Option(help="Only enrollments in this stage.")] = None,
) -> None:
    """Enrollments, oldest first (from the registry database)."""
    views = run(lambda ctx: enrollments.listing(ctx, stage=stage))
    row = "{:<10}  {:<31} {:<22} {:<20} {:<9} {:<16} {}"
    if views:
        print(row.format("ID", "STAGE", "REGION", "TYPE", "PROVIDER", "SUBMITTED", "ORGANIZATION"))
    for view in views:
        submitted = view.submitted_at[:16].replace("T", " ")
        print(
            row.format(
                view.id,
                view.stage,
                view.region,
                view.org_type,
                view.provider_id or "-",
                submitted,
                view.org_name,
            )
        )
    if not views:
        print("no enrollments" + (f" in stage {stage}" if stage else ""), file=sys.stderr)
    exit_now(0)


@app.command()
def approve(enrollment_id: str, by: By) -> None:
    """Approve an enrollment awaiting review."""
    result = run(lambda ctx: enrollments.approve(ctx, enrollment_id, by=by))
    print(f"{result.id}: {result.stage}")
    exit_now(0)


@app.command()
def reject(
    enrollment_id: str,
    by: By,
    reason: Annotated[str, typer.Option(help="Told to the applicant.")],
) -> None:
    """Reject an enrollment, with the reason the applicant will read."""
    result = run(lambda ctx: enrollments.reject(ctx, enrollment_id, by=by, reason=reason))
    print(f"{result.id}: {result.stage}")
    exit_now(0)


@app.command(name="request-changes")
def request_changes(
    enrollment_id: str,
    by: By,
    message: Annotated[str, typer.Option(help="What the applicant must change.")],
) -> None:
    """Send an enrollment back to the applicant for changes."""
    result = run(
        lambda ctx: enrollments.request_changes(ctx, enrollment_id, by=by, message=message)
    )
    print(f"{result.id}: {result.stage}")
    exit_now(0)


@app.command()
def amend(
    enrollment_id: str,
    file: Path,
    token: Annotated[
        str, typer.Option(help="The token of the link in the changes-requested e-mail.")
    ],
) -> None:
    """Submit the corrected request after staff asked for changes."""
    data = read_json(file)
    result = run(lambda ctx: enrollments.amend(ctx, enrollment_id, data, token=token))
    print(f"{result.id}: {result.stage}")
    exit_now(0)


@app.command(name="users")
def users_(
    state: Annotated[
        str | None, typer.Option(help="e.g. pending_training: whom to record training for.")
    ] = None,
    provider: Annotated[str | None, typer.Option(help="Only this Provider ID.")] = None,
) -> None:
    """Users across organizations (STAFF), e.g. `--state pending_training`."""
    found = run(lambda ctx: users.listing(ctx, state=state, provider_id=provider))
    row = "{:<9} {:<9} {:<10} {:<17} {:<11} {}"
    if found:
        print(row.format("USER", "PROVIDER", "ROLE", "STATE", "DEADLINE", "ORGANIZATION"))
    for user in found:
        deadline = (user.training_deadline or "-")[:10]
        print(
            row.format(
                user.user_id, user.provider_id, user.role, user.state, deadline, user.organization
            )
        )
    if not found:
        print("no users" + (f" in state {state}" if state else ""), file=sys.stderr)
    exit_now(0)


@app.command(name="training-complete")
def training_complete(
    user_id: str,
    by: By,
    kind: Annotated[str, typer.Option(help="webinar or in-person")],
    on: Annotated[
        str | None, typer.Option(help="Training date, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Record that a Regular or Power user completed training; the user becomes active."""
    day = date.fromisoformat(on) if on else None
    result = run(lambda ctx: users.training_complete(ctx, user_id, kind=kind, by=by, on=day))
    print(f"{result.user_id}: {result.state}")
    exit_now(0)


@app.command(name="training-extend")
def training_extend(
    user_id: str, by: By, days: Annotated[int, typer.Option(help="Days to add.")]
) -> None:
    """Give a user more days to complete training."""
    result = run(lambda ctx: users.training_extend(ctx, user_id, days=days, by=by))
    print(f"{result.user_id}: {result.state}, deadline {result.deadline}")
    exit_now(0)


@app.command(name="incidents")
def incidents_(
    all_: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False,
) -> None:
    """STAFF: steps that failed for good and wait for staff, oldest first."""
    found = run(lambda ctx: incidents.listing(ctx, open_only=not all_))
    for incident in found:
        state = "resolved" if incident.resolved else "open"
        print(f"{incident.at[:16]}  {state:<8} {incident.workflow_id:<28} {incident.step}")
        print(f"    {incident.reason}")
    if not found:
        print("no incidents" if all_ else "no open incidents", file=sys.stderr)
    exit_now(0)


@app.command()
def retry(
    workflow: Annotated[str, typer.Argument(help="Workflow id, or an enrollment id.")], by: By
) -> None:
    """STAFF: run a held step again once its cause is mended (see `cair incidents`)."""
    workflow_id = ids.enrollment_workflow_id(workflow) if workflow.startswith("EN") else workflow
    print(run(lambda ctx: incidents.retry(ctx, workflow_id, by=by)))
    exit_now(0)


@credentials_app.command("reveal")
def credentials_reveal(token: str) -> None:
    """Show data-exchange credentials once, from the token of the e-mailed link."""
    revealed = run(lambda ctx: credential_ops.reveal(ctx, token))
    print_json(asdict(revealed))
    exit_now(0)


@credentials_app.command("reissue")
def credentials_reissue(provider_id: str, by: By) -> None:
    """Issue new credentials (the old secret stops working); the contact gets a new link."""
    issued = run(lambda ctx: credential_ops.reissue(ctx, provider_id, by=by))
    print(f"{provider_id}: new credentials for {issued.username} e-mailed to the primary contact")
    exit_now(0)


def main() -> None:
    try:
        app()
    except SystemExit as leaving:
        exit_now(leaving.code if isinstance(leaving.code, int) else 1)
    exit_now(0)
