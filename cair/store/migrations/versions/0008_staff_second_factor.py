"""Staff second factor: an authenticator's secret (sealed) per staff member, their single-use
recovery codes (hashed), and the half-signed-in state of a staff session whose code is due

Staff members who signed in before this release enrol at their next sign-in; their sessions
open before it stay open (they were opened by an e-mailed link, as before).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch_op:
        batch_op.add_column(sa.Column("totp_sealed", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("second_factor", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("pending_totp_sealed", sa.Text(), nullable=True))
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_recovery_codes"),
    )
    op.create_index(
        "ix_staff_recovery_codes_staff_id", "staff_recovery_codes", ["staff_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_staff_recovery_codes_staff_id", table_name="staff_recovery_codes")
    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("pending_totp_sealed")
        batch_op.drop_column("second_factor")
    with op.batch_alter_table("staff_accounts") as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_sealed")
