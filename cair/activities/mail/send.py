"""The ``send_mail`` activity: issue the e-mail's link, build and render it, send it once.

Exactly-once around SMTP: the row keyed by the order's key is claimed first; a retry finds it
``sent`` and does nothing. A crash after the relay accepted the message and before the row is
marked is covered by a mark on the worker's disk (``sent_marks``), written the instant the relay
answers; what is left is the instant between the relay's answer and that file write.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from functools import partial

from temporalio import activity

from cair.activities.crash_points import pause_point
from cair.activities.failures import classify_failures
from cair.activities.mail.kinds import MAIL_KINDS
from cair.activities.mail.mailer import Mailer, RenderedMail, message_id_for
from cair.activities.mail.sent_marks import SentMarks
from cair.activities.mail.sources import Envelope, Sources
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.mail import MailOrder
from cair.domain.region_source import RegionMapSource
from cair.settings import Settings
from cair.store import emails
from cair.store.database import Database, Session
from cair.store.errors import unavailable_reason
from cair.store.models import EmailRow


@dataclass(frozen=True)
class _Claimed:
    """A message claimed under its order's key, ready to go to the relay."""

    envelope: Envelope
    rendered: RenderedMail
    message_id: str


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
        claimed = await self._claim(order)
        if isinstance(claimed, str):
            return claimed
        # The link is committed before the message that carries it goes out.
        await pause_point(f"mail.{order.mail.value}")
        await self.mailer.send(
            to=claimed.envelope.to,
            cc=claimed.envelope.cc,
            rendered=claimed.rendered,
            message_id=claimed.message_id,
            accepted=partial(record_sent, self.db, self.marks, order.key),
        )
        activity.logger.info("mail %s (%s) sent", order.key, order.mail.value)
        return claimed.message_id

    async def _claim(self, order: MailOrder) -> _Claimed | str:
        """The message to send, claimed under the order's key; or, when there is nothing left to
        send, the Message-ID of the one already sent (recorded now if a crash kept it from it)."""
        async with self.db.sessions.begin() as session:
            row = await emails.by_key(session, order.key)
            if row is not None and row.status == emails.SENT:
                activity.logger.info("mail %s already sent; nothing to do", order.key)
                return row.message_id
            if row is None or not self.marks.marked(order.key):
                return await self._build_and_claim(session, order, row)
            # The relay took it just before a crash: record it rather than send it again.
            await emails.mark_sent(session, order.key)
        with contextlib.suppress(OSError):
            self.marks.clear(order.key)
        activity.logger.info("mail %s was sent before a crash; recorded", order.key)
        return row.message_id

    async def _build_and_claim(
        self, session: Session, order: MailOrder, claimed: EmailRow | None
    ) -> _Claimed:
        """Issue the link, build and render the message, and claim the order's key for it, all
        in one transaction: a retry finds the claim (``claimed``, read already), not a second
        link."""
        kind = MAIL_KINDS[order.mail]
        src = Sources(session=session, settings=self.settings, regions=self.regions.in_effect())
        link = await kind.link.issue(src, order) if kind.link else None
        envelope = await kind.build(src, order, link)
        rendered = self.mailer.render(order.mail.value, envelope.context)
        message_id = message_id_for(order.key, self.settings.sender)
        await emails.claim(
            session,
            claimed,
            key=order.key,
            template=order.mail.value,
            recipients=envelope.to + envelope.cc,
            subject=rendered.subject,
            message_id=message_id,
        )
        return _Claimed(envelope=envelope, rendered=rendered, message_id=message_id)


async def record_sent(db: Database, marks: SentMarks, key: str) -> None:
    """The relay has the message: mark it on disk at once, then record it in the store,
    riding out a store that is briefly away (a restart), rather than send it again."""
    try:
        marks.mark(key)
    except OSError as error:  # the store's record below still settles it
        activity.logger.warning("mail %s: no mark on disk (%s)", key, error)
    for pause in (0.2, 0.5, 1, 2, 4, 8, 15, 30):
        try:
            async with db.sessions.begin() as session:
                await emails.mark_sent(session, key)
            break
        except Exception as error:  # noqa: BLE001 - only an absent store is waited for
            if unavailable_reason(error) is None:
                raise
            activity.logger.warning("mail %s sent; the store is away, waiting", key)
            await asyncio.sleep(pause)
    else:
        raise RuntimeError(f"mail {key} was sent but could not be recorded")
    with contextlib.suppress(OSError):  # a mark left behind is only an empty file
        marks.clear(key)
