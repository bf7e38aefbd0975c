"""What a representative (or staff) reads about one organization: the account, its changes, its
audit trail. The caller is authorized already (the API's dependencies decide who may read)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cair.domain import ids
from cair.domain.contracts.organization import PendingChanges
from cair.operations.context import Context
from cair.operations.errors import NotFound
from cair.store import audit as audit_log
from cair.store import changes as change_log
from cair.store import organizations, representatives, users
from cair.workflows.organization import OrganizationWorkflow


async def show(ctx: Context, provider_id: str) -> dict[str, Any]:
    async with ctx.db.sessions() as session:
        org = await organizations.by_provider_id(session, provider_id)
        if org is None:
            raise NotFound(f"no organization {provider_id}")
        site = await organizations.main_site(session, org.id)
        members = await users.of_organization(session, org.id)
        reps = await representatives.active_of(session, org.id)
    return {
        "provider_id": org.provider_id,
        "name": org.name,
        "type": org.org_type,
        "county": org.county,
        "region": org.region,
        "access_level": org.access_level,
        "contacts": org.contacts,
        "site": organizations.site_view(site),
        "users": [
            {
                "user_id": u.user_id,
                "name": f"{u.first_name} {u.last_name}",
                "email": u.email,
                "role": u.role,
                "state": u.state,
                "training_deadline": u.training_deadline.isoformat()
                if u.training_deadline
                else None,
                "password_set": u.password_set_at is not None,
            }
            for u in members
        ],
        "representatives": [{"email": r.email, "name": r.name, "user_id": r.user_id} for r in reps],
    }


async def changes(ctx: Context, provider_id: str) -> dict[str, Any]:
    """The queue (from the workflow) and the history (from the store)."""
    client = await ctx.temporal()
    pending: PendingChanges = await client.get_workflow_handle_for(
        OrganizationWorkflow.run, ids.organization_workflow_id(provider_id)
    ).query(OrganizationWorkflow.pending_changes)
    async with ctx.db.sessions() as session:
        history = await change_log.history(session, provider_id)
    return {
        "queued": [asdict(r) for r in pending.queued],
        "awaiting_approval": [asdict(r) for r in pending.awaiting_approval],
        "history": [asdict(entry) for entry in history],
    }


async def audit(ctx: Context, provider_id: str) -> list[dict[str, Any]]:
    async with ctx.db.sessions() as session:
        entries = await audit_log.of_organization(session, provider_id)
    return [asdict(entry) for entry in entries]
