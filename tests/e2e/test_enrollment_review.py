"""Enrollment end to end on the real stack: dev server, SMTP outbox, store, worker process."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cair.domain.problems import InvalidRequest
from cair.operations import enrollments
from cair.operations.context import Context
from cair.operations.errors import OperationError
from cair.store.models import AuditRow, EmailRow, EnrollmentRequestRow
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.staff import STAFF_ADMIN
from tests.helpers.waiting import eventually


async def stage_of(ctx: Context, enrollment_id: str) -> str:
    return (await enrollments.status(ctx, enrollment_id)).stage


async def test_cair7_request_acknowledged_listed_and_approved_through_the_cli(
    stack: Stack, staff_cli: Path, tmp_path: Path
) -> None:
    applicant = tmp_path / "applicant"
    request = tmp_path / "clinic.json"
    request.write_text(json.dumps(variant("clinic", "CliFlow")))

    submitted = stack.cli("submit", str(request), config=applicant)
    enrollment_id = submitted.stdout.strip()
    assert enrollment_id.startswith("EN") and "awaiting_review" in submitted.stderr
    assert "status page: http://cair.test/status/" in submitted.stderr

    # submit answers once the request is registered; the acknowledgement follows it.
    ack = await eventually(lambda: stack.outbox.about(enrollment_id))
    assert len(stack.outbox.to("sam.okafor@lakeshore-fm.example", "received")) >= 1
    assert any("Bay Area" in body_text(m) for m in ack)
    mine = json.loads(stack.cli("status", enrollment_id, config=applicant).stdout)
    assert mine["stage_label"] == "Waiting for registry staff"
    refused = stack.cli("list", check=False, config=applicant)
    assert refused.returncode == 1 and "not signed in as staff" in refused.stderr
    listed = stack.cli("list", "--stage", "awaiting_review", config=staff_cli).stdout
    assert enrollment_id in listed

    status = json.loads(stack.cli("status", enrollment_id, config=staff_cli).stdout)["view"]
    assert status["stage"] == "awaiting_review"
    assert status["region"] == "bay_area" and status["access_level"] == "clinical"

    approved = stack.cli("approve", enrollment_id, config=staff_cli)
    assert "provisioning" in approved.stdout or "awaiting_training" in approved.stdout
    again = stack.cli("approve", enrollment_id, check=False, config=staff_cli)
    assert again.returncode == 1 and "already approved" in again.stderr

    async def provisioned() -> bool:
        status = json.loads(stack.cli("status", enrollment_id, config=staff_cli).stdout)["view"]
        return status["provider_id"] is not None and status["stage"] == "awaiting_training"

    await eventually(provisioned, timeout=60)
    async with stack.context().db.sessions() as session:
        row = await session.get(EnrollmentRequestRow, enrollment_id)
        assert row is not None and row.decided_by == STAFF_ADMIN  # the identity, not a name


async def test_san_diego_request_routed_to_local_representative(stack: Stack, ctx: Context) -> None:
    data = variant("clinic", "SouthBay", county="San Diego County")
    data["organization"]["physical_address"].update(city="San Diego", zip="92101")
    result = await enrollments.submit(ctx, data)
    assert result.stage == "routed_to_local_representative"

    applicant = stack.outbox.to("sam.okafor@lakeshore-fm.example", "Local CAIR Representative")
    notice = [m for m in stack.outbox.about(result.id) if "sam.okafor" not in str(m["To"])]
    assert applicant and "San Diego County" in body_text(applicant[-1])
    assert len(notice) == 1 and "SouthBay" in body_text(notice[0])
    assert await stage_of(ctx, result.id) == "routed_to_local_representative"
    with pytest.raises(OperationError, match="Local CAIR Representative"):
        await enrollments.approve(ctx, result.id, by="Dana Staff")


async def test_reject_tells_the_applicant_and_closes_the_request(
    stack: Stack, ctx: Context
) -> None:
    result = await enrollments.submit(ctx, variant("school", "Rejected"))
    assert result.stage == "awaiting_review"
    with pytest.raises(OperationError, match="reason"):
        await enrollments.reject(ctx, result.id, by="Dana Staff", reason="  ")
    rejected = await enrollments.reject(
        ctx, result.id, by="Dana Staff", reason="The school district could not be verified."
    )
    assert rejected.stage == "rejected"
    await eventually(lambda: stack.outbox.to("msingh@redwood-elem.example", "not approved"))
    mail = stack.outbox.to("msingh@redwood-elem.example", "not approved")[-1]
    assert "could not be verified" in body_text(mail)
    with pytest.raises(OperationError, match="was rejected"):
        await enrollments.approve(ctx, result.id, by="Dana Staff")
    await eventually(lambda: stage_of(ctx, result.id), timeout=10)
    assert await stage_of(ctx, result.id) == "rejected"


async def test_request_changes_then_amend_then_approve(stack: Stack, ctx: Context) -> None:
    data = variant("school", "Amended", email_domain="amended.example")
    result = await enrollments.submit(ctx, data)
    with pytest.raises(OperationError, match="not valid for this enrollment"):
        await enrollments.amend(ctx, result.id, data, token="guessed")

    await enrollments.request_changes(
        ctx, result.id, by="Dana Staff", message="Please give the school district's full name."
    )
    mail = await eventually(lambda: stack.outbox.to("msingh@amended.example", "Changes needed"))
    found = re.search(r"--token (\S+)", body_text(mail[-1]))
    assert found and "/enroll/amend/" in body_text(mail[-1])
    token = found.group(1)
    with pytest.raises(OperationError, match="waiting for the applicant"):
        await enrollments.approve(ctx, result.id, by="Dana Staff")
    # The tracking id alone does not let anyone amend; nor does another enrollment's link.
    other = await enrollments.submit(ctx, variant("school", "AmendedOther"))
    with pytest.raises(OperationError, match="not valid for this enrollment"):
        await enrollments.amend(ctx, other.id, data, token=token)

    broken = copy.deepcopy(data)
    broken["organization"]["school_district"] = None
    with pytest.raises(InvalidRequest) as invalid:
        await enrollments.amend(ctx, result.id, broken, token=token)
    assert any(p.path == "organization.school_district" for p in invalid.value.problems)

    data["organization"]["school_district"] = "Eureka City Unified School District"
    data["contacts"]["primary"].update(
        first_name="Ana", last_name="Diaz", email="ana.diaz@amended.example"
    )
    amended = await enrollments.amend(ctx, result.id, data, token=token)
    assert amended.stage == "awaiting_review"
    view = await enrollments.status(ctx, result.id)
    assert view.contact_changes == [
        "primary: Maya Singh <msingh@amended.example> → Ana Diaz <ana.diaz@amended.example>"
    ]
    with pytest.raises(OperationError, match="not valid"):  # used up
        await enrollments.amend(ctx, result.id, data, token=token)
    approved = await enrollments.approve(ctx, result.id, by="Dana Staff")
    assert approved.stage == "provisioning"
    await eventually(lambda: _is(ctx, result.id, "completed"), timeout=60)
    async with ctx.db.sessions() as session:
        row = await session.get(EnrollmentRequestRow, result.id)
        assert row is not None
        assert row.request["organization"]["school_district"].startswith("Eureka City Unified")
        actions = (
            await session.scalars(select(AuditRow.action).where(AuditRow.subject_id == result.id))
        ).all()
    assert "enrollment.amended" in actions


async def _is(ctx: Context, enrollment_id: str, stage: str) -> bool:
    return await stage_of(ctx, enrollment_id) == stage


async def test_a_duplicate_of_an_enrolled_organization_is_refused_naming_it(ctx: Context) -> None:
    first = await enrollments.submit(ctx, variant("clinic", "Twice"))
    assert first.stage == "awaiting_review"
    await enrollments.approve(ctx, first.id, by="Dana Staff")

    async def enrolled() -> bool:
        return (await enrollments.status(ctx, first.id)).provider_id is not None

    await eventually(enrolled, timeout=60)
    same_org = variant("clinic", "Twice")
    same_org["organization"]["name"] = same_org["organization"]["name"].upper() + "."
    second = await enrollments.submit(ctx, same_org)
    assert second.stage == "refused_duplicate"
    assert first.id in (second.note or "")
    assert await stage_of(ctx, second.id) == "refused_duplicate"


async def test_invalid_request_is_refused_before_any_workflow_starts(
    stack: Stack, ctx: Context, tmp_path: Path
) -> None:
    data = variant("clinic", "Broken")
    data["organization"]["type"] = "veterinary_clinic"
    data["provider_of_record"]["npi"] = "1234567890"
    data["users"][1]["email"] = "not-an-address"
    request = tmp_path / "broken.json"
    request.write_text(json.dumps(data))
    async with ctx.db.sessions() as session:
        before = await session.scalar(select(func.count()).select_from(EnrollmentRequestRow))

    result = stack.cli("submit", str(request), check=False)

    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("organization.type: ") for line in lines)
    assert any(line.startswith("provider_of_record.npi: ") for line in lines)
    assert any(line.startswith("users.1.email: ") for line in lines)
    async with ctx.db.sessions() as session:
        after = await session.scalar(select(func.count()).select_from(EnrollmentRequestRow))
    assert after == before


async def test_worker_killed_during_an_email_sends_each_email_once(stack: Stack) -> None:
    """SIGKILL the worker while the acknowledgement is being sent; a new worker finishes it."""
    queue = f"crash-mail-{stack.name}"
    settings = stack.settings.model_copy(update={"temporal_task_queue": queue})
    ctx = Context(settings)
    marker = stack.var_dir / "paused-mail.acknowledgement"
    doomed = stack.start_worker(
        task_queue=queue, extra_env={"CAIR_FAULT_PAUSE_AT": "mail.acknowledgement"}
    )
    try:
        result = await enrollments.submit(ctx, variant("clinic", "Crash Mail"), wait_seconds=1)
        await eventually(marker.exists, timeout=30)
        doomed.kill()
        doomed.wait()
        marker.unlink()
        stack.start_worker(task_queue=queue)
        await eventually(lambda: stack.outbox.about(result.id), timeout=60)
        approved = await enrollments.approve(ctx, result.id, by="Dana Staff")
        assert approved.stage == "provisioning"
        await eventually(lambda: _is(ctx, result.id, "awaiting_training"), timeout=60)
        async with ctx.db.sessions() as session:
            keys = (
                await session.scalars(
                    select(EmailRow.idempotency_key).where(
                        EmailRow.idempotency_key.like(f"{result.id}/%")
                    )
                )
            ).all()
    finally:
        await ctx.close()
    assert sorted(keys) == [f"{result.id}/acknowledgement", f"{result.id}/welcome"]
    acknowledgements = [m for m in stack.outbox.about(result.id) if "received" in str(m["Subject"])]
    assert len(acknowledgements) == 1
