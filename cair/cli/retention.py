"""Operator commands of retention (docs/operations.md, "Retention"): make or update the daily
purge's Temporal Schedule from the settings, and start a purge now."""

from __future__ import annotations

import typer

from cair.cli.common import exit_now
from cair.cli.root import app

retention_app = typer.Typer(
    no_args_is_help=True,
    help="Operators: purge what is past its retention period, daily, by a Temporal Schedule.",
)
app.add_typer(retention_app, name="retention")


@retention_app.command("schedule")
def schedule() -> None:
    """Create the daily purge's Schedule (03:00 Pacific), or update it to the retention
    settings (CAIR_RETENTION_*_DAYS): once per release, after the workers roll out."""
    from cair.cli.operator_runtime import run
    from cair.operations.retention import ensure_schedule

    outcome = run(ensure_schedule)
    periods = outcome.periods
    print(
        f"schedule {outcome.schedule_id} {'created' if outcome.created else 'updated'}: daily "
        f"at 03:00 America/Los_Angeles; closed requests {periods.closed_requests_days} days, "
        f"data-exchange messages {periods.dx_messages_days} days, links {periods.links_days} "
        f"days, sessions {periods.sessions_days} days"
    )
    exit_now(0)


@retention_app.command("run-now")
def run_now() -> None:
    """Start one purge now through the Schedule (skipped if one is running)."""
    from cair.cli.operator_runtime import run
    from cair.operations.retention import run_now as trigger

    schedule_id = run(trigger)
    print(f"schedule {schedule_id} triggered: a purge starts now")
    exit_now(0)
