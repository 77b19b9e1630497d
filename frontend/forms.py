"""Forms of the pages. They only check the shape of the input; the rules live in the apps' services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from listings.areas import area_choices, area_normalise
from listings.models import Condition

from .fields import NumberField
from .selectors.browse import BrowseFilters


class AreaChoiceField(forms.ChoiceField):
    """A neighbourhood of the list (`listings.areas`), also by an alias or in another case (a shared link's
    "area=tornhøj")."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return area_normalise(text) or text


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"), max_length=80, widget=forms.TextInput({"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput({"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        help_text=_("At least 10 characters, not only digits."),
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )
    area = forms.CharField(
        label=_("Neighbourhood (optional)"),
        max_length=80,
        required=False,
        widget=forms.TextInput({"autocomplete": "address-level3"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.DA)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput({"autocomplete": "email", "autofocus": True})
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"), max_length=80, widget=forms.TextInput({"autocomplete": "name"})
    )
    area = forms.CharField(label=_("Neighbourhood (optional)"), max_length=80, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=[("", _("Any condition")), *Condition.choices]
    )
    min_price = NumberField(
        label=_("Lowest price (kr.)"), required=False, min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    max_price = NumberField(
        label=_("Highest price (kr.)"), required=False, min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    free = forms.BooleanField(label=_("Free only"), required=False)
    upcycled = forms.BooleanField(label=_("Upcycled only"), required=False)
    area = AreaChoiceField(
        label=_("Neighbourhood"), required=False, choices=[("", _("All of Aalborg Øst")), *area_choices()]
    )
    ordering = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Best match when searching, else newest")),
            ("relevance", _("Best match")),
            ("newest", _("Newest first")),
            ("price", _("Price, lowest first")),
            ("-price", _("Price, highest first")),
        ],
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            # Not silently dropped: the person is told, and neither bound is applied until they fix it.
            self.add_error("max_price", _("The highest price is below the lowest price."))
            data.pop("min_price", None)
        return data

    def filters(self) -> BrowseFilters:
        """The valid filters; a field with a bad value is simply left out (browsing never fails)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return BrowseFilters(
            q=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            condition=data.get("condition") or "",
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            free_only=bool(data.get("free")),
            upcycled_only=bool(data.get("upcycled")),
            area=(data.get("area") or "").strip(),
            # Best match needs a search text: without one the default order (newest) applies.
            ordering=""
            if data.get("ordering") == "relevance" and not (data.get("q") or "").strip()
            else (data.get("ordering") or ""),
        )

    @property
    def active(self) -> bool:
        f = self.filters()
        return bool(
            f.category
            or f.condition
            or f.min_price is not None
            or f.max_price is not None
            or f.free_only
            or f.upcycled_only
            or f.area
        )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )
