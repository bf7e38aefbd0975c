"""The ``record_incident`` activity: a workflow step failed for good and waits for staff."""

from __future__ import annotations

from temporalio import activity

from cair.activities.failures import classify_failures
from cair.domain.account_changes import DECISION_STEP, ChangeStatus
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.failures import Incident
from cair.domain.stages import Stage
from cair.store import audit, changes, enrollments, incidents
from cair.store.database import Database, Session
from cair.store.models import IncidentRow


class IncidentActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name=Activity.RECORD_INCIDENT)
    @classify_failures
    async def record_incident(self, incident: Incident) -> None:
        """Record once per key; an enrollment shows ``needs_attention`` in staff's listing."""
        async with self.db.sessions.begin() as session:
            await incidents.record(
                session,
                IncidentRow(
                    key=incident.key[:200],
                    workflow_id=incident.workflow_id[:120],
                    step=incident.step[:120],
                    reason=incident.reason,
                    enrollment_id=incident.enrollment_id,
                    provider_id=incident.provider_id,
                    user_id=incident.user_id,
                    change_id=incident.change_id,
                ),
            )
            if incident.enrollment_id:
                row = await enrollments.get(session, incident.enrollment_id)
                if row is not None:
                    row.stage = Stage.NEEDS_ATTENTION.value
            if incident.step == DECISION_STEP and incident.change_id and incident.provider_id:
                await _decision_failed(session, incident.provider_id, incident.change_id)
            await audit.append(
                session,
                key=f"incident/{incident.key}",
                actor="system",
                action="incident.recorded",
                subject_type="workflow",
                subject_id=incident.workflow_id[:60],
                provider_id=incident.provider_id,
                new={"step": incident.step, "reason": incident.reason},
            )


async def _decision_failed(session: Session, provider_id: str, change_id: str) -> None:
    """Staff's decision could not be carried out (its transaction kept nothing) and the
    account's workflow has dropped the change: the change log says so, instead of showing it
    awaiting staff for ever on the account and in staff's list."""
    row = await changes.find(session, provider_id, change_id)
    if row is not None and row.status == ChangeStatus.AWAITING_APPROVAL:
        row.status = ChangeStatus.FAILED.value
        row.outcome = (
            "the decision could not be carried out and nothing of it was kept; registry staff "
            "have been told"
        )
