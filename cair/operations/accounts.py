"""Account management by authorized representatives (sign-in, changes) and by staff (approve or
reject changes that raise access). Every representative operation checks the session against
the organization it touches: one organization's representative never reaches another's."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from cair.domain.account import (
    AccountChange,
    ChangeDecision,
    ChangeKind,
    ChangeResult,
    ChangeStatus,
    InfoUpdate,
    PendingChanges,
    SignInInput,
)
from cair.domain.identifiers import normalize_email
from cair.domain.request import RequestedUser
from cair.operations.context import Context, OperationError
from cair.operations.links import open_link
from cair.operations.updates import send_update
from cair.security.tokens import new_token, token_digest
from cair.store.models import (
    AccountChangeRow,
    AuditRow,
    OrganizationRow,
    RepresentativeRow,
    RepSessionRow,
    SiteRow,
    UserRow,
    as_utc,
)
from cair.store.queries import find_change
from cair.workflows.organization import OrganizationWorkflow
from cair.workflows.sign_in import RepresentativeSignInWorkflow

SESSION_TTL = timedelta(hours=8)
SIGN_IN_TTL_MINUTES = 15
SIGN_IN_ANSWER = (
    "If {email} is an authorized representative of {provider_id}, a sign-in link is on its way "
    "to that address; it works for {minutes} minutes."
)


@dataclass(frozen=True)
class Session:
    """A signed-in representative."""

    token: str
    provider_id: str
    email: str
    expires_at: str


# ---- sign-in ----------------------------------------------------------------------------------


async def sign_in(ctx: Context, provider_id: str, email: str) -> str:
    """E-mail a sign-in link to a representative. Anyone else gets the same answer and no
    e-mail, so the command cannot be used to find out who represents an organization."""
    answer = SIGN_IN_ANSWER.format(
        email=email, provider_id=provider_id, minutes=SIGN_IN_TTL_MINUTES
    )
    async with ctx.db.sessions() as session:
        representative = await session.scalar(
            select(RepresentativeRow)
            .join(OrganizationRow, OrganizationRow.id == RepresentativeRow.organization_id)
            .where(
                OrganizationRow.provider_id == provider_id,
                func.lower(RepresentativeRow.email) == normalize_email(email),
                RepresentativeRow.active.is_(True),
            )
        )
    if representative is None:
        return answer
    client = await ctx.temporal()
    await client.start_workflow(
        RepresentativeSignInWorkflow.run,
        SignInInput(
            provider_id=provider_id,
            representative_id=representative.id,
            ttl_minutes=SIGN_IN_TTL_MINUTES,
            activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
        ),
        id=f"sign-in-{provider_id}-{secrets.token_hex(4)}",
        task_queue=ctx.settings.temporal_task_queue,
    )
    return answer


async def redeem(ctx: Context, token: str) -> Session:
    """Exchange a sign-in link for a session token (stored only as a digest)."""
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose="sign_in")
        representative = await session.get(
            RepresentativeRow, int(link.subject.removeprefix("rep:"))
        )
        if representative is None or not representative.active:
            raise OperationError("you are no longer an authorized representative")
        org = await session.get(OrganizationRow, representative.organization_id)
        assert org is not None and org.provider_id is not None
        session_token = new_token()
        expires = datetime.now(UTC) + SESSION_TTL
        session.add(
            RepSessionRow(
                token_hash=token_digest(session_token),
                representative_id=representative.id,
                provider_id=org.provider_id,
                expires_at=expires,
            )
        )
        return Session(
            token=session_token,
            provider_id=org.provider_id,
            email=representative.email,
            expires_at=expires.isoformat(),
        )


async def authorize(ctx: Context, session_token: str | None, provider_id: str) -> str:
    """The representative's e-mail if the session is valid for ``provider_id``."""
    refusal = f"not signed in as an authorized representative of {provider_id}"
    if not session_token:
        raise OperationError(f"{refusal}: sign in with `cair account sign-in` first")
    async with ctx.db.sessions() as session:
        row = await session.scalar(
            select(RepSessionRow).where(RepSessionRow.token_hash == token_digest(session_token))
        )
        if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= datetime.now(UTC):
            raise OperationError(f"{refusal}: the session is unknown, ended or expired")
        if row.provider_id != provider_id:
            raise OperationError(refusal)
        representative = await session.get(RepresentativeRow, row.representative_id)
        if representative is None or not representative.active:
            raise OperationError(refusal)
        return representative.email


# ---- reading ----------------------------------------------------------------------------------


async def show(ctx: Context, session_token: str | None, provider_id: str) -> dict[str, Any]:
    await authorize(ctx, session_token, provider_id)
    async with ctx.db.sessions() as session:
        org = await _org(session, provider_id)
        site = await session.scalar(select(SiteRow).where(SiteRow.organization_id == org.id))
        users = (
            await session.scalars(
                select(UserRow).where(UserRow.organization_id == org.id).order_by(UserRow.id)
            )
        ).all()
        reps = (
            await session.scalars(
                select(RepresentativeRow).where(
                    RepresentativeRow.organization_id == org.id, RepresentativeRow.active.is_(True)
                )
            )
        ).all()
    return {
        "provider_id": org.provider_id,
        "name": org.name,
        "type": org.org_type,
        "county": org.county,
        "access_level": org.access_level,
        "contacts": org.contacts,
        "site": {
            "facility_id": site.facility_id if site else None,
            "physical_address": site.physical_address if site else None,
            "mailing_address": site.mailing_address if site else None,
            "vaccine_delivery_address": site.vaccine_delivery_address if site else None,
            "vfc_pin": site.vfc_pin if site else None,
        },
        "users": [
            {
                "user_id": u.user_id,
                "name": f"{u.first_name} {u.last_name}",
                "email": u.email,
                "role": u.role,
                "state": u.state,
            }
            for u in users
        ],
        "representatives": [{"email": r.email, "name": r.name, "user_id": r.user_id} for r in reps],
    }


async def changes(ctx: Context, session_token: str | None, provider_id: str) -> dict[str, Any]:
    """The queue (from the workflow) and the history (from the store)."""
    await authorize(ctx, session_token, provider_id)
    client = await ctx.temporal()
    pending: PendingChanges = await client.get_workflow_handle(f"org-{provider_id}").query(
        OrganizationWorkflow.pending_changes
    )
    async with ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(AccountChangeRow)
                .where(AccountChangeRow.provider_id == provider_id)
                .order_by(AccountChangeRow.id)
            )
        ).all()
    return {
        "queued": [asdict(r) for r in pending.queued],
        "awaiting_approval": [asdict(r) for r in pending.awaiting_approval],
        "history": [
            {
                "change_id": r.change_id,
                "kind": r.kind,
                "user_id": r.target_user_id,
                "status": r.status,
                "outcome": r.outcome,
                "requested_by": r.requested_by,
                "decided_by": r.decided_by,
                "at": as_utc(r.updated_at).isoformat(),
            }
            for r in rows
        ],
    }


async def audit(ctx: Context, session_token: str | None, provider_id: str) -> list[dict[str, Any]]:
    await authorize(ctx, session_token, provider_id)
    async with ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(AuditRow).where(AuditRow.provider_id == provider_id).order_by(AuditRow.id)
            )
        ).all()
    return [
        {
            "at": as_utc(r.at).isoformat(),
            "actor": r.actor,
            "action": r.action,
            "subject": f"{r.subject_type} {r.subject_id}",
            "old": r.old_value,
            "new": r.new_value,
        }
        for r in rows
    ]


# ---- changes ----------------------------------------------------------------------------------


def new_change_id() -> str:
    return "CH" + secrets.token_hex(5).upper()


async def update_info(
    ctx: Context,
    session_token: str | None,
    provider_id: str,
    info: InfoUpdate,
    *,
    change_id: str | None = None,
) -> ChangeResult:
    return await _submit(
        ctx, session_token, provider_id, ChangeKind.UPDATE_INFO, change_id, info=info
    )


async def add_user(
    ctx: Context,
    session_token: str | None,
    provider_id: str,
    user: RequestedUser,
    *,
    change_id: str | None = None,
) -> ChangeResult:
    return await _submit(
        ctx, session_token, provider_id, ChangeKind.ADD_USER, change_id, new_user=user
    )


async def user_change(
    ctx: Context,
    session_token: str | None,
    kind: ChangeKind,
    user_id: str,
    *,
    role: str | None = None,
    change_id: str | None = None,
) -> ChangeResult:
    """inactivate / reactivate / change role / name or remove representative, for one user."""
    async with ctx.db.sessions() as session:
        provider_id = await session.scalar(
            select(OrganizationRow.provider_id)
            .join(UserRow, UserRow.organization_id == OrganizationRow.id)
            .where(UserRow.user_id == user_id)
        )
    if provider_id is None:
        raise OperationError(f"no user {user_id}")
    return await _submit(
        ctx, session_token, provider_id, kind, change_id, user_id=user_id, role=role
    )


async def pending_approvals(ctx: Context) -> list[dict[str, Any]]:
    """Staff: every change that waits for a decision, oldest first, across organizations."""
    async with ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(AccountChangeRow)
                .where(AccountChangeRow.status == ChangeStatus.AWAITING_APPROVAL.value)
                .order_by(AccountChangeRow.id)
            )
        ).all()
    return [
        {
            "change_id": r.change_id,
            "provider_id": r.provider_id,
            "user_id": r.target_user_id,
            "role": r.details.get("role"),
            "requested_by": r.requested_by,
            "since": as_utc(r.created_at).isoformat(),
        }
        for r in rows
    ]


async def decide(
    ctx: Context, change_id: str, *, approve: bool, by: str, reason: str = ""
) -> ChangeResult:
    """Staff: approve or reject a change that raises a user's access."""
    async with ctx.db.sessions() as session:
        row = await find_change(session, change_id)
    if row is None:
        raise OperationError(f"no change {change_id}")
    client = await ctx.temporal()

    async def missing() -> str:
        return f"cannot decide change {change_id}: the account of {row.provider_id} is not open"

    result = await send_update(
        client.get_workflow_handle(f"org-{row.provider_id}"),
        "decide_change",
        ChangeDecision(change_id=change_id, approve=approve, by=by, reason=reason),
        result_type=ChangeResult,
        missing=missing,
    )
    return result


async def _submit(
    ctx: Context,
    session_token: str | None,
    provider_id: str,
    kind: ChangeKind,
    change_id: str | None,
    **fields: Any,
) -> ChangeResult:
    requested_by = await authorize(ctx, session_token, provider_id)
    change = AccountChange(
        change_id=change_id or new_change_id(), kind=kind, requested_by=requested_by, **fields
    )
    client = await ctx.temporal()

    async def missing() -> str:
        return f"the account of {provider_id} is not open for changes yet"

    result = await send_update(
        client.get_workflow_handle(f"org-{provider_id}"),
        "submit_change",
        change,
        result_type=ChangeResult,
        missing=missing,
    )
    if result.status == ChangeStatus.REFUSED:
        raise OperationError(f"change {result.change_id} refused: {result.message}")
    return result


async def _org(session: Any, provider_id: str) -> OrganizationRow:
    org: OrganizationRow | None = await session.scalar(
        select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
    )
    if org is None:
        raise OperationError(f"no organization {provider_id}")
    return org
