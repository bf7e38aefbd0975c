"""No raw code as visible text in any page the browser tests checked or any e-mail the suite's
outboxes hold: pages keep their text as they are checked (tests/helpers/page_checks.py), and
this runs after every other test to read them all."""

from __future__ import annotations

import pytest

from tests.helpers.page_checks import PAGE_TEXT
from tests.helpers.raw_codes import codes_in_outboxes, raw_codes_in

pytestmark = pytest.mark.last  # reads what every other test left behind


def test_no_page_shows_a_raw_code(tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.getbasetemp()
    pages = sorted({page.resolve() for page in base.glob(f"*/{PAGE_TEXT}/*.txt")})
    if not pages:
        pytest.skip("no page was checked in this session")
    found = {page.stem: raw_codes_in(page.read_text()) for page in pages}
    shown = {name: codes for name, codes in found.items() if codes}
    assert not shown, f"raw codes shown as text, by page: {shown}"


def test_no_e_mail_shows_a_raw_code(tmp_path_factory: pytest.TempPathFactory) -> None:
    read, shown = codes_in_outboxes(tmp_path_factory.getbasetemp())
    if not read:
        pytest.skip("no e-mail was sent in this session")
    assert not shown, f"raw codes in e-mails ({len(read)} read), by subject: {shown}"
