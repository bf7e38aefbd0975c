"""What e-mailed links open: a sign-in (a session), data-exchange credentials (shown once), a
password. Tokens travel in bodies of POSTs — mail scanners prefetch GET links, and URLs land in
logs."""

from __future__ import annotations

from fastapi import APIRouter

from cair.operations import credentials, passwords, sessions
from cair.operations.credentials import RevealedCredentials
from cair.web.api.schemas import Message, PasswordBody, SessionOpened, SignInBody, TokenBody
from cair.web.identity import PUBLIC, ClientAddress, Ctx, SignedIn, audience

router = APIRouter(prefix="/api/v1", tags=["links and sessions"])


@router.post("/sessions", status_code=201, openapi_extra=PUBLIC)
async def open_session(body: TokenBody, ctx: Ctx) -> SessionOpened:
    """Redeem a sign-in link (a representative's or a staff member's) for a session token."""
    opened = await sessions.redeem(ctx, body.token)
    return SessionOpened(
        token=opened.token,
        kind=opened.kind,
        email=opened.email,
        expires_at=opened.expires_at,
        provider_id=opened.provider_id,
        roles=[r.value for r in opened.roles],
    )


@router.delete("/sessions/current", openapi_extra=audience("signed-in"))
async def close_session(token: SignedIn, ctx: Ctx) -> Message:
    """Sign out: the session ends now."""
    return Message(message=await sessions.sign_out(ctx, token))


@router.post("/staff/sign-in", status_code=202, openapi_extra=PUBLIC)
async def staff_sign_in(body: SignInBody, ctx: Ctx, client: ClientAddress) -> Message:
    """E-mail a staff member a sign-in link. Everyone gets the same answer."""
    return Message(message=await sessions.staff_sign_in(ctx, body.email, client=client))


@router.post("/credentials/reveal", openapi_extra=PUBLIC)
async def reveal_credentials(body: TokenBody, ctx: Ctx) -> RevealedCredentials:
    """Show data-exchange credentials once, from the token of the e-mailed link."""
    return await credentials.reveal(ctx, body.token)


@router.post("/password", openapi_extra=PUBLIC)
async def set_password(body: PasswordBody, ctx: Ctx) -> Message:
    """Set a user's password from the password-setup link."""
    user_id = await passwords.set_password(ctx, body.token, body.password)
    return Message(message=f"the password of {user_id} is set")
