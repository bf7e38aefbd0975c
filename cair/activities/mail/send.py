"""The ``send_mail`` activity: issue the e-mail's link, build and render it, send it once.

Exactly-once around SMTP: the row keyed by the order's key is claimed first; a retry finds it
``sent`` and does nothing. The only window left is a crash after the relay accepted the message
and before the row is marked, which SMTP itself cannot close.
"""

from __future__ import annotations

from temporalio import activity

from cair.activities.failures import classify_failures
from cair.activities.faults import pause_point
from cair.activities.mail.kinds import MAIL_KINDS
from cair.activities.mail.mailer import Mailer, message_id_for
from cair.activities.mail.sources import Sources
from cair.activities.region_maps import RegionMapSource
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.mail import MailOrder
from cair.settings import Settings
from cair.store import emails
from cair.store.database import Database


class MailActivities:
    def __init__(self, db: Database, settings: Settings, regions: RegionMapSource) -> None:
        self.db = db
        self.settings = settings
        self.regions = regions
        self.mailer = Mailer(settings)

    @activity.defn(name=Activity.SEND_MAIL)
    @classify_failures
    async def send_mail(self, order: MailOrder) -> str:
        """Send the e-mail of ``order`` unless it was already sent; returns its Message-ID."""
        kind = MAIL_KINDS[order.mail]
        async with self.db.sessions.begin() as session:
            row = await emails.by_key(session, order.key)
            if row is not None and row.status == emails.SENT:
                activity.logger.info("mail %s already sent; nothing to do", order.key)
                return row.message_id
            src = Sources(session=session, settings=self.settings, regions=self.regions.in_effect())
            link = await kind.link.issue(src, order) if kind.link else None
            envelope = await kind.build(src, order, link)
            rendered = self.mailer.render(order.mail.value, envelope.context)
            message_id = message_id_for(order.key, self.settings.sender)
            await emails.claim(
                session,
                key=order.key,
                template=order.mail.value,
                recipients=envelope.to + envelope.cc,
                subject=rendered.subject,
                message_id=message_id,
            )
        # The link is committed before the message that carries it goes out.
        await pause_point(f"mail.{order.mail.value}")
        await self.mailer.send(
            to=envelope.to, cc=envelope.cc, rendered=rendered, message_id=message_id
        )
        async with self.db.sessions.begin() as session:
            await emails.mark_sent(session, order.key)
        activity.logger.info("mail %s (%s) sent", order.key, order.mail.value)
        return message_id
