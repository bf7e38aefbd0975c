"""What a change that waits for registry staff says it waits for. One wording, whether the
organization's workflow answers its sender or the account's pages read the change from the
store, so the two never disagree."""

from __future__ import annotations

from cair.domain.account_changes import ChangeKind, ChangeStatus
from cair.domain.contracts.organization import AccountChange, ChangeResult

_WAITING = {
    ChangeKind.ADD_USER: "adding a user above Read-Only",
    ChangeKind.CHANGE_PROVIDER_OF_RECORD: "changing the provider of record",
    ChangeKind.CLOSE_ORGANIZATION: "closing the organization",
}


def awaiting_result(change: AccountChange) -> ChangeResult:
    asked = _WAITING.get(change.kind, f"raising the role to {change.role}")
    new = change.new_user
    if change.kind == ChangeKind.ADD_USER and new is not None:
        asked = f"adding {new.first_name} {new.last_name} as {new.role}"
    if change.kind == ChangeKind.UPDATE_INFO and change.info and change.info.contacts:
        asked = (
            f"the new primary contact {change.info.contacts.primary.email} must confirm their "
            "address (a link was e-mailed to them); the change"
        )
    return ChangeResult(
        change_id=change.change_id,
        kind=change.kind,
        status=ChangeStatus.AWAITING_APPROVAL,
        message=f"{asked} waits for registry staff approval",
        user_id=change.user_id,
    )
