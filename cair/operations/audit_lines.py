"""The audit trail and the change history as sentences a person reads: who changed what, from
what to what ("dana@… changed the role of Ray Vu (U1000003) from Regular to Power"). The store
keeps codes and old/new values; the pages show these lines, never the codes or the JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cair.domain.plain_words import words
from cair.operations.audit_values import (
    Line,
    Names,
    changes_between,
    day_words,
    reworded,
    value_words,
)
from cair.store.audit import AuditEntry
from cair.store.changes import ChangeEntry

Values = Mapping[str, Any]
Sentence = Callable[[str, str, Values, Values, Names], str]
ASKED = {
    "update_info": "to update the site information",
    "add_user": "to add {user}",
    "inactivate_user": "to inactivate {user}",
    "reactivate_user": "to reactivate {user}",
    "change_role": "to change the role of {user}",
    "name_representative": "to name {user} an authorized representative",
    "remove_representative": "to remove {user} as an authorized representative",
    "update_user": "to correct the details of {user}",
    "rename_organization": "to rename the organization",
    "change_provider_of_record": "to change the provider of record",
    "close_site": "to close a site",
    "close_organization": "to close the organization",
}


def change_line(entry: ChangeEntry, names: Names) -> Line:
    """A change a representative asked for, and what became of it, in order."""
    asked = ASKED.get(entry.kind, "to make a change").format(user=names.user(entry.user_id))
    outcome = reworded(entry.outcome or "", names).rstrip(".")
    decider = names.actor(entry.decided_by) if entry.decided_by else "registry staff"
    if entry.status == "rejected":
        reason = outcome.partition("declined: ")[2] or outcome
        then = f"{decider} declined it" + (f": {reason}" if reason else "")
    elif entry.status == "applied" and entry.decided_by:
        then = f"{decider} approved it. {outcome}"
    else:
        status = words("change_status", entry.status).capitalize()
        then = f"{status}: {outcome}" if outcome else status
    return Line(entry.at, f"{names.actor(entry.requested_by)} asked {asked}. {then}.")


def audit_line(entry: AuditEntry, names: Names) -> Line:
    return Line(entry.at, audit_sentence(entry, names))


def audit_sentence(entry: AuditEntry, names: Names) -> str:
    """Who did what to whom, from what to what."""
    who = names.actor(entry.actor)
    kind, _, subject_id = entry.subject.partition(" ")
    subject = names.user(subject_id) if kind == "user" else _subject(kind, subject_id, names)
    old, new = entry.old or {}, entry.new or {}
    status = str(new.get("status") or "")
    if status in ("refused", "failed"):
        what = words("audit_action", entry.action).lower()
        return f"{who} asked for a change ({what}, {subject}): {words('change_status', status)}"
    sentence = _SENTENCES.get(entry.action)
    if sentence is not None:
        found = sentence(who, subject, old, new, names)
        if found:
            return found
    return _generic(entry, who, subject, old, new, names)


def _subject(kind: str, subject_id: str, names: Names) -> str:
    if kind == "organization":
        return names.organization or subject_id
    if kind == "enrollment":
        return "the enrollment"
    return f"{kind.replace('_', ' ')} {subject_id}".strip()


def _generic(
    entry: AuditEntry,
    who: str,
    subject: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    names: Names,
) -> str:
    what = words("audit_action", entry.action)
    what = what[:1].lower() + what[1:]
    changed = changes_between(old, new, names)
    tail = f"; changed {'; '.join(changed)}" if changed else ""
    return f"{who}: {what} ({subject}){tail}"


def _role_change(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    before, after = old.get("role"), new.get("role")
    if new.get("status") == "awaiting_approval":
        return (
            f"{who} asked to raise the role of {subject} from {words('role', before)} to "
            f"{words('role', after)}; it waits for registry staff"
        )
    return (
        f"{who} changed the role of {subject} from {words('role', before)} to "
        f"{words('role', after)}"
    )


def _approved(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    text = (
        f"{who} approved the raise: the role of {subject} changed from "
        f"{words('role', old.get('role'))} to {words('role', new.get('role'))}"
    )
    if new.get("state") == "pending_training" and old.get("state") != "pending_training":
        text += "; access waits for training"
    return text


def _declined(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    return f"{who} declined raising the role of {subject}"


def _added(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    role = words("role", new.get("role"))
    wait = "; access waits for training" if new.get("state") == "pending_training" else ""
    return f"{who} added {subject} as a {role} user{wait}"


def _created(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    role = words("role", new.get("role"))
    wait = "; access waits for training" if new.get("state") == "pending_training" else ""
    return f"{who} created the user {subject} as a {role} user{wait}"


def _state(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    before, after = old.get("state"), new.get("state")
    moved = f"from {words('user_state', before)} to {words('user_state', after)}"
    training = new.get("training")
    if isinstance(training, dict):
        kind = words("training_kind", training.get("kind"))
        on = f" on {day_words(training['date'])}" if training.get("date") else ""
        return f"{who} recorded that {subject} trained ({kind}){on}: access changed {moved}"
    deadline = new.get("training_deadline")
    if before == after == "pending_training" and deadline:
        verb = "set" if who == "CAIR" else "extended"
        return f"{who} {verb} the training deadline of {subject} to {day_words(deadline)}"
    if before == after == "active":
        return f"{who} opened the access of {subject}"
    if before == after:
        return f"{who} kept the access of {subject} as {words('user_state', after)}"
    return f"{who} changed the access of {subject} {moved}"


def _details(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    changed = changes_between(old, new, names)
    if not changed:
        return ""
    return f"{who} corrected {subject}: changed " + "; ".join(changed)


def _info(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    changed = changes_between(old, new, names)
    what = (
        f"the information of {subject}" if subject.startswith("site ") else "the site information"
    )
    if not changed:
        return f"{who} updated {what}"
    return f"{who} changed {what}: " + "; ".join(changed)


def _renamed(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    return f"{who} renamed the organization from “{old.get('name')}” to “{new.get('name')}”"


def _provider_words(values: Values) -> str:
    found = values.get("provider_of_record")
    provider: Values = found if isinstance(found, dict) else {}
    name = f"{provider.get('first_name', '')} {provider.get('last_name', '')}".strip()
    license_words = " ".join(
        str(provider[k]) for k in ("license_type", "license_number") if provider.get(k)
    )
    return f"{name} ({license_words})" if license_words else name or "someone"


def _provider(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    if new.get("status") == "awaiting_approval":
        return (
            f"{who} asked to change the provider of record to {_provider_words(new)}; it waits "
            "for registry staff"
        )
    return f"{who} changed the provider of record to {_provider_words(new)}"


def _provider_approved(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    return f"{who} approved the new provider of record: {_provider_words(new)}"


def _closing(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    reason = str(new.get("reason") or "").strip()
    why = f": “{reason}”" if reason else ""
    return f"{who} asked to close the organization{why}; it waits for registry staff"


def _closed(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    users = new.get("users_inactivated") or []
    sites = new.get("sites_closed") or []
    return (
        f"{who} approved closing the organization: {len(users)} users inactivated, "
        f"{len(sites)} sites closed, its data-exchange credentials and sessions ended"
    )


def _stage(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
    after, note = new.get("stage"), str(new.get("note") or "").strip()
    quoted = f": “{note}”" if note else ""
    if after == "changes_requested":
        return f"{who} asked the applicant for changes{quoted}"
    if after == "rejected":
        return f"{who} rejected the enrollment{quoted}"
    if after == "provisioning" and who != "CAIR":
        return f"{who} approved the enrollment"
    return (
        f"{who} moved the enrollment from {words('stage', old.get('stage'))} to "
        f"{words('stage', after)}{quoted}"
    )


def _simple(template: str) -> Sentence:
    def sentence(who: str, subject: str, old: Values, new: Values, names: Names) -> str:
        return template.format(
            who=who,
            subject=subject,
            email=old.get("representative") or new.get("representative") or "",
            username=new.get("username") or "",
            access=words("access_level", new.get("access_level")),
            region=value_words("region", new.get("region"), names),
            before=words("user_state", old.get("state")),
            after=words("user_state", new.get("state")),
        )

    return sentence


_SENTENCES: dict[str, Sentence] = {
    "account.change_role": _role_change,
    "account.change_role.approved": _approved,
    "account.change_role.rejected": _declined,
    "account.add_user": _added,
    "user.created": _created,
    "user.state": _state,
    "account.update_user": _details,
    "account.update_info": _info,
    "account.rename_organization": _renamed,
    "account.change_provider_of_record": _provider,
    "account.change_provider_of_record.approved": _provider_approved,
    "account.change_provider_of_record.rejected": _simple(
        "{who} declined the new provider of record"
    ),
    "account.close_site": _simple(
        "{who} closed {subject}; its data-exchange credentials stopped working"
    ),
    "account.close_organization": _closing,
    "account.close_organization.approved": _closed,
    "account.close_organization.rejected": _simple("{who} declined closing the organization"),
    "account.inactivate_user": _simple("{who} inactivated {subject} (was {before})"),
    "account.reactivate_user": _simple("{who} reactivated {subject}"),
    "account.name_representative": _simple("{who} named {subject} an authorized representative"),
    "account.remove_representative": _simple(
        "{who} removed {email} as an authorized representative"
    ),
    "user.password_set": _simple("{subject} set a password"),
    "organization.created": _simple(
        "{who} created the account of {subject}: {access} access, {region} region"
    ),
    "credentials.issued": _simple("{who} issued data-exchange credentials (username {username})"),
    "credentials.reissued": _simple(
        "{who} issued new data-exchange credentials (username {username}); the old secret "
        "stopped working"
    ),
    "enrollment.submitted": _simple("{who} sent the enrollment ({access} access, {region} region)"),
    "enrollment.amended": _simple("{who} corrected the request and sent it again"),
    "enrollment.stage": _stage,
    "credentials.revealed": _simple(
        "The data-exchange credentials were shown once, through the e-mailed link"
    ),
}
