"""Rows the service keeps of what it did: e-mails, the audit log, incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cair.store.models.base import Base, utcnow


class EmailRow(Base):
    """Every e-mail the service sends, keyed so a retried activity never sends twice."""

    __tablename__ = "emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    template: Mapped[str] = mapped_column(String(60))
    recipients: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditRow(Base):
    """Append-only audit log: who did what, to what, when; old and new values, never a secret."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(60), index=True)
    provider_id: Mapped[str | None] = mapped_column(String(20), index=True, default=None)
    old_value: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    new_value: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class IncidentRow(Base):
    """A workflow step that failed for good: what staff must look at. No personal data."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(120), index=True)
    step: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    enrollment_id: Mapped[str | None] = mapped_column(String(32), index=True, default=None)
    provider_id: Mapped[str | None] = mapped_column(String(20), index=True, default=None)
    user_id: Mapped[str | None] = mapped_column(String(20), default=None)
    change_id: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(254), default=None)
