"""Registry staff: review, record training, decide changes, re-issue credentials, retry held
steps — as the signed-in identity, never a typed name (signing in is in ``staff_session``)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import typer

from cair.cli.api import Api
from cair.cli.common import exit_now, fail
from cair.cli.paging import LimitOption, OffsetOption, every_item, note_the_rest
from cair.cli.root import account_app, app, credentials_app
from cair.domain import ids

TABLE_LIMIT = 200


def _staff(api: Api) -> str:
    return api.session_token("staff")


@app.command(name="list")
def list_(
    stage: Annotated[str | None, typer.Option(help="Only enrollments in this stage.")] = None,
    region: Annotated[str | None, typer.Option(help="Only this region (its key).")] = None,
    org_type: Annotated[
        str | None, typer.Option("--type", help="Only this organization type.")
    ] = None,
    waiting: Annotated[
        int | None, typer.Option(help="Only those waiting at least this many business days.")
    ] = None,
) -> None:
    """STAFF: enrollments, oldest first, with business days waited."""
    api = Api()
    found = api.get(
        "/api/v1/staff/enrollments",
        token=_staff(api),
        stage=stage,
        region=region,
        org_type=org_type,
        min_business_days=waiting,
        limit=TABLE_LIMIT,
    )
    row = "{:<10}  {:<31} {:<22} {:<20} {:<9} {:>4}  {}"
    if found["items"]:
        print(row.format("ID", "STAGE", "REGION", "TYPE", "PROVIDER", "DAYS", "ORGANIZATION"))
    for item in found["items"]:
        view = item["view"]
        print(
            row.format(
                view["id"],
                view["stage"],
                view["region"],
                view["org_type"],
                view["provider_id"] or "-",
                item["waiting_business_days"],
                view["org_name"],
            )
        )
    if not found["items"]:
        print("no enrollments" + (f" in stage {stage}" if stage else ""), file=sys.stderr)
    elif found["total"] > len(found["items"]):
        print(f"({len(found['items'])} of {found['total']} shown)", file=sys.stderr)
    exit_now(0)


def _decide(enrollment_id: str, action: str, body: dict[str, Any] | None = None) -> None:
    api = Api()
    result = api.post(
        f"/api/v1/staff/enrollments/{enrollment_id}/{action}", body, token=_staff(api)
    )
    print(f"{result['id']}: {result['stage']}")
    exit_now(0)


@app.command()
def approve(enrollment_id: str) -> None:
    """STAFF (reviewer): approve an enrollment awaiting review."""
    _decide(enrollment_id, "approve")


@app.command()
def reject(
    enrollment_id: str, reason: Annotated[str, typer.Option(help="Told to the applicant.")]
) -> None:
    """STAFF (reviewer): reject an enrollment, with the reason the applicant will read."""
    _decide(enrollment_id, "reject", {"reason": reason})


@app.command(name="request-changes")
def request_changes(
    enrollment_id: str,
    message: Annotated[str, typer.Option(help="What the applicant must change.")],
) -> None:
    """STAFF (reviewer): send an enrollment back to the applicant for changes."""
    _decide(enrollment_id, "request-changes", {"message": message})


@app.command(name="users")
def users_(
    state: Annotated[
        str | None, typer.Option(help="e.g. pending_training: whom to record training for.")
    ] = None,
    provider: Annotated[str | None, typer.Option(help="Only this Provider ID.")] = None,
    limit: LimitOption = TABLE_LIMIT,
    offset: OffsetOption = 0,
) -> None:
    """STAFF (trainer): users across organizations, soonest training deadline first."""
    api = Api()
    found = api.get(
        "/api/v1/staff/users",
        token=_staff(api),
        state=state,
        provider_id=provider,
        limit=limit,
        offset=offset,
    )
    row = "{:<9} {:<9} {:<10} {:<17} {:<11} {}"
    if found["items"]:
        print(row.format("USER", "PROVIDER", "ROLE", "STATE", "DEADLINE", "ORGANIZATION"))
    for user in found["items"]:
        deadline = (user["training_deadline"] or "-")[:10]
        print(
            row.format(
                user["user_id"],
                user["provider_id"],
                user["role"],
                user["state"],
                deadline,
                user["organization"],
            )
        )
    if not found["items"]:
        print("no users" + (f" in state {state}" if state else ""), file=sys.stderr)
    note_the_rest(found)
    exit_now(0)


@app.command(name="training-complete")
def training_complete(
    user_id: str,
    kind: Annotated[str, typer.Option(help="webinar or in-person")],
    on: Annotated[
        str | None, typer.Option(help="Training date, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """STAFF (trainer): a Regular or Power user completed training; access opens."""
    day = None
    if on is not None:
        try:
            day = date.fromisoformat(on).isoformat()
        except ValueError:
            fail(f"on: {on!r} is not a date (YYYY-MM-DD)")
    api = Api()
    result = api.post(
        f"/api/v1/staff/users/{user_id}/training",
        {"kind": kind.replace("-", "_"), "date": day},
        token=_staff(api),
    )
    print(f"{result['user_id']}: {result['state']}")
    exit_now(0)


@app.command(name="training-extend")
def training_extend(user_id: str, days: Annotated[int, typer.Option(help="Days to add.")]) -> None:
    """STAFF (trainer): give a user more days to complete training."""
    api = Api()
    result = api.post(
        f"/api/v1/staff/users/{user_id}/training-deadline", {"days": days}, token=_staff(api)
    )
    print(f"{result['user_id']}: {result['state']}, deadline {result['deadline']}")
    exit_now(0)


@app.command(name="incidents")
def incidents_(
    all_: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False,
    limit: LimitOption = TABLE_LIMIT,
    offset: OffsetOption = 0,
) -> None:
    """STAFF (admin): steps that failed for good and wait for staff, oldest first."""
    api = Api()
    page = api.get(
        "/api/v1/staff/incidents",
        token=_staff(api),
        include_resolved=all_ or None,
        limit=limit,
        offset=offset,
    )
    found = page["items"]
    for incident in found:
        state = "resolved" if incident["resolved"] else "open"
        print(f"{incident['at'][:16]}  {state:<8} {incident['workflow_id']:<28} {incident['step']}")
        print(f"    {incident['reason']}")
    if not found:
        print("no incidents" if all_ else "no open incidents", file=sys.stderr)
    note_the_rest(page)
    exit_now(0)


@app.command()
def retry(
    workflow: Annotated[str, typer.Argument(help="Workflow id, or an enrollment id.")],
) -> None:
    """STAFF (admin): run a held step again once its cause is mended (see `cair incidents`)."""
    workflow_id = ids.enrollment_workflow_id(workflow) if workflow.startswith("EN") else workflow
    api = Api()
    print(
        api.post("/api/v1/staff/incidents/retry", {"workflow_id": workflow_id}, token=_staff(api))[
            "message"
        ]
    )
    exit_now(0)


@credentials_app.command("reissue")
def credentials_reissue(provider_id: str) -> None:
    """STAFF (admin): new credentials; the old secret stops working; the contact gets a link."""
    api = Api()
    issued = api.post(f"/api/v1/staff/organizations/{provider_id}/credentials", token=_staff(api))
    print(
        f"{provider_id}: new credentials for {issued['username']} e-mailed to the primary contact"
    )
    exit_now(0)


@account_app.command("pending")
def pending(limit: LimitOption = TABLE_LIMIT, offset: OffsetOption = 0) -> None:
    """STAFF (reviewer): changes that wait for approval, oldest first."""
    api = Api()
    found = api.get("/api/v1/staff/changes", token=_staff(api), limit=limit, offset=offset)
    for change in found["items"]:
        print(
            f"{change['change_id']}  {change['provider_id']}  {_asks(change)}  requested by "
            f"{change['requested_by']} since {change['since']}"
        )
    note_the_rest(found)
    exit_now(0)


def _asks(change: dict[str, Any]) -> str:
    """What a waiting change asks for: a raise, a provider of record, a closure."""
    kind = change.get("kind", "change_role")
    if kind == "change_provider_of_record":
        p = change.get("provider_of_record") or {}
        found = [p.get("first_name"), p.get("last_name"), p.get("license_type"), p.get("npi")]
        return "provider of record -> " + " ".join(str(x) for x in found if x)
    if kind == "close_organization":
        return f"close the organization ({change.get('reason') or ''})"
    return f"{change['user_id']} -> {change['role']}"


def _change_decision(change_id: str, provider: str | None, action: str, body: Any = None) -> None:
    api = Api()
    token = _staff(api)
    if provider is None:
        waiting = every_item(api, "/api/v1/staff/changes", token=token)
        matches = [c for c in waiting if c["change_id"] == change_id]
        if len(matches) != 1:
            fail(
                f"error: no change {change_id} awaits approval"
                if not matches
                else f"error: change {change_id} is in several organizations; give --provider"
            )
        provider = matches[0]["provider_id"]
    result = api.post(
        f"/api/v1/staff/organizations/{provider}/changes/{change_id}/{action}", body, token=token
    )
    print(f"{result['change_id']}: {result['status']} - {result['message']}")
    exit_now(0)


ProviderOption = Annotated[
    str | None, typer.Option("--provider", help="The organization's Provider ID.")
]


@account_app.command("approve")
def approve_change(change_id: str, provider: ProviderOption = None) -> None:
    """STAFF (reviewer): approve a change that waits (a raise, a provider of record, a
    closure)."""
    _change_decision(change_id, provider, "approve")


@account_app.command("reject")
def reject_change(
    change_id: str,
    reason: Annotated[str, typer.Option(help="Told to the representative.")] = "",
    provider: ProviderOption = None,
) -> None:
    """STAFF (reviewer): reject a change that waits (a raise, a provider of record, a
    closure)."""
    _change_decision(change_id, provider, "reject", {"reason": reason})
