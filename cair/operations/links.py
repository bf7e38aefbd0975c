"""Open a single-use link on a person's behalf: used, replaced or expired links are refused
in words they can act on."""

from __future__ import annotations

from cair.operations.errors import OperationError
from cair.store import links
from cair.store.database import Session
from cair.store.links import LinkPurpose, LinkRefused
from cair.store.models import LinkTokenRow


async def open_link(session: Session, token: str, *, purpose: LinkPurpose) -> LinkTokenRow:
    try:
        return await links.consume(session, token, purpose=purpose)
    except LinkRefused as refused:
        raise OperationError(str(refused)) from refused
