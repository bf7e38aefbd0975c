"""No raw code (``read_only``, ``central_valley``, ``enrollment.stage``) as visible text in any
e-mail the suite's outboxes hold; runs after every other test to read them all."""

from __future__ import annotations

import pytest

from tests.helpers.raw_codes import codes_in_outboxes

pytestmark = pytest.mark.last  # reads what every other test left behind


def test_no_e_mail_shows_a_raw_code(tmp_path_factory: pytest.TempPathFactory) -> None:
    read, shown = codes_in_outboxes(tmp_path_factory.getbasetemp())
    if not read:
        pytest.skip("no e-mail was sent in this session")
    assert not shown, f"raw codes in e-mails ({len(read)} read), by subject: {shown}"
