"""Representatives' sign-in: an e-mailed single-use link, redeemed for a session; every account
operation is authorized against the organization it touches, here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cair.domain import ids
from cair.domain.contracts.sign_in import SignInInput
from cair.operations.context import Context, OperationError
from cair.operations.links import open_link
from cair.store import organizations, representatives, sessions
from cair.store.links import LinkPurpose
from cair.workflows.sign_in import RepresentativeSignInWorkflow

SESSION_TTL = timedelta(hours=8)
SIGN_IN_TTL_MINUTES = 15
SIGN_IN_ANSWER = (
    "If {email} is an authorized representative of {provider_id}, a sign-in link is on its way "
    "to that address; it works for {minutes} minutes."
)


@dataclass(frozen=True)
class Session:
    """A signed-in representative."""

    token: str
    provider_id: str
    email: str
    expires_at: str


async def sign_in(ctx: Context, provider_id: str, email: str) -> str:
    """E-mail a sign-in link to a representative. Anyone else gets the same answer and no
    e-mail, so the command cannot be used to find out who represents an organization."""
    answer = SIGN_IN_ANSWER.format(
        email=email, provider_id=provider_id, minutes=SIGN_IN_TTL_MINUTES
    )
    async with ctx.db.sessions() as session:
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


async def redeem(ctx: Context, token: str) -> Session:
    """Exchange a sign-in link for a session token (stored only as a digest)."""
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose=LinkPurpose.SIGN_IN)
        representative = await representatives.get(session, int(link.subject.removeprefix("rep:")))
        if representative is None or not representative.active:
            raise OperationError("you are no longer an authorized representative")
        org = await organizations.get(session, representative.organization_id)
        assert org is not None and org.provider_id is not None
        expires = datetime.now(UTC) + SESSION_TTL
        session_token = await sessions.open_session(
            session,
            representative_id=representative.id,
            provider_id=org.provider_id,
            expires_at=expires,
        )
        return Session(
            token=session_token,
            provider_id=org.provider_id,
            email=representative.email,
            expires_at=expires.isoformat(),
        )


async def authorize(ctx: Context, session_token: str | None, provider_id: str) -> str:
    """The representative's e-mail if the session is valid for ``provider_id``."""
    refusal = f"not signed in as an authorized representative of {provider_id}"
    if not session_token:
        raise OperationError(f"{refusal}: sign in with `cair account sign-in` first")
    async with ctx.db.sessions() as session:
        row = await sessions.find_live(session, session_token)
        if row is None:
            raise OperationError(f"{refusal}: the session is unknown, ended or expired")
        if row.provider_id != provider_id:
            raise OperationError(refusal)
        representative = await representatives.get(session, row.representative_id)
        if representative is None or not representative.active:
            raise OperationError(refusal)
        return representative.email
