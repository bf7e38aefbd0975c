"""Activities on enrollment requests: validation and routing, registration with the duplicate
check, stage changes and amendments. All write through keyed rows, so retries are harmless."""

from __future__ import annotations

from temporalio import activity

from cair.activities.failures import MissingRecord, classify_failures
from cair.domain.access import AccessLevel
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.enrollment import (
    AmendRecord,
    RegisterEnrollment,
    RegisterOutcome,
    RegisterRequest,
    Registration,
    StageChange,
    ValidationOutcome,
)
from cair.domain.duplicates import duplicate_keys
from cair.domain.problems import InvalidRequest
from cair.domain.region_source import RegionMapSource
from cair.domain.request import EnrollmentRequest
from cair.domain.stages import ENROLLED_STAGES, Stage, duplicate_note
from cair.domain.validation import validate_enrollment
from cair.store import audit, enrollments
from cair.store.database import Database, Session
from cair.store.models import EnrollmentRequestRow


class EnrollmentActivities:
    def __init__(self, db: Database, regions: RegionMapSource) -> None:
        self.db = db
        self.regions = regions

    @activity.defn(name=Activity.VALIDATE_REQUEST)
    @classify_failures
    async def validate_request(self, request: EnrollmentRequest) -> ValidationOutcome:
        """Validate with today's rules and route with today's region map. An activity rather
        than workflow code, so a later rule or map change never alters a replayed history."""
        return self._route(request)

    @activity.defn(name=Activity.REGISTER_REQUEST)
    @classify_failures
    async def register_request(self, order: RegisterRequest) -> Registration:
        """Validate, register (with the duplicate check) and record the first stage as one step:
        one round trip and one transaction before the acknowledgement. A request for a local
        representative is routed by the workflow after its e-mails."""
        routing = self._route(order.request)  # pure: not inside the transaction
        async with self.db.sessions.begin() as session:
            earlier = await enrollments.get(session, order.enrollment_id)
            if earlier is not None:
                # Run again (a retry, a local activity after a crash): answer as the first run
                # found it, even if the rules or the region map changed in between.
                return Registration(
                    routing=self._routing_of(earlier), duplicate_of=earlier.duplicate_of
                )
            if routing.problems:
                return Registration(routing=routing)
            assert routing.access_level is not None
            outcome = await _register(
                session,
                RegisterEnrollment(
                    enrollment_id=order.enrollment_id,
                    request=order.request,
                    access_level=routing.access_level,
                    county=routing.county,
                    region_key=routing.region_key,
                    region_map_version=routing.region_map_version or None,
                ),
            )
            first = _first_stage(
                order.enrollment_id,
                outcome,
                online=routing.enrolls_online,
                confirm_first=order.confirm_first,
            )
            if first is not None:
                await record_stage_change(session, first)
        return Registration(routing=routing, duplicate_of=outcome.duplicate_of)

    @activity.defn(name=Activity.RECORD_STAGE)
    @classify_failures
    async def record_stage(self, change: StageChange) -> None:
        async with self.db.sessions.begin() as session:
            await record_stage_change(session, change)

    def _routing_of(self, row: EnrollmentRequestRow) -> ValidationOutcome:
        """The routing a registered request was given: a request for a local representative
        is the one register_request left in ``validating``."""
        region = self.regions.in_effect().region_for(row.county)
        return ValidationOutcome(
            problems=[],
            access_level=AccessLevel(row.access_level),
            county=row.county,
            region_key=row.region,
            region_name=region.name if region.key == row.region else row.region,
            enrolls_online=row.stage != Stage.VALIDATING.value,
            region_map_version=row.region_map_version or "",
        )

    def _route(self, request: EnrollmentRequest) -> ValidationOutcome:
        try:
            valid = validate_enrollment(request.model_dump(mode="json"))
        except InvalidRequest as invalid:
            return ValidationOutcome(problems=[str(p) for p in invalid.problems])
        regions = self.regions.in_effect()
        region = regions.region_for(valid.county)
        return ValidationOutcome(
            problems=[],
            access_level=valid.access_level,
            county=valid.county,
            region_key=region.key,
            region_name=region.name,
            enrolls_online=region.enrolls_online,
            region_map_version=regions.version,
        )

    @activity.defn(name=Activity.RECORD_AMENDMENT)
    @classify_failures
    async def record_amendment(self, amendment: AmendRecord) -> None:
        """Replace the stored request and its identity keys with the amended ones."""
        async with self.db.sessions.begin() as session:
            row = await _enrollment(session, amendment.enrollment_id)
            contacts = amendment.request.contacts.model_dump(mode="json")
            if contacts != row.request.get("contacts"):
                row.previous_contacts = row.request.get("contacts")
            row.request = amendment.request.model_dump(mode="json")
            row.org_name = _queue_name(amendment.request)
            row.org_type = amendment.request.organization.type
            row.access_level = amendment.access_level.value
            await enrollments.replace_keys(session, row, duplicate_keys(amendment.request))
            await audit.append(
                session,
                key=f"{amendment.enrollment_id}/{amendment.step}",
                actor=amendment.actor,
                action="enrollment.amended",
                subject_type="enrollment",
                subject_id=amendment.enrollment_id,
            )


async def _enrollment(session: Session, enrollment_id: str) -> EnrollmentRequestRow:
    row = await enrollments.get(session, enrollment_id)
    if row is None:
        raise MissingRecord(f"no enrollment {enrollment_id}")
    return row


def _first_stage(
    enrollment_id: str, outcome: RegisterOutcome, *, online: bool, confirm_first: bool
) -> StageChange | None:
    """Where a registered request goes: refused as a duplicate of an enrolled organization, or
    on to its contact's confirmation (or, before that was asked, staff review); a request for a
    local representative stays ``validating`` until the workflow has sent its e-mails."""
    if outcome.duplicate_of:
        return StageChange(
            enrollment_id=enrollment_id,
            stage=Stage.REFUSED_DUPLICATE,
            step="duplicate",
            note=duplicate_note(outcome.duplicate_of),
        )
    if online and confirm_first:
        return StageChange(
            enrollment_id=enrollment_id,
            stage=Stage.AWAITING_CONFIRMATION,
            step="awaiting-confirmation",
        )
    if online:
        return StageChange(
            enrollment_id=enrollment_id, stage=Stage.AWAITING_REVIEW, step="awaiting-review"
        )
    return None


def _queue_name(request: EnrollmentRequest) -> str:
    """What the staff queue shows: the organization, and a new site's name after it."""
    name = request.organization.name
    if request.new_site is not None:
        name = f"{name} (new site: {request.new_site.site_name})"
    return name[:200]


async def _register(session: Session, order: RegisterEnrollment) -> RegisterOutcome:
    """Store the request with its identity keys once; name the enrollment of an organization
    already enrolled that it looks like, if there is one (a pending look-alike is for staff)."""
    keys = duplicate_keys(order.request)
    row, new = await enrollments.register(
        session,
        enrollment_id=order.enrollment_id,
        request=order.request.model_dump(mode="json"),
        org_name=_queue_name(order.request),
        org_type=order.request.organization.type,
        county=order.county,
        region=order.region_key,
        access_level=order.access_level.value,
        keys=keys,
        stage=Stage.VALIDATING.value,
        region_map_version=order.region_map_version,
    )
    if new:
        await audit.append(
            session,
            key=f"{order.enrollment_id}/submitted",
            actor="applicant",
            action="enrollment.submitted",
            subject_type="enrollment",
            subject_id=order.enrollment_id,
            new={"region": order.region_key, "access_level": order.access_level.value},
        )
    if row.duplicate_of:
        return RegisterOutcome(duplicate_of=row.duplicate_of)
    existing = await enrollments.earlier_live_with_keys(
        session, row, keys, [s.value for s in ENROLLED_STAGES]
    )
    if existing is not None:
        row.duplicate_of = existing
    return RegisterOutcome(duplicate_of=existing)


async def record_stage_change(session: Session, change: StageChange) -> None:
    """The enrollment's new stage and its audit entry, keyed by the step: a step run again
    (a retry, a local activity after a crash) changes nothing, not even a newer stage."""
    row = await _enrollment(session, change.enrollment_id)
    added = await audit.append(
        session,
        key=f"{change.enrollment_id}/{change.step}",
        actor=change.actor,
        action="enrollment.stage",
        subject_type="enrollment",
        subject_id=change.enrollment_id,
        provider_id=row.provider_id,
        old={"stage": row.stage},
        new={"stage": change.stage.value, "note": change.note},
    )
    if not added:
        return
    row.stage = change.stage.value
    if change.actor != "system":
        row.decided_by = change.actor
    if change.note is not None:
        row.decision_note = change.note
