"""The anonymous page cache (core.pagecache) on Redis: anonymous visitors get the results grid, the listings API's
pages and the impact figures from the cache, and never see what the visibility rules would not show them — every
change to what is public renews the catalogue version the entries are kept under. Signed-in people are never
served from it.

How a test knows a page came from the cache: it changes a row behind the application's back (a queryset update,
which renews nothing) and looks for the old text."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import update_last_login
from django.core.cache import cache as django_cache
from django.test import Client
from rest_framework.test import APIClient

from core import pagecache
from listings.models import Listing, ListingStatus
from listings.services import listing_hide, listing_publish, listing_update, listing_withdraw
from marketplace.services import reservation_create
from repairs.models import JobStatus, Outcome
from tests import factories

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> None:
    if django_settings.CACHES["default"]["BACKEND"] != "core.cache.TolerantRedisCache":
        pytest.skip("the page cache is tested on Redis (REDIS_URL)")
    settings.PAGE_CACHE_SECONDS = 120


def _kept(key: str) -> Any:
    return pagecache.get(pagecache.Slot(key))


def _keep(key: str, value: Any) -> None:
    """As a view keeps what it built: `get` first (it reads the version the value is kept under), then `set`."""
    slot = pagecache.Slot(key)
    pagecache.get(slot)
    pagecache.set(slot, value)


def test_an_answer_built_while_the_catalogue_changed_is_never_served() -> None:
    """What is built is kept under the version read before building: a change that commits meanwhile renews the
    version, and the entry built from the rows before it is not served afterwards."""
    slot = pagecache.Slot("pagecache:test-race")
    assert pagecache.get(slot) is None
    pagecache._renew()  # a change to what is public committed while the answer was being built
    pagecache.set(slot, "bygget af de gamle rækker")
    assert _kept("pagecache:test-race") is None
    _keep("pagecache:test-race", "bygget af de nye")
    assert _kept("pagecache:test-race") == "bygget af de nye"
    pagecache._renew()
    assert _kept("pagecache:test-race") is None


def test_the_version_and_the_entry_are_read_in_one_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    _keep("pagecache:test-trip", "side")
    asked: list[Any] = []
    real_get_many = django_cache.get_many
    monkeypatch.setattr(django_cache, "get", lambda *args, **kwargs: asked.append(("get", args)))
    monkeypatch.setattr(
        django_cache, "get_many", lambda keys, **kw: asked.append(("get_many", keys)) or real_get_many(keys, **kw)
    )
    assert _kept("pagecache:test-trip") == "side"
    assert asked == [("get_many", [pagecache.VERSION_KEY, "pagecache:test-trip"])]


def test_nothing_is_kept_without_a_version_read_first() -> None:
    pagecache.set(pagecache.Slot("pagecache:test-unread"), "side")
    assert _kept("pagecache:test-unread") is None


def _behind_our_back(listing: Listing, title: str) -> None:
    Listing.objects.filter(pk=listing.pk).update(title=title)


def _api_titles(client: APIClient, query: str = "") -> list[str]:
    return [row["title"] for row in client.get(f"/api/v1/listings/{query}").json()["results"]]


def test_an_anonymous_home_page_is_served_from_the_cache(client: Client) -> None:
    listing = factories.ListingFactory(title="Egetræsbord")
    assert "Egetræsbord" in client.get("/").content.decode()
    _behind_our_back(listing, "Bøgetræsbord")
    page = client.get("/").content.decode()
    assert "Egetræsbord" in page and "Bøgetræsbord" not in page


def test_hiding_a_listing_takes_it_off_the_next_anonymous_page(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    listing = factories.ListingFactory(title="Rød cykel")
    api = APIClient()
    assert "Rød cykel" in client.get("/").content.decode()
    assert "Rød cykel" in client.get("/", {"q": "cykel"}).content.decode()
    assert "Rød cykel" in _api_titles(api)
    with django_capture_on_commit_callbacks(execute=True):
        listing_hide(listing=listing, actor=factories.UserFactory(is_staff=True))
    assert "Rød cykel" not in client.get("/").content.decode()
    assert "Rød cykel" not in client.get("/", {"q": "cykel"}).content.decode()
    assert "Rød cykel" not in _api_titles(api)


def test_every_public_change_renews_the_catalogue_version(django_capture_on_commit_callbacks: Any) -> None:
    seller = factories.UserFactory()
    seen = {pagecache.catalogue_version()}

    def renewed() -> None:
        version = pagecache.catalogue_version()
        assert version not in seen
        seen.add(version)

    with django_capture_on_commit_callbacks(execute=True):
        draft = factories.ListingFactory(seller=seller, status=ListingStatus.DRAFT, published_at=None)
    renewed()
    with django_capture_on_commit_callbacks(execute=True):
        listing_publish(listing=draft, actor=seller)
    renewed()
    with django_capture_on_commit_callbacks(execute=True):
        listing_update(listing=draft, actor=seller, title="Ny titel")
    renewed()
    with django_capture_on_commit_callbacks(execute=True):
        other = factories.ListingFactory(seller=seller)
    renewed()
    with django_capture_on_commit_callbacks(execute=True):
        listing_withdraw(listing=other, actor=seller)
    renewed()
    with django_capture_on_commit_callbacks(execute=True):
        factories.PhotoFactory(listing=draft)
    renewed()
    with django_capture_on_commit_callbacks(execute=True):
        factories.RepairJobFactory()
    renewed()
    with django_capture_on_commit_callbacks(execute=True):  # listing pages name the seller and their area
        seller.display_name = "Nyt navn"
        seller.save()
    renewed()
    with django_capture_on_commit_callbacks(execute=True):
        factories.WorkshopFactory()
    renewed()


def test_logging_in_renews_nothing(django_capture_on_commit_callbacks: Any) -> None:
    """A log-in saves only last_login, which no page shows: the cached pages stay."""
    person = factories.UserFactory()
    before = pagecache.catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        update_last_login(None, person)  # what every log-in does (the user_logged_in signal's receiver)
    assert pagecache.catalogue_version() == before


def test_a_reservation_shows_anonymously_when_the_cached_page_expires(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """A reserved listing stays public, so reserving renews nothing (it is the most frequent write): anonymous pages
    show it reserved once their entries expire; the buyer and anyone signed in see it at once."""
    listing = factories.ListingFactory(title="Skrivebord i bøg")
    buyer = factories.UserFactory()
    assert "Reserveret" not in client.get(f"/listings/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    before = pagecache.catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        reservation_create(listing=listing, buyer=buyer)
    assert pagecache.catalogue_version() == before
    signed_in = Client()
    signed_in.force_login(buyer)
    assert "Reserveret" in signed_in.get(f"/listings/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    cached = client.get(f"/listings/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="da")
    assert cached["X-Page-Cache"] == "hit" and "Reserveret" not in cached.content.decode()
    _expire_kept_pages()
    assert "Reserveret" in client.get(f"/listings/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()


def test_a_drafts_photo_renews_nothing(django_capture_on_commit_callbacks: Any) -> None:
    """Nobody anonymous sees a draft or its photos: uploading to one keeps every cached page."""
    draft = factories.ListingFactory(status=ListingStatus.DRAFT, published_at=None)
    before = pagecache.catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        factories.PhotoFactory(listing=draft)
    assert pagecache.catalogue_version() == before


def test_a_change_renews_only_once_committed(django_capture_on_commit_callbacks: Any) -> None:
    """Before the commit a request still reads the old rows, so it must still read the old version."""
    before = pagecache.catalogue_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        factories.ListingFactory()
    assert pagecache.catalogue_version() == before
    for callback in callbacks:
        callback()
    assert pagecache.catalogue_version() != before


def test_signed_in_people_are_never_served_from_the_cache(client: Client) -> None:
    listing = factories.ListingFactory(title="Grøn lampe")
    assert "Grøn lampe" in client.get("/").content.decode()
    assert "Grøn lampe" in _api_titles(APIClient())
    _behind_our_back(listing, "Blå lampe")
    person = factories.UserFactory()
    signed_in = Client()
    signed_in.force_login(person)
    assert "Blå lampe" in signed_in.get("/").content.decode()
    api = APIClient()
    api.force_authenticate(person)
    assert "Blå lampe" in _api_titles(api)


def test_a_sellers_draft_shows_to_the_seller_and_never_anonymously(client: Client) -> None:
    seller = factories.UserFactory()
    draft = factories.ListingFactory(seller=seller, title="Hemmelig kladde", status=ListingStatus.DRAFT)
    signed_in = Client()
    signed_in.force_login(seller)
    assert signed_in.get(f"/listings/{draft.pk}/").status_code == 200
    for _ in range(2):  # the second time from the cache, if anything was kept
        assert "Hemmelig kladde" not in client.get("/").content.decode()
        assert client.get(f"/listings/{draft.pk}/").status_code == 404
        assert "Hemmelig kladde" not in _api_titles(APIClient())


def test_keys_hold_the_language_and_the_whole_query(client: Client) -> None:
    factories.ListingFactory(title="Sofa i læder", price_dkk=Decimal("100"))
    factories.ListingFactory(title="Gratis sofa", kind="free", price_dkk=Decimal("0"))
    assert "Sofa i læder" in client.get("/", {"q": "sofa"}).content.decode()
    free_only = client.get("/", {"q": "sofa", "free": "on"}).content.decode()
    assert "Gratis sofa" in free_only and "Sofa i læder" not in free_only
    danish = client.get("/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Gratis" in danish and "Free" in english


def test_whole_anonymous_pages_are_kept_without_anybodys_csrf_token(client: Client) -> None:
    """The language switch is a POST form: a kept page holds a placeholder where its CSRF token goes, and every
    visitor is served the page with a token of their own, which the form then accepts."""
    listing = factories.ListingFactory(title="Cykelhjelm")
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get(f"/listings/{listing.pk}/") for visitor in visitors]
    assert "X-Page-Cache" not in pages[0] and pages[1]["X-Page-Cache"] == "hit"
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p.content.decode()).group(1) for p in pages]  # type: ignore[union-attr]
    assert tokens[0] != tokens[1] and pagecache.CSRF_PLACEHOLDER not in "".join(tokens)
    kept = [v for k, v in _kept_entries().items() if "Cykelhjelm" in v["content"].decode()]
    assert kept and all(pagecache.CSRF_PLACEHOLDER in v["content"].decode() for v in kept)
    assert not any(token in v["content"].decode() for v in kept for token in tokens)
    for visitor, token in zip(visitors, tokens, strict=True):
        switched = visitor.post("/language/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
        assert switched.status_code == 302


def test_a_listing_page_is_kept_until_the_listing_is_hidden_or_withdrawn(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    hidden = factories.ListingFactory(title="Rødt tæppe")
    withdrawn = factories.ListingFactory(title="Grønt tæppe")
    for listing in (hidden, withdrawn):
        client.get(f"/listings/{listing.pk}/")
        _behind_our_back(listing, "Ændret bag om ryggen")
        page = client.get(f"/listings/{listing.pk}/")
        assert page["X-Page-Cache"] == "hit" and listing.title in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        listing_hide(listing=hidden, actor=factories.UserFactory(is_staff=True))
        listing_withdraw(listing=withdrawn, actor=withdrawn.seller)
    for listing in (hidden, withdrawn):
        assert client.get(f"/listings/{listing.pk}/").status_code == 404


def test_a_visitor_with_a_session_gets_the_page_built(client: Client) -> None:
    """A session may carry a flash message ("You are logged out") for this visitor alone: never from the cache."""
    listing = factories.ListingFactory(title="Havebænk")
    client.get(f"/listings/{listing.pk}/")
    assert client.get(f"/listings/{listing.pk}/")["X-Page-Cache"] == "hit"
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "some-session"
    assert "X-Page-Cache" not in client.get(f"/listings/{listing.pk}/")


def test_only_a_pages_own_query_parameters_are_kept(client: Client) -> None:
    """`?anything=…` would make a new entry per request: such requests are answered, never kept."""
    listing = factories.ListingFactory(title="Lænestol")
    for _ in range(2):
        assert "X-Page-Cache" not in client.get("/", {"utm_source": "nyhedsbrev"})
        assert "X-Page-Cache" not in client.get(f"/listings/{listing.pk}/", {"ref": "del"})
    assert not _kept_entries()
    client.get("/", {"q": "stol", "cursor": ""})
    assert client.get("/", {"q": "stol", "cursor": ""})["X-Page-Cache"] == "hit"


def test_a_missing_page_is_never_kept(client: Client) -> None:
    for _ in range(2):
        response = client.get("/listings/987654321/")
        assert response.status_code == 404 and "X-Page-Cache" not in response
    assert not _kept_entries()


def _kept_keys() -> list[str]:
    """The page cache's keys in Redis, as the cache names them (this test worker's prefix taken off)."""
    client = django_cache._cache.get_client()  # type: ignore[attr-defined]
    prefix = django_cache.make_key("")
    return [k.decode()[len(prefix) :] for k in client.scan_iter(match=django_cache.make_key("pagecache:*"))]


def _kept_entries() -> dict[str, Any]:
    """Every whole page the cache keeps now."""
    # An entry is (the catalogue version it was built under, the page, when it is due for a refresh).
    entries = {k: v[1] for k, v in django_cache.get_many(_kept_keys()).items() if isinstance(v, tuple)}
    return {k: v for k, v in entries.items() if isinstance(v, dict) and "content" in v}


def _expire_kept_pages() -> None:
    """What PAGE_CACHE_SECONDS does to every kept page, now."""
    django_cache.delete_many(list(_kept_entries()))


def test_off_when_page_cache_seconds_is_zero(client: Client, settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    listing = factories.ListingFactory(title="Gul stol")
    assert "Gul stol" in client.get("/").content.decode()
    _behind_our_back(listing, "Hvid stol")
    assert "Hvid stol" in client.get("/").content.decode()


def test_the_impact_page_follows_a_completed_job(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    first = client.get("/impact/").context["impact"].figures["jobs_completed"]
    with django_capture_on_commit_callbacks(execute=True):
        factories.RepairJobFactory(
            status=JobStatus.COMPLETED,
            outcome=Outcome.FIXED,
            completed_at=factories.timezone.now(),
            workshop=factories.WorkshopFactory(),
        )
    assert client.get("/impact/").context["impact"].figures["jobs_completed"] == first + 1


def test_the_apis_own_parameters_only_are_kept_and_a_kept_page_asks_the_database_nothing(
    django_assert_num_queries: Any,
) -> None:
    """The listings API keeps an anonymous page for its own parameters only (`?utm_source=…` is answered, not
    kept), looks it up before reading the query, and a bad query is refused every time, never kept."""
    category = factories.ListingFactory(title="Taburet").category
    api = APIClient()
    for _ in range(2):
        assert _api_titles(api, "?utm_source=nyhedsbrev") == ["Taburet"]
    assert not _kept_keys()
    assert _api_titles(api, f"?category={category.slug}") == ["Taburet"]
    with django_assert_num_queries(0):  # not even the category's lookup
        assert _api_titles(api, f"?category={category.slug}") == ["Taburet"]
    for _ in range(2):
        refused = api.get("/api/v1/listings/?category=ingen-saadan-kategori")
        assert refused.status_code == 400 and "category" in refused.json()["errors"]
        assert api.get("/api/v1/listings/?cursor=ikke-en-cursor").status_code == 400


def test_a_listing_page_reads_its_lot_and_its_repair_only_when_it_has_them(
    client: Client, django_assert_num_queries: Any, settings: Any
) -> None:
    """A listing's page reads the listing (with the lot it was made from, if any) and its photos; the repair job
    and the lot's organisation only for a listing that has them (tests/frontend/test_browse.py and
    tests/donations/test_lots_and_pages.py show those pages with them)."""
    settings.PAGE_CACHE_SECONDS = 0  # built each time: this counts the building
    plain = factories.ListingFactory(title="Skammel")
    with django_assert_num_queries(2):
        page = client.get(f"/listings/{plain.pk}/")
    assert page.status_code == 200 and "Skammel" in page.content.decode()
    assert page.context["material_origin"] is None and page.context["provenance"] is None


def test_an_entry_due_for_refresh_is_rebuilt_by_one_request_while_the_others_are_served(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From three quarters of its lifetime on, the first request to find an entry rebuilds it; the others are
    still served the entry meanwhile (no stampede of builds when a busy page's entry runs out)."""
    _keep("pagecache:test", "gammel")
    assert _kept("pagecache:test") == "gammel"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 0.79 * 120 * pagecache.REFRESH_FROM)  # lifetimes are 120 s ± 20 %
    assert _kept("pagecache:test") == "gammel"
    monkeypatch.setattr(time, "time", lambda: now + 1.21 * 120 * pagecache.REFRESH_FROM)
    assert _kept("pagecache:test") is None  # this one rebuilds…
    assert _kept("pagecache:test") == "gammel"  # …the others meanwhile get what is kept
    assert _kept("pagecache:test") == "gammel"
    _keep("pagecache:test", "ny")
    assert _kept("pagecache:test") == "ny"

    # The same for a whole page: a change behind the cache's back shows once the entry is due, to the first
    # visitor then, and from then on to everybody.
    listing = factories.ListingFactory(title="Kommode")
    monkeypatch.setattr(time, "time", lambda: now)
    client.get(f"/listings/{listing.pk}/")
    _behind_our_back(listing, "Skænk")
    assert "Kommode" in client.get(f"/listings/{listing.pk}/").content.decode()
    monkeypatch.setattr(time, "time", lambda: now + 1.21 * 120 * pagecache.REFRESH_FROM)
    rebuilt = client.get(f"/listings/{listing.pk}/")
    assert "X-Page-Cache" not in rebuilt and "Skænk" in rebuilt.content.decode()
    assert client.get(f"/listings/{listing.pk}/")["X-Page-Cache"] == "hit"
    assert "Skænk" in client.get(f"/listings/{listing.pk}/").content.decode()
