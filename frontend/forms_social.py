"""Forms of the favourites, offers and ratings (issue 15). They check the shape of the input; the rules are the
services'. Amounts are read in the reader's language: "1.500,50" in Danish, "1,500.50" in English."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.models import RATING_TEXT_MAX_LENGTH, ReportReason

_GROUPED = {"da": re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$"), "en": re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")}
_PLAIN = {"da": re.compile(r"^\d+(,\d{1,2})?$"), "en": re.compile(r"^\d+(\.\d{1,2})?$")}


def parse_amount(raw: str, language: str | None = None) -> Decimal | None:
    """Kroner as a person types them in `language` (default: the active one), or None when it is no amount: in Danish
    a decimal comma and a thousands dot ("1.500,50"), in English the other way round; "kr." and spaces are allowed.
    A plain "12.50" is also read as 12,50 in Danish (what a phone's number pad may give)."""
    language = (language or translation.get_language() or "da")[:2]
    language = language if language in _PLAIN else "da"
    text = re.sub(r"\s|kr\.?|dkk", "", (raw or "").strip().lower())
    if _GROUPED[language].match(text):
        text = text.replace("." if language == "da" else ",", "")
    elif not _PLAIN[language].match(text):
        if language == "da" and re.match(r"^\d+\.\d{1,2}$", text):
            text = text.replace(".", ",")
        else:
            return None
    try:
        return Decimal(text.replace(",", ".")) if language == "da" else Decimal(text)
    except InvalidOperation:
        return None


class AmountField(forms.CharField):
    """Kroner in the reader's language (`parse_amount`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: Any) -> Decimal:  # type: ignore[override]
        text = super().clean(value)
        amount = parse_amount(text)
        if amount is None or amount >= Decimal("100000000"):
            raise forms.ValidationError(_("Write an amount in kroner, for example 250 or 249,50."), code="invalid")
        return amount


class OfferForm(forms.Form):
    price_dkk = AmountField(label=_("Your offer (kr.)"))


class CounterForm(forms.Form):
    price_dkk = AmountField(label=_("Your price (kr.)"))


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Stars"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("A few words (optional)"),
        required=False,
        max_length=RATING_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RatingReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices)
    details = forms.CharField(
        label=_("Details"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
