"""SMTP sessions kept open between e-mails, one worker's worth.

Opening a session (TCP, greeting, EHLO, STARTTLS, AUTH) and closing it (QUIT) cost more than
sending one message, and the worker sends a few per enrollment. A session that has just sent
goes back to a small pool and carries the next message if it is used again within
``idle_seconds``: well inside the minutes a relay waits before it drops an idle client. A pooled
session is asked for a NOOP first; one the relay closed or refuses is replaced before the
message starts. Once the message has started, a failure is raised as from a new session: the
activity's retry and its records (cair/activities/mail/send.py) decide, never a silent resend.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from email.message import EmailMessage

import aiosmtplib

from cair.settings import Settings


class SmtpConnections:
    """Sends each message over a pooled session when one is fresh, else over a new one."""

    def __init__(self, settings: Settings, *, keep: int = 4, idle_seconds: float = 20.0) -> None:
        self.settings = settings
        self.keep = keep
        self.idle_seconds = idle_seconds
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self.opened = 0  # sessions opened (tests read it)

    async def send(
        self, message: EmailMessage, accepted: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        """``accepted`` runs once the relay has taken the message, before the session is given
        back or closed."""
        client = await self._pooled()
        if client is None:
            client = await self._open()
        try:
            await client.send_message(message)
        except BaseException:
            client.close()
            raise
        try:
            if accepted is not None:
                await accepted()
        finally:
            await self._give_back(client)

    async def _pooled(self) -> aiosmtplib.SMTP | None:
        """A pooled session that answers a NOOP, or None."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # sessions belong to the loop that opened them
            stale, self._idle, self._loop = self._idle, [], loop
            for client, _ in stale:
                with contextlib.suppress(Exception):
                    client.close()
        now = time.monotonic()
        while self._idle:
            client, since = self._idle.pop()
            if now - since <= self.idle_seconds and client.is_connected:
                try:
                    await client.noop()
                    return client
                except (aiosmtplib.SMTPException, ConnectionError):
                    pass
            with contextlib.suppress(Exception):
                client.close()
        return None

    async def _open(self) -> aiosmtplib.SMTP:
        password = self.settings.smtp_password
        client = aiosmtplib.SMTP(
            hostname=self.settings.smtp_host,
            port=self.settings.smtp_port,
            username=self.settings.smtp_user,
            password=password.get_secret_value() if password else None,
            start_tls=self.settings.smtp_starttls,
            timeout=30,
        )
        await client.connect()
        self.opened += 1
        return client

    async def _give_back(self, client: aiosmtplib.SMTP) -> None:
        if client.is_connected and len(self._idle) < self.keep:
            self._idle.append((client, time.monotonic()))
            return
        with contextlib.suppress(Exception):
            await client.quit()
