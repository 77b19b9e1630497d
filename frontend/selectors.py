"""Reads that only the pages need: the browse grid, a listing's page, the impact figures and a workshop's profile.

Everything here is presentation over the models and the apps' own rules (`repairs.impact` for the savings
of one item, `repairs.selectors.listing_provenance` for the timeline). When the marketplace and repairs
work lands its own search and impact-totals selectors, these functions should call them instead.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from listings.models import PUBLIC_LISTING_STATUSES, Category, Kind, Listing, ListingStatus, Photo, PhotoStatus
from listings.search import listing_filters_clean
from listings.selectors import BROWSE_FIELDS, category_tree, listing_browse
from marketplace.accounts.models import Workshop
from marketplace.errors import InvalidInput
from marketplace.trade.models import Notification
from repairs import impact
from repairs.models import JobStatus, Outcome, RepairJob, WorkLog

PAGE_SIZE = 24
THUMB_SMALL = "w320"
THUMB_LARGE = "w1024"

_BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"


def blurhash_average_colour(blurhash: str) -> str:
    """The average colour a blurhash encodes (its DC component, characters 3–6), as `#rrggbb`; grey if unreadable.

    Painted as the image's background, it is the placeholder while the photo loads — no script needed."""
    value = 0
    try:
        for char in blurhash[2:6]:
            value = value * 83 + _BASE83.index(char)
    except ValueError:
        return "#d9d6cf"
    if len(blurhash) < 6:
        return "#d9d6cf"
    return f"#{value:06x}"


@dataclass(frozen=True)
class Image:
    src: str
    srcset: str
    width: int
    height: int
    colour: str


def photo_image(photo: Photo) -> Image | None:
    """The `<img>` attributes for a ready photo: the small variant as `src`, both sizes in `srcset`."""
    variants: dict[str, dict[str, Any]] = photo.variants or {}
    sizes = [variants[key] for key in (THUMB_SMALL, THUMB_LARGE) if key in variants and variants[key].get("name")]
    if not sizes:
        return None
    small = sizes[0]
    srcset = ", ".join(f"{default_storage.url(v['name'])} {int(v['width'])}w" for v in sizes)
    return Image(
        src=default_storage.url(small["name"]),
        srcset=srcset,
        width=int(small["width"]),
        height=int(small["height"]),
        colour=blurhash_average_colour(photo.blurhash),
    )


def _ready_photos() -> Prefetch[Any]:
    return Prefetch(
        "photos", queryset=Photo.objects.filter(status=PhotoStatus.READY).order_by("position", "id"), to_attr="ready"
    )


# --- Browse ----------------------------------------------------------------------------------------


@dataclass
class BrowseFilters:
    q: str = ""
    category: str = ""
    condition: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    free_only: bool = False
    upcycled_only: bool = False
    area: str = ""


def encode_cursor(listing: Listing) -> str:
    raw = json.dumps([listing.created_at.isoformat(), listing.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, pk = json.loads(raw)
        moment = parse_datetime(created)
        if moment is None or not isinstance(pk, int):
            return None
        return moment, pk
    except (binascii.Error, ValueError, TypeError):
        return None


@dataclass
class BrowsePage:
    listings: list[Listing]
    next_cursor: str | None
    cards: list[dict[str, Any]] = field(default_factory=list)


def browse_query(filters: BrowseFilters) -> dict[str, str]:
    """The page's filters in the names `listings.search.listing_filters_clean` reads (the API's names)."""
    raw = {
        "q": filters.q,
        "category": filters.category,
        "condition": filters.condition,
        "min_price": "" if filters.min_price is None else str(filters.min_price),
        "max_price": "" if filters.max_price is None else str(filters.max_price),
        "kind": Kind.FREE if filters.free_only else "",
        "upcycled": "true" if filters.upcycled_only else "",
        "area": filters.area,
    }
    return {k: v for k, v in raw.items() if v}


def browse_filters_clean(filters: BrowseFilters) -> dict[str, Any]:
    """Clean with the marketplace's own rules; a filter it refuses is left out (browsing never fails)."""
    raw = browse_query(filters)
    for _attempt in range(len(raw) + 1):
        try:
            return listing_filters_clean(raw)
        except InvalidInput as error:
            bad = set(error.errors) or set(raw)
            raw = {k: v for k, v in raw.items() if k not in bad}
    return listing_filters_clean({})


def browse_listings(
    *, filters: BrowseFilters, tree: list[Category], cursor: str = "", limit: int = PAGE_SIZE
) -> BrowsePage:
    """Active listings for buyers (no donations for repair), newest first, through the marketplace's
    `listing_browse` and filter cleaning; keyset pagination on (created_at, id). Two queries."""
    cleaned = browse_filters_clean(filters)
    qs: QuerySet[Listing] = (
        listing_browse(filters=cleaned)
        .filter(status=ListingStatus.ACTIVE)
        .exclude(kind=Kind.REPAIR)
        # `only` again replaces the field list: the card also shows the category's name.
        .only(*BROWSE_FIELDS, "category__name_da", "category__name_en")
    )
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        created, pk = position
        qs = qs.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-id")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    page = BrowsePage(listings=rows, next_cursor=encode_cursor(rows[-1]) if has_more and rows else None)
    page.cards = [
        {"listing": row, "image": photo_image(row.ready_photos[0]) if row.ready_photos else None}  # type: ignore[attr-defined]
        for row in rows
    ]
    return page


# --- One listing -----------------------------------------------------------------------------------


def listing_for_page(*, pk: int, viewer: Any) -> Listing | None:
    """A public listing (or the owner's own, whatever its status) with what its page shows."""
    qs = Listing.objects.select_related(
        "category",
        "seller",
        "workshop",
        "source_job__category",
        "source_job__workshop",
        "source_job__listing",
    ).prefetch_related(_ready_photos(), "source_job__events")
    visible = Q(status__in=PUBLIC_LISTING_STATUSES)
    if getattr(viewer, "is_authenticated", False):
        visible |= Q(seller=viewer)
    return qs.filter(visible, pk=pk).first()


def listing_savings(listing: Listing) -> tuple[Decimal, Decimal] | None:
    """(kg kept in use, kg CO2e avoided) for this item, by PRODUCT.md's rules in `repairs.impact`."""
    job = listing.source_job
    if job is not None and job.outcome == Outcome.FIXED:
        kg, co2e = impact.repair_savings(category=job.category, weight_estimate_kg=listing.weight_kg)
    else:
        kg, co2e = impact.reuse_savings(category=listing.category, weight_estimate_kg=listing.weight_kg)
    if kg <= 0 and co2e <= 0:
        return None
    return kg, co2e


# --- Impact ----------------------------------------------------------------------------------------


@dataclass
class MonthBar:
    month: date
    jobs: int
    hours: Decimal
    jobs_pct: int = 0
    hours_pct: int = 0


@dataclass
class ImpactSummary:
    fixed: int = 0
    repairable: int = 0
    end_of_life: int = 0
    items_reused: int = 0
    waste_prevented_kg: Decimal = Decimal(0)
    co2e_avoided_kg: Decimal = Decimal(0)
    hours_worked: Decimal = Decimal(0)
    people_engaged: int = 0
    months: list[MonthBar] = field(default_factory=list)

    @property
    def jobs_completed(self) -> int:
        return self.fixed + self.repairable + self.end_of_life

    def outcome_bars(self) -> list[tuple[str, int, int]]:
        top = max(self.fixed, self.repairable, self.end_of_life, 1)
        return [
            (str(label), count, round(100 * count / top))
            for label, count in (
                (Outcome.FIXED.label, self.fixed),
                (Outcome.REPAIRABLE.label, self.repairable),
                (Outcome.END_OF_LIFE.label, self.end_of_life),
            )
        ]


def impact_summary(*, workshop: Workshop | None = None, months: int = 12) -> ImpactSummary:
    """Totals for all of 9220 (or one workshop) and the last `months` months, from the per-item rules in
    `repairs.impact`. A handful of queries whatever the data size, except one row per fixed job and sold item."""
    summary = ImpactSummary()
    jobs = RepairJob.objects.filter(status=JobStatus.COMPLETED)
    logs = WorkLog.objects.all()
    if workshop is not None:
        jobs = jobs.filter(workshop=workshop)
        logs = logs.filter(workshop=workshop)
    for row in jobs.values("outcome").annotate(n=Count("id")):
        if row["outcome"] in Outcome.values:
            setattr(summary, row["outcome"], row["n"])
    for job in (
        jobs.filter(outcome=Outcome.FIXED)
        .select_related("category", "listing")
        .only("id", "category", "listing__weight_kg")
    ):
        kg, co2e = impact.repair_savings(
            category=job.category, weight_estimate_kg=job.listing.weight_kg if job.listing else None
        )
        summary.waste_prevented_kg += kg
        summary.co2e_avoided_kg += co2e
    reused = Listing.objects.filter(status=ListingStatus.SOLD, source_job__isnull=True).exclude(kind=Kind.REPAIR)
    if workshop is not None:
        reused = reused.filter(workshop=workshop)
    for listing in reused.select_related("category").only("id", "weight_kg", "category"):
        kg, co2e = impact.reuse_savings(category=listing.category, weight_estimate_kg=listing.weight_kg)
        summary.items_reused += 1
        summary.waste_prevented_kg += kg
        summary.co2e_avoided_kg += co2e
    totals = logs.aggregate(hours=Sum("hours"), people=Count("member", distinct=True))
    summary.hours_worked = totals["hours"] or Decimal(0)
    summary.people_engaged = totals["people"] or 0

    today = timezone.localdate()
    first = date(today.year, today.month, 1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        starts.append(date(year, month + 1, 1))
    jobs_by_month = {
        _month(row["m"]): row["n"]
        for row in jobs.filter(completed_at__date__gte=starts[0])
        .annotate(m=TruncMonth("completed_at"))
        .values("m")
        .annotate(n=Count("id"))
    }
    hours_by_month = {
        _month(row["m"]): row["h"]
        for row in logs.filter(date__gte=starts[0]).annotate(m=TruncMonth("date")).values("m").annotate(h=Sum("hours"))
    }
    bars = [MonthBar(month=m, jobs=jobs_by_month.get(m, 0), hours=hours_by_month.get(m) or Decimal(0)) for m in starts]
    top_jobs = max((b.jobs for b in bars), default=0) or 1
    top_hours = max((b.hours for b in bars), default=Decimal(0)) or Decimal(1)
    for bar in bars:
        bar.jobs_pct = round(100 * bar.jobs / top_jobs)
        bar.hours_pct = round(100 * bar.hours / top_hours)
    summary.months = bars
    return summary


def _month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date(value.year, value.month, 1)


# --- Workshops -------------------------------------------------------------------------------------


def workshop_for_page(*, slug: str) -> Workshop | None:
    return Workshop.objects.prefetch_related("categories").filter(slug=slug, verified=True).first()


def workshop_goods(*, workshop: Workshop, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    rows = list(
        Listing.objects.filter(workshop=workshop, status__in=(ListingStatus.ACTIVE, ListingStatus.RESERVED))
        .select_related("category", "workshop")
        .prefetch_related(_ready_photos())
        .order_by("-created_at", "-id")[:limit]
    )
    return [{"listing": r, "image": photo_image(r.ready[0]) if r.ready else None} for r in rows]  # type: ignore[attr-defined]


# --- My page --------------------------------------------------------------------------------------


def my_listings(*, user: Any, limit: int = 50) -> list[Listing]:
    """The person's own listings, whatever their status (read-only: editing comes with the listing services)."""
    return list(Listing.objects.filter(seller=user).select_related("category").order_by("-created_at", "-id")[:limit])


def my_notifications(*, user: Any, limit: int = 10) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def category_choices(tree: list[Category]) -> list[tuple[str, str]]:
    """(slug, label) pairs for a select: children indented under their parent."""
    depth: dict[int, int] = {}
    choices = []
    for node in tree:
        level = depth[node.parent_id] + 1 if node.parent_id in depth else 0
        depth[node.pk] = level
        choices.append((node.slug, "\u00a0\u00a0" * level + node.name))
    return choices


def browse_tree() -> list[Category]:
    return category_tree()
