"""Forms of the workshop pages. They check the shape of the input only; `repairs.services` holds the rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.numbers import NumberError, parse_number
from listings.models import Condition
from repairs.models import (
    MAX_ESTIMATE_DAYS,
    MAX_REPAIR_DKK,
    Barrier,
    JobStatus,
    NistLevel,
    Outcome,
    WipeResult,
    WipeTechnique,
)

from .fields import NumberField, TitleField
from .forms_post import MultipleFileInput

ALL = "all"


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Open jobs by default (what a workshop is looking for); "all" shows every status.
        self.fields["status"].choices = [(ALL, _("All statuses")), *JobStatus.choices]  # type: ignore[attr-defined]
        self.fields["status"].initial = JobStatus.OPEN
        self.fields["category"].choices = [("", _("All categories")), *categories]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or JobStatus.OPEN
        return {"status": "" if status == ALL else status, "category": data.get("category") or ""}


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you release the job?"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )


class WorkLogForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    hours = NumberField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(24),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class DataWipeForm(forms.Form):
    """One storage device (PRODUCT.md: serial, model, size, NIST SP 800-88 level and technique, tool and
    version, verification, result, start and end; the operator is the person logged in)."""

    serial_number = forms.CharField(label=_("Serial number"), max_length=100)
    model = forms.CharField(label=_("Model"), max_length=100)
    size_gb = NumberField(label=_("Size (GB)"), max_digits=10, decimal_places=1, min_value=Decimal(0))
    nist_level = forms.ChoiceField(label=_("NIST SP 800-88 level"), choices=NistLevel.choices)
    technique = forms.ChoiceField(label=_("Technique"), choices=WipeTechnique.choices)
    tool = forms.CharField(label=_("Tool and version"), max_length=120)
    verified = forms.BooleanField(label=_("The wipe was verified"), required=False)
    result = forms.ChoiceField(label=_("Result"), choices=WipeResult.choices)
    started_at = forms.DateTimeField(
        label=_("Started"), widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    finished_at = forms.DateTimeField(
        label=_("Finished"), widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    barrier = forms.ChoiceField(
        label=_("Repair barrier (only for end of life)"),
        required=False,
        choices=[("", _("— choose for end of life —")), *Barrier.choices],
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), max_length=5000, required=False, widget=forms.Textarea({"rows": 3})
    )


class PublishForm(forms.Form):
    title = TitleField(label=_("Title"), max_length=120, help_text=_("Up to 120 characters."))
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea({"rows": 4})
    )
    price_dkk = NumberField(
        label=_("Price (kr.), 0 to give it away"), max_digits=10, decimal_places=2, min_value=Decimal(0)
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)


class MultipleFileField(forms.FileField):
    """One or several files from a multiple file input: each is checked as a file; none is "required"."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data] or super().clean(
                None, initial
            )
        return super().clean(data, initial)


class PhotoForm(forms.Form):
    file = MultipleFileField(
        label=_("Photos"),
        widget=MultipleFileInput({"accept": "image/*"}),
        help_text=_("Choose one or several photos at once."),
    )


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)


class CategoriesForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Categories the workshop handles"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = choices  # type: ignore[attr-defined]


def parse_kroner(text: str, *, language: str) -> Decimal:
    """An amount of kroner as a person types it, read in their language by the site's one number parser
    (`core.numbers.parse_number`: Danish "1.299,50", English "1,299.50"). ValueError when it is not an amount."""
    try:
        amount = parse_number(text, language)
    except NumberError as exc:
        raise ValueError(text) from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(text)  # kroner and øre: at most two decimals
    return amount


class KronerField(forms.Field):
    """A price in kroner, typed in the reader's language (see `parse_kroner`); 0 … 100.000, two decimals at most.
    The service checks the amount again (`repairs.returns.money_checked`)."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off", "maxlength": "20"}

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()[:40]
        if not text:
            return None
        try:
            amount = parse_kroner(text, language=get_language() or "da")
        except (ValueError, InvalidOperation) as exc:
            raise forms.ValidationError(_("Enter an amount in kroner, such as 450 or 299,50."), code="invalid") from exc
        if amount > MAX_REPAIR_DKK:
            raise forms.ValidationError(
                _("The amount must be between 0 and %(max)s kr."),
                params={"max": number_format(MAX_REPAIR_DKK, decimal_pos=0, use_l10n=True, force_grouping=True)},
                code="max_value",
            )
        return amount


class QuoteForm(forms.Form):
    price_dkk = KronerField(label=_("Price for the repair (kr.)"))
    parts_dkk = KronerField(label=_("Of which parts (kr., optional)"), required=False)
    estimate_days = forms.IntegerField(
        label=_("Expected days"),
        min_value=1,
        max_value=MAX_ESTIMATE_DAYS,
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("Note to the resident (optional)"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )


class HandBackForm(forms.Form):
    paid_dkk = KronerField(label=_("Paid at the counter (kr.)"))


class WorkshopPracticalForm(forms.Form):
    opening_hours = forms.CharField(
        label=_("Opening hours"), max_length=1000, required=False, widget=forms.Textarea({"rows": 3})
    )
    dropoff_instructions = forms.CharField(
        label=_("Drop-off instructions"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )


class WorkshopApplyForm(forms.Form):
    """Apply to register a workshop (`accounts.services.workshop_create`): it starts unverified, the applicant is
    its owner, and a moderator checks it."""

    name = forms.CharField(label=_("The workshop's name"), max_length=120)
    cvr = forms.CharField(
        label=_("CVR number"), max_length=8, help_text=_("Eight digits; a moderator checks it in the CVR register.")
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    description = forms.CharField(
        label=_("What you repair (optional)"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories the workshop handles"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = choices  # type: ignore[attr-defined]
