"""Activities on enrollment requests: validation and routing, registration with the duplicate
check, stage changes and amendments. All write through keyed rows, so retries are harmless."""

from __future__ import annotations

from sqlalchemy import select
from temporalio import activity

from cair.domain.contracts import (
    BLOCKING_STAGES,
    AmendRecord,
    RegisterEnrollment,
    RegisterOutcome,
    StageChange,
    ValidationOutcome,
)
from cair.domain.duplicates import duplicate_keys
from cair.domain.problems import InvalidRequest
from cair.domain.regions import RegionMap
from cair.domain.request import EnrollmentRequest
from cair.domain.validation import validate_enrollment
from cair.store.audit import append_audit
from cair.store.database import Database
from cair.store.models import EnrollmentKeyRow, EnrollmentRequestRow


class EnrollmentActivities:
    def __init__(self, db: Database, regions: RegionMap) -> None:
        self.db = db
        self.regions = regions

    @activity.defn(name="validate_request")
    async def validate_request(self, request: EnrollmentRequest) -> ValidationOutcome:
        """Validate with today's rules and route with today's region map. An activity rather
        than workflow code, so a later rule or map change never alters a replayed history."""
        try:
            valid = validate_enrollment(request.model_dump(mode="json"))
        except InvalidRequest as invalid:
            return ValidationOutcome(problems=[str(p) for p in invalid.problems])
        region = self.regions.region_for(valid.county)
        return ValidationOutcome(
            problems=[],
            access_level=valid.access_level.value,
            county=valid.county,
            region_key=region.key,
            region_name=region.name,
            enrolls_online=region.enrolls_online,
        )

    @activity.defn(name="register_enrollment")
    async def register_enrollment(self, order: RegisterEnrollment) -> RegisterOutcome:
        """Store the request with its identity keys; refuse it if another live enrollment of the
        same organization exists. Serialized by the unique row, so a retry finds its own row."""
        keys = duplicate_keys(order.request)
        async with self.db.sessions.begin() as session:
            row = await session.get(EnrollmentRequestRow, order.enrollment_id)
            if row is None:
                row = EnrollmentRequestRow(
                    id=order.enrollment_id,
                    stage="validating",
                    org_name=order.request.organization.name,
                    org_type=order.request.organization.type,
                    county=order.county,
                    region=order.region_key,
                    access_level=order.access_level,
                    request=order.request.model_dump(mode="json"),
                )
                session.add(row)
                await session.flush()  # the keys reference the row
                session.add_all(EnrollmentKeyRow(enrollment_id=row.id, key=k) for k in keys)
                await append_audit(
                    session,
                    key=f"{order.enrollment_id}/submitted",
                    actor="applicant",
                    action="enrollment.submitted",
                    subject_type="enrollment",
                    subject_id=order.enrollment_id,
                    new={"region": order.region_key, "access_level": order.access_level},
                )
                await session.flush()
            if row.duplicate_of:
                return RegisterOutcome(duplicate_of=row.duplicate_of)
            existing = await session.scalar(
                select(EnrollmentRequestRow.id)
                .join(EnrollmentKeyRow, EnrollmentKeyRow.enrollment_id == EnrollmentRequestRow.id)
                .where(
                    EnrollmentKeyRow.key.in_(keys),
                    EnrollmentRequestRow.id != order.enrollment_id,
                    EnrollmentRequestRow.stage.in_([s.value for s in BLOCKING_STAGES]),
                    EnrollmentRequestRow.submitted_at <= row.submitted_at,
                )
                .order_by(EnrollmentRequestRow.submitted_at)
                .limit(1)
            )
            if existing is not None:
                row.duplicate_of = existing
            return RegisterOutcome(duplicate_of=existing)

    @activity.defn(name="record_stage")
    async def record_stage(self, change: StageChange) -> None:
        async with self.db.sessions.begin() as session:
            row = await session.get(EnrollmentRequestRow, change.enrollment_id)
            if row is None:
                raise LookupError(f"no enrollment {change.enrollment_id}")
            old = row.stage
            row.stage = change.stage
            if change.actor != "system":
                row.decided_by = change.actor
            if change.note is not None:
                row.decision_note = change.note
            await append_audit(
                session,
                key=f"{change.enrollment_id}/{change.step}",
                actor=change.actor,
                action="enrollment.stage",
                subject_type="enrollment",
                subject_id=change.enrollment_id,
                provider_id=row.provider_id,
                old={"stage": old},
                new={"stage": change.stage, "note": change.note},
            )

    @activity.defn(name="record_amendment")
    async def record_amendment(self, amendment: AmendRecord) -> None:
        """Replace the stored request and its identity keys with the amended ones."""
        keys = duplicate_keys(amendment.request)
        async with self.db.sessions.begin() as session:
            row = await session.get(EnrollmentRequestRow, amendment.enrollment_id)
            if row is None:
                raise LookupError(f"no enrollment {amendment.enrollment_id}")
            row.request = amendment.request.model_dump(mode="json")
            row.org_name = amendment.request.organization.name
            row.org_type = amendment.request.organization.type
            row.access_level = amendment.access_level
            old_keys = (
                await session.scalars(
                    select(EnrollmentKeyRow).where(EnrollmentKeyRow.enrollment_id == row.id)
                )
            ).all()
            for old in old_keys:
                await session.delete(old)
            await session.flush()
            session.add_all(EnrollmentKeyRow(enrollment_id=row.id, key=k) for k in keys)
            await append_audit(
                session,
                key=f"{amendment.enrollment_id}/{amendment.step}",
                actor=amendment.actor,
                action="enrollment.amended",
                subject_type="enrollment",
                subject_id=amendment.enrollment_id,
            )
