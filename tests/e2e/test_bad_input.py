"""Bad input through the CLI, as a user runs it, on both databases: every refusal is one clear
sentence per problem naming the field or argument and the rule — never a traceback, never a
hang, never a half-made enrollment or change."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from cair.settings import normalize_database_url
from cair.store.models import AccountChangeRow, EnrollmentRequestRow
from tests.helpers.accounts import enrolled, sign_in_token
from tests.helpers.examples import variant
from tests.helpers.paths import BIN, ROOT
from tests.helpers.stack import Stack, answers
from tests.helpers.waiting import eventually

ARABIC_INDIC_ZIP = "\u0669\u0665\u0665\u0660\u0661"  # '95501' in Arabic-Indic digits
FULL_WIDTH_ZIP = "\uff19\uff15\uff15\uff10\uff11"  # '95501' in full-width digits
FULL_WIDTH_PIN = "\uff11\uff12\uff13\uff14\uff15\uff16"


def refused(result: subprocess.CompletedProcess[str], *expected: str, code: int = 1) -> None:
    """Refused the way people read refusals: exit status, no traceback, the words expected."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    for words in expected:
        assert words in result.stderr, (words, result.stderr)


async def enrollments_count(stack: Stack) -> int:
    async with stack.context().db.sessions() as session:
        return int(
            await session.scalar(select(func.count()).select_from(EnrollmentRequestRow)) or 0
        )


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


async def test_request_files_that_cannot_be_requests(stack: Stack, tmp_path: Path) -> None:
    before = await enrollments_count(stack)
    cases: list[tuple[Path, str]] = [
        (write(tmp_path / "broken.json", '{"organization": {'), "not valid JSON"),
        (write(tmp_path / "empty.json", ""), "is empty"),
        (write(tmp_path / "blank.json", "  \n\t "), "is empty"),
        (write(tmp_path / "junk.bin", bytes(range(256)) * 4), "UTF"),
        (
            write(tmp_path / "utf16.json", json.dumps(variant("school", "U16")).encode("utf-16")),
            "UTF-16",
        ),
        (tmp_path, "is a folder"),
        (tmp_path / "missing.json", "no such file"),
        (write(tmp_path / "huge.json", "[" + "1," * 200_000 + "1]"), "at most"),
        (write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000), "nested too deeply"),
    ]
    unreadable = write(tmp_path / "locked.json", json.dumps(variant("school", "Locked")))
    unreadable.chmod(0)
    if os.geteuid() != 0:  # root reads anything; the refusal is tested where it can happen
        cases.append((unreadable, "not readable"))
    for path, words in cases:
        refused(stack.cli("submit", str(path), check=False), f"{path}", words)
    for data, field in (
        ([], "(request): must be an object"),
        (42, "(request)"),
        ("x", "(request)"),
    ):
        refused(
            stack.cli("submit", str(write(tmp_path / "s.json", json.dumps(data))), check=False),
            field,
        )
    assert await enrollments_count(stack) == before


def _with(name: str, change: Any) -> dict[str, Any]:
    data = variant("school", name, email_domain=f"{name.lower()}.example")
    change(data)
    return data


async def test_values_no_database_column_or_mail_header_can_take(
    stack: Stack, tmp_path: Path
) -> None:
    """Huge values, a thousand users, control characters and line separators, other scripts'
    digits: refused by field, before anything starts — on PostgreSQL too, which would refuse an
    over-long value on every retry."""
    before = await enrollments_count(stack)

    def name(value: str) -> Any:
        return lambda d: d["organization"].__setitem__("name", value)

    def zip_code(value: str) -> Any:
        return lambda d: d["organization"]["physical_address"].__setitem__("zip", value)

    cases: list[tuple[dict[str, Any], str]] = [
        (_with("Huge", name("x" * 1_000_000)), "a request is at most 262144 bytes"),
        (_with("Long", name("x" * 201)), "organization.name: too long: at most 200"),
        (
            _with("Many", lambda d: d.__setitem__("users", d["users"] * 1000)),
            "users: too many: at most 50",
        ),
        (_with("Nul", name("Redwood\x00School")), "organization.name: contains a control"),
        (_with("Cr", name("Redwood\rSchool")), "organization.name: contains a control"),
        (_with("Vt", name("Redwood\vSchool")), "organization.name: contains a control"),
        (_with("Ls", name("Redwood\u2028School")), "organization.name: contains a control"),
        (
            _with("Ps", lambda d: d["contacts"]["primary"].__setitem__("last_name", "Si\u2029ngh")),
            "contacts.primary.last_name: contains a control",
        ),
        (_with("Bidi", name("Redwood \u202eloohcS")), "organization.name: contains a control"),
        (
            _with("Line", lambda d: d["organization"]["physical_address"].update(line1="y" * 121)),
            "organization.physical_address.line1: too long: at most 120",
        ),
        (_with("Digits", zip_code(ARABIC_INDIC_ZIP)), "organization.physical_address.zip"),
        (_with("Wide", zip_code(FULL_WIDTH_ZIP)), "organization.physical_address.zip"),
    ]
    for index, (data, words) in enumerate(cases):
        path = write(tmp_path / f"case-{index}.json", json.dumps(data))
        result = stack.cli("submit", str(path), check=False)
        refused(result, words)
        assert len(result.stderr) < 2000, "a refusal is short, whatever the input's size"
    assert await enrollments_count(stack) == before


async def test_arguments_that_are_not_what_they_say(
    stack: Stack, staff_cli: Path, tmp_path: Path
) -> None:
    not_a_date = ["training-complete", "U1000001", "--kind", "webinar", "--on", "2024-13-01"]
    refused(
        stack.cli(*not_a_date, check=False, config=staff_cli),
        "on: '2024-13-01' is not a date (YYYY-MM-DD)",
    )
    refused(
        stack.cli(
            "training-complete", "U9999999", "--kind", "video", check=False, config=staff_cli
        ),
        "kind",
    )
    refused(
        stack.cli("training-extend", "U9999999", "--days", "many", check=False, config=staff_cli),
        "Invalid value for '--days'",
        code=2,
    )
    refused(
        stack.cli("list", "--stage", "bogus", check=False, config=staff_cli),
        "stage: must be one of: validating",
    )
    refused(
        stack.cli("approve", "ENNOTREAL0", check=False, config=staff_cli),
        "no enrollment ENNOTREAL0",
    )


async def test_account_changes_that_say_nothing_or_too_much(stack: Stack, tmp_path: Path) -> None:
    account = await enrolled(
        stack, stack.context(), "school", "BadChange", email_domain="badchange.example"
    )
    rep = tmp_path / "rep"
    ctx = stack.context()
    token = await sign_in_token(stack, ctx, account.provider_id, "msingh@badchange.example")
    await ctx.close()
    stack.cli("account", "redeem", token, config=rep)
    async with stack.context().db.sessions() as session:
        before = await _changes_made(session)
    empty = write(tmp_path / "e.json", "{}")
    refused(
        stack.cli("account", "update-info", str(empty), check=False, config=rep),
        "nothing to update",
    )
    county = write(tmp_path / "u.json", '{"county": "Kern"}')
    refused(
        stack.cli("account", "update-info", str(county), check=False, config=rep),
        "county: unknown field",
    )
    pin = write(tmp_path / "p.json", json.dumps({"vfc_pin": FULL_WIDTH_PIN}))
    refused(stack.cli("account", "update-info", str(pin), check=False, config=rep), "vfc_pin")
    add_user = "account add-user --last-name C --email a@badchange.example --role read_only"
    refused(
        stack.cli(*add_user.split(), "--first-name", "A\x0bB", check=False, config=rep),
        "first_name: contains a control",
    )
    refused(
        stack.cli("account", "change-role", "U9999999", "superuser", check=False, config=rep),
        "role",
    )
    maya = account.users["msingh@badchange.example"]
    refused(
        stack.cli("account", "correct-user", maya, check=False, config=rep), "nothing to correct"
    )
    async with stack.context().db.sessions() as session:
        after = await _changes_made(session)
    assert after == before  # a refused change is recorded as refused; none is made, even half


async def _changes_made(session: Any) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(AccountChangeRow)
        .where(AccountChangeRow.status != "refused")
    )
    return int(count or 0)


async def test_commands_against_what_is_not_running(stack: Stack, staff_cli: Path) -> None:
    """A finished enrollment is refused in words, not with a Temporal error."""
    ctx = stack.context()
    from cair.operations import enrollments

    done = await enrollments.submit(
        ctx, variant("school", "Finished", email_domain="finished.example")
    )
    await enrollments.reject(ctx, done.id, by="Dana Staff", reason="duplicate paperwork")
    await ctx.close()

    async def closed() -> bool:
        result = stack.cli("approve", done.id, check=False, config=staff_cli)
        return result.returncode == 1 and "was rejected" in result.stderr

    await eventually(closed, timeout=30)
    refused(
        stack.cli("reject", done.id, "--reason", "again", check=False, config=staff_cli),
        "was rejected",
    )


async def test_an_invalid_key_and_an_unmigrated_database_are_named(
    stack: Stack, tmp_path: Path
) -> None:
    bad_key = {**stack.env, "CAIR_CODEC_KEY": "not a key"}
    for args in (["migrate"], ["staff", "add", "x@cair.test", "--role", "admin"], ["serve"]):
        result = subprocess.run(
            [str(BIN / "cair"), *args],
            env=bad_key,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        refused(result, "settings: CAIR_CODEC_KEY: key 1 is not base64", code=2)

    # A web process whose database was never migrated says so, and changes nothing.
    fresh = await _empty_database(stack, tmp_path)
    unmigrated = Stack(
        name=stack.name,
        settings=stack.settings,
        env={**stack.env, "CAIR_DATABASE_URL": fresh},
        outbox=stack.outbox,
        var_dir=tmp_path,
    )
    server = unmigrated.start_api()
    try:
        await eventually(lambda: answers(unmigrated.api_url + "/healthz"), timeout=60)
        path = write(tmp_path / "ok.json", json.dumps(variant("school", "Unmigrated")))
        refused(unmigrated.cli("submit", str(path), check=False), "the database is not set up yet")
        refused(unmigrated.cli("staff", "sign-in", "a@cair.test", check=False), "not set up yet")
    finally:
        server.terminate()
        server.wait(timeout=15)


async def _empty_database(stack: Stack, tmp_path: Path) -> str:
    if stack.name == "sqlite":
        return f"sqlite:///{tmp_path / 'never-migrated.db'}"
    url = stack.settings.database_url
    base, _, _name = url.rpartition("/")
    engine = create_async_engine(normalize_database_url(url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text("DROP DATABASE IF EXISTS cair_never_migrated"))
        await connection.execute(text("CREATE DATABASE cair_never_migrated"))
    await engine.dispose()
    return f"{base}/cair_never_migrated"
