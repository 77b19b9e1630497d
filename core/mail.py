"""Sending email: every mail Kredsløb sends goes out through `mail_send`, one message to one address, with a
subject made safe by `safe_subject` — so a line break in a listing title, a workshop name or a saved search's
name can neither break a message's headers (Django refuses such a header with BadHeaderError) nor add one.

Callers that mail many people catch `MAIL_ERRORS` around each `mail_send`, so one bad address never costs
anybody else their mail, and record per recipient what was sent, so a retry sends only what is still owed."""

from __future__ import annotations

import unicodedata
from smtplib import SMTPDataError, SMTPException, SMTPRecipientsRefused, SMTPSenderRefused

from django.core.mail import EmailMessage

SUBJECT_MAX_LENGTH = 150

# This message was refused — the address (SMTP 5xx to RCPT TO, or an address or header Django will not write:
# BadHeaderError and the invalid-address error are ValueErrors) — trying it again at once will not help.
MAIL_REFUSED: tuple[type[Exception], ...] = (SMTPRecipientsRefused, SMTPSenderRefused, SMTPDataError, ValueError)
# The mail server could not be reached or dropped the connection: worth trying again later. (SMTPException
# is itself an OSError; connection refused, timeouts and DNS failures are OSErrors too.)
MAIL_UNAVAILABLE: tuple[type[Exception], ...] = (SMTPException, OSError)
MAIL_ERRORS = MAIL_REFUSED + MAIL_UNAVAILABLE

# Line and paragraph separators and every control character (C0, DEL, C1: \n, \r, \t, \x85 …) become spaces.
_BREAKING = {"Cc", "Zl", "Zp"}


def is_one_line(text: str) -> bool:
    """No line break and no control character: what a name that ends up in a subject line must be."""
    return not any(unicodedata.category(char) in _BREAKING for char in text)


def safe_subject(text: str) -> str:
    """`text` as a one-line email subject: line breaks and control characters as spaces, runs of white space
    as one, trimmed at both ends and to `SUBJECT_MAX_LENGTH` characters (an ellipsis marks a cut)."""
    spaced = "".join(" " if unicodedata.category(char) in _BREAKING else char for char in str(text))
    subject = " ".join(spaced.split())
    if len(subject) > SUBJECT_MAX_LENGTH:
        subject = subject[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return subject


def mail_send(*, to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send one email to one address with a safe subject (from `DEFAULT_FROM_EMAIL`). Raises the backend's
    error (one of `MAIL_ERRORS`) when it cannot be sent."""
    EmailMessage(safe_subject(subject), body, None, [to], headers=headers).send()
