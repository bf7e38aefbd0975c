"""A user sets their CAIR password from the e-mailed password-setup link (sent when access is
granted). Stored as an Argon2id hash; the link is used up."""

from __future__ import annotations

from cair.domain.passwords import password_problems
from cair.domain.user_states import UserState
from cair.operations.context import Context
from cair.operations.errors import Forbidden, Invalid
from cair.operations.links import open_link, peek_link
from cair.security.secret_hashing import hash_secret
from cair.store import audit, organizations, users
from cair.store.links import LinkPurpose


async def set_password(ctx: Context, token: str, password: str) -> str:
    """Returns the User ID whose password was set."""
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose=LinkPurpose.PASSWORD_SETUP)
        user = await users.by_user_id(session, link.subject)
        if user is None or user.state != UserState.ACTIVE:
            raise Forbidden("this user's access is not open; ask your authorized representative")
        problems = password_problems(password, user_id=str(user.user_id), email=user.email)
        if problems:
            raise Invalid("password: " + "; ".join(problems))
        await users.set_password(session, user, hash_secret(password))
        org = await organizations.get(session, user.organization_id)
        await audit.append(
            session,
            key=f"password-set/{link.id}",
            actor=str(user.user_id),
            action="user.password_set",
            subject_type="user",
            subject_id=str(user.user_id),
            provider_id=org.provider_id if org else None,
        )
        return str(user.user_id)


async def user_of_link(ctx: Context, token: str) -> str:
    """The User ID a password-setup link is for, while it can still be used."""
    async with ctx.db.sessions() as session:
        link = await peek_link(session, token, purpose=LinkPurpose.PASSWORD_SETUP)
    return link.subject
