"""Audit trails from the ``cair`` command against a real stack: a representative writes their
organization's trail to a CSV file, staff the registry's by dates and kind; a list pages with
--limit/--offset and says what is left; a bad date or an unwritable file is refused."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from cair.domain.plain_words import PACIFIC
from cair.operations.context import Context
from cair.store.models import AuditRow
from tests.helpers.accounts import SAM, enrolled, sign_in_token
from tests.helpers.stack import Stack
from tests.helpers.staff import STAFF_ADMIN


async def _exports(ctx: Context) -> list[AuditRow]:
    async with ctx.db.sessions() as session:
        found = await session.scalars(
            select(AuditRow).where(AuditRow.action == "audit.exported").order_by(AuditRow.id)
        )
        return list(found)


async def test_audit_trails_go_to_csv_files_from_the_cli(
    stack: Stack, ctx: Context, staff_cli: Path, tmp_path: Path
) -> None:
    account = await enrolled(stack, ctx, "clinic", "AuditCli")
    sam_cli = tmp_path / "sam"
    stack.cli(
        "account",
        "redeem",
        await sign_in_token(stack, ctx, account.provider_id, SAM),
        config=sam_cli,
    )

    # The representative: the trail as JSON lines, then the same entries as a CSV file.
    lines = stack.cli("account", "audit", config=sam_cli).stdout.splitlines()
    listed = [json.loads(line) for line in lines]
    assert listed
    mine = tmp_path / "mine.csv"
    said = stack.cli("account", "audit", "--csv", str(mine), config=sam_cli).stdout
    assert said.strip() == f"{len(listed)} audit entries written to {mine}"
    with mine.open(newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header[:4] == ["id", "at", "actor", "action"]
    assert [r[3] for r in rows] == [e["action"] for e in reversed(listed)]
    exported = (await _exports(ctx))[-1]
    assert (exported.actor, exported.provider_id) == (SAM, account.provider_id)
    assert exported.new_value == {
        "filter": {"provider_id": account.provider_id},
        "rows": len(rows),
    }

    # Staff: the registry's staff events of today (Pacific), a page of them and all as CSV.
    today = datetime.now(PACIFIC).date().isoformat()
    chosen = ["--from", today, "--to", today, "--kind", "staff"]
    registry = tmp_path / "registry.csv"
    stack.cli("staff", "audit", *chosen, "--csv", str(registry), config=staff_cli)
    with registry.open(newline="") as f:
        _, *staff_rows = list(csv.reader(f))
    assert staff_rows and {r[3].split(".")[0] for r in staff_rows} == {"staff"}
    assert "staff.added" in {r[3] for r in staff_rows}  # dana, added by the operator
    exported = (await _exports(ctx))[-1]
    assert exported.actor == STAFF_ADMIN
    assert exported.new_value == {
        "filter": {"from": today, "to": today, "kind": "staff"},
        "rows": len(staff_rows),
    }
    paged = stack.cli("staff", "audit", *chosen, "--limit", "1", config=staff_cli)
    assert len(paged.stdout.splitlines()) == 1
    if len(staff_rows) > 1:
        assert paged.stderr.strip() == f"1-1 of {len(staff_rows)}; --offset 1 for the next"

    # Refusals: a date that is not one, an end before the start, a file that cannot be.
    bad = stack.cli(
        "staff", "audit", "--from", "May 1", "--csv", "x.csv", check=False, config=staff_cli
    )
    assert bad.returncode == 1 and bad.stderr.startswith("from: 'May 1' is not a date")
    backwards = stack.cli(
        "staff",
        "audit",
        "--from",
        today,
        "--to",
        "2020-01-01",
        "--csv",
        str(tmp_path / "none.csv"),
        check=False,
        config=staff_cli,
    )
    assert backwards.returncode == 1 and backwards.stderr.startswith("error: to: 2020-01-01")
    assert not (tmp_path / "none.csv").exists()
    nowhere = tmp_path / "no-such-folder" / "x.csv"
    unwritable = stack.cli("account", "audit", "--csv", str(nowhere), check=False, config=sam_cli)
    assert unwritable.returncode == 1 and "cannot be written" in unwritable.stderr
