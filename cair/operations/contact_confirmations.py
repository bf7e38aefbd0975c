"""A new primary contact confirms their address by the e-mailed link: only then may registry
staff approve the change that makes them an authorized representative."""

from __future__ import annotations

from datetime import UTC, datetime

from cair.domain.account_changes import ChangeKind, ChangeStatus
from cair.operations.context import Context
from cair.operations.errors import LinkUnusable, OperationError
from cair.operations.links import open_link
from cair.store import audit, changes
from cair.store.links import LinkProblem, LinkPurpose

UNCONFIRMED = (
    "the new primary contact has not confirmed their address yet: approve the change once they "
    "have opened the link e-mailed to them (or reject it)"
)


async def confirm(ctx: Context, token: str) -> str:
    """Use the link: the change records that its new address is confirmed. Words to show."""
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose=LinkPurpose.CONFIRM_CONTACT)
        provider_id, change_id = changes.change_of(link.subject)
        row = await changes.find(session, provider_id, change_id)
        if row is None or row.status != ChangeStatus.AWAITING_APPROVAL:
            raise LinkUnusable(LinkProblem.REPLACED)  # decided or withdrawn meanwhile
        row.details = {**row.details, "contact_confirmed_at": datetime.now(UTC).isoformat()}
        await audit.append(
            session,
            key=f"{provider_id}/change-{change_id}/contact-confirmed",
            actor="link holder",
            action="account.contact_confirmed",
            subject_type="organization",
            subject_id=provider_id,
            provider_id=provider_id,
        )
    return (
        f"Thank you: your address is confirmed. Registry staff now review the change to "
        f"{provider_id}'s primary contact; you are told by e-mail when it applies."
    )


async def refuse_unconfirmed(ctx: Context, provider_id: str, change_id: str) -> None:
    """Staff cannot approve a new primary contact whose address is not confirmed."""
    async with ctx.db.sessions() as session:
        row = await changes.find(session, provider_id, change_id)
    if (
        row is not None
        and row.kind == ChangeKind.UPDATE_INFO
        and row.status == ChangeStatus.AWAITING_APPROVAL
        and not row.details.get("contact_confirmed_at")
    ):
        raise OperationError(UNCONFIRMED)
