"""Form fields shared by the pages. Every field where a person types a number is a `NumberField`: it reads the
number in the page's language with `core.numbers.parse_number` and shows it back the same way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from core.numbers import NumberError, parse_number


class NumberField(forms.DecimalField):
    """A decimal typed as text ("1,5", "1.500", "299,50 kr."), read in the language of the page. A text input,
    not type=number: browsers read number inputs in their own locale, and some drop a comma they do not expect."""

    def __init__(self, *, inputmode: str = "decimal", **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput({"inputmode": inputmode, "autocomplete": "off"}))
        kwargs["localize"] = True  # shown back as the reader writes it: 1,5 in Danish
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # (the stubs: IntegerField)
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_number(str(value), get_language() or "da")
        except NumberError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs


class TitleField(forms.CharField):
    """A text with a maximum length the browser does not enforce: an HTML `maxlength` cuts a pasted title silently,
    mid-word. The server says how long it is instead (Django's max-length message, in the page's language), and
    the help text says the limit."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
