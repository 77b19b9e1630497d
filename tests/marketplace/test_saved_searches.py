"""Saved searches: validated like browse, a digest of new matches per search, unsubscribe from the email."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from listings.models import Listing
from marketplace.models import SavedSearch
from marketplace.tasks import saved_searches_digest
from tests.factories import ListingFactory, UserFactory, category
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

SAVED = "/api/v1/saved-searches/"


def save(user, query, name="Stole", **extra):
    return client_for(user).post(SAVED, {"name": name, "query": query, **extra}, format="json")


def test_create_list_delete():
    user = UserFactory()
    response = save(user, {"q": "stol", "category": "moebler", "max_price": "200"})
    assert response.status_code == 201, response.content
    assert response.json()["query"] == {"q": "stol", "category": "moebler", "max_price": "200"}
    assert response.json()["email_digest"] is True
    client = client_for(user)
    assert [s["name"] for s in client.get(SAVED).json()["results"]] == ["Stole"]
    assert client_for(UserFactory()).delete(f"{SAVED}{response.json()['id']}/").status_code == 404
    assert client.delete(f"{SAVED}{response.json()['id']}/").status_code == 204
    assert not SavedSearch.objects.exists()


def test_query_is_validated_like_browse():
    response = save(UserFactory(), {"category": "nope", "min_price": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"category", "min_price"}


def test_saved_search_list_costs_constant_queries(django_assert_max_num_queries):
    user = UserFactory()
    for i in range(5):
        save(user, {"q": f"ting {i}"}, name=f"s{i}")
    with django_assert_max_num_queries(6):
        assert len(client_for(user).get(f"{SAVED}?page_size=100").json()["results"]) == 5


def _publish(**kwargs):
    listing = ListingFactory(**kwargs)
    Listing.objects.filter(pk=listing.pk).update(published_at=timezone.now() + timedelta(seconds=1))
    return listing


def test_digest_mails_new_matches_once_per_search_then_nothing():
    user = UserFactory(language="en")
    save(user, {"category": "moebler"}, name="Møbler")
    save(user, {"q": "cykel"}, name="Cykler")
    save(user, {"q": "cykel"}, name="Quiet", email_digest=False)
    SavedSearch.objects.update(last_notified_at=timezone.now() - timedelta(minutes=5))
    chair = ListingFactory(title="Stol")
    ListingFactory(title="Rød cykel", category=category("bicycle"))
    ListingFactory(title="Kladde-sofa", status="draft")
    assert saved_searches_digest() == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["New on Kredsløb for “Cykler”", "New on Kredsløb for “Møbler”"]
    furniture_mail = next(m for m in mail.outbox if "Møbler" in m.subject)
    assert chair.title in furniture_mail.body
    assert "Kladde-sofa" not in furniture_mail.body
    assert "List-Unsubscribe" in furniture_mail.extra_headers
    mail.outbox.clear()
    assert saved_searches_digest() == 0
    ListingFactory(title="Ny stol")
    assert saved_searches_digest() == 1


def test_unsubscribe_link_from_the_email_works_without_login(client):
    user = UserFactory()
    save(user, {"q": "stol"})
    SavedSearch.objects.update(last_notified_at=timezone.now() - timedelta(minutes=5))
    ListingFactory(title="Stol")
    saved_searches_digest()
    link = re.search(r"https?://[^/]+(/unsubscribe/[^/\s]+/)", mail.outbox[0].body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert SavedSearch.objects.get().email_digest is True  # a GET (mail scanners) changes nothing
    assert client.post(link).status_code == 200
    assert SavedSearch.objects.get().email_digest is False
    mail.outbox.clear()
    ListingFactory(title="Endnu en stol")
    assert saved_searches_digest() == 0
    assert client.get("/unsubscribe/not-a-token/").status_code == 404


# --- One bad name or address never costs anybody else their digest (issue 11, item 14) ---------------------


def _owed_search(user, name):
    """A saved search as an old row may hold it (the name is not validated here) with a new match waiting."""
    return SavedSearch.objects.create(
        user=user, name=name, query={"q": "lampe"}, last_notified_at=timezone.now() - timedelta(minutes=5)
    )


def test_a_newline_in_a_saved_search_name_neither_breaks_its_mail_nor_stops_the_others():
    first, crooked, last = (UserFactory(language="da") for _ in range(3))
    _owed_search(first, "Lamper")
    _owed_search(crooked, "Lamper\r\nBcc: alle@example.dk")
    _owed_search(last, "Lamper igen")
    ListingFactory(title="Messinglampe")
    assert saved_searches_digest() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in (first, crooked, last))
    crooked_mail = next(m for m in mail.outbox if m.to == [crooked.email])
    assert "\n" not in crooked_mail.subject and "\r" not in crooked_mail.subject
    assert "Bcc" not in crooked_mail.message()
    assert crooked_mail.recipients() == [crooked.email]


def test_a_refused_recipient_neither_blocks_nor_repeats_the_others_digest(settings):
    from tests import mailbackends

    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    people = [UserFactory() for _ in range(3)]
    searches = [_owed_search(person, f"Lamper {i}") for i, person in enumerate(people)]
    refused = people[1]
    mailbackends.REFUSED.add(refused.email)
    try:
        ListingFactory(title="Messinglampe")
        assert saved_searches_digest() == 2  # no exception, no retry of the whole run
        assert sorted(m.to[0] for m in mail.outbox) == sorted([people[0].email, people[2].email])
        # The refused search still owes its match; the others are marked done.
        searches[1].refresh_from_db()
        assert searches[1].last_notified_at < timezone.now() - timedelta(minutes=4)
        assert saved_searches_digest() == 0  # tried again, refused again; nobody else mailed twice
        assert len(mail.outbox) == 2
    finally:
        mailbackends.REFUSED.discard(refused.email)
    assert saved_searches_digest() == 1  # the server takes it now: the match waited for them
    assert [m.to[0] for m in mail.outbox[2:]] == [refused.email]
    assert "Messinglampe" in mail.outbox[2].body


def test_a_saved_search_name_with_a_line_break_is_refused_in_danish_and_english():
    user = UserFactory()
    for language, words in (("da", "linjeskift"), ("en", "line break")):
        response = client_for(user).post(
            SAVED, {"name": "Stole\nBcc: x@example.dk", "query": {}}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/problem+json")
        assert words in response.json()["errors"]["name"][0]
    assert not SavedSearch.objects.exists()
