"""Find a site's message by its control id

A message sent again (the same MSH-10, from the same site, to the same environment) is answered
with its first ACK and not counted twice: the endpoint looks the control id up on every message,
so it gets an index. Not unique: rows recorded before this release may repeat a control id.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_dx_messages_control_id",
        "dx_messages",
        ["dx_site_id", "environment", "control_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_dx_messages_control_id", table_name="dx_messages")
