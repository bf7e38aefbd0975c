"""The rules CAIR holds a query to: a bidirectional site's ``QBP^Q11^QBP_Q11`` asking for a
patient's immunization history (Z34, CDC guide release 1.5). The same findings as a VXU's (stable
``QBP-…`` codes, ``data/qbp_checks.csv``; ERR segments; never the sender's text): the header by
the VXU's header rules, then the segments (MSH, SFT*, QPD, RCP, DSC?), the query (QPD) and the
response control (RCP).

Pure, like ``vxu_rules``: what the search needs (identifiers, name, birth date, sex) stays in
the returned :class:`Search`, kept out of ``repr``; only the control id and the query tag, both
held to a safe shape, ever reach an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from cair.domain import hl7_dates, hl7_fields, vxu_header
from cair.domain.code_tables import Table, knows
from cair.domain.hl7_fields import Segment
from cair.domain.vxu_catalogue import at
from cair.domain.vxu_context import MessageRules, Sender, portal_facts
from cair.domain.vxu_findings import AckCode, Finding, Verdict, ack_code
from cair.domain.vxu_rules import MAX_MESSAGE_CHARS, capped

HISTORY = "Z34"  # Request Immunization History: the one query CAIR answers
_TAG = re.compile(r"[A-Za-z0-9._-]{1,32}")
_QUANTITY = re.compile(r"\d{1,3}", re.ASCII)
_RANK = {"MSH": 0, "SFT": 1, "QPD": 2, "RCP": 3, "DSC": 4}
_REPEATS = frozenset({"SFT"})
_MOST_IDENTIFIERS = 10


@dataclass(frozen=True)
class Search:
    """Who the query asks about, as sent: for matching only, never for an answer."""

    identifiers: tuple[str, ...] = field(repr=False)
    family: str = field(repr=False)
    given: str = field(repr=False)
    birth: date = field(repr=False)
    sex: str = field(repr=False)
    limit: int


@dataclass(frozen=True)
class Query:
    """A checked query: the verdict (control id, findings), the query name CAIR recognized
    (``Z34``, ``Z44`` or empty), the tag to answer it with (empty when unsafe), and the search
    when the query can be run."""

    verdict: Verdict
    name: str = ""
    tag: str = ""
    search: Search | None = None


@cache
def query_rules() -> MessageRules:
    facts = portal_facts()
    return MessageRules(
        message_type=facts["query"]["type"],
        processing_id=facts["message"]["processing_id"],
        version=facts["message"]["version"],
        new_record_action="",
        test_patients=frozenset(facts["test_plan"]["test_patients"]),
    )


def query_name(code: str) -> str:
    """The CDC's coded query name (``Z34^Request Immunization History^CDCPHINVS``)."""
    names: dict[str, str] = portal_facts()["query"]["names"]
    return names.get(code, "")


def is_query(text: str) -> bool:
    """The message says it is a QBP (MSH-9.1); anything else is held to the VXU rules."""
    message = hl7_fields.parse(text, max_chars=MAX_MESSAGE_CHARS)
    return message is not None and hl7_fields.field(message[0], 9, component=1) == "QBP"


def check(text: str, sender: Sender, *, bidirectional: bool, now: datetime) -> Query:
    """Every rule at once; ``bidirectional``: the site registered to query."""
    message = hl7_fields.parse(text, max_chars=MAX_MESSAGE_CHARS)
    if message is None:
        return Query(Verdict(AckCode.REJECTED, "", (at("VXU-MSG-NOT-HL7", "MSH"),)))
    msh = message[0]
    found, first = _structure(message)
    qpd, rcp = first.get("QPD"), first.get("RCP")
    name = hl7_fields.field(qpd, 1, component=1) if qpd is not None else ""
    known = name if name in portal_facts()["query"]["names"] else ""
    profile = f"{known or HISTORY}^CDCPHINVS"
    found = [
        *vxu_header.check(msh, sender, query_rules(), now, kind="QBP", profile=profile),
        *found,
    ]
    if not bidirectional:
        found.append(at("QBP-SITE-NOT-BIDIRECTIONAL", "MSH-9"))
    tag, search = "", None
    if qpd is not None:
        tag, quoted, person = _parameters(qpd, now)
        found += quoted
        limit, controlled = _control(rcp)
        found += controlled
        if person is not None:
            search = Search(*person, limit=limit)
    verdict = Verdict(ack_code(found), vxu_header.control_id(msh), tuple(capped(found)))
    runnable = verdict.code != AckCode.REJECTED
    return Query(verdict, known, tag, search if runnable else None)


def _structure(message: list[Segment]) -> tuple[list[Finding], dict[str, Segment]]:
    found: list[Finding] = []
    first: dict[str, Segment] = {}
    rank = -1
    for position, segment in enumerate(message, start=1):
        name = hl7_fields.name(segment)
        if name not in _RANK:
            found.append(at("QBP-SEG-UNKNOWN", "", number=str(position)))
            continue
        if name in first and name not in _REPEATS:
            found.append(at("QBP-SEG-REPEATED", name, segment=name))
            continue
        if _RANK[name] < rank:
            found.append(at("QBP-SEG-ORDER", name, segment=name))
            continue
        rank = _RANK[name]
        first.setdefault(name, segment)
    for name in ("QPD", "RCP"):
        if name not in first and not any(f.location == name for f in found):
            found.append(at(f"QBP-{name}-MISSING", name))
    return found, first


def _parameters(
    qpd: Segment, now: datetime
) -> tuple[str, list[Finding], tuple[tuple[str, ...], str, str, date, str] | None]:
    """The query tag, the findings of QPD, and who is sought (None when it cannot be run)."""
    found: list[Finding] = []
    name = hl7_fields.field(qpd, 1, component=1)
    if not name:
        found.append(at("QBP-QPD1-MISSING", "QPD-1", expected=query_name(HISTORY)))
    elif name != HISTORY:
        found.append(at("QBP-QPD1-UNSUPPORTED", "QPD-1", expected=HISTORY))
    sent_tag = hl7_fields.field(qpd, 2)
    tag = sent_tag if _TAG.fullmatch(sent_tag) else ""
    if not sent_tag:
        found.append(at("QBP-QPD2-MISSING", "QPD-2"))
    elif not tag:
        found.append(at("QBP-QPD2-INVALID", "QPD-2"))
    separators = hl7_fields.separators(qpd)
    sent_ids = [hl7_fields.part(r, 1, separators) for r in hl7_fields.repetitions(qpd, 3)]
    identifiers = tuple(i for i in sent_ids[:_MOST_IDENTIFIERS] if i)
    if not identifiers:
        found.append(at("QBP-QPD3-MISSING", "QPD-3"))
    family = hl7_fields.field(qpd, 4, component=1)
    given = hl7_fields.field(qpd, 4, component=2)
    if not family:
        found.append(at("QBP-QPD4-1-MISSING", "QPD-4-1"))
    if not given:
        found.append(at("QBP-QPD4-2-MISSING", "QPD-4-2"))
    birth, dated = _birth(hl7_fields.field(qpd, 6, component=1), now)
    found += dated
    sex = hl7_fields.field(qpd, 7, component=1)
    if sex and not knows(Table.SEX, sex):
        found.append(at("QBP-QPD7-TABLE", "QPD-7"))
        sex = ""
    if birth is None or not family or not given:
        return tag, found, None
    return tag, found, (identifiers, family.upper(), given.upper(), birth, sex)


def _birth(sent: str, now: datetime) -> tuple[date | None, list[Finding]]:
    if not sent:
        return None, [at("QBP-QPD6-MISSING", "QPD-6")]
    born = hl7_dates.day(sent)
    if born is None:
        return None, [at("QBP-QPD6-INVALID", "QPD-6")]
    if born > hl7_dates.latest_day(now):
        return None, [at("QBP-QPD6-FUTURE", "QPD-6")]
    return born, []


def _control(rcp: Segment | None) -> tuple[int, list[Finding]]:
    """RCP: priority ``I`` and the quantity limit (RCP-2, in records: ``10^RD&Records&HL70126``);
    the default limit when it is missing or unreadable."""
    facts = portal_facts()["query"]
    default, most = int(facts["default_quantity"]), int(facts["most_quantity"])
    if rcp is None:
        return default, []  # the structure reports a missing RCP
    found: list[Finding] = []
    if hl7_fields.field(rcp, 1, component=1) != "I":
        found.append(at("QBP-RCP1-PRIORITY", "RCP-1"))
    quantity = hl7_fields.field(rcp, 2, component=1)
    units = hl7_fields.field(rcp, 2, component=2)
    if not quantity:
        return default, [*found, at("QBP-RCP2-MISSING", "RCP-2", expected=str(default))]
    if not _QUANTITY.fullmatch(quantity) or not 0 < int(quantity) <= most or units != "RD":
        fill = {"expected": str(default), "most": str(most)}
        return default, [*found, at("QBP-RCP2-INVALID", "RCP-2", **fill)]
    return int(quantity), found
