"""Sign-in for representatives and registry staff: an e-mailed single-use link, redeemed for a
session that ends after eight hours, after half an hour unused, or at sign-out. Who a session
belongs to — a representative of one organization, or a staff member with roles — is decided
here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from cair.domain import ids
from cair.domain.contracts.sign_in import SignInInput
from cair.domain.identifier_checks import normalize_email
from cair.domain.staff_roles import StaffRole
from cair.operations.context import Context
from cair.operations.errors import Forbidden, NotSignedIn
from cair.operations.links import open_link
from cair.operations.rate_limits import Limit, check_and_count
from cair.security import totp
from cair.security.sealing import seal
from cair.store import organizations, representatives, sessions, staff
from cair.store.links import LinkPurpose
from cair.store.models import RepresentativeRow, StaffAccountRow
from cair.telemetry.refusals import counts_sign_in_refusals
from cair.workflows.sign_in import RepresentativeSignInWorkflow

SecondFactor = Literal["enrol", "code"]
SESSION_TTL = timedelta(hours=8)
SESSION_IDLE = timedelta(minutes=30)
SIGN_IN_TTL_MINUTES = 15
ADDRESS_WINDOW = timedelta(minutes=15)  # the limits themselves are settings
ORGANIZATION_WINDOW = timedelta(hours=1)
STAFF_SIGN_IN_ANSWER = (
    "If {email} belongs to registry staff, a sign-in link is on its way to that address; it "
    "works for {minutes} minutes."
)
SECOND_FACTOR_DUE = (
    "not signed in yet: finish signing in with the code from your authenticator app "
    "(`cair staff verify CODE`, or the staff sign-in page)"
)
UNKNOWN_STAFF_SESSION = "not signed in as staff: the session is unknown, ended, idle or expired"
CLOSED = "{provider_id} is closed: the organization's account no longer signs anyone in"
SIGN_IN_ANSWER = (
    "If {email} is an authorized representative of {provider_id}, a sign-in link is on its way "
    "to that address; it works for {minutes} minutes."
)


@dataclass(frozen=True)
class SignedIn:
    """A new session, as redeemed: the token is shown this once."""

    token: str
    kind: str  # "representative" or "staff"
    email: str
    expires_at: str
    provider_id: str | None = None  # a representative's organization
    roles: tuple[StaffRole, ...] = ()  # a staff member's roles
    # What a staff session waits for before it is usable: "enrol" (an authenticator app, at
    # first sign-in) or "code" (its current code, or a recovery code); None: nothing.
    second_factor: SecondFactor | None = None


@dataclass(frozen=True)
class Representative:
    """Who holds a live session: the representative of one organization."""

    representative_id: int
    provider_id: str
    email: str


@dataclass(frozen=True)
class StaffMember:
    """Who holds a live session: a member of registry staff, with roles."""

    staff_id: int
    email: str
    name: str
    roles: frozenset[StaffRole]


@counts_sign_in_refusals
async def sign_in(ctx: Context, provider_id: str, email: str, *, client: str | None = None) -> str:
    """E-mail a sign-in link to a representative. Anyone else gets the same answer and no
    e-mail, so the command cannot be used to find out who represents an organization; the
    limits apply to both alike. ``client`` is the caller's address (None in process)."""
    answer = SIGN_IN_ANSWER.format(
        email=email, provider_id=provider_id, minutes=SIGN_IN_TTL_MINUTES
    )
    async with ctx.db.sessions.begin() as session:
        await check_and_count(
            session,
            [
                _per_address(ctx, email, provider_id),
                _per_client(
                    ctx, client, provider_id, "too many sign-in links asked for this organization"
                ),
            ],
        )
        org = await organizations.by_provider_id(session, provider_id)
        representative = await representatives.active_by_email(session, provider_id, email)
    if org is not None and org.closed_at is not None:  # counted above all the same
        raise Forbidden(CLOSED.format(provider_id=provider_id))
    if representative is None:
        return answer
    temporal = await ctx.temporal()
    await temporal.start_workflow(
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


@counts_sign_in_refusals
async def staff_sign_in(ctx: Context, email: str, *, client: str | None = None) -> str:
    """E-mail a sign-in link to a staff member; anyone else gets the same answer, no e-mail."""
    answer = STAFF_SIGN_IN_ANSWER.format(email=email, minutes=SIGN_IN_TTL_MINUTES)
    async with ctx.db.sessions.begin() as session:
        await check_and_count(
            session,
            [
                _per_address(ctx, email, "staff"),
                _per_client(ctx, client, "staff", "too many staff sign-in links asked for"),
            ],
        )
        member = await staff.by_email(session, email)
    if member is None or not member.active:
        return answer
    temporal = await ctx.temporal()
    await temporal.start_workflow(
        RepresentativeSignInWorkflow.run,
        SignInInput(
            provider_id="",
            representative_id=0,
            staff_id=member.id,
            ttl_minutes=SIGN_IN_TTL_MINUTES,
            activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
        ),
        id=ids.staff_sign_in_workflow_id(ids.new_nonce()),
        task_queue=ctx.settings.temporal_task_queue,
    )
    return answer


def _per_address(ctx: Context, email: str, target: str) -> Limit:
    """Sign-in links asked for one address, for one organization (or for staff), from any
    client: no one floods an inbox. Only asks for that very address and target count, and each
    sent a real person a link that works 15 minutes, so asking for someone's address locks them
    out of nothing."""
    return Limit(
        "sign-in-address",
        f"{normalize_email(email)} {target}",  # Alice@ and ALICE@ are one inbox
        ctx.settings.sign_in_limit_per_address,
        ADDRESS_WINDOW,
        "too many sign-in links asked for this address",
    )


def _per_client(ctx: Context, client: str | None, target: str, refusal: str) -> Limit:
    """Links one client asks for one organization (or for staff): per client, so strangers
    asking for made-up addresses use up no one else's sign-ins."""
    return Limit(
        "sign-in-client",
        f"{client or '(in process)'} {target}",
        ctx.settings.sign_in_limit_per_organization,
        ORGANIZATION_WINDOW,
        f"{refusal} from your address",
    )


@counts_sign_in_refusals
async def redeem(ctx: Context, token: str) -> SignedIn:
    """Exchange a sign-in link — a representative's or a staff member's — for a session token
    (stored only as a digest)."""
    expires = datetime.now(UTC) + SESSION_TTL
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose=LinkPurpose.SIGN_IN)
        kind, _, subject = link.subject.partition(":")
        if kind == "staff":
            member = await staff.get(session, int(subject))
            if member is None or not member.active:
                raise Forbidden("your staff account is no longer active")
            due, pending = _second_factor_due(ctx, member)
            session_token = await sessions.open_session(
                session,
                kind=sessions.STAFF,
                subject_id=member.id,
                expires_at=expires,
                second_factor=due,
                pending_totp_sealed=pending,
            )
            return SignedIn(
                token=session_token,
                kind=sessions.STAFF,
                email=member.email,
                expires_at=expires.isoformat(),
                roles=tuple(sorted(StaffRole(r) for r in staff.roles_of(member))),
                second_factor=due,
            )
        representative = await representatives.get(session, int(subject))
        if representative is None or not representative.active:
            raise Forbidden("you are no longer an authorized representative")
        org = await organizations.get(session, representative.organization_id)
        assert org is not None and org.provider_id is not None
        if org.closed_at is not None:
            raise Forbidden(CLOSED.format(provider_id=org.provider_id))
        session_token = await sessions.open_session(
            session,
            kind=sessions.REPRESENTATIVE,
            subject_id=representative.id,
            provider_id=org.provider_id,
            expires_at=expires,
        )
        return SignedIn(
            token=session_token,
            kind=sessions.REPRESENTATIVE,
            provider_id=org.provider_id,
            email=representative.email,
            expires_at=expires.isoformat(),
        )


def _second_factor_due(
    ctx: Context, member: StaffAccountRow
) -> tuple[SecondFactor | None, str | None]:
    """What a new staff session waits for, and for an enrolment its new secret, sealed: each
    sign-in before enrolment has a secret of its own, so one seen earlier is worth nothing."""
    if ctx.settings.second_factor_exempt(member.email):
        return None, None
    if member.totp_sealed is not None:
        return "code", None
    secret = seal(
        ctx.settings.secrets_ring(),
        totp.new_secret(),
        purpose=totp.TOTP_SEAL,
        context=staff.link_subject(member.id),
    )
    return "enrol", secret


async def current(ctx: Context, session_token: str | None) -> Representative:
    """The representative whose live session this is, or a refusal to sign in (again)."""
    if not session_token:
        raise NotSignedIn("not signed in: sign in with `cair account sign-in` first")
    async with ctx.db.statements() as session:
        found = await sessions.find_live_with(
            session, session_token, RepresentativeRow, sessions.REPRESENTATIVE, idle=SESSION_IDLE
        )
        row, representative = found or (None, None)
        if row is None or representative is None or row.provider_id is None:
            raise NotSignedIn("not signed in: the session is unknown, ended, idle or expired")
        if not representative.active:
            raise NotSignedIn("not signed in: you are no longer an authorized representative")
        return Representative(
            representative_id=representative.id,
            provider_id=row.provider_id,
            email=representative.email,
        )


async def current_staff(ctx: Context, session_token: str | None) -> StaffMember:
    """The staff member whose live session this is, or a refusal to sign in (again)."""
    if not session_token:
        raise NotSignedIn("not signed in: sign in with `cair staff sign-in` first")
    async with ctx.db.statements() as session:
        found = await sessions.find_live_with(
            session, session_token, StaffAccountRow, sessions.STAFF, idle=SESSION_IDLE
        )
        if found is None:
            raise NotSignedIn(UNKNOWN_STAFF_SESSION)
        row, member = found
        if row.second_factor is not None:
            raise NotSignedIn(SECOND_FACTOR_DUE)
        if not member.active:
            raise NotSignedIn("not signed in: your staff account is no longer active")
        return StaffMember(
            staff_id=member.id,
            email=member.email,
            name=member.name,
            roles=frozenset(StaffRole(r) for r in staff.roles_of(member)),
        )


async def holder(ctx: Context, session_token: str) -> Representative | StaffMember | None:
    """Whoever holds a live session, of either kind (None when no one does)."""
    try:
        return await current(ctx, session_token)
    except NotSignedIn:
        pass
    try:
        return await current_staff(ctx, session_token)
    except NotSignedIn:
        return None


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
        raise NotSignedIn("not signed in: this session had already ended")
    return "signed out"
