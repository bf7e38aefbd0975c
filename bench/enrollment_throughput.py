"""Benchmark: enrollments through the real embedded stack (dev server on a SQLite file with WAL,
SMTP outbox, SQLite store, one worker), N at a time.

    python -m bench.enrollment_throughput [--count 40] [--concurrency 10]

Prints the latency of `submit` (validation → acknowledgement, what an applicant waits for), of
`approve` → completed (school example: Provider ID, user, welcome and access e-mails), and the
throughput. Results go in docs/benchmarks.md; targets live there, not in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import free_port
from cair.devstack.temporal_server import TemporalDevServer
from cair.operations import enrollments
from cair.operations.context import Context
from cair.settings import Settings
from cair.worker import run_worker

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def school(index: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "enrollment-school.json").read_text())
    data["organization"]["name"] = f"Bench Elementary {index}"
    data["organization"]["physical_address"]["line1"] = f"{index} Bench Way"
    return data


async def one(ctx: Context, index: int) -> tuple[float, float]:
    started = time.perf_counter()
    submitted = await enrollments.submit(ctx, school(index))
    acknowledged = time.perf_counter()
    await enrollments.approve(ctx, submitted.id, by="Benchmark")
    approved = time.perf_counter()
    result = await enrollments.wait_for_result(ctx, submitted.id)
    assert result.stage == "completed", result
    return acknowledged - started, time.perf_counter() - approved


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"{name:<28} p50 {statistics.median(ordered) * 1000:7.0f} ms   "
        f"p95 {p95 * 1000:7.0f} ms   max {ordered[-1] * 1000:7.0f} ms"
    )


async def main(count: int, concurrency: int) -> None:
    var = Path(tempfile.mkdtemp(prefix="cair-bench-"))
    grpc = free_port()
    settings = Settings(
        _env_file=None,
        var_dir=var,
        temporal_address=f"127.0.0.1:{grpc}",
        smtp_port=free_port(),
        codec_port=free_port(),
        temporal_ui_port=free_port(),
    )
    server = TemporalDevServer(var_dir=var, port=grpc, ui_port=settings.temporal_ui_port)
    await server.start()
    smtp = OutboxSmtpServer(settings.resolved_outbox_dir(), port=settings.smtp_port)
    smtp.start()
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop=stop))
    ctx = Context(settings)
    try:
        await asyncio.sleep(1)
        await one(ctx, 1_000_000)  # warm-up
        gate = asyncio.Semaphore(concurrency)

        async def limited(index: int) -> tuple[float, float]:
            async with gate:
                return await one(ctx, index)

        started = time.perf_counter()
        results = await asyncio.gather(*(limited(i) for i in range(count)))
        elapsed = time.perf_counter() - started
        print(f"{count} enrollments, {concurrency} at a time, one worker, SQLite store")
        print(summary("submit -> acknowledged", [r[0] for r in results]))
        print(summary("approve -> completed", [r[1] for r in results]))
        print(f"{'throughput':<28} {count / elapsed * 60:7.0f} enrollments/minute")
        print(f"{'e-mails sent':<28} {len(list(settings.resolved_outbox_dir().glob('*.eml')))}")
    finally:
        stop.set()
        await worker
        await ctx.close()
        smtp.stop()
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.count, arguments.concurrency))
    os._exit(0)  # the SDK can abort at interpreter exit (DESIGN §5)
