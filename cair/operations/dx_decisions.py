"""Staff's actions on a data-exchange site: approve production or send it back to testing,
and re-issue its credentials of one environment."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from cair.domain import ids
from cair.domain.access import AccessLevel
from cair.domain.contracts.credentials import Credentials
from cair.domain.contracts.data_exchange import (
    DxEnvironment,
    DxStatus,
    ProductionDecision,
    SiteCredentialsReissue,
)
from cair.operations.context import Context
from cair.operations.errors import Invalid, NotFound, Refused
from cair.operations.sessions import StaffMember
from cair.operations.workflow_updates import send_update
from cair.store import credentials, dx_sites, organizations
from cair.store.models import as_utc
from cair.workflows.credentials import ReissueSiteCredentialsWorkflow
from cair.workflows.dx_onboarding import DataExchangeOnboardingWorkflow
from cair.workflows.organization import OrganizationWorkflow

JUST_REISSUED = timedelta(seconds=10)


async def decide(
    ctx: Context, site_id: str, staff: StaffMember, *, approve: bool, message: str = ""
) -> DxStatus:
    """Staff approve the site for production, or send it back to testing with ``message``."""
    if not approve and not message.strip():
        raise Invalid("message: tell the site what to test again")
    async with ctx.db.sessions() as session:
        site = await dx_sites.by_site_id(session, site_id)
    if site is None:
        raise NotFound(f"no data-exchange site {site_id}")
    client = await ctx.temporal()
    handle = client.get_workflow_handle_for(
        DataExchangeOnboardingWorkflow.run, ids.dx_onboarding_workflow_id(site_id)
    )

    async def missing() -> str:
        return f"site {site_id} is {site.stage.replace('_', ' ')}; there is nothing to decide"

    decided: DxStatus = await send_update(
        handle,
        DataExchangeOnboardingWorkflow.decide,
        ProductionDecision(by=staff.email, approve=approve, message=message),
        missing=missing,
    )
    if approve:
        await _tell_the_account(ctx, site.organization_id)
    return decided


async def _tell_the_account(ctx: Context, organization_id: int) -> None:
    """A Clinical organization became Data Exchange with this approval (the production
    credentials' step records it): its account's workflow checks roles against the new level."""
    async with ctx.db.sessions() as session:
        org = await organizations.get(session, organization_id)
    if org is None or org.provider_id is None:
        return
    client = await ctx.temporal()
    account = client.get_workflow_handle_for(
        OrganizationWorkflow.run, ids.organization_workflow_id(org.provider_id)
    )
    level = AccessLevel(org.access_level)
    # No account workflow running (closed, or never opened): nothing to tell.
    with contextlib.suppress(RPCError):
        await account.signal(OrganizationWorkflow.access_level_changed, level)


async def reissue(ctx: Context, site_id: str, environment: str, staff: StaffMember) -> Credentials:
    """New credentials of ``environment`` for a site (a lost or expired link): the old secret
    stops working, the representative gets a new single-use link."""
    return await reissue_by(ctx, site_id, environment, by=staff.email)


async def reissue_by(ctx: Context, site_id: str, environment: str, *, by: str) -> Credentials:
    if environment not in {e.value for e in DxEnvironment}:
        raise Invalid("environment: must be staging or production")
    env = DxEnvironment(environment)
    async with ctx.db.sessions() as session:
        site = await dx_sites.by_site_id(session, site_id)
        if site is None:
            raise NotFound(f"no data-exchange site {site_id}")
        org = await organizations.get(session, site.organization_id)
        issued = await credentials.count_for(
            session, site.organization_id, dx_site_id=site.id, environment=env.value
        )
        current = await credentials.active_for(
            session, site.organization_id, dx_site_id=site.id, environment=env.value
        )
    just_reissued = (
        current is not None
        and current.issue_key.startswith("credentials-")  # a re-issue's workflow id
        and datetime.now(UTC) - as_utc(current.created_at) < JUST_REISSUED
    )
    if just_reissued:
        # Two staff pressing at the same moment: the second is told, not given a second set
        # (the first may have finished before the second asked).
        raise Refused(
            f"the {env.value} credentials of {site_id} were just re-issued by another request"
        )
    if issued == 0:
        raise Refused(
            f"site {site_id} has no {env.value} credentials yet: it is "
            f"{site.stage.replace('_', ' ')}"
        )
    client = await ctx.temporal()
    try:
        return await client.execute_workflow(
            ReissueSiteCredentialsWorkflow.run,
            SiteCredentialsReissue(
                site_id=site_id,
                provider_id=org.provider_id if org and org.provider_id else "",
                environment=env,
                by=by,
                activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
            ),
            id=ids.site_credentials_workflow_id(site_id, env.value, issued + 1),
            task_queue=ctx.settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        raise Refused(
            f"the {env.value} credentials of {site_id} were just re-issued by another request"
        ) from None
