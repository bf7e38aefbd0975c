"""GET /api/v1/staff/overview: every staff member, whatever their role, reads the same figures
as JSON — five figures, each categories with keys and labels and series of one count per
category — and they count what the suite's stack holds: the organizations just enrolled and
approved, the request still awaiting review."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers.identities import Identities
from tests.helpers.stack import Stack

FIGURES = ("weekly_submissions", "queue_by_age", "approval_times", "training_deadlines", "dx_sites")


def _by_key(figure: dict[str, Any]) -> dict[str, dict[str, int]]:
    """series key → category key → count."""
    keys = [c["key"] for c in figure["categories"]]
    return {s["key"]: dict(zip(keys, s["values"], strict=True)) for s in figure["series"]}


async def test_every_staff_role_reads_the_figures(stack: Stack, identities: Identities) -> None:
    answers: dict[str, dict[str, Any]] = {}
    async with httpx.AsyncClient(base_url=identities.api_url, timeout=60) as api:
        for role, token in (
            ("reviewer", identities.reviewer),
            ("trainer", identities.trainer),
            ("admin", identities.admin),
        ):
            answer = await api.get(
                "/api/v1/staff/overview", headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 200, f"{role}: {answer.text}"
            answers[role] = answer.json()
        refused = await api.get(
            "/api/v1/staff/overview", headers={"Authorization": f"Bearer {identities.rep_a}"}
        )
        assert refused.status_code in (401, 403), refused.text

    found = answers["admin"]
    assert set(found) == {"generated_at", *FIGURES}
    for name in FIGURES:
        figure = found[name]
        assert set(figure) == {"title", "description", "axis", "categories", "series"}, name
        assert figure["title"] and figure["description"], name
        assert figure["categories"] and figure["series"], name
        for category in figure["categories"]:
            assert set(category) == {"key", "label"}, name
        for series in figure["series"]:
            assert set(series) == {"key", "label", "values"}, name
            assert len(series["values"]) == len(figure["categories"]), name
            assert all(isinstance(v, int) and v >= 0 for v in series["values"]), name
    assert len(found["weekly_submissions"]["categories"]) == 12

    # The two organizations enrolled for the suite and the applicant's request were sent this
    # week; the two were approved today, the request still waits.
    weekly = _by_key(found["weekly_submissions"])
    this_week = found["weekly_submissions"]["categories"][-1]["key"]
    assert sum(counts[this_week] for counts in weekly.values()) >= 3
    queue = _by_key(found["queue_by_age"])
    assert queue["0-1"]["awaiting_review"] >= 1
    approvals = _by_key(found["approval_times"])["approved"]
    assert approvals["0"] >= 2
    deadlines = [c["key"] for c in found["training_deadlines"]["categories"]]
    assert deadlines[:4] == ["overdue", "within_7", "within_30", "later"]
    assert [c["key"] for c in found["dx_sites"]["categories"]][-1] == "live"
    # The same figures whoever asks (only the moment they were counted differs).
    for role in ("reviewer", "trainer"):
        mine = {k: v for k, v in answers[role].items() if k != "generated_at"}
        assert set(mine) == set(FIGURES)
        assert mine["dx_sites"]["categories"] == found["dx_sites"]["categories"]
