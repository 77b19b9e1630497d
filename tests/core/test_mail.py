"""Every email Kredsløb sends goes through `core.mail`: a subject that cannot break the message's headers."""

from __future__ import annotations

import pytest
from django.core import mail

from core.mail import SUBJECT_MAX_LENGTH, mail_send, safe_subject


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stol\nBcc: alle@example.dk", "Stol Bcc: alle@example.dk"),
        ("  Sofa\r\n\r\n med\tpude\x00\x1b[31m ", "Sofa med pude [31m"),
        ("Lampe\u2028og\u2029bord\x85!", "Lampe og bord !"),
        ("“Æbletræ” til 9220", "“Æbletræ” til 9220"),
    ],
)
def test_safe_subject_turns_line_breaks_and_control_characters_into_spaces(text, expected):
    assert safe_subject(text) == expected


def test_safe_subject_trims_a_long_subject():
    subject = safe_subject("ø" * 1000)
    assert len(subject) == SUBJECT_MAX_LENGTH
    assert subject.endswith("…")


def test_mail_send_sends_one_message_to_one_address_with_a_safe_subject():
    mail_send(to="a@example.dk", subject="Hej\nBcc: b@example.dk", body="Tekst\nmed linjer")
    (message,) = mail.outbox
    assert message.to == ["a@example.dk"]
    assert message.recipients() == ["a@example.dk"]
    assert message.subject == "Hej Bcc: b@example.dk"
    assert message.body == "Tekst\nmed linjer"
