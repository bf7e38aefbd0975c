"""A site's control id is recorded once per environment

A message sent again (the same MSH-10, site and environment) is answered with its first ACK and
not counted twice. Two copies arriving at the same instant could both be recorded, since the
look-up and the record were two statements; the index is now unique (messages without a control
id excepted), and the endpoint records first and reads the first answer only when the record is
refused. Later copies recorded before this release are deleted: each repeats its first, which
stays.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_CONTROL_ID = sa.text("control_id <> ''")


def upgrade() -> None:
    op.execute(
        "DELETE FROM dx_messages WHERE control_id <> '' AND id NOT IN ("
        "SELECT MIN(id) FROM dx_messages WHERE control_id <> '' "
        "GROUP BY dx_site_id, environment, control_id)"
    )
    op.drop_index("ix_dx_messages_control_id", table_name="dx_messages")
    op.create_index(
        "ux_dx_messages_control_id",
        "dx_messages",
        ["dx_site_id", "environment", "control_id"],
        unique=True,
        sqlite_where=HAS_CONTROL_ID,
        postgresql_where=HAS_CONTROL_ID,
    )


def downgrade() -> None:
    op.drop_index("ux_dx_messages_control_id", table_name="dx_messages")
    op.create_index(
        "ix_dx_messages_control_id", "dx_messages", ["dx_site_id", "environment", "control_id"]
    )
