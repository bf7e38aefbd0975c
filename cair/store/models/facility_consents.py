"""A Sending Facility's consent to a client site of another organization: the facility's
organization decides, one decision per client site and facility it named. No row means the
request waits (pending); a site of the facility's own organization needs none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cair.store.models.base import Base, utcnow


class DxFacilityConsentRow(Base):
    """The facility organization's decision (``accepted`` or ``refused``) on one role 2 site
    that named ``facility_site_id``; the decision stays with that facility (a site that names
    another one asks again)."""

    __tablename__ = "dx_facility_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_dx_site_id: Mapped[int] = mapped_column(ForeignKey("dx_sites.id"))
    facility_site_id: Mapped[str] = mapped_column(String(24), index=True)
    state: Mapped[str] = mapped_column(String(10))
    decided_by: Mapped[str] = mapped_column(String(254))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("client_dx_site_id", "facility_site_id"),)
