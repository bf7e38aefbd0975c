"""Activities of the OrganizationWorkflow: apply one account change, decide a change that waits
for staff (a raise, a provider of record, a closure), expire sign-in links. The rules are pure
(``domain/change_rules``); these activities read the facts, carry out the plan and record the
outcome, keyed by organization and change id, so a retry after a crash returns the recorded
outcome instead of applying the change again."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from temporalio import activity

from cair.activities.change_plans import account_facts, carry_out
from cair.activities.failures import MissingRecord, classify_failures
from cair.domain import ids
from cair.domain.access import Role
from cair.domain.account_changes import ChangeKind, ChangeStatus
from cair.domain.change_plans import NEW_USER_ID, ChangePlan
from cair.domain.change_rules import plan_change, plan_decision
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.organization import (
    AccountChange,
    ApplyChange,
    ChangeOutcome,
    ChangeResult,
    DecideChange,
)
from cair.store import audit, changes, links, organizations
from cair.store.database import Database, Session
from cair.store.models import AccountChangeRow, OrganizationRow


class AccountActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name=Activity.APPLY_ACCOUNT_CHANGE)
    @classify_failures
    async def apply_account_change(self, order: ApplyChange) -> ChangeOutcome:
        change = order.change
        async with self.db.sessions.begin() as session:
            row = await changes.find(session, order.provider_id, change.change_id)
            if row is not None and row.status != ChangeStatus.QUEUED:
                return _stored_outcome(row)
            org = await _organization(session, order.provider_id)
            if row is None:
                row = await changes.create(
                    session,
                    AccountChangeRow(
                        change_id=change.change_id,
                        provider_id=order.provider_id,
                        kind=change.kind.value,
                        target_user_id=change.user_id,
                        details=_details(change),
                        status=ChangeStatus.QUEUED.value,
                        requested_by=change.requested_by,
                    ),
                )
            facts = await account_facts(
                session, org, user_id=change.user_id, now=datetime.fromisoformat(order.now)
            )
            plan = plan_change(
                change.kind,
                facts,
                change_id=change.change_id,
                requested_by=change.requested_by,
                user_id=change.user_id,
                role=change.role,
                new_user=change.new_user,
                info=change.info,
                user_update=change.user_update,
                email=change.email,
                site_id=change.site_id,
                name=change.name,
                provider_of_record=change.provider_of_record,
                reason=change.reason,
            )
            outcome = await _execute(session, org, plan, change, actor=change.requested_by)
            _record(row, outcome, plan)
            subject_type, subject_id = _subject(outcome, plan, order.provider_id)
            await audit.append(
                session,
                key=f"{order.provider_id}/change-{change.change_id}/applied",
                actor=change.requested_by,
                action=f"account.{change.kind.value}",
                subject_type=subject_type,
                subject_id=subject_id,
                provider_id=order.provider_id,
                old=plan.old,
                new={
                    **plan.new,
                    "status": outcome.result.status.value,
                    "change_id": change.change_id,
                },
            )
            return outcome

    @activity.defn(name=Activity.DECIDE_ACCOUNT_CHANGE)
    @classify_failures
    async def decide_account_change(self, order: DecideChange) -> ChangeOutcome:
        decision = order.decision
        async with self.db.sessions.begin() as session:
            row = await changes.find(session, order.provider_id, decision.change_id)
            if row is None:
                raise MissingRecord(f"no change {decision.change_id} in {order.provider_id}")
            if row.status != ChangeStatus.AWAITING_APPROVAL:
                return _stored_outcome(row)
            org = await _organization(session, order.provider_id)
            change = changes.awaiting_change(row)
            facts = await account_facts(
                session, org, user_id=change.user_id, now=datetime.fromisoformat(order.now)
            )
            plan = plan_decision(
                facts,
                change_id=change.change_id,
                user_id=change.user_id,
                role=change.role,
                approve=decision.approve,
                reason=decision.reason,
                kind=change.kind,
                provider_of_record=change.provider_of_record,
                closing_reason=change.reason or "",
                new_user=change.new_user,
                info=change.info,
                contact_confirmed=bool(row.details.get("contact_confirmed_at")),
            )
            outcome = await _execute(session, org, plan, change, actor=decision.by)
            row.decided_by = decision.by
            _record(row, outcome, plan)
            verdict = "approved" if decision.approve else "rejected"
            await audit.append(
                session,
                key=f"{order.provider_id}/change-{decision.change_id}/decided",
                actor=decision.by,
                action=f"account.{change.kind.value}.{verdict}",
                subject_type="user" if change.kind == ChangeKind.CHANGE_ROLE else "organization",
                subject_id=row.target_user_id or order.provider_id,
                provider_id=order.provider_id,
                old=plan.old,
                new={**plan.new, "status": outcome.result.status.value},
            )
            return outcome

    @activity.defn(name=Activity.EXPIRE_SIGN_IN_LINK)
    @classify_failures
    async def expire_sign_in_link(self, issue_key: str) -> None:
        """End a sign-in link's life when its workflow timer fires (workflow time, testable)."""
        async with self.db.sessions.begin() as session:
            await links.expire(session, issue_key=issue_key)


async def _execute(
    session: Session, org: OrganizationRow, plan: ChangePlan, change: AccountChange, *, actor: str
) -> ChangeOutcome:
    """Carry out the plan and say what the workflow must do next."""
    created = await carry_out(
        session,
        org,
        plan,
        creation_key=f"{org.provider_id}/change-{change.change_id}",
        actor=actor,
    )
    user_id = created or plan.user_id
    gate = plan.start_gate
    gate_id = None
    if gate is not None and user_id is not None:
        gate_id = gate.workflow_id or ids.user_gate_workflow_id(user_id)
    return ChangeOutcome(
        result=ChangeResult(
            change_id=change.change_id,
            kind=change.kind,
            status=plan.status,
            message=plan.message.replace(NEW_USER_ID, user_id or "?"),
            user_id=user_id,
        ),
        start_gate=gate_id is not None,
        gate_role=gate.role if gate is not None else None,
        gate_workflow_id=gate_id,
        stop_gate_workflow_id=plan.stop_gate,
        notify=plan.notify,
        stop_gate_workflow_ids=list(plan.stop_gates),
        stop_dx_workflow_ids=list(plan.stop_dx),
        confirm_email=plan.confirm_email,
    )


def _subject(outcome: ChangeOutcome, plan: ChangePlan, provider_id: str) -> tuple[str, str]:
    """Whom the audit entry is about: the user, the site, or the organization."""
    if outcome.result.user_id:
        return "user", outcome.result.user_id
    if plan.site_id:
        return "site", plan.site_id
    return "organization", provider_id


async def _organization(session: Session, provider_id: str) -> OrganizationRow:
    org = await organizations.by_provider_id(session, provider_id)
    if org is None:
        raise MissingRecord(f"no organization {provider_id}")
    return org


def _details(change: AccountChange) -> dict[str, Any]:
    """What the change asked for, for the change log (no secrets exist in changes)."""
    details: dict[str, Any] = {"role": change.role.value if change.role else None}
    if change.new_user is not None:
        details["new_user"] = change.new_user.model_dump(mode="json")
    if change.info is not None:
        details["info"] = change.info.model_dump(mode="json", exclude_unset=True)
    if change.user_update is not None:
        details["user_update"] = change.user_update.model_dump(mode="json", exclude_none=True)
    if change.email is not None:
        details["representative"] = change.email
    if change.site_id is not None:
        details["site_id"] = change.site_id
    if change.name is not None:
        details["name"] = change.name
    if change.provider_of_record is not None:
        details["provider_of_record"] = change.provider_of_record.model_dump(mode="json")
    if change.reason is not None:
        details["reason"] = change.reason
    return details


def _record(row: AccountChangeRow, outcome: ChangeOutcome, plan: ChangePlan) -> None:
    row.status = outcome.result.status.value
    row.outcome = outcome.result.message
    row.target_user_id = outcome.result.user_id
    row.details = {
        **row.details,
        "outcome": _jsonable(asdict(outcome)),
        "also_tell": list(plan.also_tell),
    }


def _jsonable(value: Any) -> Any:
    """Enums as their values, so the stored outcome is plain JSON."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.value if hasattr(value, "value") else value


def _stored_outcome(row: AccountChangeRow) -> ChangeOutcome:
    stored = dict(row.details["outcome"])
    result = stored.pop("result")
    return ChangeOutcome(
        result=ChangeResult(
            change_id=result["change_id"],
            kind=ChangeKind(result["kind"]),
            status=ChangeStatus(result["status"]),
            message=result["message"],
            user_id=result.get("user_id"),
        ),
        start_gate=bool(stored.get("start_gate")),
        gate_role=Role(stored["gate_role"]) if stored.get("gate_role") else None,
        gate_workflow_id=stored.get("gate_workflow_id"),
        stop_gate_workflow_id=stored.get("stop_gate_workflow_id"),
        notify=bool(stored.get("notify", True)),
        stop_gate_workflow_ids=list(stored.get("stop_gate_workflow_ids") or []),
        stop_dx_workflow_ids=list(stored.get("stop_dx_workflow_ids") or []),
    )
