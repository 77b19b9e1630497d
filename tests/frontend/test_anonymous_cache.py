"""The anonymous page cache (core.pagecache) on Redis: anonymous visitors get the results grid, the listings API's
pages and the impact figures from the cache, and never see what the visibility rules would not show them — every
change to what is public renews the catalogue version the entries are kept under. Signed-in people are never
served from it.

How a test knows a page came from the cache: it changes a row behind the application's back (a queryset update,
which renews nothing) and looks for the old text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
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
    buyer = factories.UserFactory()
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
        reservation_create(listing=draft, buyer=buyer)
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


def test_no_csrf_token_is_ever_kept() -> None:
    key = "pagecache:test-csrf"
    html = pagecache.cached_fragment(key, lambda: '<input name="csrfmiddlewaretoken" value="secret">')
    assert "secret" in html
    assert pagecache.get(key) is None


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
