"""Every Prometheus metric of the service, in two registries: the API process's (served at its
``/metrics``) and the worker's (on ``worker_metrics_port``). Two, not the global one, because
``cair dev`` runs both in one process and each endpoint must show only its own. Every label
value comes from a closed set (a stage, a reason, a route template): never an id or an
address, so the number of series stays bounded (docs/operations.md)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.process_collector import ProcessCollector

from cair.domain.contracts.data_exchange import DxStage
from cair.domain.stages import OPEN_STAGES, Stage
from cair.store.metrics_queries import StoreGauges

API_REGISTRY = CollectorRegistry(auto_describe=True)
WORKER_REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=API_REGISTRY)
ProcessCollector(registry=WORKER_REGISTRY)

# ---- read from the store at scrape time (the API) -------------------------------------------

ENROLLMENTS = Gauge(
    "cair_enrollments", "Enrollment requests in each stage.", ["stage"], registry=API_REGISTRY
)
ENROLLMENT_OLDEST_AGE = Gauge(
    "cair_enrollment_oldest_age_seconds",
    "Seconds since the oldest enrollment in an open stage last changed (its time in the stage).",
    ["stage"],
    registry=API_REGISTRY,
)
CHANGES_AWAITING_APPROVAL = Gauge(
    "cair_account_changes_awaiting_approval",
    "Account changes waiting for registry staff to approve them.",
    registry=API_REGISTRY,
)
EMAILS = Gauge(
    "cair_emails",
    "E-mails not sent: pending (claimed, the relay has not taken them yet) or failed (retries "
    "ran out; a held step waits for staff).",
    ["state"],
    registry=API_REGISTRY,
)
HELD_STEPS = Gauge(
    "cair_held_steps",
    "Workflow steps that failed for good (open incidents).",
    registry=API_REGISTRY,
)
DX_SITES = Gauge(
    "cair_dx_sites",
    "IZ Portal data-exchange sites in each stage.",
    ["stage"],
    registry=API_REGISTRY,
)
STORE_READ_ERRORS = Counter(
    "cair_metrics_store_read_errors",
    "Scrapes whose store reading failed (the last reading was served).",
    registry=API_REGISTRY,
)

# ---- counted as it happens (the API) -------------------------------------------------------

SIGN_IN_REFUSALS = Counter(
    "cair_sign_in_refusals",
    "Sign-in steps refused, by reason (rate_limit, unknown_link, used_link, replaced_link, "
    "expired_link, wrong_code, not_allowed, no_session, other).",
    ["reason"],
    registry=API_REGISTRY,
)
SOAP_MESSAGES = Counter(
    "cair_soap_messages",
    "Data-exchange messages recorded (a control id sent again counts once), by environment and "
    "the ACK's code (AA, AE, AR).",
    ["environment", "ack_code"],
    registry=API_REGISTRY,
)
HTTP_DURATION = Histogram(
    "cair_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template (other: no route) and status.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=API_REGISTRY,
)

# ---- the worker ----------------------------------------------------------------------------

WORKER_ACTIVITIES = Counter(
    "cair_worker_activities",
    "Activity attempts this worker ran, by activity and outcome (completed, failed).",
    ["activity", "outcome"],
    registry=WORKER_REGISTRY,
)
WORKER_EMAILS = Counter(
    "cair_worker_emails",
    "E-mail sending attempts this worker made, by outcome (sent, failed: retried, or held).",
    ["outcome"],
    registry=WORKER_REGISTRY,
)
PURGED = Counter(
    "cair_purged",
    "Rows the retention purge deleted, by kind (cair/domain/contracts/retention.py PurgedKind).",
    ["kind"],
    registry=WORKER_REGISTRY,
)

# Stages whose oldest member's age means something: a finished enrollment does not wait.
OPEN = tuple(s for s in Stage if s in OPEN_STAGES)
EMAIL_STATES = ("pending", "failed")


def show(gauges: StoreGauges) -> None:
    """Set the store's gauges from one reading; every stage has a series (0 when empty), so an
    alert or a panel never sees a stage vanish."""
    for stage in Stage:
        ENROLLMENTS.labels(stage.value).set(gauges.enrollments.get(stage.value, 0))
    for stage in OPEN:
        ENROLLMENT_OLDEST_AGE.labels(stage.value).set(
            gauges.oldest_age_seconds.get(stage.value, 0.0)
            if gauges.enrollments.get(stage.value)
            else 0.0
        )
    CHANGES_AWAITING_APPROVAL.set(gauges.changes_awaiting_approval)
    EMAILS.labels("pending").set(gauges.emails_pending)
    EMAILS.labels("failed").set(gauges.emails_failed)
    HELD_STEPS.set(gauges.held_steps)
    for dx_stage in DxStage:
        DX_SITES.labels(dx_stage.value).set(gauges.dx_sites.get(dx_stage.value, 0))


def count_soap_message(environment: str, ack_code: str) -> None:
    """One recorded data-exchange message and the code it was answered with."""
    SOAP_MESSAGES.labels(environment, ack_code).inc()


def count_sign_in_refusal(reason: str) -> None:
    SIGN_IN_REFUSALS.labels(reason).inc()
