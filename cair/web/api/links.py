"""What e-mailed links open: a sign-in (a session), data-exchange credentials (shown once), a
password. Tokens travel in bodies of POSTs — mail scanners prefetch GET links, and URLs land in
logs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from cair.operations import credentials, passwords, second_factor, sessions
from cair.operations.credentials import RevealedCredentials
from cair.web.api.schemas import (
    CodeBody,
    Message,
    PasswordBody,
    SecondFactorDone,
    SecondFactorDue,
    SessionOpened,
    SignInBody,
    TokenBody,
)
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
        second_factor=opened.second_factor,
    )


async def signing_in(token: SignedIn, ctx: Ctx) -> str:
    """A staff session opened by a link that waits for its second factor (else 401/409)."""
    await second_factor.due(ctx, token)
    return token


SigningIn = Annotated[str, Depends(signing_in)]


@router.get("/sessions/current/second-factor", openapi_extra=audience("signed-in"))
async def second_factor_due(token: SigningIn, ctx: Ctx) -> SecondFactorDue:
    """What a staff session opened by a link waits for; at first sign-in, the secret to add to
    an authenticator app (this sign-in's own, the same each time it is asked for)."""
    due = await second_factor.due(ctx, token)
    if due.kind != second_factor.ENROL:
        return SecondFactorDue(due="code", email=due.email)
    enrolment = await second_factor.enrolment(ctx, token)
    return SecondFactorDue(due="enrol", email=due.email, secret=enrolment.secret, uri=enrolment.uri)


@router.post("/sessions/current/second-factor", openapi_extra=audience("signed-in"))
async def second_factor_given(body: CodeBody, token: SigningIn, ctx: Ctx) -> SecondFactorDone:
    """Finish signing in with the authenticator's current code (or a recovery code); after
    enrolment the answer holds the recovery codes, shown this once."""
    done = await second_factor.complete(ctx, token, body.code)
    return SecondFactorDone(
        email=done.email,
        roles=[r.value for r in done.roles],
        expires_at=done.expires_at,
        recovery_codes=list(done.recovery_codes),
        recovery_codes_left=done.recovery_codes_left,
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
