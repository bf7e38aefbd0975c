"""What each e-mail says, gathered from the store by id (the workflow passes ids only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.domain.access import ACCESS_LEVEL_LABELS, ROLE_LABELS, AccessLevel, Role, needs_training
from cair.domain.contracts import MailOrder
from cair.domain.dates import long_date
from cair.domain.regions import RegionMap
from cair.domain.request import Address, EnrollmentRequest
from cair.settings import Settings
from cair.store.link_tokens import issue_link
from cair.store.models import (
    CredentialRow,
    EnrollmentRequestRow,
    OrganizationRow,
    RepresentativeRow,
    UserRow,
)
from cair.store.queries import find_change

HELP_DESK_PHONE = "1-800-578-7889"
HELP_DESK_EMAIL = "CAIRHelpDesk@cdph.ca.gov"
TRAINING_VIDEOS_URL = "https://www.cairweb.org/cair-training/"
WEBINAR_URL = "https://www.cairweb.org/cair-training/#webinars"
PATIENT_NOTICE_URL = "https://www.cairweb.org/docs/IMM-1237.pdf"
OFFICE_WORKFLOW_URL = "https://www.cairweb.org/docs/CAIR-office-workflow-guide.pdf"

LINK_TTL = timedelta(days=7)

ORG_TYPE_LABELS = {
    "healthcare_provider": "Healthcare provider",
    "school": "School",
    "childcare_facility": "Childcare facility",
    "wic_facility": "WIC facility",
    "foster_care_agency": "Foster Care agency",
}


@dataclass(frozen=True)
class Envelope:
    to: list[str]
    cc: list[str]
    context: dict[str, Any]


class MailContext:
    """Builds recipients and template variables for one :class:`MailOrder`."""

    def __init__(self, session: AsyncSession, settings: Settings, regions: RegionMap) -> None:
        self.session = session
        self.settings = settings
        self.regions = regions

    async def build(self, order: MailOrder) -> Envelope:
        base: dict[str, Any] = {
            "help_desk_phone": HELP_DESK_PHONE,
            "help_desk_email": HELP_DESK_EMAIL,
            "training_videos_url": TRAINING_VIDEOS_URL,
            "webinar_url": WEBINAR_URL,
            "patient_notice_url": PATIENT_NOTICE_URL,
            "office_workflow_url": OFFICE_WORKFLOW_URL,
            **order.extra,
        }
        builder = getattr(self, f"_{order.mail.value}")
        envelope: Envelope = await builder(order, base)
        return envelope

    # ---- helpers --------------------------------------------------------------------------

    async def _enrollment(
        self, enrollment_id: str | None
    ) -> tuple[EnrollmentRequestRow, EnrollmentRequest]:
        row = await self.session.get(EnrollmentRequestRow, enrollment_id)
        if row is None:
            raise LookupError(f"no enrollment {enrollment_id}")
        return row, EnrollmentRequest.model_validate(row.request)

    async def _applicant(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        row, request = await self._enrollment(order.enrollment_id)
        primary = request.contacts.primary
        region = self.regions.regions.get(row.region)
        context = {
            **base,
            "contact_name": f"{primary.first_name} {primary.last_name}",
            "org_name": request.organization.name,
            "enrollment_id": row.id,
            "region_name": region.name if region else row.region,
            "county": row.county,
        }
        return Envelope(to=[primary.email], cc=[], context=context)

    async def _user(self, user_id: str | None) -> tuple[UserRow, OrganizationRow]:
        user = await self.session.scalar(select(UserRow).where(UserRow.user_id == user_id))
        if user is None:
            raise LookupError(f"no user {user_id}")
        org = await self.session.get(OrganizationRow, user.organization_id)
        assert org is not None
        return user, org

    def _user_context(
        self, base: dict[str, Any], user: UserRow, org: OrganizationRow
    ) -> dict[str, Any]:
        return {
            **base,
            "user_name": f"{user.first_name} {user.last_name}",
            "user_id": user.user_id,
            "role": user.role,
            "role_label": ROLE_LABELS[Role(user.role)],
            "org_name": org.name,
            "provider_id": org.provider_id,
        }

    async def _setup_link(self, order: MailOrder, user: UserRow) -> dict[str, str]:
        token = await issue_link(
            self.session,
            purpose="password_setup",
            subject=str(user.user_id),
            issue_key=order.key,
            ttl=LINK_TTL,
        )
        return {
            "setup_url": f"{self.settings.public_base_url}/password-setup/{token}",
            "link_expires_on": long_date(datetime.now(UTC) + LINK_TTL),
        }

    async def _credential_link(self, order: MailOrder, org: OrganizationRow) -> dict[str, str]:
        credential = await self.session.scalar(
            select(CredentialRow)
            .where(CredentialRow.organization_id == org.id, CredentialRow.active.is_(True))
            .order_by(CredentialRow.id.desc())
        )
        if credential is None:
            raise LookupError(f"no active credentials for {org.provider_id}")
        token = await issue_link(
            self.session,
            purpose="credential_reveal",
            subject=f"credential:{credential.id}",
            issue_key=order.key,
            ttl=LINK_TTL,
        )
        return {
            "username": credential.username,
            "facility_id": credential.facility_id,
            "reveal_url": f"{self.settings.public_base_url}/credentials/reveal/{token}",
            "expires_on": long_date(datetime.now(UTC) + LINK_TTL),
        }

    # ---- one builder per Mail -------------------------------------------------------------

    async def _acknowledgement(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        return await self._applicant(order, base)

    async def _amendment_received(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        return await self._applicant(order, base)

    async def _rejected(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        return await self._applicant(order, base)

    async def _changes_requested(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        return await self._applicant(order, base)

    async def _expired(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        return await self._applicant(order, base)

    async def _local_rep_applicant(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        envelope = await self._applicant(order, base)
        rep = self.regions.region_for(envelope.context["county"]).representative
        assert rep is not None
        envelope.context.update(
            rep_name=rep.name,
            rep_organization=rep.organization,
            rep_email=rep.email,
            rep_phone=rep.phone,
        )
        return envelope

    async def _local_rep_notice(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        row, request = await self._enrollment(order.enrollment_id)
        rep = self.regions.region_for(row.county).representative
        assert rep is not None
        primary = request.contacts.primary
        context = {
            **base,
            "rep_name": rep.name,
            "enrollment_id": row.id,
            "org_name": request.organization.name,
            "org_type_label": ORG_TYPE_LABELS.get(row.org_type, row.org_type),
            "county": row.county,
            "address": _one_line(request.organization.physical_address),
            "contact_name": f"{primary.first_name} {primary.last_name}",
            "contact_email": primary.email,
            "contact_phone": primary.phone or "",
            "user_count": len(request.users),
        }
        return Envelope(to=[rep.email], cc=[], context=context)

    async def _staff_reminder(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        envelope = await self._applicant(order, base)
        return Envelope(to=[self.settings.staff_queue_email], cc=[], context=envelope.context)

    async def _welcome(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        row, request = await self._enrollment(order.enrollment_id)
        org = await self.session.scalar(
            select(OrganizationRow).where(OrganizationRow.enrollment_id == row.id)
        )
        assert org is not None
        users = (
            await self.session.scalars(
                select(UserRow).where(UserRow.organization_id == org.id).order_by(UserRow.id)
            )
        ).all()
        roles = {Role(u.role) for u in users}
        primary = request.contacts.primary
        context = {
            **base,
            "contact_name": f"{primary.first_name} {primary.last_name}",
            "org_name": org.name,
            "provider_id": org.provider_id,
            "access_level_label": ACCESS_LEVEL_LABELS[AccessLevel(org.access_level)],
            "users": [
                {
                    "user_id": u.user_id,
                    "name": f"{u.first_name} {u.last_name}",
                    "role_label": ROLE_LABELS[Role(u.role)],
                    "needs_training": needs_training(Role(u.role)),
                }
                for u in users
            ],
            "any_training": any(needs_training(r) for r in roles),
            "any_read_only": Role.READ_ONLY in roles,
            "any_dx_qa": Role.DX_QA in roles,
            "credentials": None,
        }
        if org.access_level == AccessLevel.DATA_EXCHANGE:
            context["credentials"] = await self._credential_link(order, org)
        return Envelope(to=[primary.email], cc=[], context=context)

    async def _credentials_reissued(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        org = await self.session.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == order.provider_id)
        )
        if org is None:
            raise LookupError(f"no organization {order.provider_id}")
        primary = org.contacts["primary"]
        technical = org.contacts.get("technical")
        context = {
            **base,
            "contact_name": f"{primary['first_name']} {primary['last_name']}",
            "org_name": org.name,
            "provider_id": org.provider_id,
            "credentials": await self._credential_link(order, org),
        }
        cc = [technical["email"]] if technical and technical["email"] != primary["email"] else []
        return Envelope(to=[primary["email"]], cc=cc, context=context)

    async def _access_ready(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        user, org = await self._user(order.user_id)
        context = self._user_context(base, user, org) | await self._setup_link(order, user)
        return Envelope(to=[user.email], cc=[], context=context)

    async def _password_setup(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        user, org = await self._user(order.user_id)
        context = self._user_context(base, user, org) | await self._setup_link(order, user)
        context["training_label"] = "in-person" if user.training_kind == "in_person" else "webinar"
        return Envelope(to=[user.email], cc=[], context=context)

    async def _training_instructions(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        user, org = await self._user(order.user_id)
        return Envelope(to=[user.email], cc=[], context=self._user_context(base, user, org))

    async def _training_reminder(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        return await self._training_instructions(order, base)

    async def _training_expired(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        user, org = await self._user(order.user_id)
        primary = org.contacts["primary"]["email"]
        cc = [primary] if primary.lower() != user.email.lower() else []
        return Envelope(to=[user.email], cc=cc, context=self._user_context(base, user, org))

    async def _sign_in_link(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        representative = await self.session.get(
            RepresentativeRow, int(order.extra["representative_id"])
        )
        if representative is None:
            raise LookupError("no such representative")
        org = await self.session.get(OrganizationRow, representative.organization_id)
        assert org is not None
        minutes = int(order.extra.get("ttl_minutes", "15"))
        token = await issue_link(
            self.session,
            purpose="sign_in",
            subject=f"rep:{representative.id}",
            issue_key=order.key,
            ttl=timedelta(minutes=minutes),
        )
        context = {
            **base,
            "rep_name": representative.name,
            "org_name": org.name,
            "provider_id": org.provider_id,
            "sign_in_url": f"{self.settings.public_base_url}/account/sign-in/{token}",
            "token": token,
            "minutes": minutes,
        }
        return Envelope(to=[representative.email], cc=[], context=context)

    async def _account_change(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        change = await find_change(self.session, order.extra["change_id"])
        if change is None:
            raise LookupError(f"no change {order.extra['change_id']}")
        org = await self.session.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == change.provider_id)
        )
        assert org is not None
        cc: list[str] = []
        if change.target_user_id:
            user = await self.session.scalar(
                select(UserRow).where(UserRow.user_id == change.target_user_id)
            )
            if user is not None and user.email.lower() != change.requested_by.lower():
                cc.append(user.email)
        context = {
            **base,
            "org_name": org.name,
            "provider_id": org.provider_id,
            "change_id": change.change_id,
            "kind_label": change.kind.replace("_", " "),
            "status": change.status.replace("_", " "),
            "outcome": change.outcome or "",
            "decided_by": change.decided_by,
        }
        return Envelope(to=[change.requested_by], cc=cc, context=context)

    async def _staff_change_approval(self, order: MailOrder, base: dict[str, Any]) -> Envelope:
        envelope = await self._account_change(order, base)
        change = await find_change(self.session, order.extra["change_id"])
        assert change is not None
        summary = (change.details.get("outcome") or {}).get("result", {}).get("message", "")
        envelope.context.update(
            requested_by=change.requested_by,
            user_id=change.target_user_id,
            new_role=change.details.get("role"),
            summary=summary,
        )
        return Envelope(to=[self.settings.staff_queue_email], cc=[], context=envelope.context)


def _one_line(address: Address) -> str:
    parts = [address.line1, address.line2, address.city, f"{address.state} {address.zip}"]
    return ", ".join(p for p in parts if p)
