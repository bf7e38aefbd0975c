"""Sites first-class, one Site ID, one kind of data-exchange credential

Every site is a ``sites`` row with its Site ID (``facility_id``), name, county and region; a
site's IZ Portal registration (``dx_sites``) points at it. Sites registered at the IZ Portal
before keep the id their EHR was configured with. Enrollment-level credentials, which opened no
endpoint, are revoked, and the organization's first site is registered for data exchange in its
place: ``cair dx start-registered`` then issues that site's staging credentials and e-mails the
representative (docs/deployment.md).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED = "registry migration 0006"

organizations = sa.table(
    "organizations",
    sa.column("id", sa.Integer),
    sa.column("provider_id", sa.String),
    sa.column("enrollment_id", sa.String),
    sa.column("name", sa.String),
    sa.column("county", sa.String),
    sa.column("region", sa.String),
)
sites = sa.table(
    "sites",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("facility_id", sa.String),
    sa.column("physical_address", sa.JSON),
    sa.column("name", sa.String),
    sa.column("county", sa.String),
    sa.column("region", sa.String),
    sa.column("contacts", sa.JSON),
    sa.column("enrollment_id", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
dx_sites = sa.table(
    "dx_sites",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("site_row_id", sa.Integer),
    sa.column("site_id", sa.String),
    sa.column("registration_key", sa.String),
    sa.column("role", sa.Integer),
    sa.column("site_name", sa.String),
    sa.column("county", sa.String),
    sa.column("region", sa.String),
    sa.column("registration", sa.JSON),
    sa.column("stage", sa.String),
    sa.column("registered_by", sa.String),
    sa.column("representative_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("stage_changed_at", sa.DateTime(timezone=True)),
)
credentials = sa.table(
    "credentials",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("dx_site_id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("sealed_secret", sa.Text),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)
representatives = sa.table(
    "representatives",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("source", sa.String),
)
link_tokens = sa.table(
    "link_tokens",
    sa.column("subject", sa.String),
    sa.column("used_at", sa.DateTime(timezone=True)),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)
audit_log = sa.table(
    "audit_log",
    sa.column("idempotency_key", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.String),
    sa.column("provider_id", sa.String),
    sa.column("old_value", sa.JSON),
    sa.column("new_value", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("sites") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("county", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("region", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("contacts", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("enrollment_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_sites_enrollment_id", ["enrollment_id"])
    with op.batch_alter_table("dx_sites") as batch_op:
        batch_op.add_column(sa.Column("site_row_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_dx_sites_site_row_id", ["site_row_id"])
        batch_op.create_foreign_key(
            "fk_dx_sites_site_row_id_sites", "sites", ["site_row_id"], ["id"]
        )
    connection = op.get_bind()
    now = datetime.now(UTC)
    _name_existing_sites(connection)
    _sites_for_registrations(connection, now)
    _retire_enrollment_credentials(connection, now)


def _name_existing_sites(connection: sa.Connection) -> None:
    """An organization's one site so far takes the organization's name, county and region."""
    for org in connection.execute(sa.select(organizations)).mappings():
        connection.execute(
            sites.update()
            .where(sites.c.organization_id == org["id"])
            .values(
                name=org["name"],
                county=org["county"],
                region=org["region"],
                enrollment_id=org["enrollment_id"],
            )
        )


def _sites_for_registrations(connection: sa.Connection, now: datetime) -> None:
    """Each IZ Portal registration becomes a site of its organization, under the id it has."""
    rows = connection.execute(
        sa.select(dx_sites).where(dx_sites.c.site_row_id.is_(None)).order_by(dx_sites.c.id)
    ).mappings()
    for dx in list(rows):
        registration: dict[str, Any] = dx["registration"] or {}
        contacts = {
            key: registration[key]
            for key in ("site_contact", "exchange_contact")
            if registration.get(key)
        }
        connection.execute(
            sites.insert().values(
                organization_id=dx["organization_id"],
                facility_id=dx["site_id"],
                physical_address=registration.get("physical_address") or {},
                name=dx["site_name"],
                county=dx["county"],
                region=dx["region"],
                contacts=contacts or None,
                created_at=dx["created_at"] or now,
            )
        )
        site_row_id = connection.execute(
            sa.select(sites.c.id).where(sites.c.facility_id == dx["site_id"])
        ).scalar_one()
        connection.execute(
            dx_sites.update().where(dx_sites.c.id == dx["id"]).values(site_row_id=site_row_id)
        )


def _retire_enrollment_credentials(connection: sa.Connection, now: datetime) -> None:
    """Enrollment-level credentials opened nothing: revoke them (and their unused links), and
    register the organization's first site for data exchange, to be issued staging ones."""
    holders = connection.execute(
        sa.select(credentials.c.organization_id)
        .where(credentials.c.dx_site_id.is_(None))
        .distinct()
    ).scalars()
    for organization_id in list(holders):
        org = (
            connection.execute(
                sa.select(organizations).where(organizations.c.id == organization_id)
            )
            .mappings()
            .one()
        )
        old = connection.execute(
            sa.select(credentials.c.id, credentials.c.username).where(
                credentials.c.organization_id == organization_id,
                credentials.c.dx_site_id.is_(None),
                credentials.c.active.is_(True),
            )
        ).all()
        connection.execute(
            credentials.update()
            .where(
                credentials.c.organization_id == organization_id,
                credentials.c.dx_site_id.is_(None),
            )
            .values(active=False, sealed_secret=None, revoked_at=now)
        )
        for credential_id, _ in old:
            connection.execute(
                link_tokens.update()
                .where(
                    link_tokens.c.subject == f"credential:{credential_id}",
                    link_tokens.c.used_at.is_(None),
                    link_tokens.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
        site = (
            connection.execute(
                sa.select(sites)
                .where(sites.c.organization_id == organization_id)
                .order_by(sites.c.id)
                .limit(1)
            )
            .mappings()
            .first()
        )
        registered = (
            site is not None
            and connection.execute(
                sa.select(dx_sites.c.id).where(dx_sites.c.site_row_id == site["id"])
            ).first()
        )
        if site is not None and not registered:
            rep = (
                connection.execute(
                    sa.select(representatives)
                    .where(
                        representatives.c.organization_id == organization_id,
                        representatives.c.active.is_(True),
                    )
                    .order_by(
                        (representatives.c.source == "primary_contact").desc(), representatives.c.id
                    )
                    .limit(1)
                )
                .mappings()
                .first()
            )
            connection.execute(
                dx_sites.insert().values(
                    organization_id=organization_id,
                    site_row_id=site["id"],
                    site_id=site["facility_id"],
                    registration_key=f"migrated/{org['provider_id']}",
                    role=1,
                    site_name=site["name"] or org["name"],
                    county=site["county"] or org["county"],
                    region=site["region"] or org["region"],
                    registration={"migrated_from": "enrollment credentials"},
                    stage="registered",
                    registered_by=rep["email"] if rep else MIGRATED,
                    representative_id=rep["id"] if rep else 0,
                    created_at=now,
                    stage_changed_at=now,
                )
            )
        connection.execute(
            audit_log.insert().values(
                idempotency_key=f"migration-0006/{org['provider_id']}",
                at=now,
                actor=MIGRATED,
                action="credentials.migrated",
                subject_type="organization",
                subject_id=org["provider_id"] or str(organization_id),
                provider_id=org["provider_id"],
                old_value={"usernames": [username for _, username in old]},
                new_value={"site_id": site["facility_id"] if site is not None else None},
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("dx_sites") as batch_op:
        batch_op.drop_constraint("fk_dx_sites_site_row_id_sites", type_="foreignkey")
        batch_op.drop_constraint("uq_dx_sites_site_row_id", type_="unique")
        batch_op.drop_column("site_row_id")
    with op.batch_alter_table("sites") as batch_op:
        batch_op.drop_index("ix_sites_enrollment_id")
        for column in ("closed_at", "created_at", "enrollment_id", "contacts", "region"):
            batch_op.drop_column(column)
        batch_op.drop_column("county")
        batch_op.drop_column("name")
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_column("closed_at")
