"""Sending Facility consents: which role 2 sites of other organizations name a facility, and
what the facility's organization decided. A request is derived, never written: a role 2 site
whose Sending Facility belongs to another organization asks by naming it (whichever way it was
registered); only a decision is a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from cair.store.models import DxFacilityConsentRow, DxSiteRow, OrganizationRow, as_utc


class ConsentState(StrEnum):
    PENDING = "pending"  # no decision yet
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True)
class ConsentRequest:
    """One role 2 site of another organization that names one of a facility's sites."""

    client_site_id: str
    client_site_name: str
    client_provider_id: str
    client_organization: str
    facility_site_id: str
    facility_site_name: str
    facility_provider_id: str
    state: ConsentState
    requested_at: datetime  # when the client site was registered
    decided_by: str | None
    decided_at: datetime | None


def accepted(
    client_id: InstrumentedAttribute[int], facility_site_id: InstrumentedAttribute[str | None]
) -> ColumnElement[bool]:
    """The facility's organization accepted this client (for queries of other store modules)."""
    return exists().where(
        DxFacilityConsentRow.client_dx_site_id == client_id,
        DxFacilityConsentRow.facility_site_id == facility_site_id,
        DxFacilityConsentRow.state == ConsentState.ACCEPTED.value,
    )


_CLIENT = aliased(DxSiteRow, name="client")
_FACILITY = aliased(DxSiteRow, name="facility")
_CLIENT_ORG = aliased(OrganizationRow, name="client_org")
_FACILITY_ORG = aliased(OrganizationRow, name="facility_org")


def _requests() -> Select[
    DxSiteRow, DxSiteRow, OrganizationRow, OrganizationRow, DxFacilityConsentRow
]:
    return (
        select(_CLIENT, _FACILITY, _CLIENT_ORG, _FACILITY_ORG, DxFacilityConsentRow)
        .join(
            _FACILITY,
            and_(_FACILITY.site_id == _CLIENT.sending_facility_id, _FACILITY.role == 3),
        )
        .join(_CLIENT_ORG, _CLIENT_ORG.id == _CLIENT.organization_id)
        .join(_FACILITY_ORG, _FACILITY_ORG.id == _FACILITY.organization_id)
        .outerjoin(
            DxFacilityConsentRow,
            and_(
                DxFacilityConsentRow.client_dx_site_id == _CLIENT.id,
                DxFacilityConsentRow.facility_site_id == _CLIENT.sending_facility_id,
            ),
        )
        .where(
            _CLIENT.role == 2,
            _CLIENT.site_id.is_not(None),
            _CLIENT.organization_id != _FACILITY.organization_id,
        )
        .order_by(_CLIENT.created_at, _CLIENT.id)
    )


async def requests(
    session: AsyncSession,
    *,
    to_provider: str | None = None,
    from_provider: str | None = None,
    client_site_id: str | None = None,
) -> list[ConsentRequest]:
    """Requests to ``to_provider``'s facilities, or from ``from_provider``'s sites, oldest
    first (``client_site_id``: that site's only)."""
    query = _requests()
    if to_provider is not None:
        query = query.where(_FACILITY_ORG.provider_id == to_provider)
    if from_provider is not None:
        query = query.where(_CLIENT_ORG.provider_id == from_provider)
    if client_site_id is not None:
        query = query.where(_CLIENT.site_id == client_site_id)
    rows = await session.execute(query)
    return [_request(c, f, co, fo, d) for c, f, co, fo, d in rows.all()]


def _request(
    client: DxSiteRow,
    facility: DxSiteRow,
    client_org: OrganizationRow,
    facility_org: OrganizationRow,
    decision: DxFacilityConsentRow | None,
) -> ConsentRequest:
    return ConsentRequest(
        client_site_id=client.site_id or "",
        client_site_name=client.site_name,
        client_provider_id=client_org.provider_id or "",
        client_organization=client_org.name,
        facility_site_id=facility.site_id or "",
        facility_site_name=facility.site_name,
        facility_provider_id=facility_org.provider_id or "",
        state=ConsentState(decision.state) if decision else ConsentState.PENDING,
        requested_at=as_utc(client.created_at),
        decided_by=decision.decided_by if decision else None,
        decided_at=as_utc(decision.decided_at) if decision else None,
    )


async def decide(
    session: AsyncSession, client_site_id: str, facility_site_id: str, state: ConsentState, by: str
) -> datetime | None:
    """Record the decision (over an earlier one); the time it was recorded, or None when the
    site is not registered."""
    client = await session.scalar(select(DxSiteRow).where(DxSiteRow.site_id == client_site_id))
    if client is None:
        return None
    now = datetime.now(UTC)
    row = await session.scalar(
        select(DxFacilityConsentRow).where(
            DxFacilityConsentRow.client_dx_site_id == client.id,
            DxFacilityConsentRow.facility_site_id == facility_site_id,
        )
    )
    if row is None:
        row = DxFacilityConsentRow(
            client_dx_site_id=client.id,
            facility_site_id=facility_site_id,
            state=state.value,
            decided_by=by,
            decided_at=now,
        )
        session.add(row)
    else:
        row.state, row.decided_by, row.decided_at = state.value, by, now
    await session.flush()
    return now


async def state_of(session: AsyncSession, site: DxSiteRow) -> ConsentState | None:
    """Where a role 2 site's link to its Sending Facility stands; None when it needs no
    consent (another role, or a facility of its own organization). A facility that is not (or
    no longer) a registered Sending Facility can consent to nothing: pending."""
    if site.role != 2 or not site.sending_facility_id:
        return None
    facility = await session.scalar(
        select(DxSiteRow).where(DxSiteRow.site_id == site.sending_facility_id, DxSiteRow.role == 3)
    )
    if facility is None:
        return ConsentState.PENDING
    if facility.organization_id == site.organization_id:
        return None
    decided = await session.scalar(
        select(DxFacilityConsentRow.state).where(
            DxFacilityConsentRow.client_dx_site_id == site.id,
            DxFacilityConsentRow.facility_site_id == site.sending_facility_id,
        )
    )
    return ConsentState(decided) if decided else ConsentState.PENDING
