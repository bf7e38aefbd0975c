"""The staff second factor, given after the e-mailed link is redeemed: the session it opened is
not usable until then. At first sign-in the staff member adds the secret to an authenticator
app and confirms a current code; they are then shown ten single-use recovery codes, once.
Later sign-ins take the app's current code, or a recovery code. Wrong codes are limited per
staff member; secrets are kept sealed and never logged, recovery codes only as hashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cair.domain.staff_roles import StaffRole
from cair.operations.context import Context
from cair.operations.errors import Invalid, NotSignedIn, OperationError
from cair.operations.rate_limits import Limit, count, refuse_if_reached
from cair.operations.sessions import SESSION_IDLE
from cair.security import totp
from cair.security.sealing import SealError, unseal
from cair.security.secret_hashing import hash_secret, verify_secret
from cair.store import audit, sessions, staff
from cair.store.database import Session
from cair.store.models import SessionRow, StaffAccountRow, as_utc
from cair.telemetry.refusals import counts_sign_in_refusals

ENROL = "enrol"
CODE = "code"
FAILURES = 5  # wrong codes per staff member in the window, then a wait
FAILURE_WINDOW = timedelta(minutes=15)
WRONG = "code: that code does not match; type the 6-digit code your authenticator app shows now"
WRONG_OR_RECOVERY = WRONG + ", or one of your unused recovery codes"


@dataclass(frozen=True)
class Due:
    """What a half-open staff session waits for, and whose it is."""

    kind: str  # ENROL or CODE
    email: str


@dataclass(frozen=True)
class Enrolment:
    """The new secret to add to an authenticator app (typed, or opened as the URI)."""

    email: str
    secret: str
    uri: str


@dataclass(frozen=True)
class Completed:
    """The session is usable now; ``recovery_codes`` are shown this once (after enrolment)."""

    email: str
    roles: tuple[StaffRole, ...]
    expires_at: str
    recovery_codes: tuple[str, ...] = ()
    recovery_codes_left: int | None = None  # after a recovery code was used


async def due(ctx: Context, token: str | None) -> Due:
    async with ctx.db.sessions.begin() as session:
        row, member = await _half_open(session, token)
        assert row.second_factor is not None
        return Due(kind=row.second_factor, email=member.email)


async def enrolment(ctx: Context, token: str | None) -> Enrolment:
    """The secret of this sign-in's enrolment (the same each time it is asked for)."""
    async with ctx.db.sessions.begin() as session:
        row, member = await _half_open(session, token)
        if row.second_factor != ENROL or row.pending_totp_sealed is None:
            raise OperationError("you have an authenticator app already: give its code")
        secret = _opened(ctx, row.pending_totp_sealed, member)
        return Enrolment(member.email, secret, totp.provisioning_uri(secret, member.email))


@counts_sign_in_refusals
async def complete(ctx: Context, token: str | None, code: str) -> Completed:
    """Finish signing in with a code (or a recovery code); refused codes count against the
    staff member, and past the limit every code waits."""
    async with ctx.db.sessions() as session:
        row, member = await _half_open(session, token)
        limit = _failures(member.id)
        await refuse_if_reached(session, [limit])
    codes = totp.new_recovery_codes() if row.second_factor == ENROL else []
    hashes = [hash_secret(totp.normal_recovery_code(c)) for c in codes]  # slow: before the write
    async with ctx.db.sessions.begin() as session:
        row, member = await _half_open(session, token)
        if row.second_factor == ENROL:
            done = await _enrol(ctx, session, row, member, code, hashes)
        else:
            done = await _check(ctx, session, member, code)
        if done is None:
            await count(session, [limit])
        else:
            row.second_factor, row.pending_totp_sealed = None, None
            await audit.append(
                session,
                key=f"staff/{member.id}/second-factor/{row.id}",
                actor=member.email,
                action=done,
                subject_type="staff",
                subject_id=str(member.id),
            )
            left = None
            if done == "staff.recovery_code_used":
                left = len(await staff.unused_recovery_codes(session, member.id))
            return Completed(
                email=member.email,
                roles=tuple(sorted(StaffRole(r) for r in staff.roles_of(member))),
                expires_at=as_utc(row.expires_at).isoformat(),
                recovery_codes=tuple(codes),
                recovery_codes_left=left,
            )
    raise Invalid(WRONG if codes else WRONG_OR_RECOVERY)


async def _enrol(
    ctx: Context,
    session: Session,
    row: SessionRow,
    member: StaffAccountRow,
    code: str,
    hashes: list[str],
) -> str | None:
    assert row.pending_totp_sealed is not None
    step = totp.matching_step(_opened(ctx, row.pending_totp_sealed, member), code)
    if step is None:
        return None
    # Sealed for this staff member alone (the context), as the pending secret already was.
    member.totp_sealed, member.totp_last_step = row.pending_totp_sealed, step
    await staff.replace_recovery_codes(session, member.id, hashes)
    return "staff.second_factor_enrolled"


async def _check(ctx: Context, session: Session, member: StaffAccountRow, code: str) -> str | None:
    if member.totp_sealed is None:  # reset since this sign-in began
        raise NotSignedIn("your second factor was reset: sign in again to enrol")
    secret = _opened(ctx, member.totp_sealed, member)
    step = totp.matching_step(secret, code, after=member.totp_last_step)
    if step is not None:
        member.totp_last_step = step
        return "staff.signed_in_with_code"
    if not totp.looks_like_recovery_code(code):
        return None
    typed = totp.normal_recovery_code(code)
    for kept in await staff.unused_recovery_codes(session, member.id):
        if verify_secret(kept.code_hash, typed) and await staff.use_recovery_code(session, kept.id):
            return "staff.recovery_code_used"
    return None


async def _half_open(session: Session, token: str | None) -> tuple[SessionRow, StaffAccountRow]:
    """The live staff session of ``token`` that waits for its second factor, and its member."""
    if not token:
        raise NotSignedIn("not signed in: open the link from your sign-in e-mail first")
    row = await sessions.find_live(session, token, idle=SESSION_IDLE)
    if row is None or row.kind != sessions.STAFF:
        raise NotSignedIn("not signed in: the session is unknown, ended, idle or expired")
    if row.second_factor is None:
        raise OperationError("this session is signed in already")
    member = await staff.get(session, row.subject_id)
    if member is None or not member.active:
        raise NotSignedIn("not signed in: your staff account is no longer active")
    return row, member


def _opened(ctx: Context, sealed: str, member: StaffAccountRow) -> str:
    try:
        return unseal(
            ctx.settings.secrets_ring(),
            sealed,
            purpose=totp.TOTP_SEAL,
            context=staff.link_subject(member.id),
        )
    except SealError:
        raise OperationError(
            "your second factor cannot be opened here; ask an admin to reset it"
        ) from None


def _failures(staff_id: int) -> Limit:
    return Limit(
        "second-factor-failures",
        f"staff:{staff_id}",
        FAILURES,
        FAILURE_WINDOW,
        "too many wrong codes",
    )
