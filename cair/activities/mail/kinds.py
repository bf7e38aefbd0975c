"""Every e-mail kind: who builds its message and which link it carries."""

from __future__ import annotations

from dataclasses import dataclass

from cair.activities.mail import (
    about_dx_site,
    links,
    to_applicant,
    to_representative,
    to_staff,
    to_user,
)
from cair.activities.mail.links import LinkKind
from cair.activities.mail.sources import Builder
from cair.domain.contracts.mail import Mail


@dataclass(frozen=True)
class MailKind:
    build: Builder
    link: LinkKind | None = None


MAIL_KINDS: dict[Mail, MailKind] = {
    # to the applicant
    Mail.CONFIRM_ADDRESS: MailKind(to_applicant.confirm_address, links.CONFIRM_ENROLLMENT),
    Mail.ACKNOWLEDGEMENT: MailKind(to_applicant.applicant, links.STATUS),
    Mail.AMENDMENT_RECEIVED: MailKind(to_applicant.applicant, links.STATUS),
    Mail.REJECTED: MailKind(to_applicant.rejected),
    Mail.CHANGES_REQUESTED: MailKind(to_applicant.changes_requested, links.AMEND),
    Mail.EXPIRED: MailKind(to_applicant.expired),
    Mail.LOCAL_REP_APPLICANT: MailKind(to_applicant.local_rep_applicant),
    Mail.WELCOME: MailKind(to_applicant.welcome, links.CREDENTIAL_REVEAL),
    Mail.CREDENTIALS_REISSUED: MailKind(to_applicant.credentials_reissued, links.CREDENTIAL_REVEAL),
    # to a user
    Mail.ACCESS_READY: MailKind(to_user.access_ready, links.PASSWORD_SETUP),
    Mail.PASSWORD_SETUP: MailKind(to_user.password_setup, links.PASSWORD_SETUP),
    Mail.TRAINING_INSTRUCTIONS: MailKind(to_user.training),
    Mail.TRAINING_REMINDER: MailKind(to_user.training),
    Mail.TRAINING_EXPIRED: MailKind(to_user.training_expired),
    # to a representative
    Mail.SIGN_IN_LINK: MailKind(to_representative.sign_in_link, links.SIGN_IN),
    Mail.ACCOUNT_CHANGE: MailKind(to_representative.account_change),
    Mail.CONFIRM_CONTACT: MailKind(to_representative.confirm_contact, links.CONFIRM_CONTACT),
    # to staff and the Local CAIR Representative
    Mail.LOCAL_REP_NOTICE: MailKind(to_staff.local_rep_notice),
    Mail.STAFF_REMINDER: MailKind(to_staff.staff_reminder),
    Mail.STAFF_CHANGE_APPROVAL: MailKind(to_staff.staff_change_approval),
    Mail.STAFF_INCIDENT: MailKind(to_staff.staff_incident),
    Mail.STAFF_SIGN_IN_LINK: MailKind(to_staff.staff_sign_in_link, links.STAFF_SIGN_IN),
    # a data-exchange site's onboarding
    Mail.DX_CREDENTIALS: MailKind(about_dx_site.dx_site_mail, links.SITE_CREDENTIAL_REVEAL),
    Mail.DX_REMINDER: MailKind(about_dx_site.dx_site_mail),
    Mail.DX_READY_FOR_REVIEW: MailKind(about_dx_site.dx_site_mail),
    Mail.DX_SENT_BACK: MailKind(about_dx_site.dx_site_mail),
    Mail.DX_LIVE: MailKind(about_dx_site.dx_site_mail),
}
