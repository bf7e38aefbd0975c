"""How CAIR answers a checked query (``qbp_rules``): an ``RSP^K11^RSP_K11``.

On staging the test patients of ``data/test_patients.json`` (synthetic, with made-up histories)
are searched: one match is answered with its history (Z32), several with a candidate list
(Z31), more than the query's quantity limit ``TM`` and none ``NF`` (both Z33). On production
this service keeps no immunization records, so a query it could run is answered ``AE`` with a
finding saying so, never ``NF``: "not found" would tell a clinic the registry has no doses for a
patient who may have many. A broken query is answered ``AR`` (Z33, QAK-2 ``AR``) with its ERRs.

The answer's first stored finding says how it was answered (severity I, check
``RSP-<query>-<profile>-<QAK-2>``, e.g. ``RSP-Z34-Z32-OK``): it is how the endpoint's record of
the message is known as a query, and how the test plan recognizes its query cases. It is never
written as an ERR.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from cair.domain import hl7_dates
from cair.domain.hl7_ack import err, text
from cair.domain.qbp_rules import HISTORY, Query, Search, query_name
from cair.domain.vxu_catalogue import at
from cair.domain.vxu_findings import (
    ANSWERED,
    AckCode,
    Finding,
    Severity,
    Verdict,
    ack_code,
    answered_as,
)

HISTORY_FOUND, CANDIDATES, NOTHING = "Z32", "Z31", "Z33"  # the RSP profiles (MSH-21)
OK, NOT_FOUND, TOO_MANY = "OK", "NF", "TM"  # QAK-2


@dataclass(frozen=True)
class Dose:
    given_on: str
    cvx: str
    vaccine: str
    mvx: str
    lot: str


@dataclass(frozen=True)
class TestPatient:
    __test__ = False  # not a pytest class

    id: str
    family: str
    given: str
    birth: date
    sex: str
    doses: tuple[Dose, ...]


@dataclass(frozen=True)
class Answer:
    """The RSP and the verdict to keep (its first finding the answer: see above)."""

    rsp: str
    verdict: Verdict


@cache
def test_patients() -> tuple[TestPatient, ...]:
    raw = resources.files("cair.domain").joinpath("data/test_patients.json").read_text()
    facts: dict[str, Any] = json.loads(raw)
    if facts.get("source") != "synthetic":
        raise ValueError("test_patients.json: only synthetic patients may be answered from")
    found = []
    for p in facts["patients"]:
        born = hl7_dates.day(p["birth"])
        assert born is not None, p["id"]
        doses = tuple(Dose(**d) for d in p["doses"])
        found.append(TestPatient(p["id"], p["family"], p["given"], born, p["sex"], doses))
    return tuple(found)


def matches(search: Search) -> list[TestPatient]:
    """The test patients a search finds: family name and birth date equal, the given names
    equal or one the other's start (an initial), the sex when sent. An identifier that names a
    test patient finds that one only, and only if the rest agrees."""

    def agrees(p: TestPatient) -> bool:
        given = search.given
        return (
            p.family == search.family
            and p.birth == search.birth
            and (p.given.startswith(given) or given.startswith(p.given))
            and (search.sex in ("", "U") or search.sex == p.sex)
        )

    named = [p for p in test_patients() if p.id in search.identifiers]
    return [p for p in (named or test_patients()) if agrees(p)]


def answer(
    query: Query, *, staging: bool, receiving_facility: str, control_id: str, now: datetime
) -> Answer:
    verdict = query.verdict
    findings = list(verdict.findings)
    found: list[TestPatient] = []
    if query.search is None:
        profile, status = NOTHING, AckCode.REJECTED.value
    elif not staging:
        findings.append(at("QBP-PRODUCTION-NO-HISTORY", "QPD"))
        profile, status = NOTHING, AckCode.ACCEPTED_WITH_ERRORS.value
    else:
        found = matches(query.search)
        if not found:
            profile, status = NOTHING, NOT_FOUND
        elif len(found) > query.search.limit:
            profile, status, found = NOTHING, TOO_MANY, []
        else:
            profile, status = (HISTORY_FOUND if len(found) == 1 else CANDIDATES), OK
    code = ack_code(findings)
    mark = Finding(
        location="QAK-2",
        code="",
        severity=Severity.INFORMATION,
        text=f"ANSWERED {profile} ({status})",
        check=f"{ANSWERED}{query.name or 'QBP'}-{profile}-{status}",
    )
    one = found[0].id if profile == HISTORY_FOUND and staging else None
    kept = Verdict(code, verdict.control_id, (mark, *findings), one)
    header = _msh(receiving_facility, control_id, profile, now)
    lines = [header, f"MSA|{code.value}|{text(verdict.control_id)}"]
    lines += [err(f) for f in findings]
    asked = query_name(query.name) if query.name else ""
    lines += [f"QAK|{text(query.tag)}|{status}|{asked}", f"QPD|{asked}|{text(query.tag)}"]
    for number, patient in enumerate(found, start=1):
        lines += _patient(number, patient, history=profile == HISTORY_FOUND)
    return Answer("\r".join(lines) + "\r", kept)


def _msh(receiving_facility: str, control_id: str, profile: str, now: datetime) -> str:
    return "|".join(
        [
            "MSH",
            "^~\\&",
            "CAIR",  # MSH-3: sending application
            text(receiving_facility) or "CAIR",  # MSH-4: sending facility
            "",  # MSH-5
            "",  # MSH-6
            now.strftime("%Y%m%d%H%M%S%z"),  # MSH-7
            "",  # MSH-8
            "RSP^K11^RSP_K11",  # MSH-9
            text(control_id),  # MSH-10
            "P",  # MSH-11
            "2.5.1",  # MSH-12
            "",  # MSH-13
            "",  # MSH-14
            "NE",  # MSH-15: accept acknowledgement type
            "NE",  # MSH-16: application acknowledgement type
            *[""] * 4,  # MSH-17 to MSH-20
            f"{profile}^CDCPHINVS",  # MSH-21
        ]
    )


def _patient(number: int, patient: TestPatient, *, history: bool) -> list[str]:
    """The patient as CAIR holds it (its own synthetic values, never the query's), with its
    doses when this is its history (Z32)."""
    born = patient.birth.strftime("%Y%m%d")
    name = f"{patient.family}^{patient.given}^^^^^L"
    lines = [f"PID|{number}||{patient.id}^^^CAIR^SR||{name}||{born}|{patient.sex}"]
    if not history:
        return lines
    for n, dose in enumerate(patient.doses, start=1):
        lines += [
            f"ORC|RE||{patient.id}.{n}^CAIR",
            "|".join(
                [
                    "RXA",
                    "0",
                    "1",
                    dose.given_on,  # RXA-3
                    "",
                    f"{dose.cvx}^{dose.vaccine}^CVX",  # RXA-5
                    "999",  # RXA-6: amount unknown
                    "",
                    "",
                    "01^Historical information - source unspecified^NIP001",  # RXA-9
                    *[""] * 5,  # RXA-10 to RXA-14
                    dose.lot,  # RXA-15
                    "",
                    f"{dose.mvx}^^MVX",  # RXA-17
                    "",
                    "",
                    "CP",  # RXA-20
                    "A",  # RXA-21
                ]
            ),
        ]
    return lines


__all__ = ["HISTORY", "Answer", "answer", "answered_as", "matches", "test_patients"]
