"""The impact page's figures and charts: `impact.selectors.impact_summary` — the very numbers
`GET /api/v1/impact/` answers — shaped for the page: the last 12 months (months without activity as zeros) and
the geometry of small SVG charts, computed here so the template draws them without a script and without inline
styles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Workshop
from core import pagecache
from impact import selectors as impact
from repairs.models import Outcome

CHART_WIDTH = 360
CHART_HEIGHT = 150
CHART_TOP = 14
CHART_BASE = 124  # y of the x axis; month labels below it
CHART_LEFT = 6
CHART_SLOT = 29  # horizontal space per month

# A chart's month labels: three letters in each language ("sep", "Sep"), not Django's "Sept" or "Sept."
# ("May" is also the full month's name in Django's catalogue: "maj" in Danish either way).
MONTH_LABELS = [
    gettext_lazy("Jan"),
    gettext_lazy("Feb"),
    gettext_lazy("Mar"),
    gettext_lazy("Apr"),
    gettext_lazy("May"),
    gettext_lazy("Jun"),
    gettext_lazy("Jul"),
    gettext_lazy("Aug"),
    gettext_lazy("Sep"),
    gettext_lazy("Oct"),
    gettext_lazy("Nov"),
    gettext_lazy("Dec"),
]


@dataclass
class ChartBar:
    x: str
    y: str
    width: str
    height: str
    css: str


@dataclass
class ChartColumn:
    label: str
    label_x: str
    bars: list[ChartBar]


@dataclass
class Chart:
    key: str
    title: str
    unit: str
    total: Decimal
    top: Decimal
    columns: list[ChartColumn]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    base: int = CHART_BASE


@dataclass
class MonthRow:
    month: date
    figures: dict[str, Any]


@dataclass
class OutcomeBar:
    key: str
    label: str
    count: int
    width: str  # of the bar in the outcome chart's viewBox (0–100)
    css: str


@dataclass
class ImpactSummary:
    figures: dict[str, Any]
    months: list[MonthRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    outcomes: list[OutcomeBar] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:  # impact.fixed, impact.hours_worked… in templates
        figures = self.__dict__.get("figures") or {}
        if name in figures:
            return figures[name]
        raise AttributeError(name)


def _svg(value: float) -> str:
    """A number for an SVG attribute: always a dot, whatever the page's language."""
    return f"{value:.1f}"


def _last_months(count: int) -> list[date]:
    today = timezone.localdate()
    starts = []
    for back in range(count - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        starts.append(date(year, month + 1, 1))
    return starts


def _column_chart(
    *, key: str, title: str, unit: str, total: Decimal, months: list[MonthRow], parts: list[tuple[str, str]]
) -> Chart:
    """Columns per month; `parts` (figure key, css class) are stacked bottom-up."""
    sums = [sum((Decimal(str(row.figures.get(p) or 0)) for p, _css in parts), Decimal(0)) for row in months]
    top = max(sums, default=Decimal(0))
    scale = float(CHART_BASE - CHART_TOP) / float(top) if top > 0 else 0.0
    bar_width = CHART_SLOT - 9
    columns = []
    for index, row in enumerate(months):
        x = CHART_LEFT + index * CHART_SLOT
        y = float(CHART_BASE)
        bars = []
        for part, css in parts:
            height = float(row.figures.get(part) or 0) * scale
            if height <= 0:
                continue
            height = max(height, 1.5)
            y -= height
            bars.append(ChartBar(x=_svg(x), y=_svg(y), width=_svg(bar_width), height=_svg(height), css=css))
        columns.append(
            ChartColumn(label=str(MONTH_LABELS[row.month.month - 1]), label_x=_svg(x + bar_width / 2), bars=bars)
        )
    return Chart(key=key, title=title, unit=unit, total=total, top=top, columns=columns)


def impact_summary(*, workshop: Workshop | None = None, months: int = 12) -> ImpactSummary:
    """All-time totals (or one workshop's) and the last `months` months, drawn as charts. Six queries."""

    # Everybody's figures are the same: built once per catalogue version (core.pagecache); one workshop's, always.
    if workshop is None:
        figures = pagecache.cached_value("impact-summary", impact.impact_summary)
    else:
        figures = impact.impact_summary(workshop=workshop)
    by_month = {row["month"]: row for row in figures.get("by_month", [])}
    rows = [MonthRow(month=m, figures=by_month.get(m.strftime("%Y-%m"), {})) for m in _last_months(months)]
    summary = ImpactSummary(figures=figures, months=rows)
    summary.charts = [
        _column_chart(
            key="waste",
            title=_("Kept out of the bin (kg)"),
            unit="kg",
            total=figures["waste_prevented_kg"],
            months=rows,
            parts=[("waste_prevented_kg", "fill-1")],
        ),
        _column_chart(
            key="co2e",
            title=_("CO2e avoided (kg)"),
            unit="kg",
            total=figures["co2e_avoided_kg"],
            months=rows,
            parts=[("co2e_avoided_kg", "fill-2")],
        ),
        _column_chart(
            key="hours",
            title=_("Hours of work"),
            unit="",
            total=figures["hours_worked"],
            months=rows,
            parts=[("hours_worked", "fill-3")],
        ),
        _column_chart(
            key="jobs",
            title=_("Repair jobs by outcome"),
            unit="",
            total=Decimal(figures["jobs_completed"]),
            months=rows,
            parts=[("fixed", "fill-1"), ("repairable", "fill-4"), ("end_of_life", "fill-5")],
        ),
    ]
    top = max(figures["fixed"], figures["repairable"], figures["end_of_life"], 1)
    summary.outcomes = [
        OutcomeBar(
            key=outcome.value,
            label=str(outcome.label),
            count=figures[outcome.value],
            width=_svg(100 * figures[outcome.value] / top),
            css=css,
        )
        for outcome, css in ((Outcome.FIXED, "fill-1"), (Outcome.REPAIRABLE, "fill-4"), (Outcome.END_OF_LIFE, "fill-5"))
    ]
    return summary
