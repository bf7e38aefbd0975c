"""Open a single-use link on a person's behalf: used, replaced or expired links are refused
in words they can act on."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cair.operations.context import OperationError
from cair.store.link_tokens import LinkRefused, consume_link
from cair.store.models import LinkTokenRow


async def open_link(session: AsyncSession, token: str, *, purpose: str) -> LinkTokenRow:
    try:
        return await consume_link(session, token, purpose=purpose)
    except LinkRefused as refused:
        raise OperationError(str(refused)) from refused
