"""The period report's form (`/impact/report/`): a month, a quarter, a year or two dates, and a workshop."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django import forms
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from impact.report import report_period

PERIODS = [
    ("month", _("A month")),
    ("quarter", _("A quarter")),
    ("year", _("A year")),
    ("custom", _("From – to")),
]
MONTHS = list(MONTH_NAMES.items())  # Django's own, translated month names
QUARTERS = [(1, _("1st quarter")), (2, _("2nd quarter")), (3, _("3rd quarter")), (4, _("4th quarter"))]


class ReportForm(forms.Form):
    workshop = forms.ChoiceField(label=_("Workshop"), required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, widget=forms.RadioSelect, initial="month")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int, required=False)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, workshops: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["workshop"]
        field.choices = [("", _("All workshops")), *workshops]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        period = data.get("period")
        year: int = data.get("year") or 0
        start: date | None = None
        end: date | None = None
        if period in ("month", "quarter", "year") and not year:
            self.add_error("year", _("Choose a year."))
        elif period == "month":
            if not data.get("month"):
                self.add_error("month", _("Choose a month."))
            else:
                month = data["month"]
                start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        elif period == "quarter":
            if not data.get("quarter"):
                self.add_error("quarter", _("Choose a quarter."))
            else:
                first = 3 * data["quarter"] - 2
                start = date(year, first, 1)
                end = date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        elif period == "year":
            start, end = date(year, 1, 1), date(year, 12, 31)
        elif period == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            if start is None:
                self.add_error("date_from", _("Choose a start date."))
            if end is None:
                self.add_error("date_to", _("Choose an end date."))
        if start is not None and end is not None:
            try:  # the report's own rule for a period (from <= to, at most five years)
                start, end = report_period(date_from=start.isoformat(), date_to=end.isoformat())
            except InvalidInput as error:
                for message in error.errors.get("to", []) + error.errors.get("from", []):
                    self.add_error("date_to" if period == "custom" else None, str(message))
        if not self.errors:
            data["start"], data["end"] = start, end
        return data
