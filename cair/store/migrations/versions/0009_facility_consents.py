"""Sending Facility consent: the decisions of a facility's organization on the role 2 sites of
other organizations that name it (no row: the request waits)

Links that registry staff already approved for production (the client site's production
credentials issued, or live) are recorded as accepted, so a site live with its EHR does not
start being refused on the day this release arrives; every other site of another organization
waits for the facility's representatives.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPROVED_LINKS = sa.text(
    "SELECT c.id, c.sending_facility_id FROM dx_sites c "
    "JOIN dx_sites f ON f.site_id = c.sending_facility_id AND f.role = 3 "
    "WHERE c.role = 2 AND c.organization_id <> f.organization_id "
    "AND c.stage IN ('production_credentials_issued', 'live') ORDER BY c.id"
)


def upgrade() -> None:
    consents = op.create_table(
        "dx_facility_consents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_dx_site_id", sa.Integer(), nullable=False),
        sa.Column("facility_site_id", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=254), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_dx_site_id"],
            ["dx_sites.id"],
            name="fk_dx_facility_consents_client_dx_site_id_dx_sites",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dx_facility_consents"),
        sa.UniqueConstraint(
            "client_dx_site_id",
            "facility_site_id",
            name="uq_dx_facility_consents_client_dx_site_id_facility_site_id",
        ),
    )
    op.create_index(
        "ix_dx_facility_consents_facility_site_id", "dx_facility_consents", ["facility_site_id"]
    )
    assert consents is not None
    now = datetime.now(UTC)
    approved = op.get_bind().execute(APPROVED_LINKS).all()
    if approved:
        op.bulk_insert(
            consents,
            [
                {
                    "client_dx_site_id": client,
                    "facility_site_id": facility,
                    "state": "accepted",
                    "decided_by": "migration 0009 (approved for production before consent)",
                    "decided_at": now,
                }
                for client, facility in approved
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_dx_facility_consents_facility_site_id", table_name="dx_facility_consents")
    op.drop_table("dx_facility_consents")
