"""The ``record_incident`` activity: a workflow step failed for good and waits for staff."""

from __future__ import annotations

from temporalio import activity

from cair.activities.failures import classify_failures
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.failures import Incident
from cair.domain.stages import Stage
from cair.store import audit, enrollments, incidents
from cair.store.database import Database
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
