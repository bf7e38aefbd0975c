"""``cair``: the CAIR onboarding command. Applicants, representatives and staff are clients of the
HTTP API, like ``gh`` is of GitHub's; operators run the stack."""

from __future__ import annotations

from cair.cli import (  # noqa: F401 - their commands
    account,
    applicant,
    audit_export,
    dx_check,
    dx_portal,
    links,
    new_site,
    operator,
    retention,
    staff,
    staff_session,
)
from cair.cli.common import exit_now
from cair.cli.root import app


def main() -> None:
    try:
        app()
    except SystemExit as leaving:
        exit_now(leaving.code if isinstance(leaving.code, int) else 1)
    exit_now(0)
