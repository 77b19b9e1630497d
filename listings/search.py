"""Browse filters and full-text search for listings.

One filter set serves browse (`GET /api/v1/listings/`) and saved searches: `listing_filters_clean` turns raw
strings into typed values (or raises `InvalidInput`), `listing_filters_apply` narrows a queryset.

What a search matches is decided once for both databases (`search_terms.query_terms`): every word of `q`, with
its synonyms and the categories named by them, must match the title, description, brand or model (Danish
stemming) or the category. docs/marketplace.md, "Browse and search", has the whole story.

Search backends:
- **PostgreSQL**: the generated, GIN-indexed column `search_document` = `to_tsvector('danish', title || ' ' ||
  description || ' ' || brand || ' ' || model)` (migration `listings.0008_listing_search_fts`), one
  `plainto_tsquery` per word OR-ed within a term, a category subquery OR-ed in, ranked with `ts_rank`. Typo
  tolerance, as a fallback: when the full text finds fewer than `TYPO_FALLBACK_BELOW` listings (one cheap
  counting query, LIMITed), a title whose trigram *word similarity* to the query passes pg_trgm's threshold
  (`%>`, 0.6) matches too, ranked below every full-text hit. The fallback is decided per request from the data,
  so a cursor stays consistent as long as the matches do.
  **Bounded candidates** (relevance order only): `ts_rank` ranks at most the `RELEVANCE_CANDIDATES` newest
  matches (within the other filters), so a common word costs the same at 10,000 or 1,000,000 listings: the
  planner reads a common word's from the newest-first btree index, filtering by the search column, and stops
  after the candidates. Where the optional RUM index `listing_fts_rum` exists (migration
  `listings.0009_listing_search_rum`, the `rum` extension), a rarer word's are read from it in `created_at`
  order (`_rum_for`; `settings.SEARCH_RUM_ORDER`: auto, always, never); without it, from GIN and a top-N sort.
  docs/marketplace.md says what bounding changes for relevance.
- **SQLite** (development default, `make run`): an FTS5 table of the same words stemmed in Python by the same
  Snowball stemmer, kept current on every save of a listing (`search_index_listing`), ranked by `bm25`; a title
  containing every typed word of 4+ letters matches too ("cykel" in "Herrecykel"), ranked 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField, TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from .areas import area_names, area_normalise
from .models import Category, Condition, Kind, Listing
from .search_terms import Term, query_terms, stem, stem_text, suggestion_for

# The generated, GIN-indexed column over title, description, brand and model that migration
# `listings.0008_listing_search_fts` makes on PostgreSQL (Django's model does not declare it: not portable).
FTS_SQL = '"listings_listing"."search_document"'
# SQLite's FTS5 table (migration `listings.0008_listing_search_fts`, SQLite only): rowid = the listing's id.
SQLITE_FTS_TABLE = "listings_listing_fts"
SQLITE_LISTING_ID = '"listings_listing"."id"'
TYPO_FALLBACK_BELOW = 5  # fewer full-text hits than this (within the other filters) → add trigram matches
RELEVANCE_CANDIDATES = 240  # relevance ranks only this many (10 pages) of the newest matches (module docstring)
RUM_INDEX = "listing_fts_rum"
RUM_BELOW = 0.02  # `auto`: RUM order for words in fewer than 2 % of listings (`_rum_for`)
# "Newest first" as a RUM distance: every listing was created before this, so a smaller distance is newer.
RUM_FAR_FUTURE = "2999-01-01T00:00:00+00:00"
TRIGRAM_RANK_SCALE = 0.01  # trigram-only hits rank below any full-text hit (ts_rank of a hit is ≥ ~0.06)

CATEGORY_IDS = "_category_ids"  # cleaned filters: the ids of the category and its leaves (not saved)
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


def rum_forget(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """On each new database connection (`connection_created`, connected in `apps.ListingsConfig`): forget the
    note `rum_remember` took on the last one — the first search on this connection takes it again. Nothing is
    asked of the database here, so a request that does not search (most of them, and every one with
    `DB_CONN_MAX_AGE=0` opens a connection) costs no catalogue query."""
    if connection is not None:
        connection.__dict__.pop("kredslob_rum", None)
        connection.__dict__.pop("kredslob_lexemes", None)


def rum_remember(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """Note on a PostgreSQL connection whether the RUM index is there and how common the most common words are
    (the lexeme frequencies `ANALYZE` keeps for the search column): once per connection, on its first search
    (`rum_available`). The migration that creates the index sets the note on its own connection."""
    if connection is None or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [RUM_INDEX])
        connection.kredslob_rum = cursor.fetchone() is not None
        connection.kredslob_lexemes = {}
        if connection.kredslob_rum:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'listings_listing' AND attname = 'search_document' AND schemaname = current_schema()"
            )
            row = cursor.fetchone()
            if row and row[0]:
                connection.kredslob_lexemes = dict(zip(row[0], row[1], strict=False))


def rum_available() -> bool:
    """May relevance candidates be read in order from the RUM index? When it exists, unless `SEARCH_RUM_ORDER`
    is `never`."""
    if settings.SEARCH_RUM_ORDER == "never" or not is_postgres():
        return False
    if not hasattr(connection, "kredslob_rum"):
        rum_remember(connection=connection)
    return bool(getattr(connection, "kredslob_rum", False))


def _rum_for(terms: list[Term]) -> bool:
    """RUM's ordered scan reads every posting of the words before the first row, so its cost grows with the
    number of matches; the btree plan stops after the candidates, so its cost grows with how rare the word is.
    `auto`: RUM for words in fewer than `RUM_BELOW` of the listings (by `ANALYZE`'s lexeme frequencies; a word
    not among them is rarer still), the btree plan otherwise and for a term that names categories (an OR that
    RUM cannot order)."""
    if not rum_available():
        return False
    if settings.SEARCH_RUM_ORDER == "always":
        return True
    if any(term.categories for term in terms):
        return False
    frequencies: dict[str, float] = getattr(connection, "kredslob_lexemes", {})
    return all(frequencies.get(s, 0.0) < RUM_BELOW for term in terms for s in term.stems)


def _rum_newest_first(full_text: QuerySet[Listing]) -> QuerySet[Listing]:
    """`full_text` newest first as the RUM index reads it: the matches of the words, in date order, without the
    table (`_rum_for` says when that is the cheaper way)."""
    newest = RawSQL('"listings_listing"."created_at" <=> %s::timestamptz', [RUM_FAR_FUTURE])  # nosec B611
    return full_text.order_by(newest)


def _newest_candidates(full_text: QuerySet[Listing], *, rum: bool) -> Q:
    """The `RELEVANCE_CANDIDATES` newest listings of `full_text` (all its filters), as `id = ANY(subquery)`.
    The subquery is compiled on its own and embedded as SQL: its `FROM listings_listing` then scopes the
    search column's raw SQL (`FTS_SQL`) to the inner table — a Django subquery would relabel the table (U0)
    but not the raw column, which would then point at the outer row."""
    ordered = _rum_newest_first(full_text) if rum else full_text.order_by("-created_at", "-id")
    sql, params = ordered.values("pk")[:RELEVANCE_CANDIDATES].query.sql_with_params()
    # `= ANY(ARRAY(…))`: an InitPlan computed once, then primary-key lookups (an `IN (subquery)` may become a
    # hash semi-join over a sequential scan of the whole table).
    candidates = f'"listings_listing"."id" = ANY(ARRAY({sql}))'
    return Q(RawSQL(candidates, params, output_field=BooleanField()))  # noqa: S611  # nosec B611


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
        # The category and its leaves in one query (as the existence check cost before): a list of ids lets the
        # planner estimate the filter (a subquery of leaves was guessed at 2 rows, and the sort at 1,000,000
        # listings followed). Kept under a private key, which `listing_filters_to_json` leaves out.
        leaves = list(Category.objects.filter(Q(slug=category) | Q(parent__slug=category)).values_list("pk", flat=True))
        if not leaves:
            errors["category"] = [_("Unknown category “%(value)s”.") % {"value": category}]
        else:
            out["category"] = category
            out[CATEGORY_IDS] = sorted(leaves)
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
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in filters.items() if not k.startswith("_")}


def _fts_sqlite(match: str) -> Q:
    """Listings whose FTS5 document (SQLite) matches an FTS5 expression (a bound parameter, never SQL)."""
    sql = f"SELECT rowid FROM {SQLITE_FTS_TABLE} WHERE {SQLITE_FTS_TABLE} MATCH %s"  # noqa: S608  # nosec B608
    return Q(pk__in=RawSQL(sql, [match]))  # noqa: S611  # nosec B611


def _fts5_any(stems: Iterable[str]) -> str:
    """An FTS5 expression matching any of the stems: each a quoted string (a `"` doubled), so nothing the user
    typed is read as FTS5 syntax."""
    return " OR ".join('"' + s.replace('"', '""') + '"' for s in stems)


def _category_q(term: Term) -> Q:
    """Listings in a category named by the term (a parent slug standing for its leaves), in the same query: no
    extra query per page. On PostgreSQL `category_id = ANY(ARRAY(subquery))`: the array is an InitPlan computed
    once, so the condition is a bitmap index scan OR-ed with the full-text index (an `IN (subquery)` beside an
    OR would be a filter on every row: a sequential scan of the whole table)."""
    if is_postgres():
        sql = (
            '"listings_listing"."category_id" = ANY(ARRAY(SELECT c.id FROM listings_category c '
            "LEFT JOIN listings_category p ON p.id = c.parent_id WHERE c.slug = ANY(%s) OR p.slug = ANY(%s)))"
        )
        slugs = list(term.categories)
        return Q(RawSQL(sql, [slugs, slugs], output_field=BooleanField()))  # noqa: S611  # nosec B611
    named = Category.objects.filter(Q(slug__in=term.categories) | Q(parent__slug__in=term.categories)).values("pk")
    return Q(category_id__in=named)


def _pg_any(words: Iterable[str]) -> SearchQuery:
    """A tsquery matching any of the words (one per Danish stem: "computer" and "computere" are one lexeme)."""
    distinct = {stem(word): word for word in reversed(list(words))}  # the first word of each stem wins
    queries = [SearchQuery(word, config="danish", search_type="plain") for word in reversed(distinct.values())]
    combined = queries[0]
    for query in queries[1:]:
        combined = combined | query
    return combined


def _text_search(qs: QuerySet[Listing], q: str, *, bounded: bool = False) -> QuerySet[Listing]:
    """Every term of `q` (`search_terms.query_terms`: the word, its synonyms, its categories) must match.
    `bounded` (relevance order on PostgreSQL): rank only the newest `RELEVANCE_CANDIDATES` matches."""
    terms = query_terms(q)
    if not terms:  # no word at all (only punctuation): nothing matches
        return qs.none().annotate(rank=Value(0.0, output_field=FloatField()))
    every_word = [w for term in terms for w in term.words]
    if is_postgres():
        # A constant SQL text with no user input: the user's words only go into the bound SearchQuery.
        fts = RawSQL(FTS_SQL, [], output_field=SearchVectorField())  # type: ignore[arg-type]  # noqa: S611  # nosec B611
        qs = qs.annotate(document=fts)
        condition = Q()
        for term in terms:
            word_q = Q(document=_pg_any(term.words))
            condition &= (word_q | _category_q(term)) if term.categories else word_q
        full_text = qs.filter(condition)
        ranked_by = _pg_any(every_word)
        # For a rarer word, the count reads its first matches from RUM as the candidates do: left to itself the
        # planner walks the newest-first btree testing rows (6.6 ms at 1M listings to find 5 of a word in 0.1 %).
        rum = _rum_for(terms)
        counted = _rum_newest_first(full_text) if rum else full_text
        if counted[:TYPO_FALLBACK_BELOW].count() >= TYPO_FALLBACK_BELOW:
            # ts_rank is a float4, printed rounded: as float8 the cursor round-trips it exactly.
            ts_rank = Cast(SearchRank(F("document"), ranked_by), FloatField())
            if bounded:
                return qs.filter(_newest_candidates(full_text, rum=rum)).annotate(rank=ts_rank)
            return full_text.annotate(rank=ts_rank)
        # The full text finds little: let titles similar to the query (typos) in, ranked below real hits.
        # (The lookup class itself: `title__trigram_word_similar` needs django.contrib.postgres installed.)
        typo = TrigramWordSimilar(F("title"), Value(q))
        return qs.filter(condition | Q(typo)).annotate(
            rank=Cast(SearchRank(F("document"), ranked_by), FloatField())
            + Cast(TrigramWordSimilarity(q, "title"), FloatField()) * Value(TRIGRAM_RANK_SCALE)
        )
    condition = Q()
    for term in terms:
        word_q = _fts_sqlite(_fts5_any(term.stems))
        condition &= (word_q | _category_q(term)) if term.categories else word_q
    # bm25 is lower for a better match: its negative ranks like ts_rank. A category-only match ranks 0.
    rank_sql = (
        f"COALESCE((SELECT -bm25({SQLITE_FTS_TABLE}) FROM {SQLITE_FTS_TABLE} "  # noqa: S608  # nosec B608
        f"WHERE {SQLITE_FTS_TABLE} MATCH %s AND rowid = {SQLITE_LISTING_ID}), 0.0)"
    )
    any_stem = _fts5_any(dict.fromkeys(s for term in terms for s in term.stems))
    rank = RawSQL(rank_sql, [any_stem], output_field=FloatField())  # noqa: S611  # nosec B611
    # Compound words: titles having every typed word (of 4+ letters) inside a word ("cykel" in "Herrecykel";
    # LIKE folds ASCII case only, so each word is tried in three spellings too), ranked 0, below every FTS hit.
    # Always OR-ed in (PostgreSQL decides its typo fallback with a count; SQLite serves development and keeps
    # the query count it always had).
    if all(len(term.word) >= 4 for term in terms):
        inside = Q()
        for term in terms:
            any_variant = Q()
            for variant in {term.word, term.word.upper(), term.word.capitalize()}:
                any_variant |= Q(title__contains=variant)
            inside &= any_variant
        condition |= inside
    return qs.filter(condition).annotate(rank=rank)


# --- SQLite's full-text table ---------------------------------------------------------------------------------


def search_document(*, title: str, description: str, brand: str, model: str) -> str:
    """What SQLite's FTS5 table holds for a listing: the stemmed words of its title, description, brand and
    model (PostgreSQL's generated `search_document` column holds the same words, stemmed by the database)."""
    return stem_text(" ".join((title, description, brand, model)))


def search_index_listing(listing: Listing) -> None:
    """Keep SQLite's FTS5 row of a listing current (a no-op on PostgreSQL, whose column is generated). Called
    whenever a listing row is saved: `apps.ListingsConfig` connects it to `post_save`, so the services, the admin
    and the demo loader all keep it in sync."""
    if is_postgres() or connection.vendor != "sqlite":
        return
    document = search_document(
        title=listing.title, description=listing.description, brand=listing.brand, model=listing.model
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SQLITE_FTS_TABLE} WHERE rowid = %s", [listing.pk])  # noqa: S608  # nosec B608
        cursor.execute(
            f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, document) VALUES (%s, %s)",  # noqa: S608  # nosec B608
            [listing.pk, document],
        )


def search_unindex_listing(listing_id: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SQLITE_FTS_TABLE} WHERE rowid = %s", [listing_id])  # noqa: S608  # nosec B608


def search_suggestion(filters: dict[str, Any]) -> str | None:
    """ "Did you mean …?" for a search (`search_terms.suggestion_for`); None without a search text."""
    return suggestion_for(filters["q"]) if filters.get("q") else None


def listing_filters_apply(qs: QuerySet[Listing], filters: dict[str, Any]) -> QuerySet[Listing]:
    """Narrow `qs` by cleaned filters (see `listing_filters_clean`). Adds `rank` when searching."""
    if "category" in filters:
        if CATEGORY_IDS in filters:  # resolved by listing_filters_clean
            qs = qs.filter(category_id__in=filters[CATEGORY_IDS])
        else:
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
        qs = _text_search(qs, filters["q"], bounded=filters.get("ordering", "relevance") == "relevance")
    return qs


def order_key(filters: dict[str, Any]) -> OrderKey:
    ordering = filters.get("ordering", "newest")
    if ordering == "relevance" and "q" not in filters:
        ordering = "newest"
    return ORDER_KEYS[ordering]
