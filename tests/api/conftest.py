"""Who calls the API in these tests: two organizations' representatives, staff of each role, an
applicant — each signed in the real way (e-mailed links redeemed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest_asyncio

from cair.operations import applicant_links, enrollments, sessions, staff_accounts
from cair.operations.context import Context
from tests.conftest import Stack, eventually
from tests.e2e.test_account_management import LEE, enrolled
from tests.e2e.test_enrollment_review import variant
from tests.support import body_text


@dataclass(frozen=True)
class Identities:
    api_url: str
    org_a: str
    org_b: str
    rep_a: str  # session token of A's representative
    rep_b: str
    user_b: str  # a user of B
    enrollment_b: str  # B's enrollment
    applicant: str  # status token of an enrollment awaiting review
    applicant_enrollment: str
    reviewer: str
    trainer: str
    admin: str


async def staff_session(stack: Stack, ctx: Context, email: str, role: str) -> str:
    await staff_accounts.add(ctx, email, roles=[role], name=role.title())
    await sessions.staff_sign_in(ctx, email)
    mail = await eventually(lambda: stack.outbox.to(email, "staff console sign-in"))
    found = re.search(r"cair staff redeem (\S+)", body_text(mail[-1]))
    assert found
    return (await sessions.redeem(ctx, found.group(1))).token


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def identities(stack: Stack) -> Identities:
    ctx = stack.context()
    try:
        a = await enrolled(stack, ctx, "school", "ApiA", email_domain="api-a.example")
        b = await enrolled(stack, ctx, "clinic", "ApiB", email_domain="api-b.example")
        async with ctx.db.sessions() as session:
            from cair.store import enrollments as enrollment_rows

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
