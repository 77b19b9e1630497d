"""Numbers as people type them: one parser for every number field on the pages (prices, hours, kg, GB).

Danish writes a decimal comma and a thousands dot ("1.500,50"), English the other way round ("1,500.50"). A
number is read in the language of the person typing it; where the same text could mean two numbers ("1.5" in
Danish, "1,5" in English) it is refused with a message that says how to write it, never guessed. The API reads
numbers in one documented format (JSON numbers or strings with a decimal dot, see docs/API.md), not this one.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# "kr.", "kr", "DKK" and a trailing ",-" or ".-" (Danish "299,-") are accepted and ignored.
_CURRENCY = re.compile(r"^(?:kr\.?|dkk)\s*|\s*(?:kr\.?|dkk)$", re.IGNORECASE)
_DASH_ENDING = re.compile(r"[.,]-$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_DIGITS = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:X\d{3})+$")


class NumberError(ValueError):
    """The text is not a number in the reader's language; `str(error)` is the message to show them."""


def _separators(language: str) -> tuple[str, str]:
    """(decimal separator, thousands separator) of a language code such as "da" or "en-gb"."""
    return (",", ".") if (language or "da").lower().startswith("da") else (".", ",")


def parse_number(raw: str, language: str) -> Decimal:
    """The number `raw` means to a person writing in `language`; raises `NumberError` with a translated
    message when it is not a number or could mean two. Spaces between thousands are allowed in both languages.

    Danish: "1,5" → 1.5 · "299,50" → 299.50 · "1.500" → 1500 · "1.500,50" → 1500.50 · "299,-" → 299 ·
    "1.5" → refused (write 1,5). English: "1.5" → 1.5 · "1,500" → 1500 · "1,5" → refused (write 1.5)."""
    decimal_sep, thousands_sep = _separators(language)
    text = _SPACES.sub("", _CURRENCY.sub("", (raw or "").strip()))
    text = _DASH_ENDING.sub("", text)
    negative = text.startswith(("-", "\u2212"))
    if negative:
        text = text[1:]
    example = f"1{decimal_sep}5"
    if not text:
        raise NumberError(_("Enter a number."))
    if text.count(decimal_sep) > 1:
        raise NumberError(
            _("“%(value)s” is not a number: write at most one “%(sep)s” before the decimals, e.g. %(example)s.")
            % {"value": raw.strip(), "sep": decimal_sep, "example": example}
        )
    whole, _sep, decimals = text.partition(decimal_sep)
    if decimals and not _DIGITS.match(decimals):
        raise NumberError(_("“%(value)s” is not a number.") % {"value": raw.strip()})
    if thousands_sep in whole:
        if not _GROUPED.match(whole.replace(thousands_sep, "X")):
            # "1.5" in Danish or "1,5" in English: the reader probably meant decimals in the other language
            raise NumberError(
                _(
                    "“%(value)s” is ambiguous: write decimals with “%(sep)s” (e.g. %(example)s), "
                    "and thousands without a separator or in groups of three."
                )
                % {"value": raw.strip(), "sep": decimal_sep, "example": example}
            )
        whole = whole.replace(thousands_sep, "")
    if not whole and decimals:
        whole = "0"
    if not _DIGITS.match(whole):
        raise NumberError(_("“%(value)s” is not a number.") % {"value": raw.strip()})
    try:
        number = Decimal(f"{whole}.{decimals}" if decimals else whole)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above only let digits through
        raise NumberError(_("“%(value)s” is not a number.") % {"value": raw.strip()}) from exc
    return -number if negative else number
