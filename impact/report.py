"""The period report (a month, a quarter, a year, or any dates up to five years) for the municipality and funders,
per workshop or for the whole platform, as a PDF in the reader's language.

Its figures are `impact.selectors.impact_summary(details=True)` — the very numbers `GET /api/v1/impact/` answers
for the same period and workshop; this module only checks the period and sets the figures on paper."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Workshop
from core.errors import InvalidInput
from core.pdf import Document

from .selectors import DISPLACEMENT, EMISSION_RATIO_POWERED, EMISSION_RATIO_UNPOWERED, REUSE_CO2E_PER_KG, impact_summary

MAX_YEARS = 5


def report_period(*, date_from: str | None, date_to: str | None) -> tuple[date, date]:
    """The report's period from the two ISO dates asked for: both required, `from` <= `to`, at most five years.
    Refuses with InvalidInput (400) whose `errors` name the field (`from`, `to`)."""
    errors: dict[str, list[Any]] = {}
    parsed: dict[str, date] = {}
    for field, raw in (("from", date_from), ("to", date_to)):
        if not raw:
            errors[field] = [gettext_lazy("This field is required: a date as YYYY-MM-DD.")]
            continue
        try:
            parsed[field] = date.fromisoformat(raw.strip())
        except ValueError:
            errors[field] = [gettext_lazy("Enter a valid date as YYYY-MM-DD.")]
    if not errors:
        start, end = parsed["from"], parsed["to"]
        if start > end:
            errors["to"] = [gettext_lazy("The end date must be on or after the start date.")]
        elif (limit := _years_later(start, MAX_YEARS)) is not None and limit <= end:
            errors["to"] = [gettext_lazy("A report covers at most five years.")]
    if errors:
        raise InvalidInput(str(next(iter(errors.values()))[0]), errors=errors)
    return parsed["from"], parsed["to"]


def _years_later(day: date, years: int) -> date | None:
    """The same day `years` later (28 February for 29 February); None past the calendar's end (year 9999)."""
    if day.year + years > date.max.year:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _number(value: Decimal | float | int, places: int = 0) -> str:
    """`value` rounded half up to `places` decimals (Django's number_format would cut the rest off), written as
    the active language writes numbers (Danish: 1.234,5)."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def report_figures(*, workshop: Workshop | None, date_from: date, date_to: date) -> dict[str, Any]:
    """The report's figures: `impact_summary` for the period and workshop, with the details."""
    return impact_summary(workshop=workshop, date_from=date_from, date_to=date_to, details=True)


def report_pdf(*, workshop: Workshop | None, date_from: date, date_to: date) -> bytes:
    """The period report as a PDF, in the active language."""
    figures = report_figures(workshop=workshop, date_from=date_from, date_to=date_to)
    danish = (get_language() or "da").startswith("da")
    scope = workshop.name if workshop is not None else _("All workshops on Kredsløb")
    period = _("%(start)s – %(end)s") % {
        "start": formats.date_format(date_from, "DATE_FORMAT"),
        "end": formats.date_format(date_to, "DATE_FORMAT"),
    }
    doc = Document(
        title=_("Impact report"),
        subtitle=f"{scope} · {period}",
        footer=_("Kredsløb · impact report %(start)s – %(end)s")
        % {"start": date_from.isoformat(), "end": date_to.isoformat()},
        page_label=_("Page {page} of {pages}"),
        language="da" if danish else "en",
        created=timezone.now(),
    )
    kg = _("%(value)s kg")
    doc.heading(_("Summary"))
    doc.key_values(
        [
            (_("Kept out of the bin"), kg % {"value": _number(figures["waste_prevented_kg"], 1)}),
            (_("CO2e avoided"), kg % {"value": _number(figures["co2e_avoided_kg"], 1)}),
            (_("Hours of work"), _number(figures["hours_worked"], 2)),
            (_("People engaged"), _number(figures["people_engaged"])),
            (_("Repair jobs completed"), _number(figures["jobs_completed"])),
            (_("Items sold"), _number(figures["items_sold"])),
            (_("Items given away"), _number(figures["items_given_away"])),
            (_("Items reused as they were"), _number(figures["items_reused"])),
        ]
    )
    doc.heading(_("Where the savings come from"))
    doc.table(
        [_("Source"), _("Kept out of the bin (kg)"), _("CO2e avoided (kg)")],
        [
            [
                _("Repairs (jobs completed as fixed)"),
                _number(figures["repair_waste_prevented_kg"], 1),
                _number(figures["repair_co2e_avoided_kg"], 1),
            ],
            [
                _("Reuse (items sold or given away as they were)"),
                _number(figures["reuse_kg"], 1),
                _number(figures["reuse_co2e_avoided_kg"], 1),
            ],
        ],
        widths=[3, 1.4, 1.4],
        align=["L", "R", "R"],
    )
    outcomes = [
        (_("Fixed"), figures["fixed"]),
        (_("Repairable"), figures["repairable"]),
        (_("End of life"), figures["end_of_life"]),
    ]
    doc.heading(_("Repair jobs by outcome"))
    doc.bar_chart(_("Jobs completed by outcome"), outcomes, value_format=lambda v: _number(v))
    doc.heading(_("Repair jobs by category"))
    categories = figures["by_category"]
    if categories:
        name = "name_da" if danish else "name_en"
        doc.bar_chart(
            _("Jobs completed by category"),
            [(row[name], row["jobs_completed"]) for row in categories[:15]],
            value_format=lambda v: _number(v),
        )
        doc.table(
            [_("Category"), _("Jobs"), _("Fixed"), _("Repairable"), _("End of life"), _("kg"), _("kg CO2e")],
            [
                [
                    row[name],
                    _number(row["jobs_completed"]),
                    _number(row["fixed"]),
                    _number(row["repairable"]),
                    _number(row["end_of_life"]),
                    _number(row["waste_prevented_kg"], 1),
                    _number(row["co2e_avoided_kg"], 1),
                ]
                for row in categories
            ],
            widths=[3, 1, 1, 1.2, 1.2, 1.1, 1.3],
            align=["L", "R", "R", "R", "R", "R", "R"],
        )
    else:
        doc.paragraph(_("No repair jobs were completed in this period."), muted=True)
    months = figures["by_month"]
    if months:
        doc.heading(_("Month by month"))
        doc.bar_chart(
            _("CO2e avoided per month (kg)"),
            [(row["month"], float(row["co2e_avoided_kg"])) for row in months],
            value_format=lambda v: _number(v, 1),
        )
        doc.bar_chart(
            _("Hours of work per month"),
            [(row["month"], float(row["hours_worked"])) for row in months],
            value_format=lambda v: _number(v, 1),
        )
    doc.heading(_("Method and sources"))
    for text in _method():
        doc.paragraph(text, size=9)
    return doc.to_bytes()


def _method() -> list[str]:
    return [
        _(
            "A repair job completed as fixed counts its category's reference weight as kept out of the bin, and "
            "its category's footprint × the displacement rate %(displacement)s as CO2e avoided. Where a category "
            "has no reference weight, the item's own weight estimate counts (only within the category's plausible "
            "bounds), × %(powered)s kg CO2e/kg for powered items or %(unpowered)s kg CO2e/kg for unpowered ones, "
            "× the displacement rate. Jobs completed as repairable or end of life count as jobs, not as savings."
        )
        % {
            "displacement": _number(DISPLACEMENT, 1),
            "powered": _number(EMISSION_RATIO_POWERED, 2),
            "unpowered": _number(EMISSION_RATIO_UNPOWERED, 2),
        },
        _(
            "An item sold or given away as it was (not out of a repair job) counts its weight as reused, × "
            "%(reuse)s kg CO2e per kg (WRAP, “Benefits of Reuse”, as used by Freegle). Items sold and given away "
            "count every item handed over in the period, upcycled ones too."
        )
        % {"reuse": _number(REUSE_CO2E_PER_KG, 2)},
        _(
            "Hours of work are the hours logged by workshop members; people engaged are the distinct people who "
            "logged work. Jobs count on the day they were completed, work on the day it was done, items on the day "
            "they were handed over."
        ),
        _(
            "Sources: reference weights and footprints of the Open Repair Data Standard (ORDS) categories, Open "
            "Repair Alliance (openrepair/tools, dat/ords_category_lca_reference.csv); unpowered categories and the "
            "emission ratios: the Restart Project's Fixometer (TheRestartProject/restarters.net); reuse: WRAP "
            "“Benefits of Reuse”. Details: listings/data/SOURCES.md in Kredsløb's source code."
        ),
    ]
