"""How long ``cair status ID`` takes, as an applicant runs it: a fresh process that starts,
reads its kept status token, asks the API once and prints the answer. Timed whole (wall clock,
process start to exit) against one ``cair serve`` of the benchmark's stack; the goal is 0.3 s
(docs/performance.md, "The CLI's start")."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.soap_throughput import listening, serve
from cair.cli.credentials_store import CredentialsStore
from cair.operations import applicant_links
from cair.operations.context import Context

RUNS = 15
CAIR = Path(sys.executable).parent / "cair"


async def measure(ctx: Context, env: dict[str, str], enrollment_id: str) -> list[tuple[str, str]]:
    """The wall times of ``cair status`` and, beside them, of a bare ``python -c pass``."""
    process, url = serve(ctx, env)
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            await listening(client, url)
        token = await applicant_links.issue_status_token(ctx, enrollment_id)
        with tempfile.TemporaryDirectory() as folder:
            CredentialsStore(url, Path(folder)).keep_status_token(enrollment_id, token)
            cli_env = {**env, "CAIR_API_URL": url, "CAIR_CONFIG_DIR": folder}
            status = [_timed([str(CAIR), "status", enrollment_id], cli_env) for _ in range(RUNS)]
            bare = [_timed([sys.executable, "-c", "pass"], cli_env) for _ in range(RUNS)]
    finally:
        process.terminate()
        process.wait(timeout=30)
    return [
        (f"cair status ID ({RUNS} runs)", _figures(status) + "   goal ≤ 0.300 s"),
        ("python -c pass (the floor)", _figures(bare)),
    ]


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command[1:]} failed: {done.stderr.strip()[:200]}")
    return took


def _figures(times: list[float]) -> str:
    return f"median {statistics.median(times):5.3f} s   fastest {min(times):5.3f} s"
