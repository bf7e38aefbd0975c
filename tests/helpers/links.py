"""Links and tokens taken from e-mails the way a person copies them: the newest link to a path,
the token of a reveal link. Tests reach pages and secrets only through what was sent."""

from __future__ import annotations

import re
from email.message import EmailMessage

from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack


def link_in(site: Stack, address: str, subject: str, path: str) -> str:
    """The newest link to ``path`` in the newest e-mail to ``address`` about ``subject``."""
    mail = site.outbox.to(address, subject)
    assert mail, f"no e-mail to {address} about {subject!r}"
    return link_from(mail[-1], path)


def link_from(mail: EmailMessage, path: str) -> str:
    found = re.findall(rf"https?://\S+?({re.escape(path)}\S+)", body_text(mail))
    assert found, f"no {path} link in the e-mail {mail['Subject']!r}"
    return str(found[-1])


def reveal_token(text: str) -> str:
    """The token of the credentials reveal link in an e-mail's text."""
    match = re.search(r"/credentials/reveal/(\S+)", text)
    assert match, "no reveal link in the e-mail"
    return match.group(1)
