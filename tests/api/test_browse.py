"""Browse and search: filters, keyset pagination, visibility, query counts, Danish full text."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import InvalidInput
from listings.models import Listing
from listings.search import listing_filters_clean
from tests.factories import (
    ListingFactory,
    PhotoFactory,
    RepairJobFactory,
    UserFactory,
    WorkshopFactory,
    category,
)
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

LISTINGS = "/api/v1/listings/"


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def walk(client, url):
    """Every id over all pages, following `next`."""
    seen = []
    while url:
        response = client.get(url)
        seen += ids(response)
        url = response.json()["next"]
    return seen


def test_only_public_listings_are_listed(api_client):
    public = [ListingFactory(status=s) for s in ("active", "reserved", "sold")]
    for status in ("draft", "withdrawn", "hidden"):
        ListingFactory(status=status)
    assert sorted(ids(api_client.get(LISTINGS))) == sorted(p.pk for p in public)


def test_item_shape_with_thumbnail_and_workshop(api_client):
    workshop = WorkshopFactory()
    listing = ListingFactory(workshop=workshop)
    PhotoFactory(listing=listing, position=2, upload_token="second")
    PhotoFactory(listing=listing, position=1, upload_token="first")
    PhotoFactory(listing=listing, position=0, status="pending", variants={}, upload_token="pending")
    item = api_client.get(LISTINGS).json()["results"][0]
    assert item["thumbnail"]["url"].endswith("first/w320.webp")
    assert (item["thumbnail"]["width"], item["thumbnail"]["height"]) == (320, 240)
    assert item["thumbnail"]["blurhash"]
    assert item["workshop"] == {"slug": workshop.slug, "name": workshop.name}
    assert item["seller"] == {"display_name": listing.seller.display_name}
    assert item["category"] == "furniture"
    assert item["upcycled"] is False
    assert set(item) >= {"id", "title", "kind", "condition", "price_dkk", "status", "area", "created_at"}


def test_listing_without_ready_photo_has_null_thumbnail(api_client):
    ListingFactory()
    assert api_client.get(LISTINGS).json()["results"][0]["thumbnail"] is None


def test_newest_first_and_cursor_walks_every_listing_once(api_client):
    now = timezone.now()
    made = [ListingFactory() for _ in range(7)]
    # Several listings share a timestamp: the id breaks the tie, so the cursor neither skips nor repeats.
    Listing.objects.filter(pk__in=[m.pk for m in made[:4]]).update(created_at=now)
    expected = [m.pk for m in sorted(made, key=lambda m: (Listing.objects.get(pk=m.pk).created_at, m.pk), reverse=True)]
    assert walk(api_client, f"{LISTINGS}?page_size=2") == expected


def test_previous_link_goes_back(api_client):
    [ListingFactory() for _ in range(5)]
    first = api_client.get(f"{LISTINGS}?page_size=2")
    second = api_client.get(first.json()["next"])
    back = api_client.get(second.json()["previous"])
    assert ids(back) == ids(first)
    assert first.json()["previous"] is None


def test_price_ordering_with_many_ties_pages_through_all(api_client):
    listings = [ListingFactory(price_dkk=Decimal(p)) for p in (50, 10, 50, 50, 20, 50, 10)]
    up = walk(api_client, f"{LISTINGS}?ordering=price&page_size=2")
    assert up == [m.pk for m in sorted(listings, key=lambda m: (m.price_dkk, m.pk))]
    down = walk(api_client, f"{LISTINGS}?ordering=-price&page_size=3")
    assert down == list(reversed(up))


def test_filters(api_client):
    laptop = ListingFactory(category=category("laptop"), condition="like_new", price_dkk=Decimal(900), area="Smedegård")
    chair = ListingFactory(condition="fair", price_dkk=Decimal(100))
    free = ListingFactory(kind="free", price_dkk=0)
    workshop = WorkshopFactory()
    job = RepairJobFactory(status="completed", workshop=workshop, outcome="fixed", listing__status="withdrawn")
    upcycled = ListingFactory(workshop=workshop, source_job=job)
    assert ids(api_client.get(f"{LISTINGS}?category=laptop")) == [laptop.pk]
    assert ids(api_client.get(f"{LISTINGS}?category=it-udstyr")) == [laptop.pk]  # a parent includes its leaves
    assert ids(api_client.get(f"{LISTINGS}?condition=fair")) == [chair.pk]
    assert ids(api_client.get(f"{LISTINGS}?kind=free")) == [free.pk]
    assert set(ids(api_client.get(f"{LISTINGS}?min_price=100&max_price=900"))) == {laptop.pk, chair.pk, upcycled.pk}
    assert ids(api_client.get(f"{LISTINGS}?area=smedegaard")) == [laptop.pk]  # a neighbourhood by its alias
    assert ids(api_client.get(f"{LISTINGS}?workshop={workshop.slug}")) == [upcycled.pk]
    assert ids(api_client.get(f"{LISTINGS}?upcycled=true")) == [upcycled.pk]
    assert upcycled.pk not in ids(api_client.get(f"{LISTINGS}?upcycled=false"))


@pytest.mark.parametrize(
    "query",
    [
        "category=nope",
        "condition=broken",
        "kind=swap",
        "min_price=abc",
        "max_price=-5",
        "min_price=NaN",
        "min_price=500&max_price=100",
        "upcycled=maybe",
        "ordering=cheapest",
        "ordering=relevance",
        "cursor=not-a-cursor",
        "cursor=eyJwIjpbMV19",
        "q=" + "x" * 300,
    ],
)
def test_bad_filter_values_are_400_problems(api_client, query):
    ListingFactory()
    response = api_client.get(f"{LISTINGS}?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"]


@pytest.mark.parametrize("page_size", [1, 100])
def test_browse_costs_a_constant_number_of_queries(django_assert_max_num_queries, page_size):
    workshop = WorkshopFactory()
    for i in range(12):
        listing = ListingFactory(workshop=workshop if i % 2 else None, seller=UserFactory())
        PhotoFactory(listing=listing)
        PhotoFactory(listing=listing, position=1)
    client = client_for(UserFactory())  # an authenticated request: the token lookup counts too
    # A connection's first search notes whether PostgreSQL has the RUM index (listings.search.rum_available):
    # taken here, so what is counted is what every later search on the connection costs.
    client.get(f"{LISTINGS}?q=stol")
    with django_assert_max_num_queries(6):
        response = client.get(f"{LISTINGS}?page_size={page_size}&category=moebler&q=stol&ordering=price")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 12)
    with django_assert_max_num_queries(6):
        response = client.get(response.json()["next"] or f"{LISTINGS}?page_size={page_size}")
    assert response.status_code == 200


def test_hidden_listing_leaves_browse_and_search_at_once(api_client):
    from listings.services import listing_hide

    listing = ListingFactory(title="Rød cykel")
    assert ids(api_client.get(f"{LISTINGS}?q=cykel")) == [listing.pk]
    listing_hide(listing=listing)
    assert ids(api_client.get(f"{LISTINGS}?q=cykel")) == []
    assert ids(api_client.get(LISTINGS)) == []


def test_search_is_case_insensitive_also_for_danish_letters(api_client):
    blue = ListingFactory(title="Blå sofa", description="")
    bowl = ListingFactory(title="Skål i keramik", description="")
    assert ids(api_client.get(f"{LISTINGS}?q=BLÅ")) == [blue.pk]
    assert ids(api_client.get(f"{LISTINGS}?q=skål")) == [bowl.pk]
    assert ids(api_client.get(f"{LISTINGS}?q=SOFA")) == [blue.pk]


def test_search_matches_every_word(api_client):
    both = ListingFactory(title="Rød stol", description="")
    ListingFactory(title="Rød sofa", description="")
    assert ids(api_client.get(f"{LISTINGS}?q=rød stol")) == [both.pk]


# --- PostgreSQL: Danish full-text search ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("stole", "Gammel stol i bøg"),
        ("stol", "Fire stole til spisebordet"),
        ("computere", "Stationær computer med skærm"),
        ("Møbler", "Møbler fra dødsbo"),
        ("computer", "To computere"),
        ("skål", "Stor SKÅL i glas"),
        ("BLÅ", "blå cykel"),
    ],
)
def test_postgres_danish_stemming_and_letters(api_client, query, title):
    wanted = ListingFactory(title=title, description="")
    # (in a category no query names: "Møbler" also finds the furniture category's listings)
    ListingFactory(title="Køleskab", description="virker fint", category=category("large-home-electrical"))
    assert ids(api_client.get(LISTINGS, {"q": query})) == [wanted.pk]


@pytest.mark.postgres
def test_postgres_search_ranks_and_tolerates_typos(api_client):
    in_title = ListingFactory(title="Bærbar computer", description="")
    in_text = ListingFactory(title="Skrivebord", description="Med plads til en computer")
    ListingFactory(title="Lampe", description="")
    results = ids(api_client.get(LISTINGS, {"q": "computer"}))
    assert set(results) == {in_title.pk, in_text.pk}
    typo = ids(api_client.get(LISTINGS, {"q": "skrivebrod"}))
    assert typo == [in_text.pk]


@pytest.mark.postgres
def test_postgres_relevance_cursor_walks_all_matches_once(api_client):
    made = [ListingFactory(title=f"Stol nummer {i}", description="stol " * (i % 3)) for i in range(7)]
    walked = walk(api_client, f"{LISTINGS}?q=stol&page_size=2")
    assert sorted(walked) == sorted(m.pk for m in made)
    assert len(walked) == len(set(walked))


@pytest.mark.postgres
def test_postgres_search_condition_uses_the_fts_and_trigram_indexes():
    from django.db import connection

    from listings.search import _text_search

    ListingFactory(title="Stol")
    with connection.cursor() as cursor:  # a tiny table would be scanned otherwise: leave only bitmap scans
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = _text_search(Listing.objects.all(), "stol").order_by().explain()
    assert "listing_fts" in plan
    assert "listing_title_trgm" in plan


def test_filters_clean_defaults_and_errors():
    assert listing_filters_clean({})["ordering"] == "newest"
    assert listing_filters_clean({"q": "stol"})["ordering"] == "relevance"
    with pytest.raises(InvalidInput):
        listing_filters_clean({"min_price": "-1"})


def test_old_listing_keeps_its_place(api_client):
    old = ListingFactory()
    Listing.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    new = ListingFactory()
    assert ids(api_client.get(LISTINGS)) == [new.pk, old.pk]
