"""Activities of the OrganizationWorkflow: apply one account change, decide a change that raises
access, expire sign-in links. Each change is keyed by its change id: a retry after a crash
returns the recorded outcome instead of applying the change again."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from cair.activities.provisioning import create_user
from cair.domain.access import AccessLevel, Role, is_raise, needs_training
from cair.domain.account import (
    TRAINING_VALID_DAYS,
    AccountChange,
    ApplyChange,
    ChangeKind,
    ChangeOutcome,
    ChangeResult,
    ChangeStatus,
    DecideChange,
)
from cair.domain.contracts import UserState
from cair.domain.identifiers import normalize_email
from cair.domain.problems import Problem
from cair.domain.validation import (
    check_address,
    check_contacts,
    check_new_user,
    vfc_pin_problems,
)
from cair.store.audit import append_audit
from cair.store.database import Database
from cair.store.link_tokens import revoke_links
from cair.store.models import (
    AccountChangeRow,
    LinkTokenRow,
    OrganizationRow,
    RepresentativeRow,
    RepSessionRow,
    SiteRow,
    UserRow,
)
from cair.store.queries import find_change


class Refused(Exception):
    """The change cannot be applied; the message tells the representative why."""


class AccountActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name="apply_account_change")
    async def apply_account_change(self, order: ApplyChange) -> ChangeOutcome:
        change = order.change
        async with self.db.sessions.begin() as session:
            row = await find_change(session, change.change_id)
            if row is not None and row.status != ChangeStatus.QUEUED:
                return _stored_outcome(row)
            org = await _organization(session, order.provider_id)
            if row is None:
                row = AccountChangeRow(
                    change_id=change.change_id,
                    provider_id=order.provider_id,
                    kind=change.kind.value,
                    target_user_id=change.user_id,
                    details=_details(change),
                    status=ChangeStatus.QUEUED.value,
                    requested_by=change.requested_by,
                )
                session.add(row)
                await session.flush()
            applier = _Applier(session, org, change, datetime.fromisoformat(order.now))
            try:
                outcome = await applier.apply()
            except Refused as refused:
                outcome = ChangeOutcome(result=applier.result(ChangeStatus.REFUSED, str(refused)))
            _record(row, outcome)
            await append_audit(
                session,
                key=f"change-{change.change_id}/applied",
                actor=change.requested_by,
                action=f"account.{change.kind.value}",
                subject_type="user" if outcome.result.user_id else "organization",
                subject_id=outcome.result.user_id or order.provider_id,
                provider_id=order.provider_id,
                old=applier.old,
                new={**applier.new, "status": outcome.result.status, "change_id": change.change_id},
            )
            return outcome

    @activity.defn(name="decide_account_change")
    async def decide_account_change(self, order: DecideChange) -> ChangeOutcome:
        decision = order.decision
        async with self.db.sessions.begin() as session:
            row = await find_change(session, decision.change_id)
            if row is None:
                raise LookupError(f"no change {decision.change_id}")
            if row.status != ChangeStatus.AWAITING_APPROVAL:
                return _stored_outcome(row)
            org = await _organization(session, order.provider_id)
            change = AccountChange(
                change_id=row.change_id,
                kind=ChangeKind(row.kind),
                requested_by=row.requested_by,
                user_id=row.target_user_id,
                role=row.details.get("role"),
            )
            applier = _Applier(session, org, change, datetime.fromisoformat(order.now))
            if decision.approve:
                try:
                    outcome = await applier.raise_role()
                except Refused as refused:
                    outcome = ChangeOutcome(applier.result(ChangeStatus.REFUSED, str(refused)))
            else:
                reason = decision.reason.strip() or "no reason given"
                outcome = ChangeOutcome(
                    applier.result(ChangeStatus.REJECTED, f"registry staff declined: {reason}")
                )
            row.decided_by = decision.by
            _record(row, outcome)
            await append_audit(
                session,
                key=f"change-{decision.change_id}/decided",
                actor=decision.by,
                action="account.change_role.approved"
                if decision.approve
                else "account.change_role.rejected",
                subject_type="user",
                subject_id=row.target_user_id or order.provider_id,
                provider_id=order.provider_id,
                old=applier.old,
                new={**applier.new, "status": outcome.result.status},
            )
            return outcome

    @activity.defn(name="expire_sign_in_link")
    async def expire_sign_in_link(self, issue_key: str) -> None:
        """End a sign-in link's life when its workflow timer fires (workflow time, testable)."""
        now = datetime.now(UTC)
        async with self.db.sessions.begin() as session:
            await session.execute(
                update(LinkTokenRow)
                .where(LinkTokenRow.issue_key == issue_key, LinkTokenRow.used_at.is_(None))
                .values(expires_at=now)
            )


class _Applier:
    """Applies one change inside the caller's transaction, noting old and new values."""

    def __init__(
        self, session: AsyncSession, org: OrganizationRow, change: AccountChange, now: datetime
    ) -> None:
        self.session = session
        self.org = org
        self.change = change
        self.now = now
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        self.user_id = change.user_id

    def result(self, status: ChangeStatus, message: str) -> ChangeResult:
        return ChangeResult(
            change_id=self.change.change_id,
            kind=self.change.kind.value,
            status=status.value,
            message=message,
            user_id=self.user_id,
        )

    def applied(self, message: str, **follow_up: Any) -> ChangeOutcome:
        return ChangeOutcome(result=self.result(ChangeStatus.APPLIED, message), **follow_up)

    async def apply(self) -> ChangeOutcome:
        handlers = {
            ChangeKind.UPDATE_INFO: self.update_info,
            ChangeKind.ADD_USER: self.add_user,
            ChangeKind.INACTIVATE_USER: self.inactivate_user,
            ChangeKind.REACTIVATE_USER: self.reactivate_user,
            ChangeKind.CHANGE_ROLE: self.change_role,
            ChangeKind.NAME_REPRESENTATIVE: self.name_representative,
            ChangeKind.REMOVE_REPRESENTATIVE: self.remove_representative,
        }
        return await handlers[self.change.kind]()

    # ---- organization ---------------------------------------------------------------------

    async def update_info(self) -> ChangeOutcome:
        info = self.change.info
        assert info is not None
        site = await self.session.scalar(
            select(SiteRow).where(SiteRow.organization_id == self.org.id)
        )
        assert site is not None
        receives_vaccine = bool(self.org.info.get("receives_state_supplied_vaccine"))
        problems: list[Problem] = []
        if info.contacts is not None:
            problems += check_contacts(
                info.contacts, receives_state_supplied_vaccine=receives_vaccine
            )
        for name in ("physical_address", "mailing_address", "vaccine_delivery_address"):
            address = getattr(info, name)
            if address is not None:
                problems += check_address(address, name)
        if "vfc_pin" in info.model_fields_set:
            if info.vfc_pin:
                problems += vfc_pin_problems(info.vfc_pin, "vfc_pin")
            elif receives_vaccine:
                problems.append(
                    Problem("vfc_pin", "required while the site receives state-supplied vaccine")
                )
        if problems:
            raise Refused("; ".join(str(p) for p in problems))
        given = info.model_dump(mode="json", exclude_unset=True)
        if "contacts" in given:
            self.old["contacts"], self.org.contacts = self.org.contacts, given["contacts"]
        for name in ("physical_address", "mailing_address", "vaccine_delivery_address", "vfc_pin"):
            if name in given:
                self.old[name] = getattr(site, name)
                setattr(site, name, given[name])
        self.new = given
        changed = ", ".join(name.replace("_", " ") for name in given) or "nothing"
        return self.applied(f"updated {changed}")

    # ---- users ----------------------------------------------------------------------------

    async def add_user(self) -> ChangeOutcome:
        requested = self.change.new_user
        assert requested is not None
        existing = await self.session.scalars(
            select(UserRow.email).where(UserRow.organization_id == self.org.id)
        )
        problems = check_new_user(
            requested,
            access_level=AccessLevel(self.org.access_level),
            existing_emails={normalize_email(e) for e in existing},
            path="user",
        )
        if problems:
            raise Refused("; ".join(str(p) for p in problems))
        role = Role(requested.role)
        user = await create_user(
            self.session,
            organization=self.org,
            creation_key=f"change-{self.change.change_id}",
            first_name=requested.first_name,
            last_name=requested.last_name,
            email=requested.email,
            role=role,
            actor=self.change.requested_by,
        )
        self.user_id = user.user_id
        self.new = {"user_id": user.user_id, "role": role.value, "state": user.state}
        gate = "after training" if needs_training(role) else "at once"
        return self.applied(
            f"added user {user.user_id} ({role.value}); access {gate}",
            start_gate=True,
            gate_role=role.value,
            gate_workflow_id=user.activation_workflow_id,
        )

    async def inactivate_user(self) -> ChangeOutcome:
        user = await self._user()
        if user.state == UserState.INACTIVE:
            raise Refused(f"user {user.user_id} is already inactive")
        representative = await self._representative_of(user)
        if representative is not None and await self._active_representatives() <= 1:
            raise Refused(
                f"user {user.user_id} is the last authorized representative; name another "
                "representative first"
            )
        stop = user.activation_workflow_id if user.state == UserState.PENDING_TRAINING else None
        self.old = {"state": user.state}
        user.state = UserState.INACTIVE
        if representative is not None:
            await self._retire(representative)
        await revoke_links(self.session, subject=str(user.user_id))
        self.new = {"state": user.state}
        return self.applied(f"inactivated user {user.user_id}", stop_gate_workflow_id=stop)

    async def reactivate_user(self) -> ChangeOutcome:
        user = await self._user()
        if user.state not in (UserState.INACTIVE, UserState.TRAINING_EXPIRED):
            raise Refused(f"user {user.user_id} is {user.state}; only inactive users reactivate")
        self.old = {"state": user.state}
        role = Role(user.role)
        if needs_training(role) and not self._training_current(user):
            return self._send_to_training(
                user,
                role,
                "reactivated; training is older than 12 months "
                "or missing, so the user retakes it first",
            )
        user.state = UserState.ACTIVE
        self.new = {"state": user.state}
        return self.applied(
            f"reactivated user {user.user_id}",
            start_gate=not needs_training(role),
            gate_role=role.value,
            gate_workflow_id=f"user-{user.user_id}-{self.change.change_id}",
        )

    async def change_role(self) -> ChangeOutcome:
        user = await self._user()
        new = Role(str(self.change.role))
        old = Role(user.role)
        if user.state == UserState.INACTIVE:
            raise Refused(f"user {user.user_id} is inactive; reactivate the user first")
        if new == old:
            raise Refused(f"user {user.user_id} already has the role {new.value}")
        self.old, self.new = {"role": old.value}, {"role": new.value}
        if is_raise(old, new):
            return ChangeOutcome(
                result=self.result(
                    ChangeStatus.AWAITING_APPROVAL,
                    f"raising user {user.user_id} from {old.value} to {new.value} waits for "
                    "registry staff approval",
                )
            )
        user.role = new.value
        if user.state == UserState.PENDING_TRAINING and not needs_training(new):
            stop = user.activation_workflow_id
            user.state = UserState.ACTIVE
            user.activation_workflow_id = f"user-{user.user_id}-{self.change.change_id}"
            return self.applied(
                f"lowered user {user.user_id} to {new.value}; access at once",
                stop_gate_workflow_id=stop,
                start_gate=True,
                gate_role=new.value,
                gate_workflow_id=user.activation_workflow_id,
            )
        return self.applied(f"lowered user {user.user_id} from {old.value} to {new.value}")

    async def raise_role(self) -> ChangeOutcome:
        """Staff approved a raise: the new role applies, then the training gate if needed."""
        user = await self._user()
        new = Role(str(self.change.role))
        old = Role(user.role)
        if user.state == UserState.INACTIVE:
            raise Refused(f"user {user.user_id} was inactivated meanwhile")
        self.old, self.new = {"role": old.value, "state": user.state}, {"role": new.value}
        user.role = new.value
        if needs_training(new) and not self._training_current(user):
            return self._send_to_training(
                user, new, f"approved: user {user.user_id} becomes {new.value} after training"
            )
        self.new["state"] = user.state
        return self.applied(f"approved: user {user.user_id} is now {new.value}")

    def _send_to_training(self, user: UserRow, role: Role, message: str) -> ChangeOutcome:
        stop = user.activation_workflow_id if user.state == UserState.PENDING_TRAINING else None
        user.state = UserState.PENDING_TRAINING
        user.activation_workflow_id = f"user-{user.user_id}-{self.change.change_id}"
        self.new["state"] = user.state
        return self.applied(
            message,
            stop_gate_workflow_id=stop,
            start_gate=True,
            gate_role=role.value,
            gate_workflow_id=user.activation_workflow_id,
        )

    def _training_current(self, user: UserRow) -> bool:
        if not user.training_date:
            return False
        trained = datetime.fromisoformat(user.training_date).replace(tzinfo=UTC)
        return self.now - trained <= timedelta(days=TRAINING_VALID_DAYS)

    # ---- representatives ------------------------------------------------------------------

    async def name_representative(self) -> ChangeOutcome:
        user = await self._user()
        if user.state != UserState.ACTIVE:
            raise Refused(f"user {user.user_id} is {user.state}; only active users can represent")
        current = await self._representative_of(user, active_only=False)
        if current is not None and current.active:
            raise Refused(f"user {user.user_id} is already an authorized representative")
        if current is None:
            self.session.add(
                RepresentativeRow(
                    organization_id=self.org.id,
                    email=user.email,
                    name=f"{user.first_name} {user.last_name}",
                    user_id=user.user_id,
                    named_by=self.change.requested_by,
                )
            )
        else:
            current.active, current.removed_at, current.user_id = True, None, user.user_id
        self.new = {"representative": user.user_id}
        return self.applied(f"named user {user.user_id} an authorized representative")

    async def remove_representative(self) -> ChangeOutcome:
        user = await self._user()
        representative = await self._representative_of(user)
        if representative is None:
            raise Refused(f"user {user.user_id} is not an authorized representative")
        if await self._active_representatives() <= 1:
            raise Refused("an organization keeps at least one authorized representative")
        await self._retire(representative)
        self.old = {"representative": user.user_id}
        return self.applied(f"user {user.user_id} is no longer an authorized representative")

    # ---- lookups --------------------------------------------------------------------------

    async def _user(self) -> UserRow:
        user = await self.session.scalar(
            select(UserRow).where(
                UserRow.user_id == self.change.user_id, UserRow.organization_id == self.org.id
            )
        )
        if user is None:
            raise Refused(f"no user {self.change.user_id} in {self.org.provider_id}")
        return user

    async def _representative_of(
        self, user: UserRow, *, active_only: bool = True
    ) -> RepresentativeRow | None:
        query = select(RepresentativeRow).where(
            RepresentativeRow.organization_id == self.org.id,
            func.lower(RepresentativeRow.email) == user.email.lower(),
        )
        if active_only:
            query = query.where(RepresentativeRow.active.is_(True))
        found: RepresentativeRow | None = await self.session.scalar(query)
        return found

    async def _active_representatives(self) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(RepresentativeRow)
            .where(
                RepresentativeRow.organization_id == self.org.id, RepresentativeRow.active.is_(True)
            )
        )
        return int(count or 0)

    async def _retire(self, representative: RepresentativeRow) -> None:
        """A representative who leaves loses every session at once."""
        representative.active = False
        representative.removed_at = datetime.now(UTC)
        await self.session.execute(
            update(RepSessionRow)
            .where(
                RepSessionRow.representative_id == representative.id,
                RepSessionRow.revoked_at.is_(None),
            )
            .values(revoked_at=datetime.now(UTC))
        )
        await revoke_links(self.session, subject=f"rep:{representative.id}")


async def _organization(session: AsyncSession, provider_id: str) -> OrganizationRow:
    org = await session.scalar(
        select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
    )
    if org is None:
        raise LookupError(f"no organization {provider_id}")
    return org


def _details(change: AccountChange) -> dict[str, Any]:
    """What the change asked for, for the change log (no secrets exist in changes)."""
    details: dict[str, Any] = {"role": change.role}
    if change.new_user is not None:
        details["new_user"] = change.new_user.model_dump(mode="json")
    if change.info is not None:
        details["info"] = change.info.model_dump(mode="json", exclude_unset=True)
    return details


def _record(row: AccountChangeRow, outcome: ChangeOutcome) -> None:
    row.status = outcome.result.status
    row.outcome = outcome.result.message
    row.target_user_id = outcome.result.user_id
    row.details = {**row.details, "outcome": asdict(outcome)}


def _stored_outcome(row: AccountChangeRow) -> ChangeOutcome:
    stored = dict(row.details["outcome"])
    return ChangeOutcome(**{**stored, "result": ChangeResult(**stored["result"])})
