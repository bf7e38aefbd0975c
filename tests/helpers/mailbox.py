"""The outbox the test SMTP server writes, read the way its recipients would read it: the tests
check what people are told by e-mail, not what the service meant to send."""

from __future__ import annotations

import email
import email.policy
import functools
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class Mailbox:
    """The .eml files the test SMTP server wrote."""

    folder: Path

    def messages(self) -> list[EmailMessage]:
        return [_parsed(path) for path in sorted(self.folder.glob("*.eml"))]

    def to(self, address: str, subject_contains: str = "") -> list[EmailMessage]:
        return [
            m
            for m in self.messages()
            if address.lower() in str(m["To"]).lower() + " " + str(m.get("Cc", "")).lower()
            and subject_contains.lower() in str(m["Subject"]).lower()
        ]

    def more_than(
        self, seen: int, address: str, subject_contains: str = ""
    ) -> list[EmailMessage] | None:
        """The e-mails :meth:`to` finds once there are more than ``seen`` of them, else None:
        for waiting on a new one with ``eventually``."""
        found = self.to(address, subject_contains)
        return found if len(found) > seen else None

    def about(self, text: str) -> list[EmailMessage]:
        return [m for m in self.messages() if text in body_text(m) or text in str(m["Subject"])]


@functools.cache
def _parsed(path: Path) -> EmailMessage:
    """A kept message never changes (the server writes it whole, then renames it): parse once."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


def body_html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    content: str = part.get_content()
    return content
