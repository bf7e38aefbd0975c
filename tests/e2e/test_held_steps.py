"""An activity that keeps failing on bad data, on the real stack: it stops retrying, the
enrollment shows `needs_attention` in staff's listing, staff are e-mailed, the incident is
listed, and once the data is mended `cair retry` carries the enrollment on to the end."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from sqlalchemy import select

from cair.domain import ids
from cair.operations import enrollments
from cair.store.models import AuditRow, EnrollmentRequestRow
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.staff import STAFF_ADMIN
from tests.helpers.waiting import eventually


async def test_bad_data_holds_the_enrollment_for_staff_until_they_retry(
    stack: Stack, staff_cli: Path
) -> None:
    ctx = stack.context()
    try:
        submitted = await enrollments.submit(
            ctx, variant("school", "BadData", email_domain="baddata.example")
        )
        # submit answers once the request is registered; the acknowledgement, which reads it,
        # follows. Only provisioning is to meet the bad data: wait until the e-mail has gone.
        await eventually(lambda: stack.outbox.about(submitted.id))
        async with ctx.db.sessions.begin() as session:  # the stored request goes bad
            row = await session.get(EnrollmentRequestRow, submitted.id)
            assert row is not None
            good = copy.deepcopy(row.request)
            broken = copy.deepcopy(row.request)
            broken["organization"]["type"] = "x" * 100
            row.request = broken
        stack.cli("approve", submitted.id, config=staff_cli)

        async def held() -> bool:
            listed = stack.cli("list", "--stage", "needs_attention", config=staff_cli).stdout
            return submitted.id in listed

        await eventually(held, timeout=60)
        told = await eventually(
            lambda: stack.outbox.to("cair-enrollment-staff@cair.example", submitted.id)
        )
        assert "provision_account" in body_text(told[-1])
        assert "cair retry" in body_text(told[-1])
        incidents = stack.cli("incidents", config=staff_cli).stdout
        assert ids.enrollment_workflow_id(submitted.id) in incidents
        assert "stored data no longer matches its model at: organization.type" in incidents
        assert "baddata.example" not in incidents  # identifiers only
        status = json.loads(stack.cli("status", submitted.id, config=staff_cli).stdout)["view"]
        assert status["stage"] == "needs_attention"

        async with ctx.db.sessions.begin() as session:  # staff mend the data
            row = await session.get(EnrollmentRequestRow, submitted.id)
            assert row is not None
            row.request = good
        retried = stack.cli("retry", submitted.id, config=staff_cli)
        assert "retrying provision_account" in retried.stdout

        async def completed() -> bool:
            return (await enrollments.status(ctx, submitted.id)).stage == "completed"

        await eventually(completed, timeout=60)
        assert "no open incidents" in stack.cli("incidents", config=staff_cli).stderr
        async with ctx.db.sessions() as session:
            actors = (
                await session.scalars(
                    select(AuditRow.actor).where(
                        AuditRow.idempotency_key.like(f"{submitted.id}/hold-%")
                    )
                )
            ).all()
        assert actors == [STAFF_ADMIN]  # the retry is recorded under the signed-in staff member
    finally:
        await ctx.close()
