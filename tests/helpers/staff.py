"""Registry staff as the tests sign them in: the real way, by the e-mailed link redeemed, so a
staff session in a test is one a person could have."""

from __future__ import annotations

import re

from cair.operations import sessions, staff_accounts
from cair.operations.context import Context
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually

# The staff admin the ``staff_cli`` fixture signs in; audit entries name this address.
STAFF_ADMIN = "dana.staff@cair.test"


async def staff_session(stack: Stack, ctx: Context, email: str, role: str) -> str:
    """Add a staff member of ``role``, e-mail them a sign-in link, redeem it: the session."""
    await staff_accounts.add(ctx, email, roles=[role], name=role.title())
    await sessions.staff_sign_in(ctx, email)
    mail = await eventually(lambda: stack.outbox.to(email, "staff console sign-in"))
    found = re.search(r"cair staff redeem (\S+)", body_text(mail[-1]))
    assert found
    return (await sessions.redeem(ctx, found.group(1))).token
