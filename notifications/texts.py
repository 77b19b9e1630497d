"""A notification's words, kept as a message id and its parameters and put into words in the reader's language
when shown (the in-app list, the API) — not in the language its recipient had when it was made.

`text(message, **params)` stores a message: `message` is a lazy translation (`gettext_lazy("…%(title)s…")`) or a
message id marked with `gettext_noop`; a parameter that is itself translatable (an outcome's label) is stored the
same way, anything else as the text it is (a listing's title, a workshop's name); a list of messages is shown one
a line; an amount (a `Decimal`) is written the reader's way when shown. `text_plural(singular, plural, n, …)`
stores a message with plural forms. `render` turns it back into
words with the active language. Rows made before this was stored keep their rendered title and body (the
fallback in `Notification.shown_title`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

Stored = dict[str, Any]


def _message_id(message: str | Promise) -> str:
    if isinstance(message, Promise):
        # a lazy gettext keeps its message id as the first argument it was called with
        args = getattr(message, "_args", ())
        if args and isinstance(args[0], str):
            return args[0]
    return str(message)


def _param(value: Any) -> Any:
    if isinstance(value, Promise):
        return {"id": _message_id(value), "params": {}}
    if isinstance(value, dict) and "id" in value:
        return value
    if isinstance(value, Decimal):
        return {"amount": str(value)}  # an amount of kroner, written the reader's way when shown (299,50 / 299.50)
    if isinstance(value, int) and not isinstance(value, bool):
        return value  # a count, for %(count)d
    if isinstance(value, (list, tuple)):
        return [_param(item) for item in value]
    return str(value)


def text(message: str | Promise, **params: Any) -> Stored:
    """A message to put into words later; see the module's docstring."""
    return {"id": _message_id(message), "params": {name: _param(value) for name, value in params.items()}}


def text_plural(singular: str, plural: str, n: int, **params: Any) -> Stored:
    """A message with plural forms (`ngettext`), `n` choosing the form; `n` is also a parameter."""
    return {
        "id": singular,
        "plural": plural,
        "n": n,
        "params": {name: _param(value) for name, value in params.items()},
    }


def render(stored: Stored | str | list[Any]) -> str:
    """The stored message in the active language; a message whose translation lost a parameter falls back to
    the message id, never raises."""
    if isinstance(stored, list):
        return "\n".join(render(item) for item in stored)
    if isinstance(stored, dict) and "amount" in stored:
        try:
            return number_format(Decimal(stored["amount"]), decimal_pos=2, use_l10n=True)
        except (ArithmeticError, ValueError):
            return str(stored["amount"])
    if not isinstance(stored, dict) or "id" not in stored:
        return str(stored)
    params = {
        name: value if isinstance(value, int) else render(value) for name, value in (stored.get("params") or {}).items()
    }
    if "plural" in stored:
        translated = ngettext(stored["id"], stored["plural"], int(stored.get("n") or 0))
    else:
        translated = gettext(stored["id"]) if stored["id"] else ""
    if not params:
        return translated
    try:
        return translated % params
    except (KeyError, ValueError, TypeError):
        return str(stored["id"]) % params
