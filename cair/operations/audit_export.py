"""An audit trail as CSV: an organization's (for its representatives, and staff), or the
registry's by Pacific dates and kind (for reviewers and admins). The export is audited itself
(who, which filter, how many rows) before the first row goes out; the rows are those there when
it began (up to the last id counted), read in chunks so no session stays open while the file
streams, and never more than ``CAP`` (a larger export is refused: narrow the dates or kind).
Cells a spreadsheet would run as a formula (= + - @, a tab or a carriage return first) get a
leading apostrophe."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cair.operations.context import Context
from cair.operations.errors import Invalid, NotFound
from cair.operations.staff_lists import audit_filter
from cair.store import audit, organizations
from cair.store.audit import AuditFilter, AuditRecord

CAP = 50_000
CHUNK = 500
COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "provider_id",
    "old_value",
    "new_value",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORTED = "audit.exported"


@dataclass(frozen=True)
class Export:
    """An export begun: its filter, the rows it holds, the last id it reads, a file name."""

    chosen: AuditFilter
    rows: int
    up_to: int
    filename: str


async def begin(
    ctx: Context,
    *,
    by: str,
    provider_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
) -> Export:
    """Count what the filter holds, refuse more than ``CAP``, and audit the export."""
    chosen = audit_filter(provider_id=provider_id, since=since, until=until, kind=kind)
    described = {
        "provider_id": provider_id,
        "from": since.isoformat() if since else None,
        "to": until.isoformat() if until else None,
        "kind": chosen.kind,
    }
    async with ctx.db.sessions() as session:
        if provider_id is not None and not await organizations.by_provider_id(session, provider_id):
            raise NotFound(f"no organization {provider_id}")
        rows, up_to = await audit.extent(session, chosen)
        if rows > CAP:
            raise Invalid(
                f"from: the export would hold {rows} rows, more than {CAP}; choose a shorter "
                "date range (from, to) or a kind"
            )
        await audit.append(
            session,
            key=f"audit-export:{uuid.uuid4()}",
            actor=by,
            action=EXPORTED,
            subject_type="audit",
            subject_id=provider_id or "registry",
            provider_id=provider_id,
            new={"filter": {k: v for k, v in described.items() if v}, "rows": rows},
        )
        await session.commit()
    return Export(chosen, rows, up_to, _filename(described))


def _filename(described: dict[str, Any]) -> str:
    parts = ["audit", described["provider_id"] or "registry", described["kind"]]
    parts += [described["from"], described["to"]]
    return "-".join(str(p).replace(".", "_") for p in parts if p) + ".csv"


async def csv_chunks(ctx: Context, export: Export) -> AsyncIterator[str]:
    """The header, then the rows oldest first, a chunk of CSV text at a time."""
    yield _csv([COLUMNS])
    after = 0
    while after < export.up_to:
        async with ctx.db.sessions() as session:
            found = await audit.chunk(
                session, export.chosen, after=after, up_to=export.up_to, size=CHUNK
            )
        if not found:
            return
        yield _csv([_cells(r) for r in found])
        after = found[-1].id


def _cells(record: AuditRecord) -> list[str]:
    return [
        str(record.id),
        record.at,
        record.actor,
        record.action,
        record.subject_type,
        record.subject_id,
        record.provider_id or "",
        _json(record.old),
        _json(record.new),
    ]


def _json(value: dict[str, Any] | None) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else ""


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs (OWASP's CSV injection advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue()
