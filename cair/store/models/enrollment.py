"""Rows of enrollment: each online request and where it stands, and the keys that find
duplicates of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cair.store.models.base import Base, utcnow


class EnrollmentRequestRow(Base):
    """One online enrollment request and where it stands."""

    __tablename__ = "enrollment_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    stage: Mapped[str] = mapped_column(String(40), index=True)
    org_name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(40))
    county: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(40))
    access_level: Mapped[str] = mapped_column(String(40))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    provider_id: Mapped[str | None] = mapped_column(String(20), default=None)
    duplicate_of: Mapped[str | None] = mapped_column(String(32), default=None)
    decided_by: Mapped[str | None] = mapped_column(String(254), default=None)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)
    region_map_version: Mapped[str | None] = mapped_column(String(40), default=None)
    # The contacts before the latest amendment, so staff see who changed before approving.
    previous_contacts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EnrollmentKeyRow(Base):
    """Normalized identity keys of a request, for the duplicate check."""

    __tablename__ = "enrollment_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollment_requests.id"), index=True)
    key: Mapped[str] = mapped_column(String(400), index=True)

    __table_args__ = (UniqueConstraint("enrollment_id", "key"),)
