"""Operator commands: run the stack or its parts, migrate the database, add and remove staff
(and reset their second factor). Only these touch the database and Temporal directly, with the
operator's settings."""

from __future__ import annotations

from typing import Annotated

import typer

from cair.cli.common import exit_now, fail
from cair.cli.root import app, staff_app

# Each command imports what it runs on in its body (cair.cli.operator_runtime, the settings, the
# store, Temporal): registering them stays cheap for the client commands beside them.


@app.command()
def dev() -> None:
    """Run the whole local stack: Temporal + UI, SMTP outbox, codec endpoint, worker, web."""
    from cair.cli.operator_runtime import settings

    try:
        from cair.devstack.stack import run_dev
    except ModuleNotFoundError as missing:  # a production install has no dev stack
        fail(
            f"error: cair dev needs the 'stack' extra ({missing.name} is not installed): "
            "pip install -e '.[stack]' (make run does)"
        )

    exit_now(run_dev(settings()))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Processes (behind one port).")] = 1,
    keep_alive: Annotated[
        int,
        typer.Option(
            help="Seconds an idle connection is kept; above the load balancer's idle timeout, "
            "so that the balancer closes first and never reuses a connection being closed."
        ),
    ] = 75,
) -> None:
    """Run the web application (API and pages) alone, as in production."""
    import uvicorn

    from cair.cli.operator_runtime import serving_keys, settings

    settings(keys=serving_keys)  # refuse bad settings before starting processes
    uvicorn.run(
        "cair.web.serve:application",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_keep_alive=keep_alive,
        access_log=False,  # the application logs requests itself, without tokens or ids
        proxy_headers=True,
        log_config=None,
    )
    exit_now(0)


@app.command()
def worker() -> None:
    """Run a worker only (against the configured Temporal)."""
    from cair.cli.operator_runtime import settings, worker_keys
    from cair.worker import main

    settings(keys=worker_keys)
    main()


@app.command()
def codec(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port; CAIR_CODEC_PORT if unset.")] = None,
) -> None:
    """Run the payload codec endpoint alone, for a Temporal Web UI (CAIR_CODEC_ALLOWED_ORIGINS)."""
    import uvicorn

    from cair.cli.operator_runtime import settings
    from cair.web.codec_endpoint import create_codec_app

    found = settings(keys=lambda s: (s.codec_ring(), s.codec_token()))
    app = create_codec_app(
        found.codec_ring(),
        token=found.codec_token(),
        namespace=found.temporal_namespace,
        allowed_origins=found.codec_origins(),
    )
    uvicorn.run(app, host=host, port=port or found.codec_port, log_config=None, access_log=False)
    exit_now(0)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (once per release)."""
    import asyncio

    from cair.cli.operator_runtime import settings
    from cair.store.migrate import migrate_database

    asyncio.run(migrate_database(settings()))
    print("database is up to date")
    exit_now(0)


@app.command("start-onboarding")
def start_onboarding() -> None:
    """Start the data-exchange onboarding of sites registered but not yet onboarding (after
    `cair migrate` to release 0006: each gets staging credentials by e-mail)."""
    from cair.cli.operator_runtime import run
    from cair.operations import data_exchange

    started = run(data_exchange.start_waiting)
    for site_id in started:
        print(f"{site_id}: onboarding started; staging credentials follow by e-mail")
    print(f"{len(started)} site(s) started")
    exit_now(0)


@staff_app.command("add")
def staff_add(
    email_address: Annotated[str, typer.Argument(metavar="EMAIL")],
    role: Annotated[
        list[str], typer.Option("--role", help="reviewer, trainer or admin (repeatable).")
    ],
    name: Annotated[str, typer.Option(help="The staff member's name.")] = "",
) -> None:
    """OPERATOR: add a staff member (or change their roles)."""
    from cair.cli.operator_runtime import run
    from cair.operations import staff_accounts

    print(run(lambda ctx: staff_accounts.add(ctx, email_address, roles=role, name=name)))
    exit_now(0)


@staff_app.command("remove")
def staff_remove(email_address: Annotated[str, typer.Argument(metavar="EMAIL")]) -> None:
    """OPERATOR: remove a staff member: their sessions and sign-in links end at once
    (`cair staff add` brings them back, to enrol a second factor again)."""
    from cair.cli.operator_runtime import run
    from cair.operations import staff_accounts

    print(run(lambda ctx: staff_accounts.remove(ctx, email_address)))
    exit_now(0)


@staff_app.command("reset-2fa")
def staff_reset_second_factor(
    email_address: Annotated[str, typer.Argument(metavar="EMAIL")],
) -> None:
    """OPERATOR: forget a staff member's authenticator and recovery codes (a lost phone):
    their sessions end; they enrol anew at their next sign-in."""
    from cair.cli.operator_runtime import run
    from cair.operations import staff_accounts

    print(run(lambda ctx: staff_accounts.reset_second_factor(ctx, email_address)))
    exit_now(0)


@app.command()
def outbox(
    last: Annotated[int, typer.Option(help="How many of the newest e-mails.")] = 1,
    to: Annotated[str | None, typer.Option(help="Only e-mails to this address.")] = None,
) -> None:
    """DEV: print the newest e-mails the dev stack's SMTP server kept (var/outbox)."""
    import email
    import email.policy

    from cair.cli.operator_runtime import settings

    folder = settings().resolved_outbox_dir()
    messages = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        recipients = f"{message['To']} {message.get('Cc', '')}".lower()
        if to is None or to.lower() in recipients:
            messages.append(message)
    if not messages:
        fail(f"no e-mails in {folder}" + (f" to {to}" if to else ""))
    for message in messages[-last:]:
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        print(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text}\n{'-' * 72}")
    exit_now(0)
