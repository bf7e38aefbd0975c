"""IZ Portal: data-exchange sites, their messages' outcomes, and per-site credentials

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dx_sites",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=24), nullable=True),
        sa.Column("registration_key", sa.String(length=200), nullable=False),
        sa.Column("role", sa.Integer(), nullable=False),
        sa.Column("sending_facility_id", sa.String(length=24), nullable=True),
        sa.Column("main_site_id", sa.String(length=24), nullable=True),
        sa.Column("site_name", sa.String(length=200), nullable=False),
        sa.Column("county", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("registration", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("stage_note", sa.String(length=2000), nullable=True),
        sa.Column("registered_by", sa.String(length=254), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_dx_sites_organization_id_organizations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dx_sites"),
        sa.UniqueConstraint("registration_key", name="uq_dx_sites_registration_key"),
        sa.UniqueConstraint("site_id", name="uq_dx_sites_site_id"),
    )
    op.create_index("ix_dx_sites_organization_id", "dx_sites", ["organization_id"])
    op.create_index("ix_dx_sites_sending_facility_id", "dx_sites", ["sending_facility_id"])
    op.create_index("ix_dx_sites_stage", "dx_sites", ["stage"])
    op.create_table(
        "dx_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dx_site_id", sa.Integer(), nullable=False),
        sa.Column("environment", sa.String(length=12), nullable=False),
        sa.Column("control_id", sa.String(length=50), nullable=False),
        sa.Column("ack_code", sa.String(length=2), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("test_patient", sa.String(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dx_site_id"], ["dx_sites.id"], name="fk_dx_messages_dx_site_id_dx_sites"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dx_messages"),
    )
    op.create_index("ix_dx_messages_site_at", "dx_messages", ["dx_site_id", "environment", "id"])
    with op.batch_alter_table("credentials") as batch_op:
        batch_op.add_column(sa.Column("dx_site_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("environment", sa.String(length=12), nullable=True))
        batch_op.create_index("ix_credentials_dx_site_id", ["dx_site_id"])
        batch_op.create_foreign_key(
            "fk_credentials_dx_site_id_dx_sites", "dx_sites", ["dx_site_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch_op:
        batch_op.drop_constraint("fk_credentials_dx_site_id_dx_sites", type_="foreignkey")
        batch_op.drop_index("ix_credentials_dx_site_id")
        batch_op.drop_column("environment")
        batch_op.drop_column("dx_site_id")
    op.drop_index("ix_dx_messages_site_at", table_name="dx_messages")
    op.drop_table("dx_messages")
    op.drop_index("ix_dx_sites_stage", table_name="dx_sites")
    op.drop_index("ix_dx_sites_sending_facility_id", table_name="dx_sites")
    op.drop_index("ix_dx_sites_organization_id", table_name="dx_sites")
    op.drop_table("dx_sites")
