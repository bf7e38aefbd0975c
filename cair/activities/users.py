"""Activities on user accounts: state changes along the training gate, with their audit."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from cair.activities.failures import MissingRecord, classify_failures
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.user_activation import UserStateChange
from cair.domain.ids import user_gate_workflow_id
from cair.domain.user_states import UserState
from cair.store import audit, organizations, users
from cair.store.database import Database


class UserActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name=Activity.SET_USER_STATE)
    @classify_failures
    async def set_user_state(self, change: UserStateChange) -> None:
        async with self.db.sessions.begin() as session:
            user = await users.by_user_id(session, change.user_id)
            if user is None:
                raise MissingRecord(f"no user {change.user_id}")
            org = await organizations.get(session, user.organization_id)
            new: dict[str, object] = {"state": change.state.value}
            if change.deadline:
                new["training_deadline"] = change.deadline
            if change.training:
                new["training"] = {"kind": change.training.kind.value, "date": change.training.date}
            added = await audit.append(
                session,
                key=f"{user_gate_workflow_id(change.user_id)}/{change.step}",
                actor=change.actor,
                action="user.state",
                subject_type="user",
                subject_id=change.user_id,
                provider_id=org.provider_id if org else None,
                old={"state": user.state},
                new=new,
            )
            if not added:
                return  # run again after a crash: the state may have changed since
            user.state = change.state.value
            if change.deadline is not None:
                user.training_deadline = datetime.fromisoformat(change.deadline)
            if change.training is not None:
                user.training_kind = change.training.kind.value
                user.training_date = change.training.date
                user.trained_by = change.training.by
            if change.state == UserState.ACTIVE and user.activated_at is None:
                user.activated_at = datetime.now(UTC)
