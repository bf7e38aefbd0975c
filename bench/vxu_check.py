"""Checking one VXU and writing its ACK, as the data-exchange endpoint does for every message:
the example VXU (every segment kind of the CDC guide's example, two doses), a small one, and a
flood of 200,000 characters of segments. Pure CPU, no store.

    python -m bench.vxu_check [--rounds 2000]

``make bench`` prints the same lines inside its report. Target: ≤ 2 ms per VXU (p50)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cair.domain.code_tables import load_all
from cair.domain.hl7_ack import ack
from cair.domain.vxu_rules import Sender, SiteRole, check

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "vxu" / "valid"
SENDER = Sender(SiteRole.DIRECT, "S100234", "CAIRBA")
NOW = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)


def answer(text: str) -> str:
    """What the endpoint computes per message, the store aside."""
    verdict = check(text, SENDER, now=NOW)
    return ack(verdict, receiving_facility="CAIRBA", control_id="ACK1", now=NOW)


def timed(work: Callable[[], object], rounds: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=20)
    return statistics.median(samples), cuts[18]


def measure(rounds: int = 2000) -> list[tuple[str, str]]:
    """(label, figure) lines."""
    load_all()
    full = (CORPUS / "two-doses-every-segment.hl7").read_bytes().decode()
    small = (CORPUS / "new-dose.hl7").read_bytes().decode()
    flood = small + "RXA|\r" * ((200_000 - len(small)) // 5)
    found = []
    for label, text, times in (
        ("VXU: 2 doses, every segment kind", full, rounds),
        ("VXU: 1 dose", small, rounds),
        ("200,000 characters of RXA segments", flood, 5),
    ):
        answer(text)  # warm
        p50, p95 = timed(lambda text=text: answer(text), times)  # type: ignore[misc]
        found.append((label, f"p50 {p50:7.3f} ms   p95 {p95:7.3f} ms"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    for label, figure in measure(parser.parse_args().rounds):
        print(f"  {label:<40} {figure}")


if __name__ == "__main__":
    main()
