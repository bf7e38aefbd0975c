"""A real SMTP server (aiosmtpd) that keeps every message as a .eml file in an outbox folder,
so people and tests open exactly what a relay would have delivered."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from cair.devstack.ports import free_port

log = logging.getLogger("cair.smtp")


class _OutboxHandler:
    def __init__(self, folder: Path, on_message: Callable[[EmailMessage], None] | None) -> None:
        self.folder = folder
        self.on_message = on_message

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content: bytes = envelope.original_content or envelope.content
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{secrets.token_hex(3)}.eml"
        temporary = self.folder / f".{name}.tmp"
        # Owner only, from the start: the e-mails carry sign-in, reveal and password links.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        temporary.rename(self.folder / name)
        parsed = message_from_bytes(content, policy=default_policy)
        if self.on_message is not None:
            self.on_message(parsed)
        # Addresses and subjects name people and organizations: the log keeps neither.
        log.info(
            "mail accepted for %d recipient(s): %s", len(envelope.rcpt_tos), parsed["Message-ID"]
        )
        return "250 Message accepted for delivery"


class OutboxSmtpServer:
    def __init__(
        self,
        outbox: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        on_message: Callable[[EmailMessage], None] | None = None,
    ) -> None:
        """``on_message`` sees each message as it is kept (the benchmark times arrivals)."""
        self.outbox = outbox
        self.on_message = on_message
        self.host = host
        self._port = port or free_port()
        self._controller: Controller | None = None

    @property
    def port(self) -> int:
        return self._port

    def start(self) -> None:
        # aiosmtpd logs every envelope address at INFO: keep addresses out of logs.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._controller = Controller(
            _OutboxHandler(self.outbox, self.on_message), hostname=self.host, port=self._port
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
