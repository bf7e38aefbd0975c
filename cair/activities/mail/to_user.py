"""E-mails to a user along the training gate."""

from __future__ import annotations

from cair.activities.mail.sources import Envelope, IssuedLink, Sources, user_context, user_of
from cair.domain.account_changes import ChangeKind
from cair.domain.contracts.mail import MailOrder
from cair.domain.user_states import TrainingKind
from cair.store import changes

# Why a user's gate runs, which the e-mail says first: a new account, a role staff raised (or a
# representative changed), an account reactivated.
CREATED, ROLE_CHANGED, REACTIVATED = "created", "role_changed", "reactivated"
_BECAUSE = {
    ChangeKind.CHANGE_ROLE.value: ROLE_CHANGED,
    ChangeKind.REACTIVATE_USER.value: REACTIVATED,
}


async def access_ready(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    user, org = await user_of(src, order)
    context = user_context(user, org)
    context["because"] = await _because(src, order)
    if link is not None:
        context.update(setup_url=link.url, link_expires_at=link.expires_at)
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
    context.update(deadline=order.deadline, because=await _because(src, order))
    return Envelope(to=[user.email], cc=[], context=context)


async def training_expired(src: Sources, order: MailOrder, _link: IssuedLink | None) -> Envelope:
    """To the user, with the primary contact in copy."""
    user, org = await user_of(src, order)
    primary = org.contacts["primary"]["email"]
    cc = [primary] if primary.lower() != user.email.lower() else []
    context = user_context(user, org)
    context["because"] = await _because(src, order)
    return Envelope(to=[user.email], cc=cc, context=context)


async def _because(src: Sources, order: MailOrder) -> str:
    """Why the gate runs. A gate started by an account change carries the change in its e-mails'
    keys (``user-U…/change-CH…/step``, workflows/user_activation.py); any other is the user's
    first: an existing user whose role was raised must not read that an account was created."""
    change_id = next(
        (
            part.removeprefix("change-")
            for part in order.key.split("/")
            if part.startswith("change-")
        ),
        None,
    )
    if change_id is None or not order.provider_id:
        return CREATED
    change = await changes.find(src.session, order.provider_id, change_id)
    if change is None:
        return CREATED
    return _BECAUSE.get(change.kind, CREATED)
