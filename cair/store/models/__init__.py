"""Tables of the registry database, one module per aggregate, gathered here for the query
modules and Alembic: ``enrollment`` (requests), ``organization`` (organizations, sites, users,
representatives, credentials, account changes), ``data_exchange`` (IZ Portal sites and their
messages), ``records`` (e-mails, audit, incidents) and ``access`` (links, sessions, staff,
rate-limit attempts, idempotency keys).

Rows are keyed so that every activity can be retried: a natural or idempotency key is unique, and
writers look it up before inserting.
"""

from cair.store.models.access import (
    AttemptRow,
    IdempotencyRow,
    LinkTokenRow,
    SessionRow,
    StaffAccountRow,
    StaffRecoveryCodeRow,
)
from cair.store.models.base import NAMING, Base, as_utc, utcnow
from cair.store.models.data_exchange import DxMessageRow, DxSiteRow
from cair.store.models.enrollment import EnrollmentKeyRow, EnrollmentRequestRow
from cair.store.models.facility_consents import DxFacilityConsentRow
from cair.store.models.organization import (
    AccountChangeRow,
    CredentialRow,
    OrganizationRow,
    RepresentativeRow,
    SiteRow,
    UserRow,
)
from cair.store.models.records import AuditRow, EmailRow, IncidentRow

__all__ = [
    "AccountChangeRow",
    "AttemptRow",
    "AuditRow",
    "Base",
    "CredentialRow",
    "DxFacilityConsentRow",
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
    "StaffRecoveryCodeRow",
    "UserRow",
    "as_utc",
    "utcnow",
]
