"""Search at a million listings (issue 14, "A million listings"): relevance ranks a bounded set of the newest
matches, read from the optional RUM index where PostgreSQL has it and from GIN otherwise; a category filter is
a list of leaf ids resolved by the query that validates it. `make bench-api` measures; these check behaviour."""

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from listings import search
from listings.models import Listing
from listings.search import CATEGORY_IDS, listing_filters_clean, listing_filters_to_json
from tests.factories import ListingFactory, category

pytestmark = pytest.mark.django_db

LISTINGS = "/api/v1/listings/"


def _has_rum_index() -> bool:
    """Is the optional RUM index there? CI (`REQUIRE_SERVICES=1`, `.ci/run` installs the extension) requires it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [search.RUM_INDEX])
        present = cursor.fetchone() is not None
    if not present and os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail("REQUIRE_SERVICES=1 but PostgreSQL has no rum extension (apt-get install postgresql-15-rum)")
    return present


def _chairs(count: int) -> list[Listing]:
    """`count` chairs, the first the oldest; the oldest says "stol" most often (the best ts_rank)."""
    made = []
    now = timezone.now()
    for i in range(count):
        listing = ListingFactory(title=f"Stol nummer {i}", description="stol " * max(0, 4 - i))
        Listing.objects.filter(pk=listing.pk).update(created_at=now - timedelta(days=count - i))
        made.append(listing)
    return made


@pytest.mark.postgres
@pytest.mark.parametrize("rum", [True, False], ids=["rum", "gin"])
def test_relevance_ranks_only_the_newest_candidates(monkeypatch, rum):
    if rum and not _has_rum_index():
        pytest.skip("the rum extension is not installed on this PostgreSQL (migration listings.0009 skipped it)")
    monkeypatch.setattr(search, "RELEVANCE_CANDIDATES", 3)
    monkeypatch.setattr(search, "rum_available", lambda: rum)
    chairs = _chairs(6)
    results = APIClient().get(LISTINGS, {"q": "stol"}).json()["results"]
    # The three newest chairs, best-ranked first; the older ones (even the best-ranked, oldest) are not ranked.
    assert {r["id"] for r in results} == {c.pk for c in chairs[3:]}
    newest = APIClient().get(LISTINGS, {"q": "stol", "ordering": "newest"}).json()["results"]
    assert len(newest) == 6  # only relevance order is bounded


@pytest.mark.postgres
@pytest.mark.parametrize("rum", [True, False], ids=["rum", "gin"])
def test_bounded_candidates_keep_the_other_filters_and_walk_once(monkeypatch, rum):
    if rum and not _has_rum_index():
        pytest.skip("the rum extension is not installed on this PostgreSQL")
    monkeypatch.setattr(search, "RELEVANCE_CANDIDATES", 4)
    monkeypatch.setattr(search, "rum_available", lambda: rum)
    chairs = _chairs(6)
    Listing.objects.filter(pk=chairs[5].pk).update(status="draft")  # not public: never a candidate
    seen, url = [], f"{LISTINGS}?q=stol&page_size=1"
    client = APIClient()
    for _ in range(10):
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        if not body["next"]:
            break
        url = body["next"]
    assert seen and len(seen) == len(set(seen))
    assert set(seen) == {c.pk for c in chairs[1:5]}


@pytest.mark.postgres
def test_rum_index_is_used_for_the_candidates_when_present_and_chosen(settings):
    if not _has_rum_index():
        pytest.skip("the rum extension is not installed on this PostgreSQL")
    settings.SEARCH_RUM_ORDER = "always"
    _chairs(search.TYPO_FALLBACK_BELOW)  # enough full-text hits: no typo fallback
    assert search.rum_available()
    qs = search.listing_filters_apply(Listing.objects.all(), listing_filters_clean({"q": "stol"}))
    with connection.cursor() as cursor:  # a tiny table would be scanned otherwise
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    assert search.RUM_INDEX in qs.explain()
    settings.SEARCH_RUM_ORDER = "never"
    assert not search.rum_available()


def test_category_leaves_are_resolved_in_the_validating_query_and_not_saved():
    with CaptureQueriesContext(connection) as queries:
        filters = listing_filters_clean({"category": "it-udstyr"})
    assert len(queries.captured_queries) == 1
    assert category("laptop").pk in filters[CATEGORY_IDS]
    assert listing_filters_to_json(filters) == {"category": "it-udstyr", "ordering": "newest"}


def test_category_filter_by_parent_finds_its_leaves():
    laptop = ListingFactory(title="Bærbar", category=category("laptop"))
    ListingFactory(title="Stol", category=category("furniture"))
    results = APIClient().get(LISTINGS, {"category": "it-udstyr"}).json()["results"]
    assert [r["id"] for r in results] == [laptop.pk]


@pytest.mark.postgres
def test_auto_reads_rare_words_from_rum_and_common_words_from_btree(monkeypatch, settings):
    if not _has_rum_index():
        pytest.skip("the rum extension is not installed on this PostgreSQL")
    settings.SEARCH_RUM_ORDER = "auto"
    monkeypatch.setattr(connection, "kredslob_rum", True, raising=False)
    monkeypatch.setattr(connection, "kredslob_lexemes", {"stol": 0.10, "lamp": 0.001}, raising=False)
    assert not search._rum_for(search.query_terms("stole"))  # 10 % of listings: the btree plan
    assert search._rum_for(search.query_terms("signeret"))  # not among the common words: RUM
    assert not search._rum_for(search.query_terms("lampe"))  # names categories: an OR RUM cannot order
    settings.SEARCH_RUM_ORDER = "never"
    assert not search._rum_for(search.query_terms("signeret"))
