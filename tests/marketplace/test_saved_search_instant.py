"""Saved searches that alert at once (issue 15): when a listing goes public, the owners of matching `instant`
searches are told in-app and by email — by a task queued after commit, matching with browse's own search, only
public listings, never the seller, once each; `daily` searches stay in the digest."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from listings.models import ListingStatus
from listings.services import listing_hide, listing_publish
from marketplace import services as trade
from marketplace.models import AlertFrequency, SavedSearch
from marketplace.tasks import saved_searches_digest_run, saved_searches_instant, saved_searches_instant_run
from notifications.models import Notification
from notifications.tasks import notification_email
from tests import factories
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def queued(callbacks: list[Any], task: Any) -> list[tuple[Any, ...]]:
    """The arguments of the `task`s queued after commit (`core.queue.enqueue`)."""
    return [cb.args[1] for cb in callbacks if getattr(cb, "args", None) and cb.args[0] is task]


def bike_draft(**kw: Any):  # type: ignore[no-untyped-def]
    return factories.ListingFactory(
        status=ListingStatus.DRAFT, title="Rød damecykel", category=factories.category("bicycle"), **kw
    )


def test_a_listing_going_public_alerts_matching_instant_searches_once(django_capture_on_commit_callbacks):
    fan = factories.UserFactory(language="en")
    search = trade.saved_search_create(
        user=fan, name="Cykler", query={"category": "bicycle"}, frequency=AlertFrequency.INSTANT
    )
    daily = trade.saved_search_create(user=factories.UserFactory(), name="Cykler", query={"category": "bicycle"})
    listing = bike_draft()
    with django_capture_on_commit_callbacks() as callbacks:
        listing_publish(listing=listing, actor=listing.seller)
    assert (listing.pk,) in queued(callbacks, saved_searches_instant)
    assert saved_searches_instant_run(listing_id=listing.pk) == 1
    note = Notification.objects.get(kind="saved_search_match")
    assert note.user == fan and note.url == listing.get_absolute_url() and note.email_wanted
    assert "Rød damecykel" in note.title and "Stop these emails" in note.body  # in the reader's language
    assert f"/unsubscribe/{search.unsubscribe_token}/" in note.body
    notification_email(note.pk)
    assert [m.to for m in mail.outbox] == [[fan.email]]
    # Run again (a redelivered message): nobody is told twice.
    assert saved_searches_instant_run(listing_id=listing.pk) == 0
    # The daily search is not told at once, and the instant one is left out of the digest.
    assert not Notification.objects.filter(user=daily.user, kind="saved_search_match").exists()
    sent, _unavailable = saved_searches_digest_run(search_ids=[search.pk])
    assert sent == 0


def test_a_search_that_does_not_match_the_sellers_own_and_a_hidden_listing_are_not_told():
    seller = factories.UserFactory()
    trade.saved_search_create(user=seller, name="Mine", query={"category": "bicycle"}, frequency="instant")
    other = factories.UserFactory()
    trade.saved_search_create(user=other, name="Sofaer", query={"category": "furniture"}, frequency="instant")
    listing = bike_draft(seller=seller)
    listing_publish(listing=listing, actor=seller)
    assert saved_searches_instant_run(listing_id=listing.pk) == 0
    # Visibility: a listing a moderator hid before the task ran matches nobody.
    fan = factories.UserFactory()
    trade.saved_search_create(user=fan, name="Cykler", query={"q": "damecykel"}, frequency="instant")
    hidden = bike_draft()
    listing_publish(listing=hidden, actor=hidden.seller)
    listing_hide(listing=hidden, actor=factories.UserFactory(is_staff=True))
    assert saved_searches_instant_run(listing_id=hidden.pk) == 0
    assert not Notification.objects.filter(kind="saved_search_match").exists()


def test_a_search_with_email_turned_off_is_told_in_app_only():
    fan = factories.UserFactory()
    search = trade.saved_search_create(user=fan, name="Cykler", query={}, frequency="instant")
    SavedSearch.objects.filter(pk=search.pk).update(email_digest=False)
    listing = bike_draft()
    listing_publish(listing=listing, actor=listing.seller)
    assert saved_searches_instant_run(listing_id=listing.pk) == 1
    assert not Notification.objects.get(kind="saved_search_match").email_wanted


def test_the_api_and_the_page_save_the_choice_and_refuse_nonsense():
    user = factories.UserFactory()
    client = client_for(user)
    response = client.post("/api/v1/saved-searches/", {"name": "Cykler", "frequency": "instant"}, format="json")
    assert response.status_code == 201 and response.json()["frequency"] == "instant"
    response = client.post("/api/v1/saved-searches/", {"name": "Cykler"}, format="json")
    assert response.json()["frequency"] == "daily"
    for language in ("da", "en"):
        response = client.post(
            "/api/v1/saved-searches/", {"name": "x", "frequency": "hourly"}, format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )  # fmt: skip
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
        assert "frequency" in response.json()["errors"]
    assert SavedSearch.objects.filter(user=user).count() == 2
    from django.test import Client

    page = Client()
    page.force_login(user)
    response = page.post("/saved-searches/", {"category": "bicycle", "frequency": "instant"})
    assert response.status_code == 302
    assert SavedSearch.objects.filter(user=user, frequency="instant").count() == 2
    page.post("/saved-searches/", {"category": "bicycle", "frequency": "hourly"})
    assert SavedSearch.objects.filter(user=user).count() == 3
