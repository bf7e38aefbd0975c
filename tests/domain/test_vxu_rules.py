"""The VXU rules and the ACK, message by message: one correct VXU for each site role, then each
rule broken on its own, answered with the field named; hostile text answered, never raised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cair.domain.hl7_ack import ack
from cair.domain.vxu_rules import AckCode, Sender, Severity, SiteRole, check, is_npi, region_code
from tests.helpers.vxu import CLIENT, FACILITY, SITE, vxu

NOW = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)  # when CAIR received the messages

DIRECT = Sender(SiteRole.DIRECT, SITE, "CAIRBA")
THROUGH = Sender(SiteRole.THROUGH_SENDING_FACILITY, SITE, "CAIRBA", sending_facility_id=FACILITY)
FOR_CLIENTS = Sender(
    SiteRole.SENDING_FACILITY,
    FACILITY,
    "CAIRBA",
    sending_facility_id=FACILITY,
    client_sites=frozenset({CLIENT}),
)


def test_a_correct_vxu_is_accepted_for_each_site_role() -> None:
    direct = check(vxu(control="MSG-00001"), DIRECT, now=NOW)
    assert (direct.code, direct.findings, direct.control_id) == (AckCode.ACCEPTED, (), "MSG-00001")
    assert direct.test_patient == "CAIRTEST001"
    assert check(vxu(facility=FACILITY), THROUGH, now=NOW).code == AckCode.ACCEPTED
    role3 = vxu(facility=FACILITY, responsible=CLIENT, dose_site=CLIENT)
    assert check(role3, FOR_CLIENTS, now=NOW).code == AckCode.ACCEPTED
    assert check(vxu(patient="MRN77^^^S100234^MR"), DIRECT, now=NOW).test_patient is None


@pytest.mark.parametrize(
    ("message", "sender", "location", "words"),
    [
        (vxu(processing="T"), DIRECT, "MSH-11", "INVALID PROCESSING ID. MUST BE 'P'"),
        (vxu(version="2.3.1"), DIRECT, "MSH-12", "INVALID VERSION ID. MUST BE '2.5.1'"),
        (vxu(kind="ADT^A04^ADT_A01"), DIRECT, "MSH-9", "INVALID MESSAGE TYPE"),
        (vxu(region="CAIRLA"), DIRECT, "MSH-6", "MUST BE 'CAIRBA'"),
        (vxu(facility=FACILITY), DIRECT, "MSH-4", f"MUST BE '{SITE}'"),
        (vxu(), THROUGH, "MSH-4", f"MUST BE '{FACILITY}'"),
        (vxu(facility=FACILITY, responsible=FACILITY), THROUGH, "MSH-22", f"MUST BE '{SITE}'"),
        (vxu(dose_site="S000001"), DIRECT, "RXA-11-4", f"MUST BE '{SITE}'"),
        (
            vxu(facility=FACILITY, responsible="S555555", dose_site="S555555"),
            FOR_CLIENTS,
            "MSH-22",
            "MUST BE A CLIENT SITE",
        ),
        (
            vxu(facility=FACILITY, responsible=CLIENT, dose_site=FACILITY),
            FOR_CLIENTS,
            "RXA-11-4",
            "MUST MATCH MSH-22",
        ),
        (vxu(control="MSG 1/2"), DIRECT, "MSH-10", "MESSAGE CONTROL ID"),
        (
            vxu(patient="CAIRTEST001^^^S100234"),
            DIRECT,
            "PID-3-5",
            "MESSAGE REJECTED - REQUIRED FIELD PID-3-5 MISSING",
        ),
        (vxu(patient=""), DIRECT, "PID-3", "REQUIRED FIELD PID-3 MISSING"),
        (vxu(segments=("ORC", "RXA")), DIRECT, "PID", "REQUIRED SEGMENT PID MISSING"),
        (vxu(segments=("PID",)), DIRECT, "RXA", "REQUIRED SEGMENT RXA MISSING"),
    ],
)
def test_each_rule_rejects_with_the_field_named(
    message: str, sender: Sender, location: str, words: str
) -> None:
    verdict = check(message, sender, now=NOW)
    assert verdict.code == AckCode.REJECTED
    [finding] = [f for f in verdict.findings if f.location == location]
    assert words in finding.text and finding.severity == Severity.ERROR


@pytest.mark.parametrize(
    ("message", "location", "words"),
    [
        (vxu(action="01^HISTORICAL^NIP001"), None, None),  # a historical dose: no new-dose rule
        (vxu(action="00^NEW^LOCAL"), "RXA-9", "NEW IMMUNIZATION RECORD"),
        (vxu(action=""), "RXA-9", "NEW IMMUNIZATION RECORD"),
        (vxu(npi=""), "ORC-12", "ORDERING PROVIDER NPI MISSING"),
        (vxu(npi="1234567890"), "ORC-12", "ORDERING PROVIDER NPI INVALID"),
    ],
)
def test_dose_details_are_accepted_with_errors(
    message: str, location: str | None, words: str | None
) -> None:
    verdict = check(message, DIRECT, now=NOW)
    if location is None:
        assert verdict.code == AckCode.ACCEPTED
        return
    assert verdict.code == AckCode.ACCEPTED_WITH_ERRORS
    [finding] = verdict.findings
    assert finding.location == location and words in finding.text  # type: ignore[operator]


def test_the_ack_carries_the_verdict_and_nothing_of_the_message() -> None:
    message = vxu(patient="CAIRTEST001^^^S100234", processing="T", control="MSG-00001")
    answer = ack(
        check(message, DIRECT, now=NOW),
        receiving_facility="CAIRBA",
        control_id="ACK1",
        now=datetime(2026, 11, 25, 12, tzinfo=UTC),
    )
    segments = answer.rstrip("\r").split("\r")
    assert segments[0].startswith(
        "MSH|^~\\&|CAIR|CAIRBA|||20261125120000+0000||ACK^V04^ACK|ACK1|P|"
    )
    assert segments[1] == "MSA|AR|MSG-00001"
    assert (
        "ERR||MSH^1^11|202^Unsupported processing id^HL70357|E|"
        "4^Invalid value^HL70533^VXU-MSH11-PROCESSING^^99CAIR|||INVALID PROCESSING ID. "
        "MUST BE 'P'" in segments
    )
    assert any(s.startswith("ERR||PID^1^3^1^5|101^Required field missing") for s in segments)
    assert segments[0].endswith("|2.5.1|||||||||Z23^CDCPHINVS")
    assert "TESTPATIENT" not in answer and "CAIRTEST001" not in answer


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "MSH",
        "MSH|",
        "PID|1||x",
        "MSH|^~\\&|" + "A|" * 50_000,
        "MSH|^~\\&|\x00\x1b|\u202e",
    ],
)
def test_hostile_text_is_rejected_not_raised(text: str) -> None:
    verdict = check(text, DIRECT, now=NOW)
    assert verdict.code == AckCode.REJECTED and verdict.findings


@given(st.text(max_size=400))
def test_any_text_gets_a_verdict(text: str) -> None:
    """An ACK of well-formed segments, whatever follows MSH (test_vxu_mutations: nothing of the
    sender's text comes back)."""
    verdict = check("MSH|^~\\&|" + text, DIRECT, now=NOW)
    assert verdict.code in AckCode
    answer = ack(
        verdict, receiving_facility="CAIRBA", control_id="A", now=datetime(2026, 1, 1, tzinfo=UTC)
    )
    fields = {"MSH": 20, "MSA": 2, "ERR": 8}
    for line in answer.rstrip("\r").split("\r"):
        assert line.count("|") == fields[line[:3]] and line.isprintable()


def test_other_separators_declared_in_msh_2_are_honoured() -> None:
    own_components = vxu().replace("^", "$")
    assert check(own_components, DIRECT, now=NOW).code == AckCode.ACCEPTED
    own_fields = vxu().replace("|", "!")  # MSH-1 names the field separator
    assert check(own_fields, DIRECT, now=NOW).code == AckCode.ACCEPTED


def test_npi_check_digit_and_region_codes() -> None:
    assert is_npi("1234567893") and not is_npi("1234567890") and not is_npi("12345678٩3")
    assert region_code("bay_area") == "CAIRBA"


def test_nothing_the_sender_wrote_reaches_the_ack_but_a_clean_control_id() -> None:
    """Role 3 names its client site in MSH-22; with its own separators and control characters
    it cannot open a field or a segment in the ACK."""
    message = vxu(facility=FACILITY, responsible="HOSTILE", dose_site="HOSTILE").replace("|", "#")
    message = message.replace("HOSTILE", "C1|||INJ\x0b\x1c")  # "|" is plain text under "#"
    assert check(message, FOR_CLIENTS, now=NOW).code == AckCode.REJECTED
    answer = ack(
        check(message, FOR_CLIENTS, now=NOW),
        receiving_facility="CAIRBA",
        control_id="A",
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert "INJ" not in answer and "\x0b" not in answer and "\x1c" not in answer
    fields = {"MSH": 20, "MSA": 2, "ERR": 8}
    assert all(s.count("|") == fields[s[:3]] for s in answer.rstrip("\r").split("\r"))


def test_a_flood_of_broken_segments_gets_a_small_ack() -> None:
    flood = vxu() + "RXA|\r" * 30_000
    verdict = check(flood, DIRECT, now=NOW)
    assert verdict.code == AckCode.REJECTED and len(verdict.findings) == 50
    assert verdict.findings[-1].text.startswith("AND ") and "MORE" in verdict.findings[-1].text
    answer = ack(
        verdict, receiving_facility="CAIRBA", control_id="A", now=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert len(answer) < 10_000


def test_a_sending_facility_role_needs_its_facility() -> None:
    with pytest.raises(ValueError, match="sending_facility_id"):
        Sender(SiteRole.THROUGH_SENDING_FACILITY, SITE, "CAIRBA")
