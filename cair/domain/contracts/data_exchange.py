"""Contracts of the DataExchangeOnboardingWorkflow (id ``dx-site-<site id>``): one data-exchange
site's way from registration at the IZ Portal to sending production messages.

The workflow is told counts and outcomes only; message bodies stay with the endpoint, which keeps
none of them either."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DxStage(StrEnum):
    REGISTERED = "registered"
    STAGING_CREDENTIALS_ISSUED = "staging_credentials_issued"
    TESTING = "testing"
    READY_FOR_REVIEW = "ready_for_review"
    PRODUCTION_CREDENTIALS_ISSUED = "production_credentials_issued"
    LIVE = "live"


class DxEnvironment(StrEnum):
    STAGING = "staging"
    PRODUCTION = "production"


DX_STAGE_WORDS = {
    DxStage.REGISTERED: "registered; staging credentials are being issued",
    DxStage.STAGING_CREDENTIALS_ISSUED: "staging credentials issued; send test messages",
    DxStage.TESTING: "testing on staging",
    DxStage.READY_FOR_REVIEW: "test plan met; waiting for registry staff to approve production",
    DxStage.PRODUCTION_CREDENTIALS_ISSUED: "production credentials issued; send the first message",
    DxStage.LIVE: "live: sending production messages",
}


@dataclass(frozen=True)
class PlanCase:
    """One case of the test plan the site must pass on staging (``data/iz_portal.json``): a
    broken VXU it must see rejected, or a query it must see answered. ``name`` is what the
    endpoint's stored outcomes are recognized as (``domain/test_plan.py``); ``words`` say it."""

    name: str
    words: str


@dataclass(frozen=True)
class TestPlan:
    """What staging must show before staff review the site (from ``data/iz_portal.json``).

    ``cases`` came after the first release: a run started before carries none, so its plan is
    decided as before (no patch needed: the new criteria travel in new inputs only)."""

    __test__ = False  # not a pytest class

    accepted_messages: int
    test_patients: tuple[str, ...]
    no_rejection_in_last: int
    cases: tuple[PlanCase, ...] = ()


@dataclass(frozen=True)
class DxResume:
    """Where a run that continued as new left off (a site sending many test messages)."""

    stage: DxStage
    after_message_id: int
    sent_back: int
    reminders: int


@dataclass(frozen=True)
class DxOnboardingInput:
    site_id: str
    provider_id: str
    plan: TestPlan
    reminder_days: int = 7
    max_reminders: int = 3
    activity_timeout_seconds: float = 30.0
    resume: DxResume | None = None


@dataclass(frozen=True)
class DxStageChange:
    site_id: str
    stage: DxStage
    step: str  # keys the audit entry, so a retried activity writes it once
    actor: str = "system"
    note: str | None = None


@dataclass(frozen=True)
class DxCredentialIssue:
    """Credentials of one environment for one site, once per ``issue_key``."""

    site_id: str
    environment: DxEnvironment
    issue_key: str
    by: str


@dataclass(frozen=True)
class SiteCredentialsReissue:
    """Staff issue a site new credentials for one environment (a lost or expired link); the old
    secret stops working and the representative gets a new single-use link."""

    site_id: str
    provider_id: str
    environment: DxEnvironment
    by: str
    activity_timeout_seconds: float = 30.0


@dataclass(frozen=True)
class DxProgressQuery:
    site_id: str
    after_message_id: int = 0  # messages up to it (before a send-back) no longer count
    # The plan's cases to recognize (their names): a rejection that is one of them is what the
    # plan asked for, so it is not held against "no rejection in the last N". A run started
    # before the plan had cases sends none, and is counted as before.
    cases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DxProgress:
    """What the site's messages after ``after_message_id`` show: counts and outcomes, nothing
    of their contents."""

    staging_messages: int = 0
    staging_accepted: int = 0
    test_patients_covered: tuple[str, ...] = ()
    rejected_in_last: int = 0  # rejections among the plan's last N staging messages
    production_accepted: int = 0
    last_message_id: int = 0  # the newest message counted
    cases_passed: tuple[str, ...] = ()  # the names of the plan's cases the messages passed

    def meets(self, plan: TestPlan) -> bool:
        return (
            self.staging_accepted >= plan.accepted_messages
            and set(plan.test_patients) <= set(self.test_patients_covered)
            and self.rejected_in_last == 0
            and self.staging_messages >= plan.no_rejection_in_last
            and {c.name for c in plan.cases} <= set(self.cases_passed)
        )

    def missing(self, plan: TestPlan) -> list[str]:
        """In words, what the plan still needs."""
        left = []
        if self.staging_accepted < plan.accepted_messages:
            left.append(f"{plan.accepted_messages - self.staging_accepted} more accepted VXUs")
        uncovered = sorted(set(plan.test_patients) - set(self.test_patients_covered))
        if uncovered:
            left.append("messages about test patients " + ", ".join(uncovered))
        if self.rejected_in_last:
            left.append(f"no rejection in the last {plan.no_rejection_in_last} messages")
        left += [c.words for c in plan.cases if c.name not in self.cases_passed]
        return left

    def passed(self, plan: TestPlan) -> list[str]:
        """In words, what of the plan the messages have shown already."""
        done = []
        if self.staging_accepted:
            done.append(
                f"{min(self.staging_accepted, plan.accepted_messages)} of "
                f"{plan.accepted_messages} accepted VXUs"
            )
        covered = sorted(set(plan.test_patients) & set(self.test_patients_covered))
        if covered:
            done.append("messages about test patients " + ", ".join(covered))
        done += [c.words for c in plan.cases if c.name in self.cases_passed]
        return done


@dataclass(frozen=True)
class ProductionDecision:
    """Staff approve production (``approve``) or send the site back to testing with words."""

    by: str
    approve: bool
    message: str = ""


@dataclass
class DxStatus:
    site_id: str
    provider_id: str
    stage: DxStage
    progress: DxProgress = field(default_factory=DxProgress)
    still_needed: list[str] = field(default_factory=list)
    reminders_sent: int = 0
    sent_back: int = 0
    held: str | None = None
    passed: list[str] = field(default_factory=list)  # what of the test plan is shown already
