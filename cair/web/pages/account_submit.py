"""Sending an account change from a page: the form's one-time id, the refusals a form is drawn
again with (every problem beside its field), and the notice that says what became of it."""

from __future__ import annotations

from collections.abc import Collection

from fastapi import Request
from fastapi.responses import Response

from cair.domain.account_changes import ChangeStatus
from cair.domain.contracts.organization import ChangeResult
from cair.domain.problems import InvalidRequest
from cair.operations.audit_values import Names, in_words
from cair.operations.errors import Forbidden, NotSignedIn, OperationError
from cair.operations.sessions import Representative
from cair.web.api.representatives import change_id as key_to_change_id
from cair.web.pages import csrf
from cair.web.pages.refusals import field_errors, problems_of
from cair.web.pages.rendering import redirect

# What a form is drawn again for: a refusal by the rules or the account's workflow, or a part
# of the service that does not answer. Not for who is asking (signed out, another account).
FORM_REFUSALS = (OperationError, InvalidRequest)
STATUS_WORDS = {
    ChangeStatus.APPLIED: "Done",
    ChangeStatus.QUEUED: "Queued",
    ChangeStatus.AWAITING_APPROVAL: "Sent to registry staff for approval",
    ChangeStatus.REFUSED: "Not possible",
    ChangeStatus.REJECTED: "Rejected",
    ChangeStatus.FAILED: "Failed",
}


def refused_form(error: Exception) -> bool:
    """Whether ``error`` is one a form is drawn again for."""
    return isinstance(error, FORM_REFUSALS) and not isinstance(error, NotSignedIn | Forbidden)


def status_of(error: Exception) -> int:
    return int(getattr(error, "status", 422))


def errors_of(
    error: Exception, fields: Collection[str], *, prefix: str = "", names: Names | None = None
) -> dict[str, str]:
    return field_errors(problems_of(error), fields, prefix=prefix, names=names)


async def change_id(request: Request, who: Representative) -> str | None:
    """The form's one-time id, bound to this browser: the same form twice is one change."""
    form_id = (await request.form()).get("form_id")
    cookie = csrf.browser_cookie(request)
    if not isinstance(form_id, str) or not 20 <= len(form_id) <= 64 or not cookie:
        return None
    return key_to_change_id(f"page:{cookie}:{form_id}", who)


def done(request: Request, provider_id: str, result: ChangeResult, names: Names) -> Response:
    """Back to the account, saying what became of the change, users named."""
    words = STATUS_WORDS.get(result.status, str(result.status))
    notice = f"{words}: {in_words(result.message, names)}"
    if not notice.endswith("."):
        notice += "."
    return redirect(request, f"/account/{provider_id}", notice=notice)
