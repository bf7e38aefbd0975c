"""The query corpus (tests/data/qbp/<case>.qbp.hl7 and its answer <case>.rsp.hl7): a QBP of
each kind a bidirectional site sends, and the RSP CAIR answers it with on staging (or, for
``production-*``, on production). ``python -m tests.helpers.qbp_corpus`` writes the files again
after a change here; a test keeps the files and the answers in step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cair.domain import qbp_answers, qbp_rules
from tests.helpers.qbp import UNKNOWN, qbp
from tests.helpers.vxu_corpus import NOW, SENDERS

CORPUS = Path(__file__).resolve().parents[1] / "data" / "qbp"
ID = "QRY-00001"
_PID, _NAME, _BORN, _SEX = UNKNOWN


@dataclass(frozen=True)
class Case:
    message: Callable[[], str]
    rsp_profile: str  # MSH-21 of the answer
    msa: str
    qak: str
    staging: bool = True
    bidirectional: bool = True


def _q(**changes: str | tuple[str, ...]) -> Callable[[], str]:
    return lambda: qbp(control=ID, **changes)  # type: ignore[arg-type]


_TWINS = {"patient": "", "name": "TESTPATIENT^B^^^^^L", "born_on": "20230615", "sex": ""}
CASES: dict[str, Case] = {
    "history": Case(_q(), "Z32", "AA", "OK"),
    "history-by-name": Case(_q(patient="", sex=""), "Z32", "AA", "OK"),
    "candidates": Case(_q(**_TWINS), "Z31", "AA", "OK"),
    "too-many": Case(_q(**_TWINS, quantity="1^RD&Records&HL70126"), "Z33", "AA", "TM"),
    "not-found": Case(_q(patient=_PID, name=_NAME, born_on=_BORN, sex=_SEX), "Z33", "AA", "NF"),
    "wrong-name-for-the-id": Case(_q(name="TESTPATIENT^BRAVO^^^^^L"), "Z33", "AA", "NF"),
    "bad-quantity": Case(_q(quantity="lots"), "Z32", "AE", "OK"),
    "forecast-z44": Case(
        _q(query="Z44^Request Evaluated History and Forecast^CDCPHINVS", profile="Z44^CDCPHINVS"),
        "Z33",
        "AR",
        "AR",
    ),
    "no-birth-date": Case(_q(born_on=""), "Z33", "AR", "AR"),
    "no-rcp": Case(_q(segments=("QPD",)), "Z33", "AR", "AR"),
    "not-bidirectional": Case(_q(), "Z33", "AR", "AR", bidirectional=False),
    "production-history": Case(_q(), "Z33", "AE", "AE", staging=False),
}


def answered(name: str) -> qbp_answers.Answer:
    case = CASES[name]
    query = qbp_rules.check(
        case.message(), SENDERS["direct"], bidirectional=case.bidirectional, now=NOW
    )
    return qbp_answers.answer(
        query, staging=case.staging, receiving_facility="CAIRBA", control_id="RSP1", now=NOW
    )


def path(name: str, kind: str) -> Path:
    return CORPUS / f"{name}.{kind}.hl7"


def write() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        path(name, "qbp").write_text(case.message(), newline="")
        path(name, "rsp").write_text(answered(name).rsp, newline="")


if __name__ == "__main__":
    write()
