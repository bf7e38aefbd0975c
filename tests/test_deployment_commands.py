"""The commands a multi-machine deployment runs alone: a process that must be given its keys
refuses to start without them (never N machines on N keys), and `cair codec` serves the Web
UI's codec endpoint by itself."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import time

import httpx

from cair.devstack.ports import free_port
from tests.helpers.paths import BIN, ROOT


def _env(tmp: str, **more: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CAIR_")}
    return {**clean, "CAIR_VAR_DIR": tmp, **more}


def test_a_worker_that_must_be_given_keys_refuses_to_make_its_own(tmp_path: object) -> None:
    result = subprocess.run(
        [str(BIN / "cair"), "worker"],
        env=_env(str(tmp_path), CAIR_REQUIRE_KEYS="true"),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "CAIR_CODEC_KEYS is not set" in result.stderr
    assert list(tmp_path.iterdir()) == []  # type: ignore[attr-defined]


def test_the_codec_endpoint_runs_alone_and_wants_its_token(tmp_path: object) -> None:
    port = free_port()
    token = secrets.token_urlsafe(16)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    process = subprocess.Popen(
        [str(BIN / "cair"), "codec", "--port", str(port)],
        env=_env(
            str(tmp_path),
            CAIR_REQUIRE_KEYS="true",
            CAIR_CODEC_KEYS=key,
            CAIR_CODEC_AUTH_TOKEN=token,
            CAIR_CODEC_ALLOWED_ORIGINS="https://cloud.temporal.io",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                assert httpx.get(f"{url}/healthz").status_code == 200
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("cair codec did not answer")
        empty: dict[str, list[object]] = {"payloads": []}
        assert httpx.post(f"{url}/decode", json=empty).status_code == 401
        allowed = httpx.post(
            f"{url}/decode",
            json=empty,
            headers={"Authorization": f"Bearer {token}", "Origin": "https://cloud.temporal.io"},
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://cloud.temporal.io"
    finally:
        process.terminate()
        process.wait(timeout=15)
