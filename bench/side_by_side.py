"""The benchmark: the enrollment pipeline beside a same-shape baseline, in one run on one server.

    python -m bench.side_by_side [--count 60] [--concurrency 20] [--alone 10]
                                 [--workers 1,2] [--database postgresql://…] [--waiting N]
                                 [--soap-seconds 30] [--soap-senders 20]

It starts what it measures itself: the Temporal dev server (SQLite file, WAL), the SMTP outbox,
the store (SQLite, or the PostgreSQL given), worker processes (`python -m cair.worker`) and a
baseline worker (`python -m bench.baseline_worker`: eight sequential no-op activities). It prints

- history events and billable actions of one clinic, school and data-exchange enrollment,
  counted from the histories, children included (approved once nothing is pending, as staff
  find a request);
- submit → acknowledgement e-mail in the outbox, and approval → welcome e-mail in the outbox,
  p50 / p95 / max, alone and at ``--concurrency`` at once;
- throughput of whole school enrollments (submit, approve, completed) beside the baseline's
  workflows per second at the same concurrency, and their ratio; with ``--workers 1,2`` the
  pipeline's throughput with each number of workers;
- CPU seconds per enrollment of the worker and of the server;
- the floor (bench/floor.py, its own worker): a school enrollment's history shape with no-op
  bodies, its event types beside the school's, its throughput and CPU per enrollment driven the
  same way, and the pipeline's ratio to it;
- checking one VXU and writing its ACK (bench/vxu_check.py, pure CPU);
- the wall time of ``cair status ID``, a fresh process to its answer (bench/cli_start.py);
- VXUs per second through /iis/staging (five sites, ``--soap-senders`` at once, for
  ``--soap-seconds``; 0 skips it) beside connectivityTest per second (bench/soap_throughput.py);
- with ``--waiting N``: N enrollments left waiting on training, the worker's and server's memory
  then, and the time to drain them once training is recorded.

Results and targets are in docs/performance.md; no test asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable
from functools import partial
from pathlib import Path

import temporalio
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import baseline, cli_start, floor_run, soap_throughput, vxu_check
from bench.enrolling import Timing, enroll, hold_and_drain, run_baseline
from bench.histories import Count, event_types, with_children
from bench.requests import example
from bench.rig import ROOT, gathered, quantiles, start_rig
from cair.devstack.temporal_server import temporal_binary
from cair.domain import ids

out = Console(stderr=False, highlight=False, width=110)


async def main(arguments: argparse.Namespace) -> None:
    var = Path(tempfile.mkdtemp(prefix="cair-bench-"))
    database_url = arguments.database or f"sqlite:///{var / 'cair.db'}"
    worker_counts = [int(n) for n in arguments.workers.split(",")]
    run = secrets.token_hex(3)  # names differ from any earlier run in the same database
    try:
        rig = await start_rig(var, database_url)
    except BaseException:
        shutil.rmtree(var, ignore_errors=True)
        raise
    store = "PostgreSQL" if arguments.database else "SQLite"
    try:
        with Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        ) as rig.progress:
            await enroll(rig, example("school", f"warm-{run}"))  # imports, caches, pools
            await run_baseline(rig, -1)
            client = await rig.ctx.temporal()
            school = example("school", f"floor-{run}")
            await floor_run.enroll(client, floor_run.floor_start(school, -1))

            shapes: list[tuple[str, Count, Count]] = []
            task = rig.progress.add_task("one of each example", total=3)
            for name in ("clinic", "school", "data-exchange"):
                _, enrollment_id = await enroll(
                    rig, example(name, f"shape-{run}"), as_staff_see_it=True
                )
                client = await rig.ctx.temporal()
                alone, total = await with_children(
                    client, ids.enrollment_workflow_id(enrollment_id)
                )
                shapes.append((name, alone, total))
                if name == "school":
                    school_types = await event_types(
                        client, ids.enrollment_workflow_id(enrollment_id)
                    )
                rig.progress.advance(task)
            one_floor = await floor_run.enroll(
                client, floor_run.floor_start(school, -2), as_staff_see_it=True
            )
            floor_types = await event_types(client, one_floor)

            alone_timings, _ = await gathered(
                rig,
                f"{arguments.alone} school enrollments alone",
                arguments.alone,
                1,
                lambda i: enroll(rig, example("school", f"alone-{run}-{i}")),
            )

            base_cpu = rig.cpu()
            baseline_results, baseline_seconds = await gathered(
                rig,
                f"{arguments.count} baseline workflows",
                arguments.count,
                arguments.concurrency,
                lambda i: run_baseline(rig, i),
            )
            after_baseline = rig.cpu()
            assert all(r == sum(range(baseline.STEPS)) for r in baseline_results)

            before_floor = rig.cpu_of("bench.floor_worker")
            floor_ids, floor_seconds = await gathered(
                rig,
                f"{arguments.count} floor enrollments",
                arguments.count,
                arguments.concurrency,
                lambda i: floor_run.enroll(client, floor_run.floor_start(school, i)),
            )
            after_floor = rig.cpu_of("bench.floor_worker")

            throughput: list[tuple[int, float, list[tuple[Timing, str]], tuple[float, float]]] = []

            def load(index: int, workers: int) -> Awaitable[tuple[Timing, str]]:
                return enroll(rig, example("school", f"load-{run}-{workers}-{index}"))

            for workers in worker_counts:
                while len(rig.pipeline_workers()) < workers:
                    rig.start_worker()
                    await asyncio.sleep(2)
                before = rig.cpu()
                timed, seconds = await gathered(
                    rig,
                    f"{arguments.count} enrollments, {workers} worker(s)",
                    arguments.count,
                    arguments.concurrency,
                    partial(load, workers=workers),
                )
                after = rig.cpu()
                used = ((after[0] - before[0]), (after[1] - before[1]))
                throughput.append((workers, arguments.count / seconds, timed, used))

            # The review timer depends on a race (approval before or after the acknowledgement
            # completes): events per enrollment under load show whether both ran one shape.
            loaded = [[ids.enrollment_workflow_id(i) for _, i in throughput[0][2]], floor_ids]
            loaded_events = [
                statistics.mean([(await with_children(client, w))[1].events for w in ws])
                for ws in loaded
            ]

            soap: list[tuple[str, str]] = []
            if arguments.soap_seconds > 0:
                _, dx_enrollment = await enroll(rig, example("data-exchange", f"soap-{run}"))
                soap = await soap_throughput.measure(
                    rig.ctx,
                    rig.env,
                    dx_enrollment,
                    run,
                    seconds=arguments.soap_seconds,
                    senders=arguments.soap_senders,
                )

            cli = await cli_start.measure(rig.ctx, rig.env, throughput[0][2][0][1])

            waiting = None
            if arguments.waiting:
                waiting = await hold_and_drain(rig, arguments.waiting, arguments.concurrency, run)
    finally:
        rig.stop()
        await rig.ctx.close()
        shutil.rmtree(var, ignore_errors=True)  # its databases and outbox; the figures follow

    out.print(
        f"\n[bold]cair-onboarding benchmark[/bold]  {time.strftime('%Y-%m-%d %H:%M')}  "
        f"commit {_commit()}\n{_machine()}\n{store} store, Temporal dev server (SQLite, WAL), "
        f"concurrency {arguments.concurrency}\n"
    )
    report_shapes(shapes)
    n = arguments.concurrency
    concurrent = [timing for timing, _ in throughput[0][2]]
    solo = [timing for timing, _ in alone_timings]
    out.print("\n[bold]Latency[/bold] (school example; e-mails timed as they reach the outbox)")
    row("submit → acknowledgement, alone", quantiles(t.acknowledged for t in solo))
    row("approve → welcome, alone", quantiles(t.welcomed for t in solo))
    row(f"submit → acknowledgement, {n} at once", quantiles(t.acknowledged for t in concurrent))
    row(f"approve → welcome, {n} at once", quantiles(t.welcomed for t in concurrent))
    baseline_rate = arguments.count / baseline_seconds
    out.print("\n[bold]Throughput[/bold] (whole enrollments: submit, approve, completed)")
    row("baseline (8 no-op activities)", f"{baseline_rate:6.2f} workflows/s")
    for workers, rate, _, _used in throughput:
        ratio = rate / baseline_rate
        row(
            f"pipeline, {workers} worker(s)",
            f"{rate:6.2f} enrollments/s ({rate * 60:4.0f}/min)   {ratio:4.2f}× the baseline",
        )
    used = throughput[0][3]
    rate_1 = throughput[0][1]
    server_per_baseline = (after_baseline[1] - base_cpu[1]) / arguments.count
    out.print("\n[bold]CPU seconds per enrollment[/bold] (1 worker)")
    row("worker", f"{used[0] / arguments.count:6.3f} s")
    row("server", f"{used[1] / arguments.count:6.3f} s")
    row("server, per baseline workflow", f"{server_per_baseline:6.3f} s")
    floor_rate = arguments.count / floor_seconds
    floor_cpu = [(after_floor[n] - before_floor[n]) / arguments.count for n in (0, 1)]
    out.print("\n[bold]The floor of the same shape[/bold] (bench/floor.py: no-op bodies)")
    for line in floor_run.shape_lines(school_types, floor_types):
        out.print(line)
    row(
        "events with children, under load",
        f"floor {loaded_events[1]:5.1f}   pipeline {loaded_events[0]:5.1f}  (mean)",
    )
    row(
        "floor", f"{floor_rate:6.2f} enrollments/s   pipeline {rate_1 / floor_rate:4.2f}× the floor"
    )
    for n, who in enumerate(("worker", "server")):
        row(
            f"CPU per enrollment, {who}",
            f"floor {floor_cpu[n]:6.3f} s   pipeline {used[n] / arguments.count:6.3f} s   "
            f"{used[n] / arguments.count / max(floor_cpu[n], 1e-9):4.1f}× the floor",
        )
    out.print("\n[bold]Checking a VXU[/bold] (rules and ACK, no store: bench/vxu_check.py)")
    for label, figure in vxu_check.measure():
        row(label, figure)
    if soap:
        out.print(
            f"\n[bold]SOAP at /iis/staging[/bold] ({soap_throughput.SITES} sites, one API "
            f"process, {arguments.soap_seconds:.0f} s each: bench/soap_throughput.py)"
        )
        for label, figure in soap:
            row(label, figure)
    out.print("\n[bold]The CLI's start[/bold] (a fresh process, to its answer: bench/cli_start.py)")
    for label, figure in cli:
        row(label, figure)
    if waiting is not None:
        out.print(f"\n[bold]{arguments.waiting} enrollments waiting on training[/bold]")
        row("worker RSS (all waiting)", f"{waiting['worker_rss']:.0f} MiB")
        row("server RSS (all waiting)", f"{waiting['server_rss']:.0f} MiB")
        row("time to fill", f"{waiting['fill']:.0f} s")
        row("time to drain once trained", f"{waiting['drain']:.0f} s")


def row(label: str, value: str) -> None:
    out.print(f"  {label:<40} {value}")


def report_shapes(shapes: list[tuple[str, Count, Count]]) -> None:
    out.print("[bold]History per enrollment[/bold] (children: user gates and the account)")
    out.print(
        f"  {'example':<14} {'events':>7} {'+children':>10} {'actions':>8} "
        f"{'+children':>10} {'activities':>11} {'wf tasks':>9}"
    )
    for name, alone, total in shapes:
        out.print(
            f"  {name:<14} {alone.events:>7} {total.events:>10} {alone.actions:>8} "
            f"{total.actions:>10} {alone.activities:>11} {alone.tasks:>9}"
        )


def _commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    )
    return found.stdout.strip() or "unknown"


def _machine() -> str:
    server = subprocess.run([str(temporal_binary()), "--version"], capture_output=True, text=True)
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"temporalio {temporalio.__version__}, {server.stdout.strip()}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=60, help="enrollments under load")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--alone", type=int, default=10, help="enrollments one at a time")
    parser.add_argument("--workers", default="1", help="worker counts to measure, e.g. 1,2")
    parser.add_argument("--database", default="", help="PostgreSQL URL (a scratch database)")
    parser.add_argument("--waiting", type=int, default=0, help="enrollments held on training")
    parser.add_argument("--soap-seconds", type=float, default=30, help="each SOAP phase; 0 skips")
    parser.add_argument("--soap-senders", type=int, default=20, help="SOAP callers at once")
    asyncio.run(main(parser.parse_args()))
    os._exit(0)  # the SDK can abort at interpreter exit (DESIGN §5)
