"""hardening: representative sources, wider actor columns, region map version, amended
contacts, one sessions table (idle time, sign-out), attempts counted for rate limits

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Columns that hold an actor: a signed-in identity is an e-mail address, up to 254 characters.
_ACTORS = (
    ("audit_log", "actor", False),
    ("enrollment_requests", "decided_by", True),
    ("account_changes", "decided_by", True),
    ("users", "trained_by", True),
    ("credentials", "issued_by", False),
)


def upgrade() -> None:
    with op.batch_alter_table("representatives") as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=20), nullable=False, server_default="named")
        )
    op.execute(
        "UPDATE representatives SET source = 'primary_contact' "
        "WHERE named_by = 'enrollment (primary contact)'"
    )
    for table, column, nullable in _ACTORS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=120),
                type_=sa.String(length=254),
                existing_nullable=nullable,
            )
    with op.batch_alter_table("enrollment_requests") as batch_op:
        batch_op.add_column(sa.Column("region_map_version", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("previous_contacts", sa.JSON(), nullable=True))
    # Representatives' sessions move to one table with staff's; open ones end (sign in again).
    op.drop_table("rep_sessions")
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_sessions_token_hash"),
    )
    op.create_index("ix_sessions_subject_id", "sessions", ["subject_id"])
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attempts"),
    )
    op.create_index("ix_attempts_at", "attempts", ["at"])
    op.create_index("ix_attempts_kind_subject", "attempts", ["kind", "subject_digest", "at"])


def downgrade() -> None:
    op.drop_table("attempts")
    op.drop_table("sessions")
    op.create_table(
        "rep_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["representative_id"], ["representatives.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("enrollment_requests") as batch_op:
        batch_op.drop_column("previous_contacts")
        batch_op.drop_column("region_map_version")
    for table, column, nullable in _ACTORS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=254),
                type_=sa.String(length=120),
                existing_nullable=nullable,
            )
    with op.batch_alter_table("representatives") as batch_op:
        batch_op.drop_column("source")
