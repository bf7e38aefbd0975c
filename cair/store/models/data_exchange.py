"""Tables of data-exchange onboarding: the sites registered at the IZ Portal and what their
messages showed. A message's contents are never stored: only its control id, the ACK's code and
findings (CAIR's own words), and which of the test plan's synthetic patients it was about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from cair.store.models.base import Base, utcnow


class DxSiteRow(Base):
    """A site's registration for data exchange (one per site): its role, its IZ Portal answers
    and where its onboarding stands. ``site_id`` is the site's Site ID (``sites.facility_id``),
    what its messages carry (MSH-4 or RXA-11.4)."""

    __tablename__ = "dx_sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    site_row_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id"), unique=True, default=None
    )
    site_id: Mapped[str | None] = mapped_column(String(24), unique=True, default=None)
    registration_key: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[int] = mapped_column(Integer)
    sending_facility_id: Mapped[str | None] = mapped_column(String(24), default=None, index=True)
    main_site_id: Mapped[str | None] = mapped_column(String(24), default=None)
    site_name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(40))
    registration: Mapped[dict[str, Any]] = mapped_column()
    stage: Mapped[str] = mapped_column(String(40), index=True)
    stage_note: Mapped[str | None] = mapped_column(String(2000), default=None)
    registered_by: Mapped[str] = mapped_column(String(254))
    representative_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DxMessageRow(Base):
    """One message a site sent, as CAIR answered it."""

    __tablename__ = "dx_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dx_site_id: Mapped[int] = mapped_column(ForeignKey("dx_sites.id"))
    environment: Mapped[str] = mapped_column(String(12))
    control_id: Mapped[str] = mapped_column(String(50))
    ack_code: Mapped[str] = mapped_column(String(2))
    findings: Mapped[list[dict[str, str]]] = mapped_column()
    test_patient: Mapped[str | None] = mapped_column(String(40), default=None)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_dx_messages_site_at", "dx_site_id", "environment", "id"),
        # A control id is recorded once per site and environment (migration 0010): a message
        # sent again is answered from the first. Messages without one are each recorded.
        Index(
            "ux_dx_messages_control_id",
            "dx_site_id",
            "environment",
            "control_id",
            unique=True,
            sqlite_where=text("control_id <> ''"),
            postgresql_where=text("control_id <> ''"),
        ),
    )
