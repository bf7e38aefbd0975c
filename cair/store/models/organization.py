"""Rows of an enrolled organization: the organization, its sites, users, representatives,
data-exchange credentials and the account changes asked of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cair.store.models.base import Base, utcnow


class OrganizationRow(Base):
    """An enrolled organization; its CAIR Provider ID is derived from the row number."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[str | None] = mapped_column(String(20), unique=True, default=None)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollment_requests.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(40))
    county: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(40))
    access_level: Mapped[str] = mapped_column(String(40))
    contacts: Mapped[dict[str, Any]] = mapped_column(JSON)
    info: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Closed: its users inactivated, its credentials revoked, its rows and history kept.
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class SiteRow(Base):
    """A vaccination site of an organization. ``facility_id`` is its **Site ID**, the one id a
    site has everywhere: on the account, in data exchange (MSH-4, RXA-11.4) and in its
    credentials. New sites are ``CA100001-01``, ``-02``…; sites first registered at the IZ
    Portal before the two schemes became one keep the id their EHR was configured with."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    facility_id: Mapped[str] = mapped_column(String(24), unique=True)
    physical_address: Mapped[dict[str, Any]] = mapped_column(JSON)
    mailing_address: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    vaccine_delivery_address: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    vfc_pin: Mapped[str | None] = mapped_column(String(20), default=None)
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    county: Mapped[str | None] = mapped_column(String(40), default=None)
    region: Mapped[str | None] = mapped_column(String(40), default=None)
    # The site's own contacts (site contact, data-exchange contact); the organization's apply
    # where a site has none.
    contacts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The request that enrolled this site (the organization's own, or a later new-site one).
    enrollment_id: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class UserRow(Base):
    """A CAIR user account. Never deleted: inactivated."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str | None] = mapped_column(String(20), unique=True, default=None)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    creation_key: Mapped[str] = mapped_column(String(200), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    is_representative: Mapped[bool] = mapped_column(default=False)
    training_kind: Mapped[str | None] = mapped_column(String(20), default=None)
    training_date: Mapped[str | None] = mapped_column(String(10), default=None)
    trained_by: Mapped[str | None] = mapped_column(String(254), default=None)
    training_deadline: Mapped[datetime | None] = mapped_column(default=None)
    activation_workflow_id: Mapped[str | None] = mapped_column(String(80), default=None)
    activated_at: Mapped[datetime | None] = mapped_column(default=None)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)  # Argon2id
    password_set_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_users_org_email", "organization_id", "email"),)


class RepresentativeRow(Base):
    """An authorized representative of an organization: may sign in and change its account.
    The primary contact is the first; never fewer than one active."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(String(20), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    named_by: Mapped[str] = mapped_column(String(254))
    # "primary_contact": made from the primary contact, and replaced with it; "named": by a change
    source: Mapped[str] = mapped_column(String(20), default="named")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (UniqueConstraint("organization_id", "email"),)


class CredentialRow(Base):
    """Data-exchange credentials. The secret is stored only as an Argon2id hash, plus a sealed
    copy (encrypted with the server key) that the single-use reveal link opens once and wipes."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    issue_key: Mapped[str] = mapped_column(String(200), unique=True)
    username: Mapped[str] = mapped_column(String(40))
    facility_id: Mapped[str] = mapped_column(String(24))
    secret_hash: Mapped[str] = mapped_column(String(200))
    sealed_secret: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(default=True)
    issued_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # A data-exchange site's own credentials, one set per environment; None: the organization's.
    dx_site_id: Mapped[int | None] = mapped_column(
        ForeignKey("dx_sites.id"), default=None, index=True
    )
    environment: Mapped[str | None] = mapped_column(String(12), default=None)


class AccountChangeRow(Base):
    """One requested account change, its place in the queue and its outcome."""

    __tablename__ = "account_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    target_user_id: Mapped[str | None] = mapped_column(String(20), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(Text, default=None)
    requested_by: Mapped[str] = mapped_column(String(254))
    decided_by: Mapped[str | None] = mapped_column(String(254), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # A change id is the representative's retry key within one organization, never across.
    __table_args__ = (UniqueConstraint("provider_id", "change_id"),)
