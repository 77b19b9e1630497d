"""Email backends for tests: the locmem outbox (`django.core.mail.outbox`), with a mail server that refuses
some addresses or is away altogether. Set `settings.EMAIL_BACKEND` to one of them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected
from typing import Any

from django.core.mail.backends import locmem

# Addresses the "server" refuses, as an SMTP server answers 550 to RCPT TO.
REFUSED: set[str] = set()


class RefusingBackend(locmem.EmailBackend):
    """Delivers to the outbox, except a message to an address in `REFUSED`: SMTPRecipientsRefused."""

    def send_messages(self, messages: Sequence[Any]) -> int:
        for message in messages:
            refused = {address: (550, b"No such user") for address in message.recipients() if address in REFUSED}
            if refused:
                raise SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


class AwayBackend(locmem.EmailBackend):
    """The mail server is away: every send fails the way a dropped SMTP connection does."""

    def send_messages(self, messages: Sequence[Any]) -> int:
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(locmem.EmailBackend):
    """A mail server that takes its time, so that concurrent senders overlap."""

    def send_messages(self, messages: Sequence[Any]) -> int:
        time.sleep(0.3)
        return super().send_messages(messages)
