"""`cair dx check` as an EHR analyst runs it: the shipped example accepted, a broken copy
rejected with the field named, wrong options and unreadable files refused in a sentence."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.helpers.paths import BIN, EXAMPLES, ROOT

EXAMPLE = EXAMPLES / "vxu-direct-site.hl7"


def dx(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "cair"), "dx", "check", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_the_example_is_accepted() -> None:
    result = dx(str(EXAMPLE), "--site", "S100234", "--region", "bay_area")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("MSH|^~\\&|CAIR|CAIRBA|") and lines[1] == "MSA|AA|MSG-00001"


def test_a_broken_message_is_rejected_with_the_field_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.hl7"
    text = EXAMPLE.read_text().replace("|P|2.5.1|", "|T|2.5.1|").replace("^S100234^MR", "^S100234")
    broken.write_text(text)
    result = dx(str(broken), "--site", "S100234", "--region", "bay_area")
    assert result.returncode == 1
    assert "MSA|AR|MSG-00001" in result.stdout
    assert "INVALID PROCESSING ID. MUST BE 'P'" in result.stdout
    assert "MESSAGE REJECTED - REQUIRED FIELD PID-3-5 MISSING" in result.stdout
    assert "TESTPATIENT" not in result.stdout  # the ACK carries nothing of the patient


def test_wrong_options_and_files_are_refused_in_words(tmp_path: Path) -> None:
    refused = dx(str(tmp_path / "absent.hl7"), "--site", "S1", "--region", "mars", "--role", "3")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "region: must be one of" in refused.stderr
    assert "sending-facility: required for role 2 and 3" in refused.stderr
    assert "absent.hl7: cannot read it" in refused.stderr
    garbage = tmp_path / "garbage.hl7"
    garbage.write_bytes(b"\x00\xff not hl7 at all")
    rejected = dx(str(garbage), "--site", "S1", "--region", "bay_area")
    assert rejected.returncode == 1 and "NOT A VALID HL7 V2 MESSAGE" in rejected.stdout
