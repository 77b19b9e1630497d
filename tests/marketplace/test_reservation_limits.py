"""No account can hold the marketplace: a buyer's open reservations are capped (RESERVATION_MAX_OPEN_PER_BUYER),
and a buyer who let a reservation go waits (RESERVATION_RETRY_AFTER_MINUTES) before reserving that item again."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from listings.categories import categories_load
from marketplace.models import Reservation, ReservationStatus
from marketplace.tasks import reservations_expire
from tests.factories import ListingFactory, UserFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def reserve(client, listing, **headers):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/listings/{listing.pk}/reservations/", **headers)


def test_one_buyer_cannot_reserve_every_listing(settings):
    settings.RESERVATION_MAX_OPEN_PER_BUYER = 5
    listings = [ListingFactory() for _ in range(30)]
    buyer = client_for(UserFactory())
    codes = [reserve(buyer, listing).status_code for listing in listings]
    assert codes == [201] * 5 + [409] * 25
    assert Reservation.objects.filter(status=ReservationStatus.PENDING).count() == 5
    assert sum(listing.__class__.objects.get(pk=listing.pk).status == "reserved" for listing in listings) == 5
    # Others can still reserve what is left.
    assert reserve(client_for(UserFactory()), listings[5]).status_code == 201


def test_the_cap_answers_in_danish_and_english_and_frees_up_when_one_ends(settings):
    settings.RESERVATION_MAX_OPEN_PER_BUYER = 1
    first, second = ListingFactory(), ListingFactory()
    user = UserFactory()
    buyer = client_for(user)
    assert reserve(buyer, first).status_code == 201
    english = reserve(buyer, second, HTTP_ACCEPT_LANGUAGE="en")
    danish = reserve(buyer, second, HTTP_ACCEPT_LANGUAGE="da")
    assert english.status_code == danish.status_code == 409
    assert english["Content-Type"].startswith("application/problem+json")
    assert english.json()["type"].endswith("too_many_reservations")
    assert "1 open reservations" in english.json()["detail"]
    assert danish.json()["detail"] != english.json()["detail"] and "reservation" in danish.json()["detail"]
    # Completing the first frees a place.
    reservation = Reservation.objects.get(listing=first)
    assert client_for(first.seller).post(f"/api/v1/reservations/{reservation.pk}/complete/").status_code == 200
    assert reserve(buyer, second).status_code == 201


def test_a_buyer_who_cancelled_waits_before_reserving_the_same_item_again(settings):
    settings.RESERVATION_RETRY_AFTER_MINUTES = 60
    listing = ListingFactory()
    buyer = client_for(UserFactory())
    reservation_id = reserve(buyer, listing).json()["id"]
    assert buyer.post(f"/api/v1/reservations/{reservation_id}/cancel/").status_code == 200
    again = reserve(buyer, listing, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 429
    assert again["Content-Type"].startswith("application/problem+json")
    assert again.json()["type"].endswith("reservation_retry_later")
    assert "60 minutes" in again.json()["detail"]
    assert reserve(buyer, listing, HTTP_ACCEPT_LANGUAGE="da").json()["detail"] != again.json()["detail"]
    assert Reservation.objects.filter(listing=listing).count() == 1
    # Someone else may reserve it at once; and after the wait, so may the first buyer.
    other = client_for(UserFactory())
    other_id = reserve(other, listing).json()["id"]
    other.post(f"/api/v1/reservations/{other_id}/cancel/")
    Reservation.objects.filter(pk=reservation_id).update(cancelled_at=timezone.now() - timedelta(minutes=61))
    assert reserve(buyer, listing).status_code == 201


def test_a_buyer_who_let_a_reservation_expire_waits_too(settings):
    listing = ListingFactory()
    buyer = client_for(UserFactory())
    reservation_id = reserve(buyer, listing).json()["id"]
    Reservation.objects.filter(pk=reservation_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert reservations_expire() == 1
    assert reserve(buyer, listing).status_code == 429


def test_a_buyer_whose_reservation_the_seller_cancelled_may_reserve_again():
    listing = ListingFactory()
    buyer = client_for(UserFactory())
    reservation_id = reserve(buyer, listing).json()["id"]
    assert client_for(listing.seller).post(f"/api/v1/reservations/{reservation_id}/cancel/").status_code == 200
    assert reserve(buyer, listing).status_code == 201


def test_the_reserve_button_on_the_page_meets_the_same_limits(settings):
    settings.RESERVATION_MAX_OPEN_PER_BUYER = 1
    first, second = ListingFactory(), ListingFactory()
    page = Client()
    page.force_login(UserFactory())
    page.post(f"/listings/{first.pk}/reserve/")
    response = page.post(f"/listings/{second.pk}/reserve/", follow=True, HTTP_ACCEPT_LANGUAGE="da")
    assert Reservation.objects.count() == 1
    assert "Du har allerede 1 åbne reservationer" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_a_buyers_concurrent_reservations_stay_under_the_cap(transactional_db, settings):
    settings.RESERVATION_MAX_OPEN_PER_BUYER = 5
    categories_load()  # a transactional test before this one flushed the migration-loaded categories
    listings = [ListingFactory() for _ in range(20)]
    user = UserFactory()
    barrier = threading.Barrier(len(listings))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(listing):  # type: ignore[no-untyped-def]
        try:
            client = client_for(user)
            barrier.wait()
            code = reserve(client, listing).status_code
            with lock:
                statuses.append(code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(listing,)) for listing in listings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [201] * 5 + [409] * 15
    assert Reservation.objects.filter(buyer=user, status=ReservationStatus.PENDING).count() == 5
