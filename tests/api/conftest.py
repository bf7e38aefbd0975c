"""The API suite's callers (``identities``): two organizations' representatives, staff of each
role, an applicant — each signed in the real way (e-mailed links redeemed)."""

from __future__ import annotations

import pytest_asyncio

from cair.operations import applicant_links, enrollments
from cair.store import enrollments as enrollment_rows
from tests.helpers.accounts import LEE, enrolled
from tests.helpers.examples import variant
from tests.helpers.identities import Identities
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def identities(stack: Stack) -> Identities:
    ctx = stack.context()
    try:
        a = await enrolled(stack, ctx, "school", "ApiA", email_domain="api-a.example")
        b = await enrolled(stack, ctx, "clinic", "ApiB", email_domain="api-b.example")
        async with ctx.db.sessions() as session:
            views, _ = await enrollment_rows.listing(session)
        b_enrollment = next(v.id for v in views if v.provider_id == b.provider_id)
        waiting = await enrollments.submit(ctx, variant("school", "ApiApplicant"))
        token = await applicant_links.issue_status_token(ctx, waiting.id)
        return Identities(
            api_url=stack.api_url,
            org_a=a.provider_id,
            org_b=b.provider_id,
            rep_a=a.session,
            rep_b=b.session,
            user_b=b.users[LEE.replace("lakeshore-fm.example", "api-b.example")],
            enrollment_b=b_enrollment,
            applicant=token,
            applicant_enrollment=waiting.id,
            reviewer=await staff_session(stack, ctx, "rita.reviewer@cair.test", "reviewer"),
            trainer=await staff_session(stack, ctx, "tom.trainer@cair.test", "trainer"),
            admin=await staff_session(stack, ctx, "ada.admin@cair.test", "admin"),
        )
    finally:
        await ctx.close()
