"""Forms of the post, edit and trade pages. They only check the shape of the input; the rules (prices of free
items, repair mode, leaf categories, photo formats and sizes) live in the services the API also calls."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from listings.areas import area_choices
from listings.models import Category, Condition, Kind
from marketplace.models import MESSAGE_MAX_LENGTH, ReportReason
from repairs.models import RepairMode

from .fields import NumberField, TitleField
from .forms import AreaChoiceField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def category_groups(tree: list[Category]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Leaves grouped under their top-level group, for a select with optgroups (groups cannot be chosen)."""
    by_id = {node.pk: node for node in tree}
    groups: dict[int, list[tuple[str, str]]] = {}
    order: list[int] = []
    for node in tree:
        if not node.is_leaf:
            continue
        top = node
        while top.parent_id is not None and top.parent_id in by_id:
            top = by_id[top.parent_id]
        if top.pk not in groups:
            groups[top.pk] = []
            order.append(top.pk)
        groups[top.pk].append((node.slug, node.name))
    return [(by_id[pk].name, groups[pk]) for pk in order]


class ListingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[
            (Kind.SALE, _("Sell it")),
            (Kind.FREE, _("Give it away")),
            (Kind.REPAIR, _("Donate it for repair")),
        ],
        initial=Kind.SALE,
        widget=forms.RadioSelect,
    )
    title = TitleField(label=_("Title"), max_length=120, help_text=_("Up to 120 characters."))
    category = forms.ChoiceField(label=_("Category"))
    condition = forms.ChoiceField(label=_("Condition"), choices=[("", _("Choose…")), *Condition.choices])
    price_dkk = NumberField(
        label=_("Price (kr.)"),
        required=False,
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty when you give it away or donate it for repair."),
    )
    repair_mode = forms.ChoiceField(
        label=_("After the repair"),
        required=False,
        choices=RepairMode.choices,
        widget=forms.RadioSelect,
        help_text=_("Only for items donated for repair."),
    )
    fault_description = forms.CharField(
        label=_("What is wrong with it?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Only for items donated for repair."),
    )
    description = forms.CharField(
        label=_("Description (optional)"), required=False, max_length=5000, widget=forms.Textarea({"rows": 4})
    )
    area = AreaChoiceField(
        label=_("Neighbourhood"),
        required=False,
        choices=[("", _("The neighbourhood of my profile")), *area_choices()],
        help_text=_("Shown to everybody. The address goes in the pickup details, shown only once you confirm."),
    )
    pickup_details = forms.CharField(
        label=_("Pickup details (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_(
            "Shown to the buyer only once you confirm their reservation; for an item donated for repair, to the "
            "workshop that takes the job."
        ),
    )

    def __init__(self, *args: Any, tree: list[Category], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.fields["category"].choices = [("", _("Choose…")), *category_groups(tree)]  # type: ignore[attr-defined]
        if editing:  # what kind of listing it is, and its repair job, are fixed once posted
            for name in ("kind", "repair_mode", "fault_description"):
                del self.fields[name]
            # only a sale's edit form has a price (the view removes it otherwise): emptied, it is an error, not 0 kr.
            self.fields["price_dkk"].required = True
            self.fields["price_dkk"].error_messages["required"] = _("Enter the price in kroner.")
            self.fields["price_dkk"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.SALE and data.get("price_dkk") is None and "price_dkk" not in self.errors:
            self.add_error("price_dkk", _("Enter the price, or choose to give it away."))
        return data

    def clean_category(self) -> Category:
        slug = self.cleaned_data["category"]
        for node in self.tree:
            if node.slug == slug:
                return node
        raise forms.ValidationError(_("Choose a category from the list."))


class PhotosForm(forms.Form):
    photos = forms.FileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput({"accept": "image/*"}),
        help_text=_("Photos from your phone or camera (JPEG, PNG, WebP or HEIC), up to 10 per listing."),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices)
    details = forms.CharField(
        label=_("Details (optional)"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea({"rows": 3}))
