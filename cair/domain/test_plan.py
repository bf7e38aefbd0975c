"""The staging test plan (``data/iz_portal.json``, ``test_plan``) and its cases: what a site must
pass before staff review it for production, and how each case is recognized.

The endpoint keeps no message, only its outcome: the ACK code, CAIR's findings (by check code),
and which synthetic test patient it was about. A case is recognized from that alone:

- a VXU case (``kind: VXU``): the ACK code, and the one check that decided it — the no-vaccine
  VXU is an ``AR`` whose only rejecting finding is ``VXU-RXA5-MISSING``, about a test patient
  (so a message broken in other ways too does not count: it shows nothing in particular);
- a query case (``kind: QBP``): how the query was answered, the first stored finding of a query
  (``RSP-Z34-Z32-OK``: ``qbp_answers``), and for a history, that it was a test patient's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cair.domain.contracts.data_exchange import PlanCase, TestPlan
from cair.domain.vxu_context import portal_facts
from cair.domain.vxu_findings import answered_as

EVERY_SITE, BIDIRECTIONAL = "every site", "bidirectional"


@dataclass(frozen=True)
class Outcome:
    """What the endpoint kept of one staging message."""

    ack_code: str
    findings: list[dict[str, str]]
    test_patient: str | None


def case_facts() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = portal_facts()["test_plan"].get("cases", [])
    return cases


def staging_test_plan(*, bidirectional: bool = False) -> TestPlan:
    """What staging must show before staff review a site for production: a bidirectional
    site's plan has the query cases too."""
    plan = portal_facts()["test_plan"]
    wanted = (EVERY_SITE, BIDIRECTIONAL) if bidirectional else (EVERY_SITE,)
    return TestPlan(
        accepted_messages=int(plan["accepted_messages"]),
        test_patients=tuple(plan["test_patients"]),
        no_rejection_in_last=int(plan["no_rejection_in_last"]),
        cases=tuple(PlanCase(c["name"], c["words"]) for c in case_facts() if c["for"] in wanted),
    )


def case_of(outcome: Outcome, names: Iterable[str]) -> str | None:
    """The case among ``names`` this outcome passes, if any."""
    answered = answered_as(outcome.findings)
    for case in case_facts():
        if case["name"] not in names:
            continue
        if case["kind"] == "QBP" and answered and answered == case["answer"]:
            if not case["test_patient"] or outcome.test_patient:
                return str(case["name"])
        elif case["kind"] == "VXU" and not answered and _rejected_for(outcome, case):
            return str(case["name"])
    return None


def _rejected_for(outcome: Outcome, case: dict[str, Any]) -> bool:
    if outcome.ack_code != case["ack_code"] or (case["test_patient"] and not outcome.test_patient):
        return False
    checks = {f.get("check", "") for f in outcome.findings}
    deciding = {f.get("check", "") for f in outcome.findings if f.get("rejects")}
    if case["ack_code"] == "AR":
        return deciding == {case["check"]}
    return case["check"] in checks


def passed(outcomes: Iterable[Outcome], names: Iterable[str]) -> tuple[str, ...]:
    """The names of the cases among ``names`` the outcomes pass, in the plan's order."""
    wanted = set(names)
    seen = {case_of(o, wanted) for o in outcomes}
    return tuple(c["name"] for c in case_facts() if c["name"] in seen)
