"""Favourites ("Gem"), offers ("Giv et bud"), public profiles and ratings (issue 15), through the API; the races of
accepting offers on PostgreSQL."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from listings import services as listing_services
from listings.categories import categories_load
from listings.models import Listing
from marketplace import services
from marketplace.models import Favourite, Offer, Rating, Report, Reservation
from marketplace.tasks import offers_expire
from notifications.models import Notification
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"


def favourite(user, listing, method="post"):
    return getattr(client_for(user), method)(f"{API}/listings/{listing.pk}/favourite/")


def offer(user, listing, price, **kw):
    return client_for(user).post(f"{API}/listings/{listing.pk}/offers/", {"price_dkk": price}, format="json", **kw)


def act(user, offer_id, action, **body):
    return client_for(user).post(f"{API}/offers/{offer_id}/{action}/", body or None, format="json")


# --- Favourites ------------------------------------------------------------------------------------------------


def test_save_list_and_unsave_a_listing():
    listing = ListingFactory()
    user = UserFactory()
    assert favourite(user, listing).status_code == 201
    assert favourite(user, listing).status_code == 200  # again: nothing new
    rows = client_for(user).get(f"{API}/favourites/").json()["results"]
    assert [row["listing"]["id"] for row in rows] == [listing.pk]
    assert favourite(user, listing, "delete").status_code == 204
    assert favourite(user, listing, "delete").status_code == 204
    assert client_for(user).get(f"{API}/favourites/").json()["results"] == []


def test_a_listing_that_stops_being_public_leaves_the_list_and_a_draft_cannot_be_saved():
    listing = ListingFactory()
    user = UserFactory()
    favourite(user, listing)
    Listing.objects.filter(pk=listing.pk).update(status="hidden")
    assert client_for(user).get(f"{API}/favourites/").json()["results"] == []
    draft = ListingFactory(status="draft")
    assert favourite(user, draft).status_code == 404  # not theirs to see
    response = favourite(draft.seller, draft)
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    assert not Favourite.objects.filter(listing=draft).exists()


def test_who_saved_a_listing_hears_of_a_reservation_and_a_price_drop_in_their_language():
    listing = ListingFactory(title="Sofa", price_dkk=Decimal(500))
    saver = UserFactory(language="en")
    dansk = UserFactory(language="da")
    for user in (saver, dansk, listing.seller):
        Favourite.objects.create(user=user, listing=listing)
    listing_services.listing_update(listing=listing, actor=listing.seller, price_dkk=Decimal("399.50"))
    note = Notification.objects.get(user=saver, kind="favourite_price_drop")
    assert note.title == "“Sofa”, which you saved, is cheaper now"
    assert "399.50" in note.body and note.url == f"/listings/{listing.pk}/"
    assert (
        Notification.objects.get(user=dansk, kind="favourite_price_drop").title
        == "“Sofa”, som du har gemt, er blevet billigere"
    )
    assert not Notification.objects.filter(user=listing.seller, kind__startswith="favourite").exists()
    listing_services.listing_update(listing=listing, actor=listing.seller, price_dkk=Decimal(450))  # up: no news
    assert Notification.objects.filter(kind="favourite_price_drop").count() == 2
    client_for(dansk).post(f"{API}/listings/{listing.pk}/reservations/")
    assert Notification.objects.filter(user=saver, kind="favourite_reserved").count() == 1
    assert not Notification.objects.filter(user=dansk, kind="favourite_reserved").exists()  # the one who reserved


# --- Offers ----------------------------------------------------------------------------------------------------


def test_offer_accepted_by_the_seller_reserves_at_that_price():
    listing = ListingFactory(price_dkk=Decimal(300))
    buyer = UserFactory()
    response = offer(buyer, listing, "250.50")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending" and data["price_dkk"] == "250.50" and data["role"] == "buyer"
    assert Notification.objects.filter(user=listing.seller, kind="offer_made").exists()
    seller_rows = client_for(listing.seller).get(f"{API}/offers/").json()["results"]
    assert [(row["id"], row["role"]) for row in seller_rows] == [(data["id"], "seller")]
    assert act(buyer, data["id"], "accept").status_code == 409  # the buyer can't accept their own offer
    accepted = act(listing.seller, data["id"], "accept")
    assert accepted.status_code == 200, accepted.content
    reservation = Reservation.objects.get(listing=listing)
    assert reservation.buyer == buyer and reservation.agreed_price_dkk == Decimal("250.50")
    assert accepted.json()["status"] == "accepted" and accepted.json()["reservation"] == reservation.pk
    assert Listing.objects.get(pk=listing.pk).status == "reserved"
    assert act(listing.seller, data["id"], "accept").status_code == 409


def test_counter_offer_accepted_by_the_buyer():
    listing = ListingFactory(price_dkk=Decimal(300))
    buyer = UserFactory()
    offer_id = offer(buyer, listing, "200").json()["id"]
    assert act(buyer, offer_id, "counter", price_dkk="280").status_code == 403
    assert act(listing.seller, offer_id, "counter", price_dkk="150").status_code == 400  # below the offer
    assert act(listing.seller, offer_id, "counter", price_dkk="300").status_code == 400  # not below asking
    countered = act(listing.seller, offer_id, "counter", price_dkk="260")
    assert countered.status_code == 200 and countered.json()["status"] == "countered"
    assert countered.json()["counter_price_dkk"] == "260.00"
    assert act(listing.seller, offer_id, "accept").status_code == 409  # now the buyer answers
    assert act(buyer, offer_id, "accept").status_code == 200
    assert Reservation.objects.get(listing=listing).agreed_price_dkk == Decimal(260)


def test_decline_and_withdraw():
    listing = ListingFactory(price_dkk=Decimal(300))
    first, second = UserFactory(), UserFactory()
    one = offer(first, listing, "100").json()["id"]
    two = offer(second, listing, "120").json()["id"]
    assert act(listing.seller, one, "decline").json()["status"] == "declined"
    assert act(listing.seller, one, "accept").status_code == 409
    assert act(second, two, "decline").json()["status"] == "declined"  # a buyer withdraws their offer
    assert not Reservation.objects.exists()
    assert offer(first, listing, "110").status_code == 201  # a new offer once the old one is answered


@pytest.mark.parametrize(
    ("who", "price", "status"),
    [
        ("seller", "100", 403),
        ("buyer", "0", 400),
        ("buyer", "-5", 400),
        ("buyer", "300", 400),
        ("buyer", "350", 400),
        ("buyer", "abc", 400),
    ],
)
def test_offers_that_are_refused(who, price, status):
    listing = ListingFactory(price_dkk=Decimal(300))
    user = listing.seller if who == "seller" else UserFactory()
    response = offer(user, listing, price, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert not Offer.objects.exists()


def test_offer_refusals_speak_danish_and_english():
    listing = ListingFactory(price_dkk=Decimal(300))
    assert offer(UserFactory(language="da"), listing, "300", HTTP_ACCEPT_LANGUAGE="da").json()["detail"] == (
        "Et bud skal være over 0 kr. og under udbudsprisen på 300,00 kr."
    )
    assert offer(UserFactory(language="en"), listing, "300", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == (
        "An offer must be more than 0 kr. and less than the asking price of 300.00 kr."
    )


@pytest.mark.parametrize(
    "kind_status", [("free", "active"), ("sale", "reserved"), ("sale", "sold"), ("repair", "active")]
)
def test_no_offers_on_free_donated_reserved_or_sold_items(kind_status):
    kind, status = kind_status
    listing = ListingFactory(kind=kind, status=status, price_dkk=Decimal(0) if kind != "sale" else Decimal(300))
    response = offer(UserFactory(), listing, "100")
    assert response.status_code == 409
    assert not Offer.objects.exists()


def test_one_open_offer_per_buyer_and_listing():
    listing = ListingFactory(price_dkk=Decimal(300))
    buyer = UserFactory()
    assert offer(buyer, listing, "100").status_code == 201
    assert offer(buyer, listing, "150").status_code == 409
    assert Offer.objects.count() == 1


def test_offers_expire_on_read_and_by_the_task(settings):
    settings.OFFER_EXPIRY_HOURS = 1
    listing = ListingFactory(price_dkk=Decimal(300))
    buyer = UserFactory()
    offer_id = offer(buyer, listing, "100").json()["id"]
    Offer.objects.filter(pk=offer_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client_for(buyer).get(f"{API}/offers/").json()["results"][0]["status"] == "expired"
    response = act(listing.seller, offer_id, "accept")
    assert response.status_code == 409 and response.json()["type"].endswith("/offer_expired")
    assert not Reservation.objects.exists()
    assert Offer.objects.get(pk=offer_id).status == "expired"
    other = offer(UserFactory(), listing, "120").json()["id"]
    Offer.objects.filter(pk=other).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert offers_expire() == 1
    assert Offer.objects.get(pk=other).status == "expired"


def test_accepting_respects_the_buyers_reservation_cap(settings):
    settings.RESERVATION_MAX_OPEN_PER_BUYER = 1
    buyer = UserFactory()
    client_for(buyer).post(f"{API}/listings/{ListingFactory().pk}/reservations/")
    listing = ListingFactory(price_dkk=Decimal(300))
    offer_id = offer(buyer, listing, "100").json()["id"]
    response = act(listing.seller, offer_id, "accept")
    assert response.status_code == 409 and response.json()["type"].endswith("/too_many_reservations")
    assert Offer.objects.get(pk=offer_id).status == "pending"
    assert Listing.objects.get(pk=listing.pk).status == "active"


def test_strangers_neither_see_nor_answer_offers():
    listing = ListingFactory(price_dkk=Decimal(300))
    offer_id = offer(UserFactory(), listing, "100").json()["id"]
    stranger = UserFactory()
    assert client_for(stranger).get(f"{API}/offers/").json()["results"] == []
    for action in ("accept", "decline"):
        assert act(stranger, offer_id, action).status_code == 404
    assert act(stranger, offer_id, "counter", price_dkk="200").status_code == 404


def test_a_workshops_member_answers_offers_on_its_listings():
    membership = MembershipFactory()
    listing = ListingFactory(workshop=membership.workshop, seller=membership.user, price_dkk=Decimal(300))
    colleague = MembershipFactory(workshop=membership.workshop).user
    offer_id = offer(UserFactory(), listing, "250").json()["id"]
    assert act(colleague, offer_id, "accept").status_code == 200


# --- Races on PostgreSQL ---------------------------------------------------------------------------------------


def _race(calls):
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            code = call()
            with lock:
                statuses.append(code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(statuses)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(2))
def test_postgres_two_offers_accepted_at_once_make_one_reservation(transactional_db, attempt):
    categories_load()
    listing = ListingFactory(price_dkk=Decimal(300))
    offers = [services.offer_create(listing=listing, buyer=UserFactory(), price_dkk=Decimal(100 + i)) for i in range(6)]
    seller = client_for(listing.seller)
    calls = [lambda o=o: seller.post(f"{API}/offers/{o.pk}/accept/").status_code for o in offers]
    assert _race(calls) == [200] + [409] * 5
    assert Reservation.objects.filter(listing=listing).count() == 1
    assert Offer.objects.filter(listing=listing, status="accepted").count() == 1
    assert Offer.objects.filter(listing=listing, status="pending").count() == 5


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(2))
def test_postgres_accept_against_decline_of_one_offer(transactional_db, attempt):
    categories_load()
    listing = ListingFactory(price_dkk=Decimal(300))
    buyer = UserFactory()
    the_offer = services.offer_create(listing=listing, buyer=buyer, price_dkk=Decimal(100))
    seller, buyer_client = client_for(listing.seller), client_for(buyer)
    calls = [
        lambda: seller.post(f"{API}/offers/{the_offer.pk}/accept/").status_code,
        lambda: buyer_client.post(f"{API}/offers/{the_offer.pk}/decline/").status_code,
    ]
    assert _race(calls) == [200, 409]
    the_offer.refresh_from_db()
    assert the_offer.status in ("accepted", "declined")
    assert Reservation.objects.filter(listing=listing).count() == (1 if the_offer.status == "accepted" else 0)


# --- Ratings and profiles --------------------------------------------------------------------------------------


def completed(listing=None, buyer=None):
    listing = listing or ListingFactory()
    buyer = buyer or UserFactory()
    reservation = services.reservation_create(listing=listing, buyer=buyer)
    seller = listing.seller
    services.reservation_complete(reservation=reservation, actor=seller)
    return reservation


def rate(user, reservation, **body):
    return client_for(user).post(f"{API}/reservations/{reservation.pk}/rating/", body, format="json")


def test_each_side_rates_the_other_once_after_the_hand_over():
    reservation = completed()
    seller, buyer = reservation.listing.seller, reservation.buyer
    response = rate(buyer, reservation, stars=5, text="Fin handel")
    assert response.status_code == 201, response.content
    assert rate(buyer, reservation, stars=4).status_code == 409
    assert rate(seller, reservation, stars=4).status_code == 201
    assert Rating.objects.get(side="buyer").rated_user == seller
    assert Rating.objects.get(side="seller").rated_user == buyer
    profile = client_for(UserFactory()).get(f"{API}/profiles/{seller.pk}/").json()
    assert profile["rating"] == {"count": 1, "average": 5.0}
    assert profile["ratings"][0]["text"] == "Fin handel"
    assert profile["ratings"][0]["rater"]["display_name"] == buyer.display_name


@pytest.mark.parametrize("stars", [0, 6, "x", None])
def test_stars_are_1_to_5(stars):
    reservation = completed()
    response = rate(reservation.buyer, reservation, stars=stars)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert not Rating.objects.exists()


def test_no_rating_before_the_hand_over_nor_by_strangers():
    listing = ListingFactory()
    reservation = services.reservation_create(listing=listing, buyer=UserFactory())
    assert rate(reservation.buyer, reservation, stars=5).status_code == 409
    done = completed()
    assert rate(UserFactory(), done, stars=1).status_code == 404
    assert not Rating.objects.exists()


def test_a_workshops_sale_rates_the_workshop():
    membership = MembershipFactory()
    listing = ListingFactory(workshop=membership.workshop, seller=membership.user)
    reservation = services.reservation_create(listing=listing, buyer=UserFactory())
    services.reservation_complete(reservation=reservation, actor=membership.user)
    assert rate(reservation.buyer, reservation, stars=4).status_code == 201
    assert Rating.objects.get().rated_workshop == membership.workshop
    assert rate(MembershipFactory(workshop=membership.workshop).user, reservation, stars=5).status_code == 201


def test_a_profile_shows_nothing_private_and_never_what_was_donated():
    seller = UserFactory(display_name="Sælger Sørensen", email="hemmelig@example.dk", area="Kildeparken")
    public = ListingFactory(seller=seller, title="Lampe")
    ListingFactory(seller=seller, status="draft", title="Kladde")
    ListingFactory(seller=seller, kind="repair", price_dkk=0, title="Doneret bærbar")
    response = client_for(UserFactory()).get(f"{API}/profiles/{seller.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "hemmelig" not in text and "Kildeparken" not in text.split('"listings"')[0]
    assert "Kladde" not in text and "Doneret" not in text
    assert [row["id"] for row in response.json()["listings"]] == [public.pk]
    seller.is_active = False
    seller.save()
    assert client_for(UserFactory()).get(f"{API}/profiles/{seller.pk}/").status_code == 404


def test_a_rating_can_be_reported():
    reservation = completed()
    rating = services.rating_create(reservation=reservation, rater=reservation.buyer, stars=1, text="Grimt sprog")
    assert (
        client_for(reservation.buyer).post(f"{API}/ratings/{rating.pk}/reports/", {"reason": "offensive"}).status_code
        == 403
    )
    response = client_for(reservation.listing.seller).post(
        f"{API}/ratings/{rating.pk}/reports/", {"reason": "offensive"}
    )
    assert response.status_code == 201
    assert Report.objects.get().rating == rating


def test_the_data_export_holds_favourites_offers_and_ratings():
    listing = ListingFactory(price_dkk=Decimal(300))
    buyer = UserFactory()
    favourite(buyer, listing)
    offer(buyer, listing, "200")
    reservation = completed()
    services.rating_create(reservation=reservation, rater=reservation.buyer, stars=4, text="Fint")
    data = client_for(buyer).get(f"{API}/me/export/").json()
    assert [row["listing_id"] for row in data["favourites"]] == [listing.pk]
    assert [(row["listing_id"], row["price_dkk"], row["status"]) for row in data["offers"]] == [
        (listing.pk, "200.00", "pending")
    ]
    rater = client_for(reservation.buyer).get(f"{API}/me/export/").json()
    assert [row["stars"] for row in rater["ratings_given"]] == [4]
    seller = client_for(reservation.listing.seller).get(f"{API}/me/export/").json()
    assert [row["text"] for row in seller["ratings_received"]] == ["Fint"]
