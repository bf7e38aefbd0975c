"""Rows of access: single-use links, sessions, staff accounts and their recovery codes, rate-limit
attempts, idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cair.store.models.base import Base, utcnow


class LinkTokenRow(Base):
    """A single-use, expiring link (credential reveal, password setup, sign-in); only its hash."""

    __tablename__ = "link_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(60), index=True)
    issue_key: Mapped[str] = mapped_column(String(200), index=True)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionRow(Base):
    """A signed-in session (a representative's or a staff member's); only the token's digest is
    kept. It ends at ``expires_at``, after ``IDLE`` without use, or when revoked (sign-out)."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "representative" or "staff"
    subject_id: Mapped[int] = mapped_column(Integer, index=True)  # the representative or staff row
    provider_id: Mapped[str | None] = mapped_column(String(20), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # A staff session is not usable while its second factor is due: "enrol" (no authenticator
    # yet: its new secret waits here, sealed, until a code confirms it) or "code".
    second_factor: Mapped[str | None] = mapped_column(String(10), default=None)
    pending_totp_sealed: Mapped[str | None] = mapped_column(Text, default=None)


class AttemptRow(Base):
    """An attempt counted for a rate limit, under one key: ``kind`` says what is limited
    (sign-in links per address, per organization; submissions per client), the subject is kept
    only as a digest."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_digest: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (Index("ix_attempts_kind_subject", "kind", "subject_digest", "at"),)


class StaffAccountRow(Base):
    """A member of registry staff. Roles say what they may do: ``reviewer`` (enrollments and
    account changes), ``trainer`` (training records), ``admin`` (everything, credentials,
    incidents). Made by an operator (``cair staff add``), removed (``active`` False) by an operator
    or an admin; signs in by e-mailed link and a code from an authenticator app (TOTP), whose
    secret is kept sealed."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(100))  # comma-separated
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    totp_sealed: Mapped[str | None] = mapped_column(Text, default=None)  # None: not enrolled
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)  # no code twice


class StaffRecoveryCodeRow(Base):
    """A staff member's single-use recovery code (instead of an authenticator's code), kept
    only as an Argon2 hash."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(Integer, index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRow(Base):
    """The first answer to a POST made with an Idempotency-Key, replayed to a retry with the
    same key and body. Scoped to the caller, so one caller's key never answers another."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(64))  # a digest of the caller and the route
    key: Mapped[str] = mapped_column(String(200))
    body_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer, default=None)  # None: still running
    response: Mapped[str | None] = mapped_column(Text, default=None)
    content_type: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("scope", "key"),)
