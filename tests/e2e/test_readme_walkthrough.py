"""The README's walk-through, run as a user runs it: every `cair` command of its shell blocks, in
order, against the stack's API, from one terminal (one config folder) — with the real ids and
tokens in place of the README's examples, taken from the output and the outbox the way a person
takes them. A command added to or dropped from the README changes what runs here."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from tests.helpers.paths import BIN, ROOT
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.stack import Stack, answers
from tests.helpers.staff import cli_sign_in
from tests.helpers.waiting import eventually

README = ROOT / "README.md"


IZ_PORTAL = "## The IZ Portal"


def substituted(line: str, values: dict[str, str]) -> str:
    """The README's example values replaced by the real ones in one pass: a real id may look
    like another example (U1000001 may really be U1000003), and must not be replaced again."""
    if not values:
        return line
    pattern = "|".join(re.escape(k) for k in sorted(values, key=len, reverse=True))
    return re.sub(pattern, lambda found: values[found.group(0)], line)


def _iz_section() -> str:
    text = README.read_text()
    start = text.index(IZ_PORTAL)
    return text[start : text.index("\n## ", start + 1)]


def readme_commands() -> list[str]:
    """The `cair` lines of the walk-through (the IZ Portal's section runs on its own below)."""
    commands = []
    for block in re.findall(
        r"```sh\n(.*?)```", README.read_text().replace(_iz_section(), ""), re.S
    ):
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


@pytest.mark.slow  # 35 s on SQLite: 30-odd `cair` processes
@pytest.mark.timeout(180)
async def test_the_readme_walk_through_works_as_written(as_deployed: Stack, tmp_path: Path) -> None:
    stack = as_deployed
    commands = readme_commands()
    assert len(commands) >= 25
    terminal = tmp_path / "config"
    values: dict[str, str] = {}
    stack.cli("staff", "add", "admin@cair.example", "--role", "admin")  # what `cair dev` does
    (tmp_path / "patch.json").write_text(json.dumps({"vfc_pin": "654321"}))

    def run(line: str) -> subprocess.CompletedProcess[str]:
        line = substituted(line, values)
        args = line.split()[1:]
        args = [str(tmp_path / "patch.json") if a == "patch.json" else a for a in args]
        if args[0] == "submit":
            args[1] = str(ROOT / args[1])
        return cli(*args)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return stack.cli(*args, config=terminal)

    asked: dict[str, int] = {}
    submitted = False
    for line in commands:
        if line.startswith(("cair staff sign-in", "cair account sign-in")):
            address = line.split()[-1]
            asked[address] = len(stack.outbox.to(address, "sign-in link"))
        if line.startswith("cair outbox") and submitted:
            await _wait_for_confirmation(stack, line.split("--to ", 1)[1].split()[0])
            submitted = False
        elif line.startswith("cair outbox"):
            await _wait_for_link(stack, line.split("--to ", 1)[1].split()[0], asked)
        if line.startswith("cair training-complete U1000001"):
            await _wait_for_users(cli, values)
        if line.startswith("cair account name-rep"):
            await _wait_until_active(cli, values["U1000002"])
        shown = run(line)
        if line.startswith("cair submit"):
            values["EN7K3M9QX2"] = shown.stdout.strip()
            submitted = True
        elif line.startswith("cair outbox"):
            found = re.search(r"(?:redeem|confirm-address) (\S+)", shown.stdout)
            assert found, shown.stdout
            values["TOKEN"] = found.group(1)
        elif line.startswith("cair account change-role"):
            values["CH0123456789"] = shown.stdout.split(":", 1)[0]
        elif line.startswith("cair account remove-rep"):
            assert "no longer an authorized representative" in shown.stdout
    assert "EMAIL" in values  # the placeholder of remove-rep stood for a real address


@pytest_asyncio.fixture(loop_scope="session")
async def as_deployed(stack: Stack) -> AsyncIterator[Stack]:
    """The stack with an API process that asks the applicant's contact to confirm their address
    first, as `make run` and a deployment do (the stack's own sends requests straight to staff),
    in place of its own for the test."""
    process, url = stack.another_api({"CAIR_CONFIRM_APPLICANT_ADDRESS": "true"})
    await eventually(lambda: answers(url + "/healthz"), timeout=60)
    own, stack.api_url = stack.api_url, url
    yield stack
    stack.api_url = own
    process.terminate()


async def _wait_for_confirmation(stack: Stack, address: str) -> None:
    await eventually(lambda: stack.outbox.to(address, "Confirm your e-mail"))


async def _wait_for_link(stack: Stack, address: str, asked: dict[str, int]) -> None:
    await eventually(lambda: len(stack.outbox.to(address, "sign-in link")) > asked[address])


Cli = Callable[..., subprocess.CompletedProcess[str]]


async def _wait_for_users(cli: Cli, values: dict[str, str]) -> None:
    """After approval a person waits for the users to appear, then reads their ids."""

    async def listed() -> str | None:
        out = cli("users", "--state", "pending_training").stdout
        enrollment = json.loads(cli("status", values["EN7K3M9QX2"]).stdout)["view"]
        return out if enrollment["provider_id"] and enrollment["provider_id"] in out else None

    await eventually(listed, timeout=60)
    view = json.loads(cli("status", values["EN7K3M9QX2"]).stdout)["view"]
    by_role = {u["role"]: u["user_id"] for u in view["users"]}
    values.update(
        CA100001=view["provider_id"],
        U1000001=by_role["power"],
        U1000002=by_role["regular"],
        U1000003=by_role["read_only"],
        EMAIL="lee.tran@lakeshore-fm.example",
    )


async def _wait_until_active(cli: Cli, user_id: str) -> None:
    async def active() -> bool:
        out = cli("users", "--state", "active").stdout
        return user_id in out

    await eventually(active, timeout=60)


@pytest.mark.slow  # 34 s on SQLite: a shell per line
@pytest.mark.timeout(180)
async def test_the_iz_portal_walk_through_works_as_written(
    as_deployed: Stack, tmp_path: Path
) -> None:
    """The IZ Portal section's block, line by line through bash in a folder of its own, from a
    terminal where staff are signed in — real ids, tokens and passwords in place of the
    README's, taken from the output and the outbox the way a person takes them."""
    stack = as_deployed
    [block] = re.findall(r"```sh\n(.*?)```", _iz_section(), re.S)
    lines = [raw.split("  #", 1)[0].strip() for raw in block.splitlines()]
    lines = [line for line in lines if line]
    assert sum(line.startswith("cair ") for line in lines) >= 15
    terminal = tmp_path / "config"
    staff_email = "iz.walk@cair.example"
    stack.cli("staff", "add", staff_email, "--role", "admin")
    await cli_sign_in(stack, staff_email, terminal)  # the link, then the second factor
    env = {
        **stack.env,
        "PATH": f"{BIN}:/usr/bin:/bin",
        "CAIR_API_URL": stack.api_url,
        "CAIR_CONFIG_DIR": str(terminal),
    }
    values: dict[str, str] = {"examples/": f"{ROOT}/examples/"}
    secret = ""
    contact = "pnair@valleychc.example"

    def run(line: str) -> str:
        line = substituted(line, values)
        done = subprocess.run(
            ["bash", "-c", line],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        return done.stdout

    async def sites_say(words: str) -> bool:
        return words in run("cair dx sites")

    seen = 0
    production_sent = False
    for line in lines:
        if line.startswith("export CAIR_DX_PASSWORD="):
            env["CAIR_DX_PASSWORD"] = secret
            continue
        if line.startswith("cair submit"):
            seen = len(stack.outbox.to(contact))
        if line.startswith("cair account sign-in"):
            values["CA100002"] = await _provider_of(run, values["EN4X8W2M7P"])
            seen = len(stack.outbox.to(contact))
        if line.startswith("cair outbox"):
            await _new_mail(stack, contact, seen)
        if line.startswith("cair dx review"):
            await eventually(lambda: sites_say("test plan met"), timeout=60)
        if line == "cair dx sites" and production_sent:
            await eventually(lambda: sites_say("live"), timeout=60)
        shown = run(line)
        if line.startswith("cair submit"):
            values["EN4X8W2M7P"] = shown.strip()
        elif line.startswith("cair outbox"):
            seen = len(stack.outbox.to(contact))
            token = re.search(r"(?:redeem |/credentials/reveal/|confirm-address )(\S+)", shown)
            assert token, shown
            values["TOKEN"] = token.group(1)
        elif line.startswith("cair credentials reveal"):
            secret = json.loads(shown)["secret"]
            REVEALED_SECRETS.append(secret)
        elif line.startswith("cair dx register"):
            site = re.match(r"(CA\d{6}-\d{2})\s", shown)
            assert site, shown
            values["CA100002-02"], values["ca100002-02"] = site.group(1), site.group(1).lower()
        elif line.startswith("cair dx send") and "--env production" in line:
            assert "MSA|AA|" in shown
            production_sent = True
    assert "live" in run("cair dx sites")


async def _provider_of(run: Callable[[str], str], enrollment_id: str) -> str:
    async def provisioned() -> str | None:
        view = json.loads(run(f"cair status {enrollment_id}"))["view"]
        return view["provider_id"] or None

    return await eventually(provisioned, timeout=60)


async def _new_mail(stack: Stack, address: str, seen: int) -> None:
    await eventually(lambda: len(stack.outbox.to(address)) > seen, timeout=60)
