"""The single-use link an e-mail carries: which kind, for what subject, for how long. The
sending step issues it explicitly, before the message is built, and commits it before sending."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cair.activities.failures import MissingRecord
from cair.activities.mail.sources import IssuedLink, Sources, enrollment_of, organization_of
from cair.domain.access import AccessLevel
from cair.domain.contracts.mail import MailOrder
from cair.store import (
    changes,
    credentials,
    dx_sites,
    enrollments,
    links,
    organizations,
    representatives,
    staff,
)
from cair.store.links import LinkPurpose

LINK_TTL = timedelta(days=7)


@dataclass(frozen=True)
class LinkKind:
    purpose: LinkPurpose
    path: str  # under the public base URL; the token follows
    subject: Callable[[Sources, MailOrder], Awaitable[str | None]]  # None: no link this time
    until_deadline: bool = False  # lives as long as what it is for (an open review)
    lifetime: timedelta = LINK_TTL

    def ttl(self, order: MailOrder) -> timedelta:
        if order.ttl_minutes:
            return timedelta(minutes=order.ttl_minutes)
        if self.until_deadline and order.deadline:
            return max(order.deadline - datetime.now(UTC), timedelta(hours=1))
        return self.lifetime

    async def issue(self, src: Sources, order: MailOrder) -> IssuedLink | None:
        subject = await self.subject(src, order)
        if subject is None:
            return None
        ttl = self.ttl(order)
        token = await links.issue(
            src.session, purpose=self.purpose, subject=subject, issue_key=order.key, ttl=ttl
        )
        return IssuedLink(
            url=f"{src.settings.public_base_url}{self.path}{token}",
            token=token,
            expires_at=datetime.now(UTC) + ttl,
        )


async def _user(_src: Sources, order: MailOrder) -> str | None:
    return order.user_id


async def _representative(_src: Sources, order: MailOrder) -> str | None:
    if order.representative_id is None:
        raise MissingRecord("a sign-in e-mail without a representative")
    return representatives.link_subject(order.representative_id)


async def _staff(_src: Sources, order: MailOrder) -> str | None:
    if order.staff_id is None:
        raise MissingRecord("a staff sign-in e-mail without a staff member")
    return staff.link_subject(order.staff_id)


async def _new_credentials(src: Sources, order: MailOrder) -> str | None:
    """Welcome: a Data Exchange organization's first site's staging credentials."""
    if order.provider_id:
        org = await organization_of(src, order)
        enrollment_id = org.enrollment_id
    else:
        row, _ = await enrollment_of(src, order)
        found = await organizations.by_enrollment(src.session, row.id)
        if found is None:
            raise MissingRecord(f"enrollment {row.id} has no organization")
        org, enrollment_id = found, row.id
    if org.access_level != AccessLevel.DATA_EXCHANGE:
        return None
    credential = await credentials.first_site_staging(src.session, org.id, enrollment_id)
    if credential is None:
        raise MissingRecord(f"no staging credentials for the first site of {org.provider_id}")
    return credentials.link_subject(credential.id)


async def _site_credentials(src: Sources, order: MailOrder) -> str | None:
    """A data-exchange site's working credentials in the order's environment."""
    site = await dx_sites.by_site_id(src.session, order.site_id or "")
    if site is None:
        raise MissingRecord(f"no data-exchange site {order.site_id}")
    credential = await credentials.active_for(
        src.session, site.organization_id, dx_site_id=site.id, environment=order.environment
    )
    if credential is None:
        raise MissingRecord(f"no {order.environment} credentials for site {order.site_id}")
    return credentials.link_subject(credential.id)


async def _change(_src: Sources, order: MailOrder) -> str | None:
    if not (order.provider_id and order.change_id):
        raise MissingRecord("a change's e-mail without its organization and change")
    return changes.link_subject(order.provider_id, order.change_id)


async def _enrollment(_src: Sources, order: MailOrder) -> str | None:
    if order.enrollment_id is None:
        raise MissingRecord("an applicant's e-mail without an enrollment")
    return enrollments.link_subject(order.enrollment_id)


# The applicant's status page: read many times, for as long as an enrollment may take.
STATUS = LinkKind(LinkPurpose.STATUS, "/status/", _enrollment, lifetime=timedelta(days=180))
AMEND = LinkKind(LinkPurpose.AMEND, "/enroll/amend/", _enrollment, until_deadline=True)
CONFIRM_ENROLLMENT = LinkKind(
    LinkPurpose.CONFIRM_ENROLLMENT, "/enroll/confirm/", _enrollment, until_deadline=True
)
PASSWORD_SETUP = LinkKind(LinkPurpose.PASSWORD_SETUP, "/password-setup/", _user)
CREDENTIAL_REVEAL = LinkKind(
    LinkPurpose.CREDENTIAL_REVEAL, "/credentials/reveal/", _new_credentials
)
SITE_CREDENTIAL_REVEAL = LinkKind(
    LinkPurpose.CREDENTIAL_REVEAL, "/credentials/reveal/", _site_credentials
)
SIGN_IN = LinkKind(LinkPurpose.SIGN_IN, "/account/sign-in/", _representative)
CONFIRM_CONTACT = LinkKind(LinkPurpose.CONFIRM_CONTACT, "/account/confirm-contact/", _change)
STAFF_SIGN_IN = LinkKind(LinkPurpose.SIGN_IN, "/staff/sign-in/", _staff)
