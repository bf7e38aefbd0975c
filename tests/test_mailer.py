"""Templates: every e-mail is a text + HTML pair; HTML is autoescaped, text is not."""

from __future__ import annotations

from pathlib import Path

from cair.activities.mail.mailer import Mailer, message_id_for
from cair.domain.contracts.mail import Mail
from cair.settings import Settings

TEMPLATES = Path(__file__).resolve().parents[1] / "cair" / "templates" / "email"


def test_every_mail_has_a_text_and_html_template() -> None:
    for mail in Mail:
        assert (TEMPLATES / f"{mail.value}.txt").read_text().startswith("Subject: "), mail
        assert '{% extends "base.html" %}' in (TEMPLATES / f"{mail.value}.html").read_text()


def test_html_is_escaped_and_text_is_plain() -> None:
    mailer = Mailer(Settings(_env_file=None))
    rendered = mailer.render(
        "acknowledgement",
        {
            "contact_name": "Sam <Okafor>",
            "org_name": "<script>alert(1)</script> & Co",
            "enrollment_id": "EN0000TEST",
            "region_name": "Bay Area",
            "help_desk_phone": "1-800-578-7889",
            "help_desk_email": "help@cair.example",
            "status_url": "https://cair.example/status/TOKEN",
        },
    )
    assert "EN0000TEST" in rendered.subject and "<script>" in rendered.subject
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in rendered.html
    assert "<script>" not in rendered.html
    assert "<script>alert(1)</script> & Co" in rendered.text


def test_message_ids_are_stable_per_key() -> None:
    sender = "CAIR Enrollment <no-reply@cair.example>"
    assert message_id_for("EN1/welcome", sender) == message_id_for("EN1/welcome", sender)
    assert message_id_for("EN1/welcome", sender) != message_id_for("EN2/welcome", sender)
    assert message_id_for("EN1/welcome", sender).endswith("@cair.example>")
