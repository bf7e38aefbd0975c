"""change ids are unique per organization; incidents table

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Databases made before constraints were named hold the change id's unique constraint unnamed
# (PostgreSQL called it account_changes_change_id_key); SQLite's batch mode names it this way.
_UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_change_id_constraint() -> str:
    for constraint in sa.inspect(op.get_bind()).get_unique_constraints("account_changes"):
        if constraint["column_names"] == ["change_id"] and constraint["name"]:
            return str(constraint["name"])
    return "uq_account_changes_change_id"


def upgrade() -> None:
    with op.batch_alter_table("account_changes", naming_convention=_UNNAMED) as batch_op:
        batch_op.drop_constraint(_old_change_id_constraint(), type_="unique")
        batch_op.create_unique_constraint(
            "uq_account_changes_provider_id_change_id", ["provider_id", "change_id"]
        )

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("workflow_id", sa.String(length=120), nullable=False),
        sa.Column("step", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("enrollment_id", sa.String(length=32), nullable=True),
        sa.Column("provider_id", sa.String(length=20), nullable=True),
        sa.Column("user_id", sa.String(length=20), nullable=True),
        sa.Column("change_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
        sa.UniqueConstraint("key", name="uq_incidents_key"),
    )
    op.create_index("ix_incidents_workflow_id", "incidents", ["workflow_id"])
    op.create_index("ix_incidents_enrollment_id", "incidents", ["enrollment_id"])
    op.create_index("ix_incidents_provider_id", "incidents", ["provider_id"])


def downgrade() -> None:
    op.drop_table("incidents")
    with op.batch_alter_table("account_changes", naming_convention=_UNNAMED) as batch_op:
        batch_op.drop_constraint("uq_account_changes_provider_id_change_id", type_="unique")
        batch_op.create_unique_constraint("uq_account_changes_change_id", ["change_id"])
