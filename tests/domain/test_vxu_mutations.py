"""Correct VXUs mutated at random (segments dropped, repeated, swapped; fields cut short or
overwritten with the sender's own text; random characters spliced in): no mutation makes the
checker raise, and the ACK never carries what the sender wrote but the cleaned control id."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cair.domain.hl7_ack import ack
from cair.domain.vxu_rules import AckCode, check
from tests.helpers.vxu_corpus import CORPUS, NOW, SENDERS

VALID = [p.read_bytes().decode() for p in sorted((CORPUS / "valid").glob("*.hl7"))]
MARK = "QZXMARK"  # the sender's text: it must never come back
FIELDS_PER_SEGMENT = {"MSH": 20, "MSA": 2, "ERR": 8}


def mutate(text: str, data: st.DataObject) -> str:
    segments = text.rstrip("\r").split("\r")
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        at = data.draw(st.integers(0, len(segments) - 1), label="segment")
        kind = data.draw(
            st.sampled_from(["drop", "repeat", "swap", "cut", "mark", "splice", "rename"])
        )
        fields = segments[at].split("|")
        if kind == "drop" and len(segments) > 1:
            segments.pop(at)
        elif kind == "repeat":
            segments.insert(at, segments[at])
        elif kind == "swap":
            other = data.draw(st.integers(0, len(segments) - 1), label="other")
            segments[at], segments[other] = segments[other], segments[at]
        elif kind == "cut":
            keep = data.draw(st.integers(0, len(segments[at])), label="keep")
            segments[at] = segments[at][:keep]
        elif kind == "mark" and len(fields) > 1:
            number = data.draw(st.integers(1, len(fields) - 1), label="field")
            fields[number] = data.draw(
                st.sampled_from([MARK, f"{MARK}^{MARK}", f"1^{MARK}^CVX", f"{MARK}&x~y"])
            )
            segments[at] = "|".join(fields)
        elif kind == "splice":
            noise = data.draw(st.text(max_size=20), label="noise")
            where = data.draw(st.integers(0, len(segments[at])), label="where")
            segments[at] = segments[at][:where] + noise + segments[at][where:]
        elif kind == "rename":
            segments[at] = MARK[: data.draw(st.integers(1, len(MARK)))] + segments[at][3:]
    return "\r".join(segments) + "\r"


def assert_clean(answer: str) -> None:
    """Fields only where the ACK puts them, and nothing of the sender but MSA-2."""
    for line in answer.rstrip("\r").split("\r"):
        name = line[:3]
        assert line.count("|") == FIELDS_PER_SEGMENT[name], line
        assert all(c.isprintable() for c in line)
        if name != "MSA":
            assert MARK not in line, line


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALID), st.sampled_from(sorted(SENDERS)), st.data())
def test_no_mutation_raises_or_echoes_the_sender(
    text: str, sender: str, data: st.DataObject
) -> None:
    mutated = mutate(text, data)
    verdict = check(mutated, SENDERS[sender], now=NOW)
    assert verdict.code in AckCode
    assert len(verdict.findings) <= 50
    assert_clean(ack(verdict, receiving_facility="CAIRBA", control_id="ACK1", now=NOW))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(VALID), st.binary(max_size=200), st.integers(0, 2_000))
def test_random_bytes_anywhere_get_an_answer(text: str, noise: bytes, where: int) -> None:
    where = min(where, len(text))
    mutated = text[:where] + noise.decode("latin-1") + text[where:]
    verdict = check(mutated, SENDERS["direct"], now=NOW)
    assert verdict.code in AckCode
    assert_clean(ack(verdict, receiving_facility="CAIRBA", control_id="ACK1", now=NOW))
