"""A client command of ``cair`` makes one HTTP call, so it starts at once: it imports typer,
httpx and the CLI's small modules, never the server's layers (settings, store, Temporal, web
framework, templates, crypto), which only operator commands load, in their bodies. The real
command runs under ``python -X importtime``, whose report names every module it imported, to
the HTTP call refused by a closed port. No speed assertion: docs/performance.md has the figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cair.devstack.ports import free_port
from tests.helpers.paths import BIN, EXAMPLES, ROOT

# What a client command has no use for; a top-level name stands for its whole package.
NEVER = (
    "temporalio",
    "sqlalchemy",
    "alembic",
    "aiosqlite",
    "asyncpg",
    "argon2",
    "jinja2",
    "cryptography",
    "opentelemetry",
    "prometheus_client",
    "fastapi",
    "starlette",
    "uvicorn",
    "lxml",
    "pydantic_settings",
    "cair.settings",
    "cair.store",
    "cair.operations",
    "cair.workflows",
    "cair.activities",
    "cair.web",
    "cair.worker",
    "cair.temporal",
    "cair.telemetry",
    "cair.devstack",
    "cair.domain.request",
    "cair.domain.vxu_rules",
    "cair.cli.operator_runtime",
)

CLIENT_COMMANDS = [
    ("status", "EN23456789"),
    ("submit", str(EXAMPLES / "enrollment-clinic.json")),
    ("list",),
    ("account", "sites"),
    ("dx", "sites"),
    ("staff", "audit", "--from", "2025-01-01"),
    ("confirm-address", "a-token"),
]


def _imported(*args: str, config: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules the real ``cair *args`` imported, against an API that is not there."""
    env = {
        **os.environ,
        "CAIR_API_URL": f"http://127.0.0.1:{free_port()}",
        "CAIR_CONFIG_DIR": str(config),
    }
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(BIN / "cair"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    } - {"imported package"}  # the report's header
    return modules, result


def _forbidden(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NEVER))


@pytest.mark.parametrize("args", CLIENT_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_client_command_imports_none_of_the_server(args: tuple[str, ...], tmp_path: Path) -> None:
    modules, result = _imported(*args, config=tmp_path)
    assert "cair.cli.api" in modules and "httpx" in modules, result.stderr[-2000:]
    refusals = [line for line in result.stderr.splitlines() if not line.startswith("import time:")]
    assert result.returncode == 1 and refusals, result.stderr[-2000:]
    # It got as far as the call (or the sign-in it needs), not stopped by an import.
    assert any("cannot reach the CAIR API" in r or "not signed in" in r for r in refusals), refusals
    assert _forbidden(modules) == []


def test_the_help_lists_operator_commands_without_loading_them(tmp_path: Path) -> None:
    modules, result = _imported("--help", config=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    for command in ("status", "migrate", "worker", "serve", "dev", "retention", "outbox"):
        assert f"\n  {command} " in result.stdout, command
    assert _forbidden(modules) == []


def test_an_operator_command_still_loads_what_it_runs_on(tmp_path: Path) -> None:
    """The lazy imports are there: ``cair outbox`` reads the settings for the outbox folder."""
    modules, result = _imported("outbox", "--to", "nobody@example.org", config=tmp_path)
    assert "cair.settings" in modules and "cair.cli.operator_runtime" in modules
    assert "no e-mails in" in result.stderr or "settings:" in result.stderr, result.stderr[-2000:]
