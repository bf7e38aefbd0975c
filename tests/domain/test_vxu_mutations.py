"""Correct VXUs mutated at random (segments dropped, repeated, swapped; fields cut short or
overwritten with the sender's own text; random characters spliced in): no mutation makes the
checker raise, and the ACK never carries what the sender wrote but the cleaned control id."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cair.domain.hl7_ack import ack
from cair.domain.vxu_rules import AckCode, check
from tests.helpers.hl7_mutations import MARK, mutate
from tests.helpers.vxu_corpus import CORPUS, NOW, SENDERS

VALID = [p.read_bytes().decode() for p in sorted((CORPUS / "valid").glob("*.hl7"))]
FIELDS_PER_SEGMENT = {"MSH": 20, "MSA": 2, "ERR": 8}


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
