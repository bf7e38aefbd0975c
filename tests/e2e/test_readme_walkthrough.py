"""The README's walk-through, run as a user runs it: every `cair` command of its shell blocks, in
order, against the stack's API, from one terminal (one config folder) — with the real ids and
tokens in place of the README's examples, taken from the output and the outbox the way a person
takes them. A command added to or dropped from the README changes what runs here."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Stack, eventually
from tests.support import ROOT

pytestmark = pytest.mark.asyncio(loop_scope="session")
README = ROOT / "README.md"


def readme_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), re.S):
        for raw in block.splitlines():
            line = raw.split("  #", 1)[0].strip()
            if not line.startswith("cair "):
                continue
            if " / " in line:  # "cair account name-rep U1 / remove-rep EMAIL": two commands
                first, second = line.split(" / ", 1)
                commands += [first, f"cair account {second.strip()}"]
            else:
                commands.append(line)
    return commands


async def test_the_readme_walk_through_works_as_written(stack: Stack, tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 25
    terminal = tmp_path / "config"
    values: dict[str, str] = {}
    stack.cli("staff", "add", "admin@cair.example", "--role", "admin")  # what `cair dev` does
    (tmp_path / "patch.json").write_text(json.dumps({"vfc_pin": "654321"}))

    def run(line: str) -> subprocess.CompletedProcess[str]:
        for example, real in values.items():
            line = line.replace(example, real)
        args = line.split()[1:]
        args = [str(tmp_path / "patch.json") if a == "patch.json" else a for a in args]
        if args[0] == "submit":
            args[1] = str(ROOT / args[1])
        return stack.cli(*args, config=terminal)

    asked: dict[str, int] = {}
    for line in commands:
        if line.startswith(("cair staff sign-in", "cair account sign-in")):
            address = line.split()[-1]
            asked[address] = len(stack.outbox.to(address, "sign-in link"))
        if line.startswith("cair outbox"):
            await _wait_for_link(stack, line.split("--to ", 1)[1].split()[0], asked)
        if line.startswith("cair training-complete U1000001"):
            await _wait_for_users(stack, terminal, values)
        if line.startswith("cair account name-rep"):
            await _wait_until_active(stack, terminal, values["U1000002"])
        shown = run(line)
        if line.startswith("cair submit"):
            values["EN7K3M9QX2"] = shown.stdout.strip()
        elif line.startswith("cair outbox"):
            found = re.search(r"redeem (\S+)", shown.stdout)
            assert found, shown.stdout
            values["TOKEN"] = found.group(1)
        elif line.startswith("cair account change-role"):
            values["CH0123456789"] = shown.stdout.split(":", 1)[0]
        elif line.startswith("cair account remove-rep"):
            assert "no longer an authorized representative" in shown.stdout
    assert "EMAIL" in values  # the placeholder of remove-rep stood for a real address


async def _wait_for_link(stack: Stack, address: str, asked: dict[str, int]) -> None:
    await eventually(lambda: len(stack.outbox.to(address, "sign-in link")) > asked[address])


async def _wait_for_users(stack: Stack, terminal: Path, values: dict[str, str]) -> None:
    """After approval a person waits for the users to appear, then reads their ids."""

    async def listed() -> str | None:
        out = stack.cli("users", "--state", "pending_training", config=terminal).stdout
        enrollment = json.loads(stack.cli("status", values["EN7K3M9QX2"], config=terminal).stdout)[
            "view"
        ]
        return out if enrollment["provider_id"] and enrollment["provider_id"] in out else None

    await eventually(listed, timeout=60)
    view = json.loads(stack.cli("status", values["EN7K3M9QX2"], config=terminal).stdout)["view"]
    by_role = {u["role"]: u["user_id"] for u in view["users"]}
    values.update(
        CA100001=view["provider_id"],
        U1000001=by_role["power"],
        U1000002=by_role["regular"],
        U1000003=by_role["read_only"],
        EMAIL="lee.tran@lakeshore-fm.example",
    )


async def _wait_until_active(stack: Stack, terminal: Path, user_id: str) -> None:
    async def active() -> bool:
        out = stack.cli("users", "--state", "active", config=terminal).stdout
        return user_id in out

    await eventually(active, timeout=60)
