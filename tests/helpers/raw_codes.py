"""The codes this service stores that a person must never read: role, region, organization type,
access level, stage, user state and IZ Portal stage codes with an underscore (``read_only``,
``central_valley``), account changes, and every audit action (``enrollment.stage``). Pages and
e-mails say them in words (cair/domain/plain_words.py); the scans ask whether one slipped
through as visible text. Attribute values, ids and links may hold codes, so only what a reader
sees is searched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.message import EmailMessage
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path

from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import ChangeKind, ChangeStatus
from cair.domain.contracts.data_exchange import DxStage
from cair.domain.plain_words import AUDIT_ACTIONS, ORG_TYPES
from cair.domain.regions import load_region_map
from cair.domain.stages import Stage
from cair.domain.user_states import TrainingKind, UserState
from tests.helpers.mailbox import Mailbox

_ENUMS: tuple[type[StrEnum], ...] = (
    Role,
    AccessLevel,
    Stage,
    UserState,
    TrainingKind,
    DxStage,
    ChangeKind,
    ChangeStatus,
)


def _underscored(codes: Iterable[str]) -> set[str]:
    """A code without an underscore is also a word ("active", "school"): not searched."""
    return {code for code in codes if "_" in code}


RAW_CODES: frozenset[str] = frozenset(
    _underscored(member.value for enum in _ENUMS for member in enum)
    | _underscored(load_region_map().regions)
    | _underscored(ORG_TYPES)
    | set(AUDIT_ACTIONS)
)

_CODE = re.compile(
    r"(?<![\w./-])("
    + "|".join(re.escape(code) for code in sorted(RAW_CODES, key=len, reverse=True))
    + r")(?![\w/-]|\.\w)"
)
_URL = re.compile(r"\b(?:https?|mailto):\S+")


def raw_codes_in(text: str) -> list[str]:
    """The raw codes standing in ``text`` (links left out: a URL may carry a code)."""
    return sorted(set(_CODE.findall(_URL.sub(" ", text))))


class _Visible(HTMLParser):
    """The text of an HTML document as it reads: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def mail_text(message: EmailMessage) -> str:
    """What the recipient reads: the subject, the text part and the HTML part's text."""
    read = [str(message["Subject"])]
    for kind in ("plain", "html"):
        part = message.get_body(preferencelist=(kind,))
        if part is not None and part.get_content_subtype() == kind:
            content = str(part.get_content())
            read.append(html_text(content) if kind == "html" else content)
    return "\n".join(read)


def codes_in_outboxes(base: Path) -> tuple[list[Path], dict[str, list[str]]]:
    """Every e-mail under ``base`` (the session's temporary folder), and the raw codes each one
    that shows any shows, by subject."""
    # Resolved: pytest links the newest folder of each name (``stack-sqlitecurrent``) too.
    folders = sorted({path.parent.resolve() for path in base.rglob("outbox/*.eml")})
    read: list[Path] = []
    shown: dict[str, list[str]] = {}
    for folder in folders:
        read += sorted(folder.glob("*.eml"))
        for message in Mailbox(folder).messages():
            codes = raw_codes_in(mail_text(message))
            if codes:
                shown[str(message["Subject"])] = codes
    return read, shown
