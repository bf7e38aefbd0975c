"""The registry database: SQLAlchemy 2 models, engine/session and Alembic migrations. It is the
source of truth for listings and the audit trail (Temporal visibility is only for ops)."""
