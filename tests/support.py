"""Helpers shared by the tests: the outbox reader and the stack settings."""

from __future__ import annotations

import email
import email.policy
import functools
import json
import os
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"enrollment-{name}.json").read_text())
    return data


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


def dependency_calls(dependant: Any) -> list[Any]:
    """Every callable a FastAPI route depends on, however deep: what guards it."""
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found += dependency_calls(sub)
    return found
