"""The ``send_mail`` activity: issue the e-mail's link, build and render it, send it once.

Exactly-once around SMTP: the row keyed by the order's key is claimed first; a retry finds it
``sent`` and does nothing. A crash after the relay accepted the message and before the row is
marked is covered by a mark on the worker's disk (``sent_marks``), written the instant the relay
answers; what is left is the instant between the relay's answer and that file write.
"""

from __future__ import annotations

import asyncio
import contextlib

from temporalio import activity

from cair.activities.crash_points import pause_point
from cair.activities.failures import classify_failures
from cair.activities.mail.kinds import MAIL_KINDS
from cair.activities.mail.mailer import Mailer, message_id_for
from cair.activities.mail.sent_marks import SentMarks
from cair.activities.mail.sources import Sources
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.mail import MailOrder
from cair.domain.region_source import RegionMapSource
from cair.settings import Settings
from cair.store import emails
from cair.store.database import Database
from cair.store.errors import unavailable_reason


class MailActivities:
    def __init__(self, db: Database, settings: Settings, regions: RegionMapSource) -> None:
        self.db = db
        self.settings = settings
        self.regions = regions
        self.mailer = Mailer(settings)
        self.marks = SentMarks(settings.var_dir / "mail-sent")

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
            sent_before_crash = row is not None and self.marks.marked(order.key)
            if row is not None and sent_before_crash:
                # The relay took it just before a crash: record it rather than send it again.
                await emails.mark_sent(session, order.key)
                message_id = row.message_id
            else:
                src = Sources(
                    session=session, settings=self.settings, regions=self.regions.in_effect()
                )
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
        if sent_before_crash:
            with contextlib.suppress(OSError):
                self.marks.clear(order.key)
            activity.logger.info("mail %s was sent before a crash; recorded", order.key)
            return message_id
        # The link is committed before the message that carries it goes out.
        await pause_point(f"mail.{order.mail.value}")

        async def record_sent() -> None:
            """The relay has the message: mark it on disk at once, then record it in the store,
            riding out a store that is briefly away (a restart), rather than send it again."""
            try:
                self.marks.mark(order.key)
            except OSError as error:  # the store's record below still settles it
                activity.logger.warning("mail %s: no mark on disk (%s)", order.key, error)
            for pause in (0.2, 0.5, 1, 2, 4, 8, 15, 30):
                try:
                    async with self.db.sessions.begin() as session:
                        await emails.mark_sent(session, order.key)
                    break
                except Exception as error:  # noqa: BLE001 - only an absent store is waited for
                    if unavailable_reason(error) is None:
                        raise
                    activity.logger.warning("mail %s sent; the store is away, waiting", order.key)
                    await asyncio.sleep(pause)
            else:
                raise RuntimeError(f"mail {order.key} was sent but could not be recorded")
            with contextlib.suppress(OSError):  # a mark left behind is only an empty file
                self.marks.clear(order.key)

        await self.mailer.send(
            to=envelope.to,
            cc=envelope.cc,
            rendered=rendered,
            message_id=message_id,
            accepted=record_sent,
        )
        activity.logger.info("mail %s (%s) sent", order.key, order.mail.value)
        return message_id
