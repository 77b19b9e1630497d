"""Reservations: the whole life cycle through the API, expiry by the periodic task, and one winner under
concurrency on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from listings.categories import categories_load
from listings.models import Listing
from marketplace.models import Reservation
from marketplace.tasks import reservations_expire
from notifications.models import Notification
from notifications.tasks import notification_email
from tests.factories import ListingFactory, MembershipFactory, ReservationFactory, UserFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def reserve(user, listing):
    return client_for(user).post(f"/api/v1/listings/{listing.pk}/reservations/")


def test_reserve_an_active_listing(settings, django_capture_on_commit_callbacks):
    settings.RESERVATION_HOURS = 48
    listing = ListingFactory()
    buyer = UserFactory()
    with django_capture_on_commit_callbacks() as queued:
        response = reserve(buyer, listing)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending"
    expires = timezone.datetime.fromisoformat(data["expires_at"])
    assert timedelta(hours=47, minutes=59) < expires - timezone.now() <= timedelta(hours=48)
    listing.refresh_from_db()
    assert listing.status == "reserved"
    notification = Notification.objects.get(user=listing.seller, kind="reservation_created")
    assert len(queued) == 1  # its email is queued after commit; the task sends it:
    notification_email(notification.pk)
    assert [m.to for m in mail.outbox] == [[listing.seller.email]]


def test_second_buyer_gets_409_and_no_row():
    listing = ListingFactory()
    assert reserve(UserFactory(), listing).status_code == 201
    response = reserve(UserFactory(), listing)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert Reservation.objects.count() == 1


@pytest.mark.parametrize("status", ["sold"])
def test_listing_not_active_is_409(status):
    listing = ListingFactory(status=status)
    assert reserve(UserFactory(), listing).status_code == 409


def test_draft_listing_is_404_to_buyers():
    listing = ListingFactory(status="draft")
    assert reserve(UserFactory(), listing).status_code == 404


def test_seller_and_workshop_member_cannot_reserve_their_own():
    membership = MembershipFactory()
    # A workshop's listing is published by one of its members (repairs.services.job_publish).
    listing = ListingFactory(workshop=membership.workshop, seller=MembershipFactory(workshop=membership.workshop).user)
    assert reserve(listing.seller, listing).status_code == 403
    assert reserve(membership.user, listing).status_code == 403
    listing.refresh_from_db()
    assert listing.status == "active"
    assert not Reservation.objects.exists()


def test_pickup_details_reach_the_buyer_only_once_confirmed():
    listing = ListingFactory(pickup_details="Hent den i kælderen, nr. 12")
    buyer = UserFactory()
    reservation_id = reserve(buyer, listing).json()["id"]
    assert "pickup_details" not in client_for(buyer).get("/api/v1/reservations/").json()["results"][0]
    seller_view = client_for(listing.seller).get("/api/v1/reservations/").json()["results"][0]
    assert seller_view["role"] == "seller"
    assert client_for(buyer).post(f"/api/v1/reservations/{reservation_id}/confirm/").status_code == 403
    confirmed = client_for(listing.seller).post(f"/api/v1/reservations/{reservation_id}/confirm/")
    assert confirmed.status_code == 200
    mine = client_for(buyer).get("/api/v1/reservations/").json()["results"][0]
    assert mine["status"] == "confirmed"
    assert mine["pickup_details"] == "Hent den i kælderen, nr. 12"
    notification = Notification.objects.get(user=buyer, kind="reservation_confirmed")
    assert "kælderen" in notification.body


def test_complete_sells_the_listing():
    listing = ListingFactory()
    buyer = UserFactory()
    reservation_id = reserve(buyer, listing).json()["id"]
    seller = client_for(listing.seller)
    assert seller.post(f"/api/v1/reservations/{reservation_id}/confirm/").status_code == 200
    assert client_for(buyer).post(f"/api/v1/reservations/{reservation_id}/complete/").status_code == 403
    assert seller.post(f"/api/v1/reservations/{reservation_id}/complete/").json()["status"] == "completed"
    listing.refresh_from_db()
    assert listing.status == "sold"
    assert seller.post(f"/api/v1/reservations/{reservation_id}/complete/").status_code == 409
    assert seller.post(f"/api/v1/reservations/{reservation_id}/cancel/").status_code == 409


@pytest.mark.parametrize("side", ["buyer", "seller"])
def test_either_side_cancels_and_the_listing_is_active_again(side):
    listing = ListingFactory()
    buyer = UserFactory()
    reservation_id = reserve(buyer, listing).json()["id"]
    actor = buyer if side == "buyer" else listing.seller
    response = client_for(actor).post(f"/api/v1/reservations/{reservation_id}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    listing.refresh_from_db()
    assert listing.status == "active"
    other = listing.seller if side == "buyer" else buyer
    assert Notification.objects.filter(user=other, kind="reservation_cancelled").exists()
    assert reserve(UserFactory(), listing).status_code == 201


def test_others_cannot_see_or_touch_a_reservation():
    listing = ListingFactory()
    reservation_id = reserve(UserFactory(), listing).json()["id"]
    stranger = client_for(UserFactory())
    assert stranger.post(f"/api/v1/reservations/{reservation_id}/cancel/").status_code == 404
    assert stranger.get("/api/v1/reservations/").json()["results"] == []


def test_workshop_member_sees_and_confirms_the_workshops_reservations():
    membership = MembershipFactory()
    listing = ListingFactory(workshop=membership.workshop)
    reservation_id = reserve(UserFactory(), listing).json()["id"]
    member = client_for(membership.user)
    assert [r["id"] for r in member.get("/api/v1/reservations/").json()["results"]] == [reservation_id]
    assert member.post(f"/api/v1/reservations/{reservation_id}/confirm/").status_code == 200


def test_notifications_are_in_the_recipients_language():
    listing = ListingFactory(seller=UserFactory(language="en"), title="Sofa")
    reserve(UserFactory(language="da"), listing)
    assert Notification.objects.get(user=listing.seller).title == "“Sofa” was reserved"


def test_expiry_task_frees_the_listing_and_tells_both(django_capture_on_commit_callbacks):
    due = ReservationFactory(expires_at=timezone.now() - timedelta(minutes=1))
    not_due = ReservationFactory()
    confirmed = ReservationFactory(status="confirmed", expires_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks() as queued:
        assert reservations_expire() == 1
    assert len(queued) == 2
    for notification in Notification.objects.filter(kind="reservation_expired"):
        notification_email(notification.pk)
    due.refresh_from_db()
    assert due.status == "expired"
    assert Listing.objects.get(pk=due.listing_id).status == "active"
    assert Notification.objects.filter(kind="reservation_expired").count() == 2
    assert {tuple(m.to) for m in mail.outbox} == {(due.buyer.email,), (due.listing.seller.email,)}
    for untouched in (not_due, confirmed):
        untouched.refresh_from_db()
        assert untouched.status in ("pending", "confirmed")
        assert Listing.objects.get(pk=untouched.listing_id).status == "reserved"
    assert reservations_expire() == 0  # running again changes nothing


def test_reservation_list_costs_constant_queries(django_assert_max_num_queries):
    buyer = UserFactory()
    for _ in range(5):
        ReservationFactory(buyer=buyer)
    with django_assert_max_num_queries(6):
        response = client_for(buyer).get("/api/v1/reservations/?page_size=100")
    assert len(response.json()["results"]) == 5


# --- Concurrency on PostgreSQL: many buyers, one listing ---------------------------------------------


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(3))
def test_postgres_many_buyers_at_once_make_exactly_one_reservation(transactional_db, attempt):
    categories_load()  # a transactional test before this one flushed the migration-loaded categories
    listing = ListingFactory()
    buyers = [UserFactory() for _ in range(20)]
    clients = [client_for(b) for b in buyers]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(client):
        try:
            barrier.wait()
            code = client.post(f"/api/v1/listings/{listing.pk}/reservations/").status_code
            with lock:
                statuses.append(code)
        finally:
            connection.close()  # each thread has its own connection; close it

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * 19
    assert Reservation.objects.filter(listing=listing).count() == 1
    listing.refresh_from_db()
    assert listing.status == "reserved"


def test_an_item_donated_for_repair_cannot_be_reserved_and_is_not_in_browse(api_client):
    from tests.factories import ListingFactory, UserFactory
    from tests.helpers import client_for

    donated = ListingFactory(kind="repair", price_dkk=0)
    buyer = client_for(UserFactory())
    response = buyer.post(f"/api/v1/listings/{donated.pk}/reservations/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 409
    assert response.json()["detail"] == "Denne ting er doneret til reparation og kan ikke reserveres."
    donated.refresh_from_db()
    assert donated.status == "active" and not donated.reservations.exists()
    ids = [row["id"] for row in api_client.get("/api/v1/listings/").json()["results"]]
    assert donated.pk not in ids
    ids = [row["id"] for row in api_client.get("/api/v1/listings/", {"kind": "repair"}).json()["results"]]
    assert ids == [donated.pk]
