"""Tables of the registry database, in two modules — the registry's own rows and the rows of
access — gathered here for the query modules and Alembic.

Rows are keyed so that every activity can be retried: a natural or idempotency key is unique, and
writers look it up before inserting.
"""

from cair.store.access_rows import (
    AttemptRow,
    IdempotencyRow,
    LinkTokenRow,
    SessionRow,
    StaffAccountRow,
)
from cair.store.dx_rows import DxMessageRow, DxSiteRow
from cair.store.model_base import NAMING, Base, as_utc, utcnow
from cair.store.registry_rows import (
    AccountChangeRow,
    AuditRow,
    CredentialRow,
    EmailRow,
    EnrollmentKeyRow,
    EnrollmentRequestRow,
    IncidentRow,
    OrganizationRow,
    RepresentativeRow,
    SiteRow,
    UserRow,
)

__all__ = [
    "AccountChangeRow",
    "AttemptRow",
    "AuditRow",
    "Base",
    "CredentialRow",
    "DxMessageRow",
    "DxSiteRow",
    "EmailRow",
    "EnrollmentKeyRow",
    "EnrollmentRequestRow",
    "IdempotencyRow",
    "IncidentRow",
    "LinkTokenRow",
    "NAMING",
    "OrganizationRow",
    "RepresentativeRow",
    "SessionRow",
    "SiteRow",
    "StaffAccountRow",
    "UserRow",
    "as_utc",
    "utcnow",
]
