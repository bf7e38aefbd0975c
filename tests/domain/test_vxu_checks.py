"""Every VXU check, one broken message each (tests/data/vxu/broken): answered with the MSA-1
its effect says and an ERR naming the place (ERR-2), the HL7 error (ERR-3), the severity
(ERR-4) and the CDC application error with CAIR's check code (ERR-5). The correct messages of
tests/data/vxu/valid, shaped as the CDC guide's examples, are answered AA without an ERR; the
catalogue, docs/domain.md and the code tables agree."""

from __future__ import annotations

import re
from datetime import date

import pytest

from cair.domain import hl7_dates
from cair.domain.code_tables import Table, table
from cair.domain.hl7_ack import ack
from cair.domain.vxu_catalogue import APPLICATION_ERRORS, checks
from cair.domain.vxu_findings import Effect
from cair.domain.vxu_rules import AckCode, check
from tests.helpers.paths import ROOT
from tests.helpers.vxu import vxu
from tests.helpers.vxu_corpus import BROKEN, CORPUS, NOW, SENDERS, path

MSA_OF = {Effect.REJECT: "AR", Effect.ERROR: "AE", Effect.WARNING: "AA"}


def answer(text: str, sender: str = "direct") -> list[list[str]]:
    verdict = check(text, SENDERS[sender], now=NOW)
    written = ack(verdict, receiving_facility="CAIRBA", control_id="ACK1", now=NOW)
    return [line.split("|") for line in written.rstrip("\r").split("\r")]


def test_every_check_has_its_broken_message_and_the_files_are_the_tables() -> None:
    assert set(BROKEN) == set(checks())
    on_disk = {p.stem for p in (CORPUS / "broken").glob("*.hl7")}
    assert on_disk == set(BROKEN)
    for code, broken in BROKEN.items():
        assert path(code).read_bytes().decode() == broken.message(), code


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_broken_message_is_answered_as_its_check_says(code: str) -> None:
    rule, broken = checks()[code], BROKEN[code]
    segments = answer(path(code).read_bytes().decode(), broken.sender)
    msa = next(s for s in segments if s[0] == "MSA")
    assert msa[1] == MSA_OF[rule.effect]
    errors = [s for s in segments if s[0] == "ERR" and f"^{code}^" in s[5]]
    assert errors, f"no ERR for {code}: {segments}"
    err = next((e for e in errors if e[2] == broken.location), None)
    assert err is not None, (broken.location, [e[2] for e in errors])
    assert err[3].split("^")[0::2] == [rule.hl7_error, "HL70357"]
    assert err[4] == ("W" if rule.effect is Effect.WARNING else "E")
    application = err[5].split("^")
    assert application[3:] == [code, "", "99CAIR"]
    if rule.application:
        assert application[:3] == [
            rule.application,
            APPLICATION_ERRORS[rule.application],
            "HL70533",
        ]
    assert err[8] and "{" not in err[8]


@pytest.mark.parametrize("name", sorted(p.name for p in (CORPUS / "valid").glob("*.hl7")))
def test_the_correct_messages_are_accepted_without_an_error(name: str) -> None:
    text = (CORPUS / "valid" / name).read_bytes().decode()
    segments = answer(text)
    assert [s[0] for s in segments] == ["MSH", "MSA"] and segments[1][1] == "AA"


def test_the_issues_message_without_its_vaccine_code_is_rejected() -> None:
    """RXA-5 ``^^CVX`` used to be answered AA."""
    segments = answer(BROKEN["VXU-RXA5-MISSING"].message())
    assert segments[1][1] == "AR"
    assert any(s[0] == "ERR" and s[2] == "RXA^1^5" and s[3].startswith("101^") for s in segments)


def test_the_documented_table_is_the_catalogue() -> None:
    """docs/domain.md lists every check with its effect, ERR-3 and location."""
    text = (ROOT / "docs" / "domain.md").read_text()
    rows = re.findall(r"^\| `(VXU-[A-Z0-9-]+)` \| (AR|AE|W) \| (\d{3}) \| ([^|]*)\|", text, re.M)
    documented = {code: (effect, error, where.strip()) for code, effect, error, where in rows}
    expected = {c.code: (c.effect.value, c.hl7_error, c.where) for c in checks().values()}
    assert documented == expected


def test_the_code_tables_are_whole_and_say_where_they_come_from() -> None:
    sizes = {which: len(table(which)) for which in Table}
    assert sizes[Table.CVX] > 250 and sizes[Table.MVX] > 80 and sizes[Table.ROUTE] >= 16
    for which in Table:
        source = table(which).source
        assert source["repository"].endswith("immregistries/codebase"), which
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["version_date"]), which
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]), which
    assert table(Table.CVX).knows("08") and not table(Table.CVX).knows("8")
    assert table(Table.ROUTE).knows("C28161") and table(Table.ROUTE).knows("IM")
    assert not table(Table.FINANCIAL_CLASS).knows("V00")  # published as not to be sent
    assert table(Table.FINANCIAL_CLASS).knows("V02") and table(Table.SEX).knows("U")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("20261120", date(2026, 11, 20)),
        ("202611201230", date(2026, 11, 20)),
        ("20261120123045.1234-0800", date(2026, 11, 20)),
        ("2026112", None),
        ("20261131", None),
        ("20261120+2500", None),
        ("20261120 ", None),
        ("２０２６１１２０", None),
    ],
)
def test_hl7_dates_are_read_or_refused(text: str, day: date | None) -> None:
    assert hl7_dates.day(text) == day


@pytest.mark.parametrize(
    ("segments", "code"),
    [
        (("PID", "NTE|1||x", "ORC", "RXA", "RXR", "OBX"), "VXU-SEG-ORDER"),
        (("PID", "ORC", "RXA", "OBX", "RXR"), "VXU-SEG-ORDER"),
        (("PID", "ORC", "TQ2|1", "RXA", "RXR", "OBX"), "VXU-SEG-ORDER"),
        (("PID", "IN2|1", "ORC", "RXA", "RXR", "OBX"), "VXU-SEG-ORDER"),
        (("PID", "PID", "ORC", "RXA", "RXR", "OBX"), "VXU-SEG-REPEATED"),
        (("PID", "PV1|1", "PV1|1", "ORC", "RXA", "RXR", "OBX"), "VXU-SEG-REPEATED"),
        (("PID", "ORC", "RXA", "RXR", "OBX", "MSH|^~\\&|X"), "VXU-SEG-ORDER"),
        (("PID", "ORC", "RXA", "RXR", "OBX", "ORC"), "VXU-ORC-NO-RXA"),
    ],
)
def test_segments_out_of_the_profile_are_found(segments: tuple[str, ...], code: str) -> None:
    verdict = check(vxu(segments=segments), SENDERS["direct"], now=NOW)
    assert verdict.code == AckCode.REJECTED
    assert code in {f.check for f in verdict.findings}


@pytest.mark.parametrize(
    "segments",
    [
        ("PID", "PD1|1", "NK1|1", "NK1|2", "PV1|1", "PV2|1", "GT1|1", "ORC", "RXA", "RXR", "OBX"),
        ("PID", "IN1|1", "IN2|1", "IN3|1", "IN1|2", "IN3|1", "ORC", "RXA", "RXR", "OBX"),
        ("PID", "ORC", "TQ1|1", "TQ2|1", "TQ1|2", "RXA", "RXR", "OBX", "NTE|1", "NTE|2"),
    ],
)
def test_what_the_profile_allows_is_accepted(segments: tuple[str, ...]) -> None:
    verdict = check(vxu(segments=segments), SENDERS["direct"], now=NOW)
    assert (verdict.code, verdict.findings) == (AckCode.ACCEPTED, ())
