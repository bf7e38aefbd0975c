"""`cair dev` as a person runs it: the banner with the URLs, a second instance refused, Ctrl-C
stops everything; and the SMTP outbox server on its own."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import free_port, port_is_open
from tests.helpers.mailbox import Mailbox
from tests.helpers.paths import BIN, ROOT


async def test_outbox_server_keeps_each_message_as_eml(tmp_path: Path) -> None:
    server = OutboxSmtpServer(tmp_path / "outbox")
    server.start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.example", "b@y.example", "Hello"
        message.set_content("body")
        await aiosmtplib.send(message, hostname="127.0.0.1", port=server.port)
    finally:
        server.stop()
    [received] = Mailbox(tmp_path / "outbox").messages()
    assert received["Subject"] == "Hello" and received["To"] == "b@y.example"


def _wait_for(log: Path, process: subprocess.Popen[bytes], text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        seen = log.read_text() if log.exists() else ""
        if text in seen:
            return seen
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(f"no {text!r} in:\n{seen}")
        time.sleep(0.1)


async def test_cair_dev_starts_refuses_a_second_and_stops_cleanly(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("grpc", "ui", "smtp", "codec", "web")}
    env = {
        **os.environ,
        "CAIR_VAR_DIR": str(tmp_path / "var"),
        "CAIR_TEMPORAL_ADDRESS": f"127.0.0.1:{ports['grpc']}",
        "CAIR_TEMPORAL_UI_PORT": str(ports["ui"]),
        "CAIR_SMTP_PORT": str(ports["smtp"]),
        "CAIR_CODEC_PORT": str(ports["codec"]),
        "CAIR_WEB_PORT": str(ports["web"]),
    }
    env.pop("CAIR_DATABASE_URL", None)
    log = tmp_path / "dev.log"
    with log.open("wb") as output:
        dev = subprocess.Popen(
            [str(BIN / "cair"), "dev"], env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        banner = await asyncio.to_thread(_wait_for, log, dev, "Ctrl-C to stop", 60)
        assert f"http://localhost:{ports['ui']}" in banner
        assert f"http://localhost:{ports['web']}" in banner
        assert "cair staff sign-in admin@cair.example" in banner
        ready = httpx.get(f"http://127.0.0.1:{ports['web']}/readyz", timeout=10)
        assert ready.status_code == 200 and ready.json()["database"] == "ok"
        assert str(tmp_path / "var" / "outbox") in banner
        assert all(port_is_open("127.0.0.1", port) for port in ports.values())
        assert (tmp_path / "var" / "codec.keys").exists() and (
            tmp_path / "var" / "codec.token"
        ).exists()

        second = subprocess.run(
            [str(BIN / "cair"), "dev"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1 and "already running" in second.stdout

        dev.send_signal(signal.SIGINT)
        assert await asyncio.to_thread(dev.wait, 60) == 0
        assert not any(port_is_open("127.0.0.1", port) for port in ports.values())
    finally:
        if dev.poll() is None:
            dev.kill()
