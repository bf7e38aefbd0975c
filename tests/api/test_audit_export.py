"""Staff lists paged by ``limit``/``offset`` (bounded, refused by field), and audit trails
downloaded as CSV from the API: the rows are the trail's, a formula is neutralized, the
download is audited itself, and a filter or a role that does not fit is refused."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import httpx
import pytest
from sqlalchemy import select

from cair.domain.plain_words import PACIFIC
from cair.operations import audit_export
from cair.operations.errors import Invalid
from cair.store import audit
from cair.store.models import AuditRow
from tests.helpers.identities import Identities
from tests.helpers.stack import Stack


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _last_export(stack: Stack) -> AuditRow:
    ctx = stack.context()
    try:
        async with ctx.db.sessions() as session:
            found = await session.scalar(
                select(AuditRow)
                .where(AuditRow.action == "audit.exported")
                .order_by(AuditRow.id.desc())
                .limit(1)
            )
    finally:
        await ctx.close()
    assert found is not None
    return found


async def test_the_trail_pages_by_limit_and_offset(stack: Stack, identities: Identities) -> None:
    trail = f"/api/v1/organizations/{identities.org_a}/audit"
    async with httpx.AsyncClient(base_url=identities.api_url, timeout=30) as api:
        whole = await api.get(trail, params={"limit": 200}, headers=_bearer(identities.rep_a))
        first = await api.get(trail, params={"limit": 2}, headers=_bearer(identities.rep_a))
        second = await api.get(
            trail, params={"limit": 2, "offset": 2}, headers=_bearer(identities.rep_a)
        )
        too_many = await api.get(trail, params={"limit": 201}, headers=_bearer(identities.rep_a))
        none = await api.get(
            "/api/v1/staff/changes", params={"limit": 0}, headers=_bearer(identities.reviewer)
        )
    everything = whole.json()
    assert everything["total"] == len(everything["items"]) >= 4
    assert first.json()["items"] + second.json()["items"] == everything["items"][:4]
    assert (first.json()["offset"], first.json()["limit"], first.json()["next_offset"]) == (0, 2, 2)
    assert second.json()["total"] == everything["total"]
    for refused, field in ((too_many, "query.limit"), (none, "query.limit")):
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == [field]


async def test_an_organization_downloads_its_trail_and_the_download_is_audited(
    stack: Stack, identities: Identities
) -> None:
    ctx = stack.context()
    try:
        async with ctx.db.sessions() as session:
            await audit.append(
                session,
                key=f"formula-{identities.org_a}",
                actor='=HYPERLINK("http://evil.example")',
                action="account.update_info",
                subject_type="organization",
                subject_id=identities.org_a,
                provider_id=identities.org_a,
                new={"note": "-2+3"},
            )
            await session.commit()
    finally:
        await ctx.close()
    async with httpx.AsyncClient(base_url=identities.api_url, timeout=30) as api:
        answer = await api.get(
            f"/api/v1/organizations/{identities.org_a}/audit.csv", headers=_bearer(identities.rep_a)
        )
        trail = await api.get(
            f"/api/v1/organizations/{identities.org_a}/audit",
            params={"limit": 200},
            headers=_bearer(identities.rep_a),
        )
        other = await api.get(
            f"/api/v1/organizations/{identities.org_b}/audit.csv", headers=_bearer(identities.rep_a)
        )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="audit-{identities.org_a}.csv"'
    )
    header, *rows = list(csv.reader(io.StringIO(answer.text)))
    assert header == list(audit_export.COLUMNS)
    listed = [e for e in trail.json()["items"] if e["action"] != "audit.exported"]
    assert [(r[3], r[1]) for r in rows] == [(e["action"], e["at"]) for e in reversed(listed)]
    assert {r[6] for r in rows} == {identities.org_a}
    formula = next(r for r in rows if "evil.example" in r[2])
    assert formula[2] == '\'=HYPERLINK("http://evil.example")'
    assert formula[8] == '{"note": "-2+3"}'  # JSON starts with a brace: nothing to neutralize
    exported = await _last_export(stack)
    assert exported.provider_id == identities.org_a
    assert exported.actor.endswith("@api-a.example")
    assert exported.new_value == {"filter": {"provider_id": identities.org_a}, "rows": len(rows)}
    assert other.status_code in (403, 404)


async def test_staff_download_the_registry_trail_by_dates_and_kind(
    stack: Stack, identities: Identities
) -> None:
    today = datetime.now(PACIFIC).date().isoformat()
    chosen = {"from": today, "to": today, "kind": "staff"}
    async with httpx.AsyncClient(base_url=identities.api_url, timeout=30) as api:
        answer = await api.get(
            "/api/v1/staff/audit.csv", params=chosen, headers=_bearer(identities.reviewer)
        )
        listed = await api.get(
            "/api/v1/staff/audit",
            params={**chosen, "limit": 200},
            headers=_bearer(identities.admin),
        )
        trainer = await api.get(
            "/api/v1/staff/audit.csv", params=chosen, headers=_bearer(identities.trainer)
        )
        backwards = await api.get(
            "/api/v1/staff/audit.csv",
            params={"from": today, "to": "2020-01-01"},
            headers=_bearer(identities.reviewer),
        )
        not_a_date = await api.get(
            "/api/v1/staff/audit.csv", params={"from": "May 1"}, headers=_bearer(identities.admin)
        )
    assert answer.status_code == 200, answer.text
    _, *rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows and all(r[3].startswith("staff.") for r in rows)
    assert {r[1][:10] for r in rows} <= {today, datetime.now().date().isoformat()}
    assert len(rows) == listed.json()["total"]
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=int)
    exported = await _last_export(stack)
    assert exported.actor == "rita.reviewer@cair.test"
    assert exported.new_value == {
        "filter": {"from": today, "to": today, "kind": "staff"},
        "rows": len(rows),
    }
    assert trainer.status_code == 403
    assert backwards.status_code == 422 and backwards.json()["detail"].startswith("to: ")
    assert not_a_date.status_code == 422
    assert [e["field"] for e in not_a_date.json()["errors"]] == ["query.from"]


async def test_an_export_over_the_cap_is_refused_before_anything_is_written(
    stack: Stack, identities: Identities, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await _last_export(stack)
    monkeypatch.setattr(audit_export, "CAP", 1)
    ctx = stack.context()
    try:
        with pytest.raises(Invalid, match=r"^from: the export would hold \d+ rows, more than 1"):
            await audit_export.begin(ctx, by="rita.reviewer@cair.test", kind="staff")
    finally:
        await ctx.close()
    assert (await _last_export(stack)).id == before.id
