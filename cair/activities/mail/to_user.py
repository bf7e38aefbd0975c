"""E-mails to a user along the training gate."""

from __future__ import annotations

from cair.activities.mail.sources import Envelope, IssuedLink, Sources, user_context, user_of
from cair.domain.contracts.mail import MailOrder
from cair.domain.dates import long_date
from cair.domain.user_states import TrainingKind


async def access_ready(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    user, org = await user_of(src, order)
    context = user_context(user, org)
    if link is not None:
        context.update(setup_url=link.url, link_expires_on=long_date(link.expires_at))
    return Envelope(to=[user.email], cc=[], context=context)


async def password_setup(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    envelope = await access_ready(src, order, link)
    user, _ = await user_of(src, order)
    in_person = user.training_kind == TrainingKind.IN_PERSON
    envelope.context["training_label"] = "in-person" if in_person else "webinar"
    return envelope


async def training(src: Sources, order: MailOrder, _link: IssuedLink | None) -> Envelope:
    """Instructions and reminders: how to train, and by when."""
    user, org = await user_of(src, order)
    context = user_context(user, org)
    context["deadline"] = long_date(order.deadline) if order.deadline else ""
    return Envelope(to=[user.email], cc=[], context=context)


async def training_expired(src: Sources, order: MailOrder, _link: IssuedLink | None) -> Envelope:
    """To the user, with the primary contact in copy."""
    user, org = await user_of(src, order)
    primary = org.contacts["primary"]["email"]
    cc = [primary] if primary.lower() != user.email.lower() else []
    return Envelope(to=[user.email], cc=cc, context=user_context(user, org))
