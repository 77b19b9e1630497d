"""The browse grid (the home page): the page's filters in the marketplace's own names and rules
(`listings.search`), the listings through `listings.selectors.listing_browse`, in the chosen order by the keyset
pagination the API uses too (`core.keyset`), and the category choices of the filter form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from core import keyset
from core.errors import InvalidInput
from listings.models import Category, Kind, Listing, ListingStatus
from listings.search import listing_filters_clean, order_key, search_suggestion
from listings.selectors import BROWSE_FIELDS, listing_browse

from .photos import photo_image

PAGE_SIZE = 24


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
    ordering: str = ""


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
    cards: list[dict[str, Any]]
    next_cursor: str | None
    suggestion: str | None = None  # "did you mean …?" (`listings.search.search_suggestion`)


def listing_cards(listings: list[Listing]) -> list[dict[str, Any]]:
    """What a listing card shows: the listing, and the image of its first ready photo (`ready_photos_prefetch`)."""
    return [
        {"listing": row, "image": photo_image(row.ready_photos[0]) if row.ready_photos else None}  # type: ignore[attr-defined]
        for row in listings
    ]


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
        "ordering": filters.ordering,
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


def browse_listings(*, filters: BrowseFilters, cursor: str = "", limit: int = PAGE_SIZE) -> BrowsePage:
    """Active listings for buyers (no donations for repair) through the marketplace's `listing_browse` and filter
    cleaning, in the chosen order (`listings.search.order_key`: newest first by default, relevance when
    searching) by keyset pagination over the order's key, as the API pages. Two queries (three when searching:
    the typo fallback's count, as in the API)."""
    cleaned = browse_filters_clean(filters)
    qs: QuerySet[Listing] = (
        listing_browse(filters=cleaned)
        .filter(status=ListingStatus.ACTIVE)
        .exclude(kind=Kind.REPAIR)
        # `only` again replaces the field list: the card also shows the category's name.
        .only(*BROWSE_FIELDS, "category__name_da", "category__name_en")
    )
    key = order_key(cleaned)
    position = keyset.cursor_decode(cursor, fields=key.fields) if cursor else None
    page = keyset.keyset_page(qs, fields=key.fields, descending=key.descending, position=position, limit=limit)
    return BrowsePage(
        cards=listing_cards(page.rows), next_cursor=page.next_cursor, suggestion=search_suggestion(cleaned)
    )


def category_choices(tree: list[Category]) -> list[tuple[str, str]]:
    """(slug, label) pairs for a select: children indented under their parent."""
    depth: dict[int, int] = {}
    choices = []
    for node in tree:
        level = depth[node.parent_id] + 1 if node.parent_id in depth else 0
        depth[node.pk] = level
        choices.append((node.slug, "\u00a0\u00a0" * level + node.name))
    return choices
