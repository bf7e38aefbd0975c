"""With ``CAIR_METRICS_TOKEN`` set, the API's /metrics answers only a scrape that brings it, and
without one only a scrape from this machine: the counts of a registry's queue are not for
whoever finds the URL."""

from __future__ import annotations

from pathlib import Path

import httpx

from cair.settings import Settings
from cair.web.app import create_app


async def test_metrics_answer_only_the_scrape_token(tmp_path: Path) -> None:
    app = create_app(Settings(_env_file=None, var_dir=tmp_path, metrics_token="s" * 32))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cair.test") as client:
        refused = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 32})
        given = await client.get("/metrics", headers={"Authorization": "Bearer " + "s" * 32})
    assert refused.status_code == wrong.status_code == 401
    assert "cair_" not in refused.text + wrong.text
    assert given.status_code == 200 and "cair_http_request_duration_seconds" in given.text


async def test_without_a_token_metrics_answer_this_machine_only(tmp_path: Path) -> None:
    app = create_app(Settings(_env_file=None, var_dir=tmp_path))
    for client, status in ((("203.0.113.7", 4711), 403), (("127.0.0.1", 4711), 200)):
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://cair.test") as http:
            answer = await http.get("/metrics")
        assert answer.status_code == status, client
        assert ("cair_http_request_duration_seconds" in answer.text) == (status == 200)
