"""The account and staff pages' words, without a browser: a refusal of the account workflow split
back into its fields, and audit entries read as "who changed what from what to what"."""

from __future__ import annotations

from typing import Any

from cair.domain.plain_words import AUDIT_ACTIONS
from cair.operations.audit_lines import audit_sentence, change_line
from cair.operations.audit_values import Names, reworded
from cair.store.audit import AuditEntry
from cair.store.changes import ChangeEntry
from cair.web.pages.refusals import field_errors, parse, summary

NAMES = Names(
    users={"U1000003": "Ray Vu", "U1000004": "Jo Kim"},
    organization="Lakeshore Family Medicine",
    regions={"bay_area": "Bay Area"},
)
AT = "2026-11-25T14:05:00+00:00"


def entry(
    action: str,
    subject: str,
    *,
    actor: str = "dana@cair.test",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry(at=AT, actor=actor, action=action, subject=subject, old=old, new=new)


def test_a_refusal_is_split_back_into_its_fields() -> None:
    refusal = (
        "change CH0123456789 refused: user.last_name: required; "
        "user.email: 'ray.vu@; x' is not a valid e-mail address"
    )
    problems = parse(refusal)
    assert [p.path for p in problems] == ["user.last_name", "user.email"]
    assert problems[1].message == "'ray.vu@; x' is not a valid e-mail address"
    errors = field_errors(problems, ("first_name", "last_name", "email"), prefix="user.")
    assert errors == {
        "last_name": "required",
        "email": "'ray.vu@; x' is not a valid e-mail address",
    }


def test_what_names_no_field_is_a_sentence_at_the_top() -> None:
    errors = field_errors(parse("user U1000003 already has the role regular"), ("role",))
    assert errors == {"": "User U1000003 already has the role Regular."}
    named = field_errors(parse("user U1000003 is inactive"), (), names=NAMES)
    assert named == {"": "Ray Vu (U1000003) is inactive."}
    items = summary({"": "General.", "email": "bad"}, {"email": "E-mail address"}, str)
    assert [(i.anchor, i.label) for i in items] == [("", ""), ("email", "E-mail address")]


def test_info_problems_go_to_their_fields_or_sections() -> None:
    fields = ("contacts.primary", "contacts.primary.email", "physical_address.zip")
    refusal = "contacts.primary.email: 'x' is not valid; physical_address.zip: not a ZIP code"
    errors = field_errors(parse(refusal), fields)
    assert set(errors) == {"contacts.primary.email", "physical_address.zip"}
    assert field_errors(parse("contacts.primary.fax: unknown"), fields) == {
        "contacts.primary": "unknown"
    }


def test_audit_entries_read_as_sentences() -> None:
    raised = entry(
        "account.change_role.approved",
        "user U1000003",
        old={"role": "regular", "state": "active"},
        new={"role": "power", "state": "pending_training", "status": "applied"},
    )
    assert audit_sentence(raised, NAMES) == (
        "dana@cair.test approved the raise: the role of Ray Vu (U1000003) changed from Regular "
        "to Power; access waits for training"
    )
    lowered = entry(
        "account.change_role",
        "user U1000003",
        actor="sam@x.example",
        old={"role": "power"},
        new={"role": "read_only", "status": "applied", "change_id": "CH1"},
    )
    assert audit_sentence(lowered, NAMES) == (
        "sam@x.example changed the role of Ray Vu (U1000003) from Power to Read-Only"
    )
    stage = entry(
        "enrollment.stage",
        "enrollment EN1",
        actor="system",
        old={"stage": "provisioning"},
        new={"stage": "awaiting_training", "note": None},
    )
    assert audit_sentence(stage, NAMES) == (
        "CAIR moved the enrollment from Approved to Enrolled — users in training"
    )
    info = entry(
        "account.update_info",
        "organization CA100001",
        actor="sam@x.example",
        old={"contacts": {"primary": {"phone": "510-555-0134", "email": "a@x.example"}}},
        new={"contacts": {"primary": {"phone": "916-555-0199", "email": "a@x.example"}}},
    )
    assert audit_sentence(info, NAMES) == (
        "sam@x.example changed the site information: the primary contact's phone from "
        "510-555-0134 to 916-555-0199"
    )
    trained = entry(
        "user.state",
        "user U1000004",
        old={"state": "pending_training"},
        new={
            "state": "active",
            "training_deadline": "2027-01-02T00:00:00+00:00",
            "training": {"kind": "webinar", "date": "2026-12-01"},
        },
    )
    assert audit_sentence(trained, NAMES) == (
        "dana@cair.test recorded that Jo Kim (U1000004) trained (webinar) on 1 Dec 2026: "
        "access changed from Waiting for training to Active"
    )
    created = entry(
        "organization.created",
        "organization CA100001",
        actor="system",
        new={"access_level": "clinical", "region": "bay_area"},
    )
    assert audit_sentence(created, NAMES) == (
        "CAIR created the account of Lakeshore Family Medicine: Clinical access, Bay Area region"
    )


def test_no_audit_action_reads_as_its_code() -> None:
    for action in AUDIT_ACTIONS:
        text = audit_sentence(entry(action, "user U1000003", new={"stage": "live"}), NAMES)
        assert action not in text and "_" not in text, (action, text)


def test_a_change_that_came_back_says_who_decided() -> None:
    change = ChangeEntry(
        change_id="CH1",
        kind="change_role",
        user_id="U1000004",
        status="rejected",
        outcome="registry staff declined: not needed",
        requested_by="sam@x.example",
        decided_by="dana@cair.test",
        at=AT,
    )
    assert change_line(change, NAMES).text == (
        "sam@x.example asked to change the role of Jo Kim (U1000004). dana@cair.test declined "
        "it: not needed."
    )
    approved = ChangeEntry(
        **{
            **change.__dict__,
            "status": "applied",
            "outcome": "approved: user U1000004 becomes regular after training",
        }
    )
    assert change_line(approved, NAMES).text == (
        "sam@x.example asked to change the role of Jo Kim (U1000004). dana@cair.test approved "
        "it. Approved: Jo Kim (U1000004) becomes Regular after training."
    )
    assert reworded("added user U1000004 (read_only); access at once", NAMES) == (
        "Added Jo Kim (U1000004) as a Read-Only user; access at once"
    )
