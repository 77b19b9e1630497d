"""Forms of the workshop pages. They check the shape of the input only; `repairs.services` holds the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from listings.models import Condition
from repairs.models import Barrier, JobStatus, NistLevel, Outcome, WipeResult, WipeTechnique

from .forms_post import MultipleFileInput


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *JobStatus.choices]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("All categories")), *categories]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status") or "", "category": data.get("category") or ""}


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you release the job?"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )


class WorkLogForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(24),
        widget=forms.NumberInput({"step": "0.25", "inputmode": "decimal"}),
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
    size_gb = forms.DecimalField(
        label=_("Size (GB)"), max_digits=10, decimal_places=1, min_value=Decimal(0), widget=forms.NumberInput()
    )
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
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea({"rows": 4})
    )
    price_dkk = forms.DecimalField(
        label=_("Price (kr.), 0 to give it away"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(0),
        widget=forms.NumberInput({"inputmode": "numeric", "step": "1"}),
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
