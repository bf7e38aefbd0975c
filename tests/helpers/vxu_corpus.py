"""The broken-message corpus (tests/data/vxu/broken/<check>.hl7): for every check, one message
that breaks it alone, made from the correct VXU by one change, with the sender it is checked
for and the ERR-2 location the ACK must name. ``python -m tests.helpers.vxu_corpus`` writes the
files again after a change here; a test keeps the files and this table in step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cair.domain.vxu_rules import Sender, SiteRole
from tests.helpers.vxu import CLIENT, FACILITY, SITE, vxu

CORPUS = Path(__file__).resolve().parents[1] / "data" / "vxu"
NOW = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)  # when CAIR received the corpus's messages
SENDERS = {
    "direct": Sender(SiteRole.DIRECT, SITE, "CAIRBA"),
    "through": Sender(SiteRole.THROUGH_SENDING_FACILITY, SITE, "CAIRBA", FACILITY),
    "for_clients": Sender(
        SiteRole.SENDING_FACILITY, FACILITY, "CAIRBA", FACILITY, frozenset({CLIENT})
    ),
    "unconsented": Sender(
        SiteRole.THROUGH_SENDING_FACILITY, SITE, "CAIRBA", FACILITY, facility_consented=False
    ),
}
ID = "MSG-00001"


@dataclass(frozen=True)
class Broken:
    location: str  # ERR-2 as the ACK writes it
    message: Callable[[], str]
    sender: str = "direct"


def base(**changes: str | tuple[str, ...]) -> str:
    return vxu(control=ID, **changes)  # type: ignore[arg-type]


def changed(old: str, new: str, **changes: str | tuple[str, ...]) -> Callable[[], str]:
    def make() -> str:
        text = base(**changes)
        assert old in text, old
        return text.replace(old, new, 1)

    return make


def made(**changes: str | tuple[str, ...]) -> Callable[[], str]:
    return lambda: base(**changes)


def _many_doses() -> str:
    dose = "ORC|RE||1|||||||||1234567893\rRXA|0|1|20261120||08^^CVX|999|||01^^NIP001||^^^S100234"
    return base(segments=("PID",)) + "\r".join([dose] * 251) + "\r"


_VFC = "V02^VFC eligible-Medicaid/Medicaid Managed Care^HL70064"
_ORDER = ("PID", "ORC", "RXA", "RXR", "OBX")
_SECOND_OBX = "OBX|2|CE|{observed}^An observation^LN|2|{value}^A value^L||||||F"

BROKEN: dict[str, Broken] = {
    "VXU-MSG-NOT-HL7": Broken("MSH^1", lambda: "PID|1||CAIRTEST001^^^S100234^MR\r"),
    "VXU-MSG-MORE": Broken("MSH^1", lambda: base() + "ZQQ|1\r" * 60),
    "VXU-SEG-ORDER": Broken("PID^1", made(segments=("ORC", "PID", "RXA", "RXR", "OBX"))),
    "VXU-SEG-REPEATED": Broken("RXR^2", made(segments=("PID", "ORC", "RXA", "RXR", "RXR", "OBX"))),
    "VXU-SEG-UNKNOWN": Broken("", made(segments=(*_ORDER, "ZQQ|1"))),
    "VXU-PID-MISSING": Broken("PID^1", made(segments=("ORC", "RXA", "RXR", "OBX"))),
    "VXU-RXA-MISSING": Broken("RXA^1", made(segments=("PID",))),
    "VXU-ORC-MISSING": Broken("RXA^1", made(segments=("PID", "RXA", "RXR", "OBX"))),
    "VXU-ORC-NO-RXA": Broken("ORC^1", made(segments=("PID", "ORC", *_ORDER[1:]))),
    "VXU-RXA-TOO-MANY": Broken("RXA^1", _many_doses),
    "VXU-MSH4-MISSING": Broken("MSH^1^4", made(facility="")),
    "VXU-MSH4-FACILITY": Broken("MSH^1^4", made(facility="S999999")),
    "VXU-MSH4-CONSENT": Broken("MSH^1^4", made(facility=FACILITY), sender="unconsented"),
    "VXU-MSH6-REGION": Broken("MSH^1^6", made(region="CAIRLA")),
    "VXU-MSH7-MISSING": Broken("MSH^1^7", made(sent_at="")),
    "VXU-MSH7-INVALID": Broken("MSH^1^7", made(sent_at="20261345")),
    "VXU-MSH7-FUTURE": Broken("MSH^1^7", made(sent_at="20270101120000-0800")),
    "VXU-MSH9-MISSING": Broken("MSH^1^9", made(kind="")),
    "VXU-MSH9-TYPE": Broken("MSH^1^9", made(kind="ADT^A04^ADT_A01")),
    "VXU-MSH10-MISSING": Broken("MSH^1^10", changed(f"|{ID}|", "||")),
    "VXU-MSH10-INVALID": Broken("MSH^1^10", changed(f"|{ID}|", "|MSG 1/2|")),
    "VXU-MSH11-MISSING": Broken("MSH^1^11", made(processing="")),
    "VXU-MSH11-PROCESSING": Broken("MSH^1^11", made(processing="T")),
    "VXU-MSH12-MISSING": Broken("MSH^1^12", made(version="")),
    "VXU-MSH12-VERSION": Broken("MSH^1^12", made(version="2.3.1")),
    "VXU-MSH21-MISSING": Broken("MSH^1^21", changed("|Z22^CDCPHINVS|", "||")),
    "VXU-MSH21-PROFILE": Broken("MSH^1^21", changed("|Z22^CDCPHINVS|", "|Z31^CDCPHINVS|")),
    "VXU-MSH22-SITE": Broken(
        "MSH^1^22", made(facility=FACILITY, responsible=FACILITY), sender="through"
    ),
    "VXU-MSH22-CLIENT": Broken(
        "MSH^1^22",
        made(facility=FACILITY, responsible="S555555", dose_site="S555555"),
        sender="for_clients",
    ),
    "VXU-PID3-MISSING": Broken("PID^1^3", made(patient="")),
    "VXU-PID3-5-MISSING": Broken("PID^1^3^1^5", made(patient="CAIRTEST001^^^S100234")),
    "VXU-PID3-5-TABLE": Broken("PID^1^3^1^5", made(patient="CAIRTEST001^^^S100234^ZZ9")),
    "VXU-PID5-MISSING": Broken("PID^1^5", changed("TESTPATIENT^ALPHA^^^^^L", "")),
    "VXU-PID5-1-MISSING": Broken("PID^1^5^1^1", changed("TESTPATIENT^ALPHA", "^ALPHA")),
    "VXU-PID5-2-MISSING": Broken("PID^1^5^1^2", changed("TESTPATIENT^ALPHA", "TESTPATIENT^")),
    "VXU-PID5-7-TABLE": Broken("PID^1^5^1^7", changed("^ALPHA^^^^^L", "^ALPHA^^^^^Q")),
    "VXU-PID7-MISSING": Broken("PID^1^7", made(born_on="")),
    "VXU-PID7-INVALID": Broken("PID^1^7", made(born_on="20250230")),
    "VXU-PID7-FUTURE": Broken("PID^1^7", made(born_on="20270101")),
    "VXU-PID8-MISSING": Broken("PID^1^8", changed("|20250101|F", "|20250101|")),
    "VXU-PID8-TABLE": Broken("PID^1^8", changed("|20250101|F", "|20250101|Q")),
    "VXU-ORC1-TABLE": Broken("ORC^1^1", changed("ORC|RE|", "ORC|NW|")),
    "VXU-ORC3-MISSING": Broken("ORC^1^3", changed("ORC|RE||197023^S100234|", "ORC|RE|||")),
    "VXU-ORC12-MISSING": Broken("ORC^1^12", made(npi="")),
    "VXU-ORC12-INVALID": Broken("ORC^1^12", made(npi="1234567890")),
    "VXU-RXA3-MISSING": Broken("RXA^1^3", made(given_on="")),
    "VXU-RXA3-INVALID": Broken("RXA^1^3", made(given_on="20261131")),
    "VXU-RXA3-FUTURE": Broken("RXA^1^3", made(given_on="20261204")),
    "VXU-RXA3-BEFORE-BIRTH": Broken("RXA^1^3", made(given_on="20241231")),
    "VXU-RXA5-MISSING": Broken("RXA^1^5", made(vaccine="^^CVX")),
    "VXU-RXA5-TABLE": Broken("RXA^1^5", made(vaccine="999999^UNKNOWN^CVX")),
    "VXU-RXA6-MISSING": Broken("RXA^1^6", changed("|0.5|mL", "||mL")),
    "VXU-RXA6-INVALID": Broken("RXA^1^6", changed("|0.5|mL", "|half|mL")),
    "VXU-RXA7-MISSING": Broken("RXA^1^7", changed("|mL^mL^UCUM|", "||")),
    "VXU-RXA7-TABLE": Broken("RXA^1^7", changed("|mL^mL^UCUM|", "|mg^mg^UCUM|")),
    "VXU-RXA9-NEW": Broken("RXA^1^9", made(action="00^NEW^LOCAL")),
    "VXU-RXA9-TABLE": Broken("RXA^1^9", made(action="99^OTHER^NIP001")),
    "VXU-RXA11-SITE": Broken("RXA^1^11^1^4", made(dose_site="S000001")),
    "VXU-RXA15-MISSING": Broken("RXA^1^15", changed("|HB2390AA|", "||")),
    "VXU-RXA17-MISSING": Broken("RXA^1^17", changed("|MSD^Merck and Co., Inc.^MVX|", "||")),
    "VXU-RXA17-TABLE": Broken("RXA^1^17", changed("|MSD^Merck", "|QQQ^Nobody")),
    "VXU-RXA20-MISSING": Broken("RXA^1^20", changed("|CP|A", "||A")),
    "VXU-RXA20-TABLE": Broken("RXA^1^20", changed("|CP|A", "|ZZ|A")),
    "VXU-RXA21-MISSING": Broken("RXA^1^21", changed("|CP|A", "|CP|")),
    "VXU-RXA21-TABLE": Broken("RXA^1^21", changed("|CP|A", "|CP|X")),
    "VXU-RXR1-MISSING": Broken("RXR^1^1", changed("RXR|C28161^Intramuscular^NCIT|", "RXR||")),
    "VXU-RXR1-TABLE": Broken("RXR^1^1", changed("RXR|C28161^Intramuscular", "RXR|ELB^Elbow")),
    "VXU-RXR2-TABLE": Broken("RXR^1^2", changed("LD^Left Deltoid", "ZZ^Nowhere")),
    "VXU-OBX-VFC-MISSING": Broken("RXA^1", made(segments=_ORDER[:-1])),
    "VXU-OBX5-VFC-TABLE": Broken("OBX^1^5", changed(_VFC, "V99^Made up^HL70064")),
    "VXU-OBX5-FUNDING-TABLE": Broken(
        "OBX^2^5",
        made(segments=(*_ORDER, _SECOND_OBX.format(observed="30963-3", value="ZZZ"))),
    ),
    "VXU-OBX3-TABLE": Broken(
        "OBX^2^3", made(segments=(*_ORDER, _SECOND_OBX.format(observed="99999-9", value="X")))
    ),
}


def path(code: str) -> Path:
    return CORPUS / "broken" / f"{code}.hl7"


def write() -> None:
    (CORPUS / "broken").mkdir(parents=True, exist_ok=True)
    for code, broken in BROKEN.items():
        path(code).write_text(broken.message(), newline="")


if __name__ == "__main__":
    write()
