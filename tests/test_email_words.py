"""Every e-mail, rendered from contexts like its builder's (codes where the builder passes codes),
reads in plain words: no raw code, times in Pacific time, and the sentences an office manager
needs (a raised role is not a new account; the welcome names the authorized representative and
where to sign in; staff get the console beside the commands)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import pytest

from cair.activities.mail.mailer import Mailer, RenderedMail
from cair.activities.mail.sources import base_context
from cair.activities.mail.to_representative import plain_outcome
from cair.activities.mail.to_user import CREATED, REACTIVATED, ROLE_CHANGED
from cair.domain.contracts.mail import Mail
from cair.settings import Settings
from tests.helpers.raw_codes import html_text, mail_text, raw_codes_in

BASE = "https://cair.example"
AT = datetime(2026, 12, 2, 6, 5, tzinfo=UTC)  # 1 Dec 2026, 10:05 PM PST
PACIFIC = "1 Dec 2026, 10:05 PM PST"

_ENROLLMENT = {
    "contact_name": "Sam Okafor",
    "org_name": "Lakeshore Family Medicine",
    "enrollment_id": "EN7K3M9QX2",
    "region_name": "Central Valley",
    "county": "Fresno",
    "status_url": f"{BASE}/status/TOKEN",
}
_USER = {
    "user_name": "Lee Tran",
    "user_id": "U1000002",
    "role": "read_only",
    "org_name": "Lakeshore Family Medicine",
    "provider_id": "CA100001",
    "because": CREATED,
}
_CHANGE = {
    "org_name": "Lakeshore Family Medicine",
    "provider_id": "CA100001",
    "change_id": "CH0123456789",
    "kind": "add_user",
    "status": "applied",
    "outcome": plain_outcome("added user U1000003 (read_only); access at once"),
    "decided_by": None,
    "requested_by": "sam.okafor@lakeshore-fm.example",
    "user_id": "U1000003",
    "user_name": "Ray Vu",
    "current_role": "read_only",
    "new_role": "read_only",
}
_SITE = {
    "org_name": "Valley Community Health",
    "provider_id": "CA100002",
    "site_id": "S100001",
    "site_name": "Valley CHC Main",
    "role": 2,
    "role_words": "sends through a Sending Facility",
    "environment": "staging",
    "endpoint": f"{BASE}/iis/staging",
    "wsdl_url": f"{BASE}/iis/staging?wsdl",
    "stage_words": "testing on staging",
    "plan": {
        "accepted_messages": 10,
        "test_patients": ["CAIRTEST001", "CAIRTEST002"],
        "no_rejection_in_last": 5,
    },
    "note": "",
    "reminder_number": 1,
    "sites_url": f"{BASE}/account/CA100002/dx-sites",
    "staff_url": f"{BASE}/staff/dx-sites",
    "reveal_url": f"{BASE}/credentials/reveal/TOKEN",
    "token": "TOKEN",
    "expires_at": AT,
    "username": "ca100002-02-staging",
}
_CREDENTIALS = {
    "username": "ca100002-01-staging",
    "facility_id": "CA100002-01",
    "reveal_url": f"{BASE}/credentials/reveal/TOKEN",
    "token": "TOKEN",
    "expires_at": AT,
    "endpoint": f"{BASE}/iis/staging",
    "wsdl_url": f"{BASE}/iis/staging?wsdl",
    "plan": {
        "accepted_messages": 10,
        "test_patients": ["CAIRTEST001", "CAIRTEST002", "CAIRTEST003"],
        "no_rejection_in_last": 5,
    },
    "site_url": f"{BASE}/account/CA100002/dx-sites/CA100002-01",
    "register_url": f"{BASE}/account/CA100002/dx-sites/new",
}

SAMPLES: dict[Mail, list[dict[str, Any]]] = {
    Mail.CONFIRM_ADDRESS: [
        {
            **_ENROLLMENT,
            "confirm_url": f"{BASE}/enroll/confirm/TOKEN",
            "token": "TOKEN",
            "expires_at": AT,
        }
    ],
    Mail.ACKNOWLEDGEMENT: [_ENROLLMENT],
    Mail.AMENDMENT_RECEIVED: [_ENROLLMENT],
    Mail.REJECTED: [{**_ENROLLMENT, "reason": "The NPI could not be verified."}],
    Mail.CHANGES_REQUESTED: [
        {
            **_ENROLLMENT,
            "message": "Add the VFC PIN.",
            "expires_at": AT,
            "amend_url": f"{BASE}/enroll/amend/TOKEN",
            "amend_token": "TOKEN",
        }
    ],
    Mail.EXPIRED: [{**_ENROLLMENT, "days": 30}],
    Mail.LOCAL_REP_APPLICANT: [
        {
            **_ENROLLMENT,
            "county": "San Diego",
            "rep_name": "Pat Rep",
            "rep_organization": "San Diego County Immunization Program",
            "rep_email": "rep@sd.example",
            "rep_phone": "619-555-0100",
        }
    ],
    Mail.WELCOME: [
        {
            "contact_name": "Priya Nair",
            "org_name": "Valley Community Health",
            "provider_id": "CA100002",
            "access_level": "data_exchange",
            "data_exchange": True,
            "rep_email": "pnair@valleychc.example",
            "sign_in_url": f"{BASE}/account/sign-in",
            "users": [
                {
                    "user_id": "U1000004",
                    "name": "Jo Kim",
                    "role": "read_only",
                    "needs_training": False,
                },
                {"user_id": "U1000005", "name": "Al Ng", "role": "dx_qa", "needs_training": False},
                {
                    "user_id": "U1000006",
                    "name": "Lee Tran",
                    "role": "power",
                    "needs_training": True,
                },
            ],
            "any_training": True,
            "any_read_only": True,
            "any_dx_qa": True,
            "credentials": _CREDENTIALS,
            "new_site": None,
        },
        {
            "contact_name": "Sam Okafor",
            "org_name": "Lakeshore Family Medicine",
            "provider_id": "CA100001",
            "access_level": "limited_clinical",
            "data_exchange": False,
            "rep_email": "sam.okafor@lakeshore-fm.example",
            "sign_in_url": f"{BASE}/account/sign-in",
            "users": [
                {
                    "user_id": "U1000001",
                    "name": "Jo Kim",
                    "role": "read_only",
                    "needs_training": False,
                }
            ],
            "any_training": False,
            "any_read_only": True,
            "any_dx_qa": False,
            "credentials": None,
            "new_site": None,
        },
        {
            "contact_name": "Sam Okafor",
            "org_name": "Lakeshore Family Medicine",
            "provider_id": "CA100001",
            "access_level": "clinical",
            "data_exchange": False,
            "rep_email": "sam.okafor@lakeshore-fm.example",
            "sign_in_url": f"{BASE}/account/sign-in",
            "users": [],
            "any_training": False,
            "any_read_only": False,
            "any_dx_qa": False,
            "credentials": None,
            "new_site": {"site_id": "CA100001-02", "name": "Lakeshore Fresno", "county": "Fresno"},
        },
    ],
    Mail.CREDENTIALS_REISSUED: [
        {
            "contact_name": "Priya Nair",
            "org_name": "Valley Community Health",
            "provider_id": "CA100002",
            "credentials": _CREDENTIALS,
        }
    ],
    Mail.CONFIRM_CONTACT: [
        {
            "contact_name": "Ana Diaz",
            "org_name": "Lakeshore Family Medicine",
            "provider_id": "CA100001",
            "requested_by": "sam.okafor@lakeshore-fm.example",
            "confirm_url": f"{BASE}/account/confirm-contact/TOKEN",
            "token": "TOKEN",
            "expires_at": AT,
        }
    ],
    Mail.ACCESS_READY: [
        {**_USER, "setup_url": f"{BASE}/password-setup/TOKEN", "link_expires_at": AT},
        {
            **_USER,
            "role": "dx_qa",
            "because": ROLE_CHANGED,
            "setup_url": f"{BASE}/password-setup/TOKEN",
            "link_expires_at": AT,
        },
        {
            **_USER,
            "because": REACTIVATED,
            "setup_url": f"{BASE}/password-setup/TOKEN",
            "link_expires_at": AT,
        },
    ],
    Mail.PASSWORD_SETUP: [
        {
            **_USER,
            "role": "power",
            "because": because,
            "training_label": "in-person",
            "setup_url": f"{BASE}/password-setup/TOKEN",
            "link_expires_at": AT,
        }
        for because in (CREATED, ROLE_CHANGED)
    ],
    Mail.TRAINING_INSTRUCTIONS: [
        {**_USER, "role": "regular", "because": because, "deadline": AT}
        for because in (CREATED, ROLE_CHANGED, REACTIVATED)
    ],
    Mail.TRAINING_REMINDER: [
        {**_USER, "role": "power", "because": because, "deadline": AT}
        for because in (CREATED, ROLE_CHANGED)
    ],
    Mail.TRAINING_EXPIRED: [
        {**_USER, "role": "power", "because": because} for because in (CREATED, ROLE_CHANGED)
    ],
    Mail.SIGN_IN_LINK: [
        {
            "rep_name": "Sam Okafor",
            "org_name": "Lakeshore Family Medicine",
            "provider_id": "CA100001",
            "sign_in_url": f"{BASE}/account/sign-in/TOKEN",
            "token": "TOKEN",
            "minutes": 15,
        }
    ],
    Mail.ACCOUNT_CHANGE: [
        _CHANGE,
        {
            **_CHANGE,
            "kind": "change_role",
            "status": "awaiting_approval",
            "outcome": plain_outcome(
                "raising user U1000003 from read_only to power waits for registry staff approval"
            ),
            "new_role": "power",
        },
        {
            **_CHANGE,
            "kind": "update_info",
            "status": "applied",
            "outcome": plain_outcome("updated contacts, vfc pin"),
            "user_id": None,
            "user_name": "",
            "current_role": None,
            "new_role": None,
        },
    ],
    Mail.LOCAL_REP_NOTICE: [
        {
            **_ENROLLMENT,
            "rep_name": "Pat Rep",
            "org_type": "foster_care_agency",
            "address": "1 Main St, San Diego, CA 92101",
            "contact_email": "sam@x.example",
            "contact_phone": "619-555-0101",
            "user_count": 2,
        }
    ],
    Mail.STAFF_REMINDER: [
        {
            **_ENROLLMENT,
            "reminder_number": 2,
            "business_days": 4,
            "waiting_since": AT,
            "expires_at": AT,
            "review_url": f"{BASE}/staff/enrollments/EN7K3M9QX2",
        }
    ],
    Mail.STAFF_CHANGE_APPROVAL: [
        {
            **_CHANGE,
            "kind": "change_role",
            "status": "awaiting_approval",
            "outcome": plain_outcome(
                "raising user U1000003 from read_only to dx_qa waits for registry staff approval"
            ),
            "new_role": "dx_qa",
            "new_user": None,
            "changes_url": f"{BASE}/staff/changes",
        },
        {
            **_CHANGE,
            "kind": "add_user",
            "status": "awaiting_approval",
            "outcome": plain_outcome("adding Ray Vu as power waits for registry staff approval"),
            "new_role": None,
            "new_user": {
                "first_name": "Ray",
                "last_name": "Vu",
                "email": "ray.vu@lakeshore-fm.example",
                "role": "power",
            },
            "changes_url": f"{BASE}/staff/changes",
        },
    ],
    Mail.STAFF_INCIDENT: [
        {
            "workflow_id": "enrollment-EN7K3M9QX2",
            "step": "provision_account",
            "reason": "stored data no longer matches its model",
            "enrollment_id": "EN7K3M9QX2",
            "provider_id": None,
            "user_id": None,
            "change_id": None,
            "incidents_url": f"{BASE}/staff/incidents",
        }
    ],
    Mail.STAFF_SIGN_IN_LINK: [
        {
            "staff_name": "Dana Staff",
            "sign_in_url": f"{BASE}/staff/sign-in/TOKEN",
            "token": "TOKEN",
            "minutes": 15,
        }
    ],
    Mail.DX_CREDENTIALS: [
        _SITE,
        {
            **_SITE,
            "environment": "production",
            "note": "reissued",
            "username": "s100001-production",
        },
    ],
    Mail.DX_REMINDER: [_SITE],
    Mail.DX_READY_FOR_REVIEW: [_SITE],
    Mail.DX_SENT_BACK: [{**_SITE, "note": "Send the lot numbers."}],
    Mail.DX_LIVE: [_SITE],
}


def render(mail: Mail, context: dict[str, Any]) -> RenderedMail:
    return Mailer(Settings(_env_file=None)).render(mail.value, {**base_context(), **context})


def read(rendered: RenderedMail) -> str:
    """What the recipient reads of it: subject, text, and the HTML's text."""
    return "\n".join((rendered.subject, rendered.text, html_text(rendered.html)))


def flat(text: str) -> str:
    """Lines wrapped as the template wraps them, read as one."""
    return " ".join(text.split())


def test_every_mail_has_samples() -> None:
    assert set(SAMPLES) == set(Mail)


@pytest.mark.parametrize("mail", list(Mail))
def test_no_e_mail_shows_a_raw_code(mail: Mail) -> None:
    for context in SAMPLES[mail]:
        rendered = render(mail, context)
        assert not raw_codes_in(read(rendered)), (mail, raw_codes_in(read(rendered)))
        assert "UTC" not in read(rendered) and "+00:00" not in read(rendered), mail


def test_times_are_pacific_with_the_zone() -> None:
    for mail in (Mail.CHANGES_REQUESTED, Mail.TRAINING_INSTRUCTIONS, Mail.DX_CREDENTIALS):
        rendered = render(mail, SAMPLES[mail][0])
        assert PACIFIC in rendered.text and PACIFIC in rendered.html, mail


def test_a_raised_role_is_not_a_new_account() -> None:
    created, raised, reactivated = (
        render(Mail.TRAINING_INSTRUCTIONS, c) for c in SAMPLES[Mail.TRAINING_INSTRUCTIONS]
    )
    assert "has been created for you" in created.text
    for rendered in (raised, reactivated):
        assert "created" not in read(rendered)
    assert "approved a new role for you" in flat(raised.text) and "Regular" in raised.text
    assert "your access changes only after a CAIR training" in flat(raised.text)
    assert "new role" in raised.subject and "training needed" in raised.subject
    assert "reactivated" in reactivated.text


def test_the_welcome_names_the_authorized_representative_and_where_to_sign_in() -> None:
    for context in SAMPLES[Mail.WELCOME]:
        if context["new_site"]:
            continue  # a new site of an organization that has its representative already
        rendered = render(Mail.WELCOME, context)
        for part in (rendered.text, html_text(rendered.html)):
            assert "you are now" in part and "authorized representative" in part
            assert f"{BASE}/account/sign-in" in part and context["provider_id"] in part
            assert "add users" in part
    data_exchange, clinic, new_site = (render(Mail.WELCOME, c) for c in SAMPLES[Mail.WELCOME])
    assert "new site CA100001-02" in new_site.subject and "you are now" not in new_site.text
    assert "Access level:      Data Exchange" in data_exchange.text
    assert "register each site" in data_exchange.text and "register each" not in clinic.text
    assert "U1000005  Al Ng (DX QA) - access now" in data_exchange.text


def test_staff_get_the_console_beside_the_commands() -> None:
    approval = render(Mail.STAFF_CHANGE_APPROVAL, SAMPLES[Mail.STAFF_CHANGE_APPROVAL][0])
    for part in (approval.text, approval.html):
        assert f"{BASE}/staff/changes" in part
        assert "cair account approve CH0123456789" in part
    assert "from Read-Only to DX QA" in approval.text
    added = render(Mail.STAFF_CHANGE_APPROVAL, SAMPLES[Mail.STAFF_CHANGE_APPROVAL][1])
    assert "add Ray Vu (ray.vu@lakeshore-fm.example) as a new\nPower user" in added.text
    reminder = render(Mail.STAFF_REMINDER, SAMPLES[Mail.STAFF_REMINDER][0])
    assert f"{BASE}/staff/enrollments/EN7K3M9QX2" in reminder.text
    assert "cair approve EN7K3M9QX2" in reminder.text
    incident = render(Mail.STAFF_INCIDENT, SAMPLES[Mail.STAFF_INCIDENT][0])
    assert f"{BASE}/staff/incidents" in incident.text and "cair retry" in incident.text


def test_a_change_reads_in_words() -> None:
    added = render(Mail.ACCOUNT_CHANGE, SAMPLES[Mail.ACCOUNT_CHANGE][0])
    assert "user added, done" in added.subject
    assert "added user U1000003 (Read-Only); access at once" in flat(added.text)
    assert "Ray Vu" in added.text


@pytest.mark.parametrize(
    ("outcome", "reads"),
    [
        ("added user U1 (read_only); access at once", "added user U1 (Read-Only); access at once"),
        ("added user U1 (regular); access after training", "added user U1 (Regular); access after"),
        ("raising user U1 from read_only to power waits", "from Read-Only to Power waits"),
        ("approved: user U1 becomes power after training", "becomes Power after training"),
        ("approved: user U1 is now dx_qa", "is now DX QA"),
        ("lowered user U1 from power to regular", "from Power to Regular"),
        ("corrected the first name, email of user U1", "first name, e-mail address of user"),
        ("updated contacts, vfc pin; a_b@x.example is now", "VFC PIN; a_b@x.example is now"),
        ("registry staff declined: more power to you", "declined: more power to you"),
    ],
)
def test_outcomes_name_roles_in_words(outcome: str, reads: str) -> None:
    assert reads in plain_outcome(outcome)


def test_the_scan_reads_text_not_links_or_attributes() -> None:
    html = (
        '<p class="tag-pending_training" data-region="central_valley">'
        '<a href="/account?role=dx_qa">Role: read_only</a> enrollment.stage.</p>'
    )
    assert raw_codes_in(html_text(html)) == ["enrollment.stage", "read_only"]
    assert raw_codes_in("Open https://cair.example/staff?stage=awaiting_review today") == []
    assert raw_codes_in("Read-Only, Central Valley, waiting for review") == []
    message = EmailMessage()
    message["Subject"] = "Role: dx_qa"
    message.set_content("Region: los_angeles_orange")
    message.add_alternative('<p title="bay_area">Stage: needs_attention</p>', subtype="html")
    assert raw_codes_in(mail_text(message)) == ["dx_qa", "los_angeles_orange", "needs_attention"]
