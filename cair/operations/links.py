"""Open a single-use link on a person's behalf: used, replaced or expired links are refused
in words they can act on."""

from __future__ import annotations

from cair.operations.context import Context
from cair.operations.errors import LinkUnusable
from cair.store import links
from cair.store.database import Session
from cair.store.links import LinkProblem, LinkPurpose, LinkRefused
from cair.store.models import LinkTokenRow


async def open_link(session: Session, token: str, *, purpose: LinkPurpose) -> LinkTokenRow:
    """The link, used up: the one use it was issued for."""
    try:
        return await links.consume(session, token, purpose=purpose)
    except LinkRefused as refused:
        raise LinkUnusable(refused.problem) from refused


async def peek_link(session: Session, token: str, *, purpose: LinkPurpose) -> LinkTokenRow:
    """The link, left unused, while it can be used: a page behind it opens, a form on it
    may be refused and sent again."""
    try:
        return await links.peek(session, token, purpose=purpose)
    except LinkRefused as refused:
        raise LinkUnusable(refused.problem) from refused


async def inspect(ctx: Context, token: str, *, purpose: LinkPurpose) -> LinkProblem | None:
    """What is wrong with a link, before anyone presses a button (None: it can be used)."""
    async with ctx.db.sessions() as session:
        return await links.inspect(session, token, purpose=purpose)
