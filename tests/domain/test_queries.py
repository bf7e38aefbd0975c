"""A bidirectional site's queries (QBP^Q11, Z34): the corpus of tests/data/qbp answered as its
RSPs say (Z32 one test patient's history, Z31 candidates, Z33 NF / TM / AR, production AE);
each query check found with its code; mutated queries never raise nor echo the sender; and the
test plan's cases recognized from what the endpoint keeps of a message, never its text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cair.domain import qbp_answers, qbp_rules
from cair.domain.contracts.data_exchange import DxProgress
from cair.domain.test_plan import Outcome, case_of, passed, staging_test_plan
from cair.domain.vxu_catalogue import query_checks
from cair.domain.vxu_findings import AckCode, Verdict
from cair.domain.vxu_rules import check
from tests.helpers.hl7_mutations import MARK, mutate
from tests.helpers.paths import ROOT
from tests.helpers.qbp import qbp
from tests.helpers.qbp_corpus import CASES, answered, path
from tests.helpers.vxu import vxu
from tests.helpers.vxu_corpus import NOW, SENDERS

FIELDS = {"MSH": 21, "MSA": 2, "ERR": 8, "QAK": 3, "QPD": 2, "PID": 8, "ORC": 3, "RXA": 21}
ALL_CASES = [c.name for c in staging_test_plan(bidirectional=True).cases]


def segments(rsp: str) -> list[list[str]]:
    return [line.split("|") for line in rsp.rstrip("\r").split("\r")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_query_of_the_corpus_is_answered_as_its_rsp(name: str) -> None:
    case, answer = CASES[name], answered(name)
    assert path(name, "qbp").read_bytes().decode() == case.message()
    assert path(name, "rsp").read_bytes().decode() == answer.rsp
    lines = segments(answer.rsp)
    assert lines[0][8] == "RSP^K11^RSP_K11" and lines[0][20] == f"{case.rsp_profile}^CDCPHINVS"
    assert lines[1][:2] == ["MSA", case.msa]
    qak = next(s for s in lines if s[0] == "QAK")
    assert qak[2] == case.qak
    pids = [s for s in lines if s[0] == "PID"]
    assert len(pids) == {"Z32": 1, "Z31": 2, "Z33": 0}[case.rsp_profile]
    doses = [s for s in lines if s[0] == "RXA"]
    assert bool(doses) == (case.rsp_profile == "Z32")
    for line in lines:
        assert len(line) - 1 <= FIELDS[line[0]], line


def test_one_test_patient_is_answered_with_its_synthetic_history() -> None:
    answer = answered("history")
    assert answer.verdict.test_patient == "CAIRTEST001"
    assert answer.verdict.findings[0].check == "RSP-Z34-Z32-OK"
    patient = next(p for p in qbp_answers.test_patients() if p.id == "CAIRTEST001")
    assert len([s for s in segments(answer.rsp) if s[0] == "RXA"]) == len(patient.doses)
    assert answered("not-found").verdict.test_patient is None  # NF: no patient named


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "QBP^Q11"}, "QBP-MSH9-TYPE"),
        ({"region": "CAIRLA"}, "QBP-MSH6-REGION"),
        ({"facility": "S999999"}, "QBP-MSH4-FACILITY"),
        ({"profile": "Z22^CDCPHINVS"}, "QBP-MSH21-PROFILE"),
        ({"query": ""}, "QBP-QPD1-MISSING"),
        ({"query": "Z44^x^CDCPHINVS"}, "QBP-QPD1-UNSUPPORTED"),
        ({"tag": ""}, "QBP-QPD2-MISSING"),
        ({"tag": "a tag/with spaces"}, "QBP-QPD2-INVALID"),
        ({"patient": ""}, "QBP-QPD3-MISSING"),
        ({"name": "^ALPHA"}, "QBP-QPD4-1-MISSING"),
        ({"name": "TESTPATIENT"}, "QBP-QPD4-2-MISSING"),
        ({"born_on": ""}, "QBP-QPD6-MISSING"),
        ({"born_on": "20250231"}, "QBP-QPD6-INVALID"),
        ({"born_on": "20270101"}, "QBP-QPD6-FUTURE"),
        ({"sex": "Q"}, "QBP-QPD7-TABLE"),
        ({"priority": "D"}, "QBP-RCP1-PRIORITY"),
        ({"quantity": ""}, "QBP-RCP2-MISSING"),
        ({"quantity": "500^RD&Records&HL70126"}, "QBP-RCP2-INVALID"),
        ({"segments": ("RCP", "QPD")}, "QBP-SEG-ORDER"),
        ({"segments": ("QPD", "QPD", "RCP")}, "QBP-SEG-REPEATED"),
        ({"segments": ("QPD", "RCP", "ZQQ|1")}, "QBP-SEG-UNKNOWN"),
        ({"segments": ("RCP",)}, "QBP-QPD-MISSING"),
    ],
)
def test_each_broken_query_is_found_with_its_code(changes: dict[str, object], code: str) -> None:
    query = qbp_rules.check(qbp(**changes), SENDERS["direct"], bidirectional=True, now=NOW)  # type: ignore[arg-type]
    assert code in {f.check for f in query.verdict.findings}
    effect = query_checks()[code].effect.value
    expected = {"AR": AckCode.REJECTED, "AE": AckCode.ACCEPTED_WITH_ERRORS}.get(effect)
    if expected is not None:
        assert query.verdict.code == expected
    answer = qbp_answers.answer(
        query, staging=True, receiving_facility="CAIRBA", control_id="R1", now=NOW
    )
    assert f"^{code}^^99CAIR" in answer.rsp


def test_a_qbp_is_told_from_a_vxu_and_the_vxu_rules_still_refuse_it() -> None:
    assert qbp_rules.is_query(qbp()) and not qbp_rules.is_query(vxu())
    assert not qbp_rules.is_query("not HL7")
    assert check(qbp(), SENDERS["direct"], now=NOW).code == AckCode.REJECTED


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), bidirectional=st.booleans(), staging=st.booleans())
def test_mutated_queries_never_raise_nor_echo_the_sender(
    data: st.DataObject, bidirectional: bool, staging: bool
) -> None:
    base = data.draw(st.sampled_from([case.message() for case in CASES.values()]))
    text = mutate(base, data)
    query = qbp_rules.check(text, SENDERS["direct"], bidirectional=bidirectional, now=NOW)
    answer = qbp_answers.answer(
        query, staging=staging, receiving_facility="CAIRBA", control_id="R1", now=NOW
    )
    for line in segments(answer.rsp):
        assert line[0] in FIELDS and len(line) - 1 <= FIELDS[line[0]], line
        assert all(c.isprintable() for c in "|".join(line))
        echoed = {"MSA": {2}, "QAK": {1}, "QPD": {2}}.get(line[0], set())
        assert not any(MARK in f for n, f in enumerate(line) if n not in echoed), line
    assert not any(MARK in f.text for f in answer.verdict.findings)


def outcome(kept: Verdict | qbp_answers.Answer) -> Outcome:
    verdict = kept.verdict if isinstance(kept, qbp_answers.Answer) else kept
    return Outcome(verdict.code.value, [f.stored() for f in verdict.findings], verdict.test_patient)


def test_the_plan_recognizes_its_cases_from_the_kept_outcome() -> None:
    no_vaccine = check(vxu(vaccine="^^CVX"), SENDERS["direct"], now=NOW)
    assert no_vaccine.code == AckCode.REJECTED and no_vaccine.test_patient == "CAIRTEST001"
    assert case_of(outcome(no_vaccine), ALL_CASES) == "rejected-no-vaccine"
    # Broken in another way too, or about no test patient: not the case.
    both = check(vxu(vaccine="^^CVX", region="CAIRLA"), SENDERS["direct"], now=NOW)
    stranger = check(vxu(vaccine="^^CVX", patient="MRN1^^^S100234^MR"), SENDERS["direct"], now=NOW)
    assert case_of(outcome(both), ALL_CASES) is None
    assert case_of(outcome(stranger), ALL_CASES) is None
    accepted = check(vxu(), SENDERS["direct"], now=NOW)
    assert case_of(outcome(accepted), ALL_CASES) is None
    assert case_of(outcome(answered("history")), ALL_CASES) == "query-history"
    assert case_of(outcome(answered("not-found")), ALL_CASES) == "query-not-found"
    assert case_of(outcome(answered("candidates")), ALL_CASES) is None
    assert case_of(outcome(answered("production-history")), ALL_CASES) is None
    # A case the run's plan does not name is not recognized (a role 1 site's plan).
    assert case_of(outcome(answered("history")), ["rejected-no-vaccine"]) is None
    kept = [outcome(no_vaccine), outcome(answered("not-found")), outcome(answered("history"))]
    assert passed(kept, ALL_CASES) == tuple(ALL_CASES)


def test_the_plan_is_met_only_with_its_cases_and_an_old_run_decides_as_before() -> None:
    plan, two_way = staging_test_plan(), staging_test_plan(bidirectional=True)
    assert [c.name for c in plan.cases] == ["rejected-no-vaccine"]
    assert len(two_way.cases) == 3
    counts = DxProgress(
        staging_messages=10,
        staging_accepted=10,
        test_patients_covered=("CAIRTEST001", "CAIRTEST002", "CAIRTEST003"),
    )
    assert not counts.meets(plan)
    assert any("without its vaccine code" in words for words in counts.missing(plan))
    done = DxProgress(**{**counts.__dict__, "cases_passed": ("rejected-no-vaccine",)})
    assert done.meets(plan) and not done.meets(two_way)
    assert any("answered AR" in words for words in done.passed(plan))
    old = type(plan)(plan.accepted_messages, plan.test_patients, plan.no_rejection_in_last)
    assert counts.meets(old)  # a run started before the plan had cases


def test_the_documented_query_table_is_the_catalogue() -> None:
    """docs/domain.md lists every query check with its effect, ERR-3 and location."""
    text = (ROOT / "docs" / "domain.md").read_text()
    rows = re.findall(r"^\| `(QBP-[A-Z0-9-]+)` \| (AR|AE|W) \| (\d{3}) \| ([^|]*)\|", text, re.M)
    documented = {code: (effect, error, where.strip()) for code, effect, error, where in rows}
    expected = {c.code: (c.effect.value, c.hl7_error, c.where) for c in query_checks().values()}
    assert documented == expected
