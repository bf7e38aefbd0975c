"""The ``purge_expired`` activity: delete what is past its retention period (docs/operations.md,
"Retention") and audit how much went.

Idempotent: the cut-offs come in the order (from the workflow's clock), so a retry or a re-run
selects only what is still there and older than they are: nothing more. Each batch commits on
its own, so a retry after a timeout carries on where the last attempt stopped."""

from __future__ import annotations

from temporalio import activity

from cair.activities.failures import classify_failures
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.retention import PurgeCounts, PurgedKind, PurgeOrder
from cair.store import audit, retention
from cair.store.database import Database
from cair.telemetry.metrics import PURGED


class RetentionActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name=Activity.PURGE_EXPIRED)
    @classify_failures
    async def purge_expired(self, order: PurgeOrder) -> PurgeCounts:
        """Every kind in turn, then one audit row per kind that lost rows (its count and
        cut-off): the audit log says what retention deleted, never which rows."""
        sessions = self.db.sessions
        counts = PurgeCounts(
            closed_requests=await retention.closed_requests(sessions, order.closed_requests_before),
            dx_messages=await retention.dx_messages(sessions, order.dx_messages_before),
            links=await retention.links(sessions, order.links_before),
            sessions=await retention.sessions_ended(sessions, order.sessions_before),
            idempotency_keys=await retention.idempotency_keys(sessions, order.sessions_before),
            rate_limit_attempts=await retention.attempts(sessions, order.sessions_before),
        )
        cut_offs = {
            PurgedKind.CLOSED_REQUESTS: order.closed_requests_before,
            PurgedKind.DX_MESSAGES: order.dx_messages_before,
            PurgedKind.LINKS: order.links_before,
        }
        async with self.db.sessions.begin() as session:
            for kind, count in counts.by_kind().items():
                if not count:
                    continue
                PURGED.labels(kind.value).inc(count)
                await audit.append(
                    session,
                    key=f"retention/{order.run_key}/{kind.value}"[:200],
                    actor="system",
                    action="retention.purged",
                    subject_type="retention",
                    subject_id=kind.value,
                    new={
                        "count": count,
                        "before": cut_offs.get(kind, order.sessions_before).isoformat(),
                    },
                )
        return counts
