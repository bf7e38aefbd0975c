"""Data-exchange sites at the IZ Portal: a representative registers a site of a Data Exchange
organization, which starts its onboarding workflow; the representative and staff see every
site's stage, its last messages and ACKs; staff approve production or send a site back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from cair.domain import ids
from cair.domain.contracts.data_exchange import (
    DX_STAGE_WORDS,
    DxOnboardingInput,
    DxStage,
)
from cair.domain.counties import canonical_county
from cair.domain.dx_registration import SiteRegistration
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.test_plan import staging_test_plan
from cair.operations.context import Context
from cair.operations.dx_registrations import (
    checked,
    data_exchange_organization,
    key_of_registration,
    same_site,
    site_for,
)
from cair.operations.errors import NotFound, Refused, Unavailable
from cair.operations.regions import region_map
from cair.operations.sessions import Representative
from cair.store import dx_sites, representatives
from cair.store.database import Session
from cair.store.models import DxSiteRow, as_utc
from cair.temporal import search_attributes as sa
from cair.workflows.dx_onboarding import DataExchangeOnboardingWorkflow


@dataclass(frozen=True)
class SiteView:
    site_id: str
    provider_id: str
    site_name: str
    role: int
    sending_facility_id: str | None
    county: str
    stage: str
    stage_words: str
    stage_note: str | None
    stage_since: str
    registered_at: str
    workflow_id: str
    recent_messages: list[dict[str, Any]] = field(default_factory=list)
    still_needed: list[str] = field(default_factory=list)
    # Who the password links go to (docs/reliability.md, "Who receives a site's credentials").
    credentials_sent_to: str = ""
    bidirectional: bool = False  # it also queries (QBP Z34): its plan has the query cases
    passed: list[str] = field(default_factory=list)  # what of its test plan it has shown


async def register(
    ctx: Context, who: Representative, data: object, *, key: str | None = None
) -> SiteView:
    """Register a site and start its onboarding. The same Idempotency-Key — or, without one,
    the same registration — registers it once; sent again, it also starts an onboarding that
    could not start the first time (Temporal away), so nothing stays half-made."""
    async with ctx.db.sessions.begin() as session:
        row = await _registered(ctx, session, who, data, key)
    # Started once its transaction is over: starting opens sessions of its own.
    return await _started(ctx, row, who.provider_id)


async def _registered(
    ctx: Context, session: Session, who: Representative, data: object, key: str | None
) -> DxSiteRow:
    """The site this registration names: registered before (sent again), or registered now."""
    org = await data_exchange_organization(session, who.provider_id)
    if key:
        registration_key = key_of_registration(who.provider_id, f"key/{key}")
        existing = await dx_sites.by_key(session, registration_key)
        if existing is not None:
            return existing
    own, registration = await checked(ctx, session, org, data)
    same = next((s for s in own if same_site(s, registration)), None)
    if same is not None:
        if not key and _same_body(same, registration):
            return same  # sent again: the same site
        raise InvalidRequest(
            [Problem("site_name", f"this site is registered already, as {same.site_id}")]
        )
    if not key:  # the same body sent again was answered above, as the same site
        body = json.dumps(registration.model_dump(mode="json"), sort_keys=True)
        registration_key = key_of_registration(who.provider_id, f"body/{body}")
    county = canonical_county(registration.county) or registration.county
    region = region_map(ctx).region_for(county)
    site = await site_for(session, org, registration)
    site.region = site.region or region.key
    row = DxSiteRow(
        organization_id=org.id,
        site_row_id=site.id,
        site_id=site.facility_id,
        registration_key=registration_key,
        role=registration.role,
        sending_facility_id=registration.sending_facility_id,
        main_site_id=registration.main_site_id,
        site_name=registration.site_name,
        county=county,
        region=region.key,
        registration=registration.model_dump(mode="json"),
        stage=DxStage.REGISTERED.value,
        registered_by=who.email,
        representative_id=who.representative_id,
    )
    session.add(row)
    await session.flush()
    if registration.role == 3:
        row.sending_facility_id = row.site_id
    return row


def _same_body(row: DxSiteRow, registration: SiteRegistration) -> bool:
    """The very registration sent again (a retry): answered with the site, not refused."""
    return row.registration == registration.model_dump(mode="json")


async def _started(ctx: Context, site: DxSiteRow, provider_id: str) -> SiteView:
    """The site's view once its onboarding runs (started now, or found running)."""
    site_id = str(site.site_id)
    try:
        await _start(ctx, site_id, provider_id, site.region, _bidirectional(site))
    except WorkflowAlreadyStartedError:
        pass
    except Exception as error:
        raise Unavailable(
            f"site {site_id} is registered but its onboarding could not start now; send the "
            "same registration again in a few minutes to start it"
        ) from error
    async with ctx.db.sessions() as session:
        current = await dx_sites.by_site_id(session, site_id)
    assert current is not None
    return await _view(ctx, current, provider_id)


async def start_waiting(ctx: Context) -> list[str]:
    """Start the onboarding of every site registered but not yet onboarding (the sites that
    migration 0006 registered in place of retired enrollment-level credentials): each is
    issued staging credentials and its representative e-mailed. Safe to run again."""
    async with ctx.db.sessions() as session:
        waiting = await dx_sites.listing(session, stage=DxStage.REGISTERED.value)
    started: list[str] = []
    for site, provider_id in waiting:
        if site.site_id is None:
            continue
        try:
            await _start(ctx, site.site_id, provider_id, site.region, _bidirectional(site))
        except WorkflowAlreadyStartedError:
            continue
        started.append(site.site_id)
    return started


def _bidirectional(site: DxSiteRow) -> bool:
    return bool((site.registration or {}).get("bidirectional"))


async def _start(
    ctx: Context, site_id: str, provider_id: str, region_key: str, bidirectional: bool
) -> None:
    client = await ctx.temporal()
    await client.start_workflow(
        DataExchangeOnboardingWorkflow.run,
        DxOnboardingInput(
            site_id=site_id,
            provider_id=provider_id,
            plan=staging_test_plan(bidirectional=bidirectional),
            activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
        ),
        id=ids.dx_onboarding_workflow_id(site_id),
        task_queue=ctx.settings.temporal_task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,  # a live site is not redone
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(sa.PROVIDER_ID, provider_id),
                SearchAttributePair(sa.CAIR_REGION, region_key),
                SearchAttributePair(sa.DX_STAGE, DxStage.REGISTERED.value),
            ]
        ),
    )


async def sites_of(ctx: Context, provider_id: str) -> list[SiteView]:
    """The organization's sites, as its representative sees them."""
    async with ctx.db.sessions() as session:
        rows = await dx_sites.listing(session, provider_id=provider_id)
    return [await _view(ctx, site, provider) for site, provider in rows]


async def site_of(ctx: Context, provider_id: str, site_id: str) -> SiteView:
    async with ctx.db.sessions() as session:
        rows = await dx_sites.listing(session, provider_id=provider_id, site_id=site_id)
    if not rows:
        raise NotFound(f"no data-exchange site {site_id} in {provider_id}")
    site, provider = rows[0]
    return await _view(ctx, site, provider)


async def all_sites(ctx: Context, *, stage: str | None = None) -> list[SiteView]:
    """Every site, the longest waiting in its stage first (staff)."""
    if stage is not None and stage not in {s.value for s in DxStage}:
        raise Refused(f"stage: must be one of {', '.join(s.value for s in DxStage)}")
    async with ctx.db.sessions() as session:
        rows = await dx_sites.listing(session, stage=stage)
    return [await _view(ctx, site, provider, detail=False) for site, provider in rows]


async def _view(
    ctx: Context, site: DxSiteRow, provider_id: str, *, detail: bool = True
) -> SiteView:
    async with ctx.db.sessions() as session:
        recent = await dx_sites.recent_messages(session, site.id)
        holder = await representatives.credentials_holder(
            session, site.organization_id, site.registered_by
        )
    stage = DxStage(site.stage)
    needed, passed = await _plan(ctx, site) if detail and stage in _FOLLOWED else ([], [])
    return SiteView(
        site_id=site.site_id or "",
        provider_id=provider_id,
        site_name=site.site_name,
        role=site.role,
        sending_facility_id=site.sending_facility_id,
        county=site.county,
        stage=stage.value,
        stage_words=DX_STAGE_WORDS[stage],
        stage_note=site.stage_note,
        stage_since=as_utc(site.stage_changed_at).isoformat(timespec="seconds"),
        registered_at=as_utc(site.created_at).isoformat(timespec="seconds"),
        workflow_id=ids.dx_onboarding_workflow_id(site.site_id or ""),
        recent_messages=[asdict(m) for m in recent],
        still_needed=needed,
        credentials_sent_to=holder or "",
        bidirectional=_bidirectional(site),
        passed=passed,
    )


_FOLLOWED = (DxStage.STAGING_CREDENTIALS_ISSUED, DxStage.TESTING, DxStage.READY_FOR_REVIEW)


async def _plan(ctx: Context, site: DxSiteRow) -> tuple[list[str], list[str]]:
    """What the test plan still asks for and what it has seen, as the workflow counts them."""
    try:
        client = await ctx.temporal()
        handle = client.get_workflow_handle_for(
            DataExchangeOnboardingWorkflow.run, ids.dx_onboarding_workflow_id(site.site_id or "")
        )
        status = await handle.query(DataExchangeOnboardingWorkflow.status)
    except Exception:  # noqa: BLE001 - the view is shown without it
        return [], []
    return list(status.still_needed), list(status.passed)
