"""Impact figures from lca_categories.csv (PRODUCT.md "Impact"): kg, CO2e and hours, from repairs and from reuse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import Workshop
from donations.models import MaterialLot
from listings.models import Category, Kind, Listing, ListingStatus
from repairs.models import JobStatus, Outcome, RepairJob, WorkLog

DISPLACEMENT = Decimal("0.5")
EMISSION_RATIO_POWERED = Decimal("32.06679233")
EMISSION_RATIO_UNPOWERED = Decimal("17.70147059")
REUSE_CO2E_PER_KG = Decimal("0.51")


def _estimate(category: Category, weight_estimate_kg: Decimal | None) -> Decimal:
    """An item's weight estimate as impact counts it: only within its category's plausible bounds
    (`Category.weight_in_bounds`), else nothing — a 99,999 kg "misc" item inflates no figure."""
    if weight_estimate_kg is None or not category.weight_in_bounds(weight_estimate_kg):
        return Decimal(0)
    return weight_estimate_kg


def repair_savings(*, category: Category, weight_estimate_kg: Decimal | None) -> tuple[Decimal, Decimal]:
    """(kg of waste prevented, kg CO2e avoided) for one job completed `fixed`."""
    if category.weight_kg > 0:
        return category.weight_kg, category.footprint_kg_co2e * DISPLACEMENT
    weight = _estimate(category, weight_estimate_kg)
    ratio = EMISSION_RATIO_POWERED if category.powered else EMISSION_RATIO_UNPOWERED
    return weight, weight * ratio * DISPLACEMENT


def reuse_savings(*, category: Category, weight_estimate_kg: Decimal | None) -> tuple[Decimal, Decimal]:
    """(kg reused, kg CO2e avoided) for an item sold or given away as it is."""
    weight = category.weight_kg if category.weight_kg > 0 else _estimate(category, weight_estimate_kg)
    return weight, weight * REUSE_CO2E_PER_KG


def listing_impact(*, listing: Listing) -> dict[str, Decimal]:
    """What using this item again instead of buying new saves, for the API and the listing page alike (PRODUCT.md
    "Impact"): an item out of a repair job completed `fixed` counts that repair's savings (by the job's category,
    as the impact totals count it); any other item, sold or given away as it is, counts reuse."""
    job = listing.source_job
    if job is not None and job.outcome == Outcome.FIXED:
        waste_kg, co2e_kg = repair_savings(category=job.category, weight_estimate_kg=listing.weight_kg)
    else:
        waste_kg, co2e_kg = reuse_savings(category=listing.category, weight_estimate_kg=listing.weight_kg)
    return {"co2e_kg": co2e_kg.quantize(Decimal("0.01")), "waste_kg": waste_kg.quantize(Decimal("0.001"))}


# --- Aggregates (per workshop, per month, in total) ------------------------------------------------------------

_KG = DecimalField(max_digits=14, decimal_places=3)
_ZERO = Value(Decimal(0), output_field=_KG)


def _estimate_sql(weight: str, category: str) -> Case:
    """`_estimate` in SQL: the estimate at `weight` if its category (at `category`) finds it plausible, else 0."""
    return Case(
        When(Category.weight_in_bounds_q(weight=weight, category=category), then=F(weight)),
        default=_ZERO,
        output_field=_KG,
    )


def _fixed_kg() -> Case:
    """Per fixed job: the category weight, or the item's estimate where the category weight is 0."""
    return Case(
        When(category__weight_kg__gt=0, then=F("category__weight_kg")),
        default=_estimate_sql("listing__weight_kg", "category"),
        output_field=_KG,
    )


def _fixed_co2e() -> Case:
    """Per fixed job: footprint × displacement, or estimate × emission ratio × displacement."""
    estimate = _estimate_sql("listing__weight_kg", "category")
    return Case(
        When(
            category__weight_kg__gt=0,
            then=ExpressionWrapper(F("category__footprint_kg_co2e") * Value(DISPLACEMENT), output_field=_KG),
        ),
        When(
            category__powered=True,
            then=ExpressionWrapper(estimate * Value(EMISSION_RATIO_POWERED * DISPLACEMENT), output_field=_KG),
        ),
        default=ExpressionWrapper(estimate * Value(EMISSION_RATIO_UNPOWERED * DISPLACEMENT), output_field=_KG),
        output_field=_KG,
    )


def _reuse_kg() -> Case:
    return Case(
        When(category__weight_kg__gt=0, then=F("category__weight_kg")),
        default=_estimate_sql("weight_kg", "category"),
        output_field=_KG,
    )


def _job_aggregates() -> dict[str, Any]:
    fixed = Q(outcome=Outcome.FIXED)
    return {
        "jobs_completed": Count("id"),
        "fixed": Count("id", filter=fixed),
        "repairable": Count("id", filter=Q(outcome=Outcome.REPAIRABLE)),
        "end_of_life": Count("id", filter=Q(outcome=Outcome.END_OF_LIFE)),
        "repair_kg": Coalesce(Sum(_fixed_kg(), filter=fixed), _ZERO),
        "repair_co2e": Coalesce(Sum(_fixed_co2e(), filter=fixed), _ZERO),
    }


def _reuse_aggregates() -> dict[str, Any]:
    """Over every item handed over (sold or given away): reuse counts those that did not come out of a repair job
    (a repaired one counts as its repair); items sold and given away count them all."""
    as_it_was = Q(source_job__isnull=True)
    return {
        "items_reused": Count("id", filter=as_it_was),
        "reuse_kg": Coalesce(Sum(_reuse_kg(), filter=as_it_was), _ZERO),
        "items_sold": Count("id", filter=Q(kind=Kind.SALE)),
        "items_given_away": Count("id", filter=Q(kind=Kind.FREE)),
    }


def _work_aggregates() -> dict[str, Any]:
    return {
        "hours_worked": Coalesce(Sum("hours"), Value(Decimal(0), output_field=_KG)),
        "people_engaged": Count("member", distinct=True),
    }


def _in_range(field: str, date_from: date | None, date_to: date | None) -> Q:
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": date_from})
    if date_to:
        q &= Q(**{f"{field}__lte": date_to})
    return q


def _querysets(
    workshop: Workshop | None, date_from: date | None, date_to: date | None
) -> tuple[QuerySet[RepairJob], QuerySet[Listing], QuerySet[WorkLog]]:
    jobs = RepairJob.objects.filter(status=JobStatus.COMPLETED).filter(
        _in_range("completed_at__date", date_from, date_to)
    )
    # Handed over: sold (or given away) listings; reuse counts those that did not come out of a repair job.
    reused = (
        Listing.objects.filter(status=ListingStatus.SOLD, kind__in=[Kind.SALE, Kind.FREE])
        .annotate(sold=Coalesce("sold_at", "updated_at"))
        .filter(_in_range("sold__date", date_from, date_to))
    )
    logs = WorkLog.objects.filter(_in_range("date", date_from, date_to))
    if workshop is not None:
        jobs, reused, logs = (
            jobs.filter(workshop=workshop),
            reused.filter(workshop=workshop),
            logs.filter(workshop=workshop),
        )
    return jobs.order_by(), reused.order_by(), logs.order_by()


def _q(value: Decimal | float | int | None, places: str = "0.001") -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal(places))


def _lots(workshop: Workshop | None, date_from: date | None, date_to: date | None) -> QuerySet[MaterialLot]:
    """Organisations' material lots made into products (`donations.services.lot_use`), by the month first used."""
    lots = MaterialLot.objects.filter(used_at__isnull=False).filter(_in_range("used_at__date", date_from, date_to))
    if workshop is not None:
        lots = lots.filter(batch__workshop=workshop)
    return lots.order_by()


def _figures(
    job: dict[str, Any], reuse: dict[str, Any], work: dict[str, Any], lots: dict[str, Any] | None = None
) -> dict[str, Any]:
    reuse_kg = _q(reuse.get("reuse_kg"))
    # Surplus materials made into products count by weight (no CO2e factor is claimed for them).
    upcycled_kg = _q((lots or {}).get("upcycled_kg"))
    reuse_co2e = _q(reuse_kg * REUSE_CO2E_PER_KG)
    repair_kg, repair_co2e = _q(job.get("repair_kg")), _q(job.get("repair_co2e"))
    return {
        "jobs_completed": job.get("jobs_completed", 0),
        "fixed": job.get("fixed", 0),
        "repairable": job.get("repairable", 0),
        "end_of_life": job.get("end_of_life", 0),
        "items_reused": reuse.get("items_reused", 0),
        "items_sold": reuse.get("items_sold", 0),
        "items_given_away": reuse.get("items_given_away", 0),
        "waste_prevented_kg": repair_kg + reuse_kg + upcycled_kg,
        "co2e_avoided_kg": repair_co2e + reuse_co2e,
        "repair_waste_prevented_kg": repair_kg,
        "repair_co2e_avoided_kg": repair_co2e,
        "reuse_kg": reuse_kg,
        "reuse_co2e_avoided_kg": reuse_co2e,
        "upcycled_kg": upcycled_kg,
        "hours_worked": _q(work.get("hours_worked"), "0.01"),
        "people_engaged": work.get("people_engaged", 0),
    }


def _by_category(jobs: QuerySet[RepairJob]) -> list[dict[str, Any]]:
    """Completed jobs per category and outcome, with the kg and CO2e of the fixed ones (the totals' formulas)."""
    rows: Any = (
        jobs.values("category__slug", "category__name_da", "category__name_en")
        .annotate(**_job_aggregates())
        .order_by("-jobs_completed", "category__slug")  # type: ignore[misc]  # an annotation, unknown to the stubs
    )
    return [
        {
            "category": row["category__slug"],
            "name_da": row["category__name_da"],
            "name_en": row["category__name_en"],
            "jobs_completed": row["jobs_completed"],
            "fixed": row["fixed"],
            "repairable": row["repairable"],
            "end_of_life": row["end_of_life"],
            "waste_prevented_kg": _q(row["repair_kg"]),
            "co2e_avoided_kg": _q(row["repair_co2e"]),
        }
        for row in rows
    ]


def impact_summary(
    *,
    workshop: Workshop | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    details: bool = False,
) -> dict[str, Any]:
    """Impact in total (or for one workshop) between two dates, with a `by_month` breakdown — five aggregate
        queries whatever the number of rows. Jobs count in the month they were completed, work in the month it
        was done, reuse in the month the hand-over was completed (`sold_at`; for rows sold before that field
    existed or marked sold by hand in the admin, the month the listing was last changed).

    `items_sold` and `items_given_away` count every item handed over, upcycled ones too. `details` adds, in one
    more query, `by_category` (completed jobs per category and outcome) — for the API and the period report."""
    jobs, reused, logs = _querysets(workshop, date_from, date_to)
    # The lots' kg by month, in one query; their total is the sum of the months.
    lot_kg = {"upcycled_kg": Coalesce(Sum("kg"), Value(Decimal(0), output_field=_KG))}
    lot_rows = _lots(workshop, date_from, date_to).annotate(m=TruncMonth("used_at")).values("m").annotate(**lot_kg)
    lot_months: list[dict[str, Any]] = [dict(row) for row in lot_rows]
    # The items handed over by month, in one query; their totals are the sums of the months (every one is a count
    # or a sum). The scan of every handed-over item is the costliest read of the page: it is made once, not twice.
    reuse = _reuse_aggregates()
    reuse_months: list[dict[str, Any]] = [
        dict(row) for row in reused.annotate(m=TruncMonth("sold")).values("m").annotate(**reuse)
    ]
    reuse_total = {key: sum(row[key] for row in reuse_months) for key in reuse}  # (`_figures` rounds the kg)
    total = _figures(
        jobs.aggregate(**_job_aggregates()),
        reuse_total,
        logs.aggregate(**_work_aggregates()),
        {"upcycled_kg": sum((row["upcycled_kg"] for row in lot_months), Decimal(0))},
    )
    months: dict[str, dict[str, dict[str, Any]]] = {}
    for key, rows in (
        ("job", jobs.annotate(m=TruncMonth("completed_at")).values("m").annotate(**_job_aggregates())),
        ("reuse", reuse_months),
        ("work", logs.annotate(m=TruncMonth("date")).values("m").annotate(**_work_aggregates())),
        ("lots", lot_months),
    ):
        for row in rows:
            values: dict[str, Any] = dict(row)
            month = values.pop("m")
            label = month.strftime("%Y-%m") if month else "unknown"
            months.setdefault(label, {})[key] = values
    total["by_month"] = [
        {
            "month": label,
            **_figures(parts.get("job", {}), parts.get("reuse", {}), parts.get("work", {}), parts.get("lots", {})),
        }
        for label, parts in sorted(months.items())
    ]
    if details:
        total["by_category"] = _by_category(jobs)
    return total
