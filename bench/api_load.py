"""The API and the pages under load: one ``cair serve`` process, 50 Locust users.

    python -m bench.api_load [--users 50] [--seconds 30] [--modes nopause,thinking]
                             [--database postgresql://…] [--profile /tmp/api.txt]

It starts what it measures, as bench/side_by_side.py does: the Temporal dev server, the SMTP
outbox, the store (SQLite, or the PostgreSQL given: a scratch database), a worker and one API
process. It seeds, through the operations layer and the e-mailed links as people do: 25
enrollments submitted (each with its applicant's status token), 5 of them approved and
provisioned with their representatives signed in, and three reviewers signed in with their
second factor (a TOTP code, as an authenticator app computes it). Then Locust
(bench/locust_api.py, its own process: gevent) runs headless, once per mode:

- ``nopause``: reads only, back to back: reads per second of one API process;
- ``thinking``: the whole mix, writes too, 1–3 s between one person's requests: p95 per route.

/healthz runs beside them as the floor. It prints p50 / p95 per route template and every error.
With ``--profile`` py-spy samples the API process during the no-pause run (raw stacks to that
file) and the busiest functions are printed. Results and goals are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pyotp

from bench.processes import cpu_seconds
from bench.requests import example
from bench.rig import Rig, start_rig
from bench.soap_throughput import listening, serve
from cair.operations import applicant_links, enrollments, second_factor, sessions, staff_accounts
from cair.operations.context import Context

ROOT = Path(__file__).resolve().parents[1]
LOCUST = Path(sys.executable).parent / "locust"
SUBMITTED, APPROVED, REVIEWERS = 25, 5, 3
# Users arrive over a few seconds, as people do; the figures start once all are in.
SPAWN_RATE = 10


class Mail:
    """What the outbox has received, to take tokens from as a person would."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    def arrived(self, message: EmailMessage) -> None:
        self.messages.append(message)

    async def token(self, subject: str, pattern: str, before: int) -> str:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for message in self.messages[before:]:
                if subject in str(message["Subject"]):
                    part = message.get_body(preferencelist=("plain",))
                    found = re.search(pattern, str(part.get_content()) if part else "")
                    if found:
                        return found.group(1)
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no e-mail '{subject}' in the outbox")


async def seed(rig: Rig, mail: Mail, run: str) -> dict[str, Any]:
    """Applicants with their status tokens, signed-in representatives and reviewers."""
    ctx = rig.ctx
    applicants, ids = [], []
    for n in range(SUBMITTED):
        submitted = await enrollments.submit(ctx, example("clinic", f"seed-{run}-{n}"))
        token = await applicant_links.issue_status_token(ctx, submitted.id)
        applicants.append({"id": submitted.id, "token": token})
        ids.append(submitted.id)
    representatives = []
    for enrollment_id in ids[:APPROVED]:
        await enrollments.approve(ctx, enrollment_id, by="Load Staff")
    primary = example("clinic", "x")["contacts"]["primary"]["email"]
    for enrollment_id in ids[:APPROVED]:
        provider_id = await _provisioned(ctx, enrollment_id)
        before = len(mail.messages)
        await sessions.sign_in(ctx, provider_id, primary)
        link = await mail.token(
            f"sign-in link ({provider_id})", r"cair account redeem (\S+)", before
        )
        opened = await sessions.redeem(ctx, link)
        representatives.append({"provider_id": provider_id, "token": opened.token})
    reviewers = []
    for n in range(REVIEWERS):
        email = f"reviewer{n}.{run}@cair.test"
        await staff_accounts.add(ctx, email, roles=["reviewer"], name=f"Reviewer {n}")
        before = len(mail.messages)
        await sessions.staff_sign_in(ctx, email)
        link = await mail.token("staff console sign-in", r"cair staff redeem (\S+)", before)
        opened = await sessions.redeem(ctx, link)
        shown = await second_factor.enrolment(ctx, opened.token)
        code = pyotp.TOTP("".join(shown.secret.split())).now()  # the authenticator app's
        await second_factor.complete(ctx, opened.token, code)
        reviewers.append(opened.token)
    return {
        "applicants": applicants,
        "enrollment_ids": ids,
        "representatives": representatives,
        "staff": reviewers,
        "example": example("clinic", "load"),
    }


async def _provisioned(ctx: Context, enrollment_id: str) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        view = await enrollments.status(ctx, enrollment_id)
        if view.stage in ("awaiting_training", "completed") and view.provider_id:
            return view.provider_id
        await asyncio.sleep(0.2)
    raise TimeoutError(f"{enrollment_id} was not provisioned")


def run_locust(
    env: dict[str, str],
    url: str,
    seed_file: Path,
    mode: str,
    args: argparse.Namespace,
    out: Path,
    api_pid: int,
) -> tuple[Path, float]:
    """One headless Locust run: the prefix of its CSV files, and the API process's CPU seconds
    over the measured part (after the users have arrived, as Locust's figures are)."""
    prefix = out / mode
    command = [
        str(LOCUST),
        "-f",
        str(ROOT / "bench" / "locust_api.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--reset-stats",  # figures of the steady state, once all users are in
        "--run-time",
        f"{args.seconds + ramp_seconds(args.users)}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    if mode == "nopause":
        command += ["--exclude-tags", "write"]
    think = "0" if mode == "nopause" else "1-3"
    extra = {"CAIR_LOAD_SEED": str(seed_file), "CAIR_LOAD_THINK": think}
    log = (out / f"{mode}.log").open("wb")
    locust = subprocess.Popen(command, env={**env, **extra}, stdout=log, stderr=log, cwd=ROOT)
    time.sleep(ramp_seconds(args.users))
    cpu = cpu_seconds(api_pid)
    locust.wait()
    return prefix, cpu_seconds(api_pid) - cpu


def ramp_seconds(users: int) -> int:
    return -(-users // SPAWN_RATE)


def report(prefix: Path, mode: str, seconds: float, api_cpu: float) -> None:
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open()))
    print(f"\n{mode}: {seconds:.0f} s, API process CPU {api_cpu:.1f} s ({api_cpu / seconds:.0%})")
    print(f"  {'route':<58} {'count':>6} {'fail':>5} {'/s':>7} {'p50':>6} {'p95':>6}")
    reads = 0.0
    for row in rows:
        name = row["Name"]
        if name == "Aggregated":
            continue
        rate = float(row["Requests/s"])
        if name.startswith("GET") and name != "GET /healthz":
            reads += rate
        print(
            f"  {name:<58} {row['Request Count']:>6} {row['Failure Count']:>5} {rate:7.1f} "
            f"{row['50%']:>6} {row['95%']:>6}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    count = int(total["Request Count"])
    print(
        f"  reads/s (all GETs but /healthz): {reads:.1f}; all requests/s: "
        f"{float(total['Requests/s']):.1f}; failures: {total['Failure Count']}; API CPU per "
        f"request: {api_cpu / max(count, 1) * 1000:.1f} ms"
    )
    failures = prefix.parent / f"{prefix.name}_failures.csv"
    for row in csv.DictReader(failures.open()) if failures.exists() else []:
        print(f"  error ×{row['Occurrences']}: {row['Name']}: {row['Error'][:200]}")


def profile(pid: int, seconds: int, target: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling the API process (raw collapsed stacks)."""
    spy = Path(sys.executable).parent / "py-spy"
    command = [str(spy), "record", "--pid", str(pid), "--duration", str(seconds)]
    command += ["--format", "raw", "--nonblocking", "-o", str(target)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def hottest(raw: Path, top: int = 25) -> None:
    """Functions by share of samples in which they are on the stack (inclusive), ours first."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not samples.isdigit():
            continue
        total += int(samples)
        for frame in set(stack.split(";")):
            inclusive[re.sub(r":\d+\)$", ")", frame)] += int(samples)
    print(f"\nprofile: {total} samples; functions on the stack (inclusive share)")
    for frame, count in inclusive.most_common(top):
        print(f"  {count / total:6.1%}  {frame[:110]}")


async def main(args: argparse.Namespace) -> None:
    var = Path(tempfile.mkdtemp(prefix="cair-api-load-"))
    database_url = args.database or f"sqlite:///{var / 'cair.db'}"
    mail = Mail()
    rig = await start_rig(var, database_url, on_message=mail.arrived, baselines=False)
    api: subprocess.Popen[bytes] | None = None
    try:
        api, url = serve(rig.ctx, rig.env)
        async with httpx.AsyncClient(timeout=60) as client:
            await listening(client, url)
        started = time.perf_counter()
        seeded = await seed(rig, mail, secrets.token_hex(3))
        print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        seed_file = var / "seed.json"
        seed_file.write_text(json.dumps(seeded))
        print(f"{'PostgreSQL' if args.database else 'SQLite'} store, {args.users} users, one API")
        for mode in args.modes.split(","):
            spy = None
            if args.profile and mode == "nopause":
                spy = profile(api.pid, max(5, args.seconds - 10), Path(args.profile))
            prefix, cpu = run_locust(rig.env, url, seed_file, mode, args, var, api.pid)
            report(prefix, mode, args.seconds, cpu)
            if spy is not None:
                spy.wait(timeout=120)
                hottest(Path(args.profile))
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=15)
        rig.stop()
        await rig.ctx.close()
        if args.keep:
            print(f"kept {var}", file=sys.stderr)
        else:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30, help="each mode's run")
    parser.add_argument("--modes", default="nopause,thinking")
    parser.add_argument("--database", default="", help="PostgreSQL URL (a scratch database)")
    parser.add_argument("--profile", default="", help="py-spy raw stacks of the no-pause run")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    asyncio.run(main(parser.parse_args()))
    os._exit(0)  # the SDK can abort at interpreter exit (DESIGN §5)
