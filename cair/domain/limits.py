"""How long each value may be, and how many of a thing one request may carry. The store's columns
are sized from the same numbers, so a value the models accept always fits the database."""

from __future__ import annotations

PERSON_NAME = 80  # a first or last name; "first last" fits a 200-character column
ORG_NAME = 200
EMAIL = 254  # RFC 5321's limit on a forward path
PHONE = 30
ADDRESS_LINE = 120
CITY = 80
STATE = 20
ZIP = 10
COUNTY = 40
LICENSE_NUMBER = 40
LICENSE_TYPE = 20
NPI = 10
VFC_PIN = 20
SCHOOL_DISTRICT = 200
CHILDCARE_LICENSE = 60
CHOICE = 40  # an enumerated answer (organization type, role)
STAFF_TEXT = 2000  # a rejection reason, the changes staff ask for

# Users one enrollment may request. An organization needing more enrolls with these and adds the
# rest as account changes, or calls the help desk for a bulk load: it keeps a request reviewable
# by a person and the enrollment's workflow history small.
MAX_USERS_PER_REQUEST = 50
# A request file or body larger than this is refused before it is parsed.
MAX_REQUEST_BYTES = 256 * 1024
