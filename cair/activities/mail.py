"""The ``send_mail`` activity: render, send once, record.

Exactly-once around SMTP: the row keyed by the order's key is claimed first; a retry finds it
``sent`` and does nothing. The only window left is a crash after the relay accepted the message
and before the row is marked, which SMTP itself cannot close.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from temporalio import activity

from cair.activities.faults import pause_point
from cair.activities.mail_context import MailContext
from cair.activities.mailer import Mailer, message_id_for
from cair.domain.contracts import MailOrder
from cair.domain.regions import RegionMap
from cair.settings import Settings
from cair.store.database import Database
from cair.store.models import EmailRow


class MailActivities:
    def __init__(self, db: Database, settings: Settings, regions: RegionMap) -> None:
        self.db = db
        self.settings = settings
        self.regions = regions
        self.mailer = Mailer(settings)

    @activity.defn(name="send_mail")
    async def send_mail(self, order: MailOrder) -> str:
        """Send the e-mail of ``order`` unless it was already sent; returns its Message-ID."""
        async with self.db.sessions.begin() as session:
            row = await session.scalar(
                select(EmailRow).where(EmailRow.idempotency_key == order.key)
            )
            if row is not None and row.status == "sent":
                activity.logger.info("mail %s already sent; nothing to do", order.key)
                return row.message_id
            envelope = await MailContext(session, self.settings, self.regions).build(order)
            rendered = self.mailer.render(order.mail.value, envelope.context)
            message_id = message_id_for(order.key, self.settings.sender)
            if row is None:
                row = EmailRow(
                    idempotency_key=order.key,
                    template=order.mail.value,
                    recipients=", ".join(envelope.to + envelope.cc),
                    subject=rendered.subject,
                    message_id=message_id,
                    status="pending",
                )
                session.add(row)
        # Links issued while building the context are committed before the message goes out.
        await pause_point(f"mail.{order.mail.value}")
        await self.mailer.send(
            to=envelope.to, cc=envelope.cc, rendered=rendered, message_id=message_id
        )
        async with self.db.sessions.begin() as session:
            sent = await session.scalar(
                select(EmailRow).where(EmailRow.idempotency_key == order.key)
            )
            assert sent is not None
            sent.status = "sent"
            sent.sent_at = datetime.now(UTC)
        activity.logger.info("mail %s (%s) sent", order.key, order.mail.value)
        return message_id
