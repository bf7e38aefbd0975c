"""Render an e-mail from its template pair and send it over SMTP.

Each e-mail is ``templates/email/<name>.txt`` (first line ``Subject: ...``) plus ``<name>.html``
(autoescaped, extending ``base.html``), so wording lives with the templates, not in code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cair.activities.mail.smtp_connections import SmtpConnections
from cair.domain.plain_words import TEMPLATE_FILTERS
from cair.settings import Settings


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def message_id_for(key: str, sender: str) -> str:
    """Stable Message-ID per idempotency key, so a resend would be recognisable as the same."""
    domain = sender.rsplit("@", 1)[-1].rstrip(">").strip() or "cair.example"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = Environment(
            loader=PackageLoader("cair", "templates/email"),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(TEMPLATE_FILTERS)
        self.connections = SmtpConnections(settings)

    def render(self, name: str, context: dict[str, Any]) -> RenderedMail:
        text = self.env.get_template(f"{name}.txt").render(context)
        first, _, body = text.partition("\n")
        if not first.startswith("Subject: "):
            raise ValueError(f"template {name}.txt must start with a 'Subject: ' line")
        html = self.env.get_template(f"{name}.html").render(context)
        return RenderedMail(
            subject=first.removeprefix("Subject: ").strip(), text=body.lstrip(), html=html
        )

    async def send(
        self,
        *,
        to: list[str],
        rendered: RenderedMail,
        message_id: str,
        cc: list[str] | None = None,
        accepted: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Send; ``accepted`` runs the moment the relay has taken the message, before the
        session is given back, so what records the sending follows the relay's "250" as closely as
        it can (a crash between the two is the one window SMTP cannot close)."""
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = ", ".join(to)
        if cc:
            message["Cc"] = ", ".join(cc)
        message["Subject"] = rendered.subject
        message["Message-ID"] = message_id
        message["Date"] = formatdate(localtime=False, usegmt=True)
        # 8bit keeps the text part readable as it is in an outbox file (links unbroken).
        message.set_content(rendered.text, cte="8bit")
        message.add_alternative(rendered.html, subtype="html")
        await self.connections.send(message, accepted)
