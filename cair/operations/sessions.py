"""Representatives' sign-in: an e-mailed single-use link, redeemed for a session that ends after
eight hours, after half an hour unused, or at sign-out. Who a session belongs to — and so which
organization its holder may touch — is decided here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cair.domain import ids
from cair.domain.contracts.sign_in import SignInInput
from cair.operations.context import Context
from cair.operations.errors import Forbidden, NotSignedIn, OperationError, TooManyRequests
from cair.operations.links import open_link
from cair.store import organizations, representatives, sessions, sign_in_attempts
from cair.store.database import Session
from cair.store.links import LinkPurpose
from cair.store.models import as_utc
from cair.workflows.sign_in import RepresentativeSignInWorkflow

SESSION_TTL = timedelta(hours=8)
SESSION_IDLE = timedelta(minutes=30)
SIGN_IN_TTL_MINUTES = 15
ADDRESS_WINDOW = timedelta(minutes=15)  # the limits themselves are settings
ORGANIZATION_WINDOW = timedelta(hours=1)
SIGN_IN_ANSWER = (
    "If {email} is an authorized representative of {provider_id}, a sign-in link is on its way "
    "to that address; it works for {minutes} minutes."
)


@dataclass(frozen=True)
class SignedIn:
    """A signed-in representative, as redeemed: the token is shown this once."""

    token: str
    provider_id: str
    email: str
    expires_at: str


@dataclass(frozen=True)
class Representative:
    """Who holds a live session: the representative of one organization."""

    representative_id: int
    provider_id: str
    email: str


async def sign_in(ctx: Context, provider_id: str, email: str) -> str:
    """E-mail a sign-in link to a representative. Anyone else gets the same answer and no
    e-mail, so the command cannot be used to find out who represents an organization; the
    limits apply to both alike."""
    answer = SIGN_IN_ANSWER.format(
        email=email, provider_id=provider_id, minutes=SIGN_IN_TTL_MINUTES
    )
    scope = f"org:{provider_id}"
    async with ctx.db.sessions.begin() as session:
        await _within_limits(ctx, session, scope, email)
        await sign_in_attempts.record(session, scope=scope, address=email)
        representative = await representatives.active_by_email(session, provider_id, email)
    if representative is None:
        return answer
    client = await ctx.temporal()
    await client.start_workflow(
        RepresentativeSignInWorkflow.run,
        SignInInput(
            provider_id=provider_id,
            representative_id=representative.id,
            ttl_minutes=SIGN_IN_TTL_MINUTES,
            activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
        ),
        id=ids.sign_in_workflow_id(provider_id, ids.new_nonce()),
        task_queue=ctx.settings.temporal_task_queue,
    )
    return answer


async def _within_limits(ctx: Context, session: Session, scope: str, address: str) -> None:
    now = datetime.now(UTC)
    since = now - ADDRESS_WINDOW
    asked = await sign_in_attempts.count_for_address(session, address, since=since)
    if asked >= ctx.settings.sign_in_limit_per_address:
        oldest = await sign_in_attempts.oldest_since(session, address, since=since) or now
        wait = ADDRESS_WINDOW - (now - as_utc(oldest))
        raise TooManyRequests(
            f"too many sign-in links asked for this address; try again in "
            f"{max(1, int(wait.total_seconds() // 60) + 1)} minutes",
            retry_after_seconds=max(1, int(wait.total_seconds())),
        )
    since = now - ORGANIZATION_WINDOW
    asked = await sign_in_attempts.count_for_scope(session, scope, since=since)
    if asked >= ctx.settings.sign_in_limit_per_organization:
        raise TooManyRequests(
            "too many sign-in links asked for this organization; try again within the hour",
            retry_after_seconds=int(ORGANIZATION_WINDOW.total_seconds()),
        )


async def redeem(ctx: Context, token: str) -> SignedIn:
    """Exchange a sign-in link for a session token (stored only as a digest)."""
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose=LinkPurpose.SIGN_IN)
        representative = await representatives.get(session, int(link.subject.removeprefix("rep:")))
        if representative is None or not representative.active:
            raise Forbidden("you are no longer an authorized representative")
        org = await organizations.get(session, representative.organization_id)
        assert org is not None and org.provider_id is not None
        expires = datetime.now(UTC) + SESSION_TTL
        session_token = await sessions.open_session(
            session,
            kind=sessions.REPRESENTATIVE,
            subject_id=representative.id,
            provider_id=org.provider_id,
            expires_at=expires,
        )
        return SignedIn(
            token=session_token,
            provider_id=org.provider_id,
            email=representative.email,
            expires_at=expires.isoformat(),
        )


async def current(ctx: Context, session_token: str | None) -> Representative:
    """The representative whose live session this is, or a refusal to sign in (again)."""
    if not session_token:
        raise NotSignedIn("not signed in: sign in with `cair account sign-in` first")
    async with ctx.db.sessions.begin() as session:
        row = await sessions.find_live(session, session_token, idle=SESSION_IDLE)
        if row is None or row.kind != sessions.REPRESENTATIVE or row.provider_id is None:
            raise NotSignedIn("not signed in: the session is unknown, ended, idle or expired")
        representative = await representatives.get(session, row.subject_id)
        if representative is None or not representative.active:
            raise NotSignedIn("not signed in: you are no longer an authorized representative")
        return Representative(
            representative_id=representative.id,
            provider_id=row.provider_id,
            email=representative.email,
        )


async def authorize(ctx: Context, session_token: str | None, provider_id: str) -> str:
    """The representative's e-mail if the session is valid for ``provider_id``."""
    who = await current(ctx, session_token)
    if who.provider_id != provider_id:
        raise Forbidden(f"not signed in as an authorized representative of {provider_id}")
    return who.email


async def sign_out(ctx: Context, session_token: str | None) -> str:
    if not session_token:
        raise NotSignedIn("not signed in")
    async with ctx.db.sessions.begin() as session:
        ended = await sessions.revoke(session, session_token)
    if not ended:
        raise OperationError("this session had already ended")
    return "signed out"
