"""Browse filters and full-text search for listings.

One filter set serves browse (`GET /api/v1/listings/`) and saved searches: `listing_filters_clean` turns raw
strings into typed values (or raises `InvalidInput`), `listing_filters_apply` narrows a queryset.

Search backends:
- **PostgreSQL**: `to_tsvector('danish', title || ' ' || description)` (a stored generated column,
  `search_document`) matched with a `websearch` query in the
  Danish configuration (Snowball stemming: "stole" finds "stol", "computere" finds "computer"; lower-casing
  that knows æ/ø/å), ranked with `ts_rank`. Migration `trade.0002_listing_search_indexes` adds the column, a GIN
  index on it and a pg_trgm GIN index on the title. Typo tolerance, as a fallback: when the
  full text finds fewer than `TYPO_FALLBACK_BELOW` listings (one cheap counting query, LIMITed), a title
  whose trigram *word similarity* to the query passes pg_trgm's threshold (`%>`, 0.6) matches too, ranked
  below every full-text hit (its rank is the similarity scaled down). Both conditions then use their own
  index (a BitmapOr). The fallback is decided per request from the data, so a cursor stays consistent as
  long as the matches do.
- **SQLite** (development default): every word of the query must occur in the title or the description
  (`LIKE`). SQLite's `LIKE` folds case for ASCII only, so each word is also tried lower-cased, capitalised and
  upper-cased — enough for "BLÅ" to find "blå". No stemming, no ranking (relevance orders newest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from .areas import area_names, area_normalise
from .models import Category, Condition, Kind, Listing

# The generated, GIN-indexed column `to_tsvector('danish', title || ' ' || description)` that migration
# `trade.0002_listing_search_indexes` adds on PostgreSQL (Django's model does not declare it: not portable).
FTS_SQL = '"listings_listing"."search_document"'
TYPO_FALLBACK_BELOW = 5  # fewer full-text hits than this (within the other filters) → add trigram matches
TRIGRAM_RANK_SCALE = 0.01  # trigram-only hits rank below any full-text hit (ts_rank of a hit is ≥ ~0.06)

ORDERINGS = ("newest", "price", "-price", "relevance")
FILTER_FIELDS = (
    "q",
    "category",
    "condition",
    "kind",
    "min_price",
    "max_price",
    "area",
    "workshop",
    "upcycled",
    "ordering",
)


@dataclass(frozen=True)
class OrderKey:
    """A compound keyset ordering: every field in the same direction, ending in the unique id."""

    fields: tuple[str, ...]
    descending: bool


ORDER_KEYS = {
    "newest": OrderKey(("created_at", "id"), descending=True),
    "price": OrderKey(("price_dkk", "id"), descending=False),
    "-price": OrderKey(("price_dkk", "id"), descending=True),
    "relevance": OrderKey(("rank", "id"), descending=True),
}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    return None


def _price(value: Any) -> Decimal | None:
    try:
        price = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not price.is_finite() or price < 0 or price >= Decimal("100000000"):
        return None
    return price


def listing_filters_clean(raw: Any) -> dict[str, Any]:
    """Raw query parameters (or a saved search's JSON) → typed filters. Unknown keys are ignored; bad values
    raise `InvalidInput` with a message per field. Empty values mean "no filter"."""
    errors: dict[str, list[Any]] = {}
    out: dict[str, Any] = {}

    def get(name: str) -> str:
        value = raw.get(name) if hasattr(raw, "get") else None
        if isinstance(value, bool):
            return "true" if value else "false"
        # PostgreSQL cannot hold a NUL character in text, and no filter value means one: drop it.
        return "" if value is None else str(value).replace("\x00", "").strip()

    q = get("q")
    if q:
        if len(q) > 200:
            errors["q"] = [_("The search text can be at most 200 characters.")]
        else:
            out["q"] = q
    category = get("category")
    if category:
        if not Category.objects.filter(slug=category).exists():
            errors["category"] = [_("Unknown category “%(value)s”.") % {"value": category}]
        else:
            out["category"] = category
    for name, choices in (("condition", Condition), ("kind", Kind)):
        value = get(name)
        if value:
            if value not in choices.values:
                errors[name] = [_("“%(value)s” is not a valid choice.") % {"value": value}]
            else:
                out[name] = value
    for name in ("min_price", "max_price"):
        value = get(name)
        if value:
            price = _price(value)
            if price is None:
                errors[name] = [_("Enter a price in DKK of 0 or more.")]
            else:
                out[name] = price
    if "min_price" in out and "max_price" in out and out["min_price"] > out["max_price"]:
        errors["max_price"] = [_("The maximum price is below the minimum price.")]
    workshop = get("workshop")
    if workshop:
        out["workshop"] = workshop[:80]
    area = get("area")
    if area:
        # One of the neighbourhoods (`listings.areas`), by its name or an alias in any case.
        name = area_normalise(area[:80])
        if name:
            out["area"] = name
        else:
            errors["area"] = [
                _("Choose the neighbourhood from the list: %(names)s.") % {"names": ", ".join(area_names())}
            ]
    upcycled = get("upcycled")
    if upcycled:
        flag = _bool(upcycled)
        if flag is None:
            errors["upcycled"] = [_("Use true or false.")]
        else:
            out["upcycled"] = flag
    ordering = get("ordering")
    if ordering:
        if ordering not in ORDERINGS:
            errors["ordering"] = [_("Order by one of: newest, price, -price, relevance.")]
        elif ordering == "relevance" and "q" not in out:
            errors["ordering"] = [_("Ordering by relevance needs a search text (q).")]
        else:
            out["ordering"] = ordering
    if errors:
        raise InvalidInput(_("Some filters are not valid."), errors=errors)
    out.setdefault("ordering", "relevance" if "q" in out else "newest")
    return out


def listing_filters_to_json(filters: dict[str, Any]) -> dict[str, Any]:
    """Cleaned filters → JSON for a saved search (decimals as strings)."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in filters.items()}


def _text_search(qs: QuerySet[Listing], q: str) -> QuerySet[Listing]:
    if is_postgres():
        query = SearchQuery(q, config="danish", search_type="websearch")
        # A constant SQL text with no user input: the user's words only go into the bound SearchQuery.
        fts = RawSQL(FTS_SQL, [], output_field=SearchVectorField())  # type: ignore[arg-type]  # noqa: S611  # nosec B611
        qs = qs.annotate(document=fts)
        full_text = qs.filter(document=query)
        if full_text[:TYPO_FALLBACK_BELOW].count() >= TYPO_FALLBACK_BELOW:
            # ts_rank is a float4, printed rounded: as float8 the cursor round-trips it exactly.
            return full_text.annotate(rank=Cast(SearchRank(F("document"), query), FloatField()))
        # The full text finds little: let titles similar to the query (typos) in, ranked below real hits.
        # (The lookup class itself: `title__trigram_word_similar` needs django.contrib.postgres installed.)
        typo = TrigramWordSimilar(F("title"), Value(q))
        return qs.filter(Q(document=query) | Q(typo)).annotate(
            rank=Cast(SearchRank(F("document"), query), FloatField())
            + Cast(TrigramWordSimilarity(q, "title"), FloatField()) * Value(TRIGRAM_RANK_SCALE)
        )
    condition = Q()
    for word in q.split()[:10]:
        variants = {word, word.lower(), word.upper(), word.capitalize()}
        any_variant = Q()
        for variant in variants:
            any_variant |= Q(title__icontains=variant) | Q(description__icontains=variant)
        condition &= any_variant
    return qs.filter(condition).annotate(rank=Value(0.0, output_field=FloatField()))


def listing_filters_apply(qs: QuerySet[Listing], filters: dict[str, Any]) -> QuerySet[Listing]:
    """Narrow `qs` by cleaned filters (see `listing_filters_clean`). Adds `rank` when searching."""
    if "category" in filters:
        slug = filters["category"]
        # A parent slug includes its leaves; a subquery keeps the listing query free of OR-ed joins.
        leaves = Category.objects.filter(Q(slug=slug) | Q(parent__slug=slug)).values("pk")
        qs = qs.filter(category_id__in=leaves)
    if "condition" in filters:
        qs = qs.filter(condition=filters["condition"])
    # Things donated for repair are on their way to a workshop, not for buyers: browse shows them only when
    # asked for (`kind=repair`); their upcycled results are ordinary sale/free listings.
    qs = qs.filter(kind=filters["kind"]) if "kind" in filters else qs.exclude(kind=Kind.REPAIR)
    if "min_price" in filters:
        qs = qs.filter(price_dkk__gte=filters["min_price"])
    if "max_price" in filters:
        qs = qs.filter(price_dkk__lte=filters["max_price"])
    if "area" in filters:
        qs = qs.filter(area__iexact=filters["area"])
    if "workshop" in filters:
        qs = qs.filter(workshop__slug=filters["workshop"])
    if "upcycled" in filters:
        qs = qs.filter(source_job__isnull=not filters["upcycled"])
    if "q" in filters:
        qs = _text_search(qs, filters["q"])
    return qs


def order_key(filters: dict[str, Any]) -> OrderKey:
    ordering = filters.get("ordering", "newest")
    if ordering == "relevance" and "q" not in filters:
        ordering = "newest"
    if ordering == "relevance" and not is_postgres():
        ordering = "newest"  # SQLite has no ranking: see the module docstring
    return ORDER_KEYS[ordering]
