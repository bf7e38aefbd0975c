"""The mailer keeps SMTP sessions open between e-mails (cair/activities/mail/smtp_connections.py):
messages in a row share one session, and a session the relay dropped, or one idle too long, is
replaced before any message is lost. A real SMTP server (aiosmtpd) receives them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from cair.activities.mail.smtp_connections import SmtpConnections
from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.settings import Settings


def _message(n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "CAIR Enrollment <no-reply@cair.example>"
    message["To"] = "sam@clinic.example"
    message["Subject"] = f"Message {n}"
    message["Message-ID"] = f"<m{n}@cair.example>"
    message.set_content(f"body {n}")
    return message


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[OutboxSmtpServer]:
    server = OutboxSmtpServer(tmp_path / "outbox")
    server.start()
    yield server
    server.stop()


def _connections(relay: OutboxSmtpServer, **options: float) -> SmtpConnections:
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=relay.port)
    return SmtpConnections(settings, **options)  # type: ignore[arg-type]


def _subjects(relay: OutboxSmtpServer) -> list[str]:
    found = []
    for path in sorted(relay.outbox.glob("*.eml")):
        subject = next(line for line in path.read_text().splitlines() if line.startswith("Subj"))
        found.append(subject.removeprefix("Subject: "))
    return found


def test_messages_in_a_row_share_one_session(relay: OutboxSmtpServer) -> None:
    connections = _connections(relay)
    accepted: list[int] = []

    async def run() -> None:
        for n in range(3):

            async def noted(n: int = n) -> None:
                accepted.append(n)

            await connections.send(_message(n), noted)

    asyncio.run(run())
    assert connections.opened == 1
    assert accepted == [0, 1, 2]
    assert _subjects(relay) == ["Message 0", "Message 1", "Message 2"]


def test_a_session_the_relay_dropped_is_replaced(relay: OutboxSmtpServer) -> None:
    connections = _connections(relay)

    async def run() -> None:
        await connections.send(_message(1))
        relay.stop()  # the relay restarts: the pooled session is gone
        relay.start()
        await connections.send(_message(2))

    asyncio.run(run())
    assert connections.opened == 2
    assert _subjects(relay) == ["Message 1", "Message 2"]


def test_a_session_idle_too_long_is_not_used(relay: OutboxSmtpServer) -> None:
    connections = _connections(relay, idle_seconds=0.0)

    async def run() -> None:
        await connections.send(_message(1))
        await connections.send(_message(2))

    asyncio.run(run())
    assert connections.opened == 2
    assert _subjects(relay) == ["Message 1", "Message 2"]


def test_a_relay_that_is_down_fails_the_send_and_keeps_nothing(relay: OutboxSmtpServer) -> None:
    connections = _connections(relay)
    relay.stop()
    accepted: list[str] = []

    async def noted() -> None:
        accepted.append("yes")

    async def run() -> None:
        await connections.send(_message(1), noted)

    with pytest.raises(aiosmtplib.SMTPConnectError):
        asyncio.run(run())
    assert accepted == []
    assert connections.opened == 0
    relay.start()  # for the fixture's stop


def test_sessions_of_a_finished_event_loop_are_dropped(relay: OutboxSmtpServer) -> None:
    """A session belongs to the loop that opened it: a new loop opens its own."""
    connections = _connections(relay)
    asyncio.run(connections.send(_message(1)))
    asyncio.run(connections.send(_message(2)))
    assert connections.opened == 2
    assert _subjects(relay) == ["Message 1", "Message 2"]
