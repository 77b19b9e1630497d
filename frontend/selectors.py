"""Reads that only the pages need: the browse grid, a listing's page, the impact figures and a workshop's profile.

Everything here is presentation over the models and the apps' own rules (`impact.selectors` for the savings
of one item, `repairs.selectors.listing_provenance` for the timeline). When the marketplace and repairs
work lands its own search and impact-totals selectors, these functions should call them instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from accounts.models import Workshop
from core import keyset
from core.errors import InvalidInput
from impact import selectors as impact
from listings import selectors as listing_selectors
from listings.models import Category, Kind, Listing, ListingStatus, Photo
from listings.search import listing_filters_clean
from listings.selectors import BROWSE_FIELDS, category_tree, listing_browse, listing_get, ready_photos_prefetch
from notifications.models import Notification
from repairs.models import Outcome

PAGE_SIZE = 24
SRCSET = ("w320", "w1024")  # the public variants a browser chooses from for a card or a listing page

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
    """The `<img>` attributes for a photo the public may see: `listings.selectors.photo_thumbnail` (a ready photo's
    small variant) as `src`, and the small and large public variants in `srcset`. None before it is ready."""
    thumbnail = listing_selectors.photo_thumbnail(photo)
    if thumbnail is None:
        return None
    variants = listing_selectors.photo_public_variants(photo)
    srcset = ", ".join(f"{variants[key]['url']} {int(variants[key]['width'])}w" for key in SRCSET if key in variants)
    return Image(
        src=thumbnail["url"],
        srcset=srcset,
        width=int(thumbnail["width"]),
        height=int(thumbnail["height"]),
        colour=blurhash_average_colour(thumbnail["blurhash"]),
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


# The pages page newest first, by the same keyset pagination as the API (`core.keyset`).
NEWEST_FIRST = ("created_at", "id")


def decode_cursor(cursor: str) -> keyset.Position | None:
    """The position a newest-first cursor names; None for anything else (the page starts at the top)."""
    return keyset.cursor_decode(cursor, fields=NEWEST_FIRST) if cursor else None


def newest_first_page(qs: QuerySet[Any], *, cursor: str, limit: int) -> tuple[list[Any], str | None]:
    """One page of `qs` newest first by keyset on (created_at, id) — rows arriving meanwhile never shift a
    page — and the cursor of the next page (None on the last)."""
    page = keyset.keyset_page(qs, fields=NEWEST_FIRST, descending=True, position=decode_cursor(cursor), limit=limit)
    return page.rows, page.next_cursor


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
    rows, next_cursor = newest_first_page(qs, cursor=cursor, limit=limit)
    page = BrowsePage(listings=rows, next_cursor=next_cursor)
    page.cards = [
        {"listing": row, "image": photo_image(row.ready_photos[0]) if row.ready_photos else None}  # type: ignore[attr-defined]
        for row in rows
    ]
    return page


# --- One listing -----------------------------------------------------------------------------------


def listing_for_page(*, pk: int, viewer: Any) -> Listing:
    """The listing as `listings.selectors.listing_get` finds it for the viewer (NotFound when it is not theirs to
    see), with what its page shows beside: where it came from (`repairs.selectors.listing_provenance`)."""
    return listing_get(
        pk=pk,
        user=viewer,
        select_related=("source_job__category", "source_job__workshop", "source_job__listing"),
        prefetch_related=("source_job__events",),
    )


# --- Impact ----------------------------------------------------------------------------------------
#
# The figures are `impact.selectors.impact_summary` — the very numbers `GET /api/v1/impact/` answers — shaped
# for the page: the last 12 months (months without activity as zeros) and the geometry of small SVG charts,
# computed here so the template draws them without a script and without inline styles.

CHART_WIDTH = 360
CHART_HEIGHT = 150
CHART_TOP = 14
CHART_BASE = 124  # y of the x axis; month labels below it
CHART_LEFT = 6
CHART_SLOT = 29  # horizontal space per month


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
    top_y: int = CHART_TOP


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
        columns.append(ChartColumn(label=dateformat.format(row.month, "M"), label_x=_svg(x + bar_width / 2), bars=bars))
    return Chart(key=key, title=title, unit=unit, total=total, top=top, columns=columns)


def impact_summary(*, workshop: Workshop | None = None, months: int = 12) -> ImpactSummary:
    """All-time totals (or one workshop's) and the last `months` months, drawn as charts. Six queries."""

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


# --- Workshops -------------------------------------------------------------------------------------


def workshop_for_page(*, slug: str) -> Workshop | None:
    return Workshop.objects.prefetch_related("categories").filter(slug=slug, verified=True).first()


def workshop_goods(*, workshop: Workshop, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    rows = list(
        Listing.objects.filter(workshop=workshop, status__in=(ListingStatus.ACTIVE, ListingStatus.RESERVED))
        .select_related("category", "workshop")
        .prefetch_related(ready_photos_prefetch())
        .order_by("-created_at", "-id")[:limit]
    )
    return [{"listing": r, "image": photo_image(r.ready_photos[0]) if r.ready_photos else None} for r in rows]  # type: ignore[attr-defined]


# --- My page --------------------------------------------------------------------------------------


def my_listings(*, user: Any, limit: int = 50) -> list[Listing]:
    """The listings the person sells, whatever their status: their own, and those they published for a workshop
    they still belong to (`listings.selectors.listing_managed_by`: who leaves a workshop stops selling as it)."""
    qs = Listing.objects.filter(seller=user).filter(Q(workshop__isnull=True) | Q(workshop__memberships__user=user))
    return list(qs.select_related("category").order_by("-created_at", "-id")[:limit])


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
