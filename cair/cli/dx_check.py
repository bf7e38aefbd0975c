"""``cair dx``: for the EHR side of a data-exchange interface. ``check`` holds an HL7 VXU file
to CAIR's message rules offline and prints the ACK CAIR would answer, before any test message
is sent (the staging endpoint and the onboarding workflow build on the same rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from cair.cli.common import exit_now, fail
from cair.cli.root import dx_app

# The VXU rules load in the functions that use them: ``cair``'s other commands start without.


@dx_app.command("check")
def check_file(
    file: Annotated[Path, typer.Argument(help="The HL7 v2.5.1 VXU message, one file.")],
    site: Annotated[str, typer.Option(help="Your CAIR site id (role 3: your facility id).")],
    region: Annotated[str, typer.Option(help="Your region, e.g. bay_area.")],
    role: Annotated[
        int,
        typer.Option(
            help="1 sends directly, 2 through a Sending Facility, 3 is a Sending Facility."
        ),
    ] = 1,
    sending_facility: Annotated[
        str | None, typer.Option(help="Role 2: the facility you send through; role 3: yours.")
    ] = None,
    client: Annotated[
        list[str] | None, typer.Option(help="Role 3: a client site you send for (repeat).")
    ] = None,
) -> None:
    """Check FILE against CAIR's VXU rules and print the ACK; exit 1 if it would be rejected."""
    from cair.domain.hl7_ack import ack
    from cair.domain.vxu_rules import Sender, SiteRole, check, portal_facts

    codes: dict[str, str] = portal_facts()["region_codes"]
    problems = []
    if region not in codes:
        problems.append(f"region: must be one of {', '.join(sorted(codes))}")
    if role not in tuple(SiteRole):
        problems.append("role: must be 1, 2 or 3")
    elif role != SiteRole.DIRECT and not sending_facility:
        problems.append("sending-facility: required for role 2 and 3")
    elif role == SiteRole.SENDING_FACILITY and not client:
        problems.append("client: name at least one client site for role 3")
    text = read_message(file, problems)
    if problems:
        fail(*problems)
    sender = Sender(
        role=SiteRole(role),
        site_id=site,
        region_code=codes[region],
        sending_facility_id=sending_facility,
        client_sites=frozenset(client or ()),
    )
    now = datetime.now(UTC)
    verdict = check(text, sender, now=now)
    answer = ack(verdict, receiving_facility=codes[region], control_id="CHECK", now=now)
    print(printable(answer.replace("\r", "\n")), end="")
    exit_now(0 if verdict.accepted else 1)


def printable(text: str) -> str:
    """No control character reaches the terminal (line ends stay)."""
    return "".join(c for c in text if c.isprintable() or c == "\n")


def read_message(file: Path, problems: list[str]) -> str:
    """At most a little more than any VXU can be, whatever the file is (a device, a pipe)."""
    from cair.domain.vxu_rules import MAX_MESSAGE_CHARS

    limit = MAX_MESSAGE_CHARS * 4
    try:
        with file.open("rb") as handle:
            content = handle.read(limit + 1)
    except OSError as error:
        problems.append(f"{file}: cannot read it ({error.strerror})")
        return ""
    if len(content) > limit:
        problems.append(f"{file}: larger than any VXU ({MAX_MESSAGE_CHARS} characters at most)")
        return ""
    return content.decode("utf-8", errors="replace")
