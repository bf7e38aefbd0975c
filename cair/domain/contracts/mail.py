"""Contracts of the ``send_mail`` activity: which e-mail, about whom, and the few facts only the
workflow knows (its clock, staff's words). Names and addresses are read from the store by id, so
workflow history carries identifiers only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Mail(StrEnum):
    """Every e-mail the service sends; each has a text + HTML template pair of that name."""

    # to the applicant
    CONFIRM_ADDRESS = "confirm_address"  # before the request reaches staff
    ACKNOWLEDGEMENT = "acknowledgement"
    LOCAL_REP_APPLICANT = "local_rep_applicant"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"
    AMENDMENT_RECEIVED = "amendment_received"
    EXPIRED = "expired"
    WELCOME = "welcome"
    CREDENTIALS_REISSUED = "credentials_reissued"
    # to a user
    ACCESS_READY = "access_ready"
    TRAINING_INSTRUCTIONS = "training_instructions"
    TRAINING_REMINDER = "training_reminder"
    TRAINING_EXPIRED = "training_expired"
    PASSWORD_SETUP = "password_setup"
    # to a representative
    SIGN_IN_LINK = "sign_in_link"
    ACCOUNT_CHANGE = "account_change"
    CONFIRM_CONTACT = "confirm_contact"  # to a new primary contact's address
    # to registry staff or the Local CAIR Representative
    STAFF_SIGN_IN_LINK = "staff_sign_in_link"
    LOCAL_REP_NOTICE = "local_rep_notice"
    STAFF_REMINDER = "staff_reminder"
    STAFF_CHANGE_APPROVAL = "staff_change_approval"
    STAFF_INCIDENT = "staff_incident"
    # data-exchange onboarding of a site (the staff review goes to the staff queue)
    DX_CREDENTIALS = "dx_credentials"
    DX_REMINDER = "dx_reminder"
    DX_READY_FOR_REVIEW = "dx_ready_for_review"
    DX_SENT_BACK = "dx_sent_back"
    DX_LIVE = "dx_live"


@dataclass(frozen=True)
class MailOrder:
    """Send one e-mail once per ``key``. The subject ids say whom it is about; the rest are
    facts of the workflow that the store does not hold."""

    key: str
    mail: Mail
    enrollment_id: str | None = None
    user_id: str | None = None
    provider_id: str | None = None
    change_id: str | None = None
    representative_id: int | None = None
    staff_id: int | None = None
    note: str | None = None  # staff's words: a rejection reason, the changes asked for
    since: datetime | None = None  # when a review began waiting
    deadline: datetime | None = None  # when a review expires or a training deadline passes
    reminder: int | None = None  # which reminder this is
    business_days: int | None = None  # how long staff have let a review wait
    ttl_minutes: int | None = None  # how long a sign-in link works
    incident_key: str | None = None  # the incident staff are told of
    site_id: str | None = None  # a data-exchange site
    environment: str | None = None  # staging or production
