"""Activities on user accounts: state changes along the training gate, with their audit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from temporalio import activity

from cair.domain.contracts import UserState, UserStateChange
from cair.store.audit import append_audit
from cair.store.database import Database
from cair.store.models import OrganizationRow, UserRow


class UserActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name="set_user_state")
    async def set_user_state(self, change: UserStateChange) -> None:
        async with self.db.sessions.begin() as session:
            user = await session.scalar(select(UserRow).where(UserRow.user_id == change.user_id))
            if user is None:
                raise LookupError(f"no user {change.user_id}")
            org = await session.get(OrganizationRow, user.organization_id)
            old = {"state": user.state}
            user.state = change.state
            if change.deadline is not None:
                user.training_deadline = datetime.fromisoformat(change.deadline)
            if change.training is not None:
                user.training_kind = change.training.kind
                user.training_date = change.training.date
                user.trained_by = change.training.by
            if change.state == UserState.ACTIVE and user.activated_at is None:
                user.activated_at = datetime.now(UTC)
            new: dict[str, object] = {"state": change.state}
            if change.deadline:
                new["training_deadline"] = change.deadline
            if change.training:
                new["training"] = {"kind": change.training.kind, "date": change.training.date}
            await append_audit(
                session,
                key=f"user-{change.user_id}/{change.step}",
                actor=change.actor,
                action="user.state",
                subject_type="user",
                subject_id=change.user_id,
                provider_id=org.provider_id if org else None,
                old=old,
                new=new,
            )
