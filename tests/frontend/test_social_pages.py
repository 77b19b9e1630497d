"""Favourites, offers, profiles and ratings on the pages (issue 15): without JavaScript, in Danish and English."""

from decimal import Decimal

import pytest
from django.test import Client

from frontend.forms_social import parse_amount
from marketplace import services
from marketplace.models import Favourite, Offer, Rating, Report, Reservation
from tests.factories import ListingFactory, MembershipFactory, PhotoFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(user=None, language="da"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("raw", "language", "amount"),
    [
        ("299,50", "da", Decimal("299.50")),
        ("1.500", "da", Decimal(1500)),
        ("1.500,75", "da", Decimal("1500.75")),
        ("250 kr.", "da", Decimal(250)),
        ("12.50", "da", Decimal("12.50")),
        ("1,500.75", "en", Decimal("1500.75")),
        ("299.50", "en", Decimal("299.50")),
        ("", "da", None),
        ("abc", "da", None),
        ("1,5,0", "da", None),
        ("-5", "da", None),
    ],
)
def test_amounts_are_read_in_the_readers_language(raw, language, amount):
    assert parse_amount(raw, language) == amount


def test_the_heart_saves_and_unsaves_without_javascript_and_with_htmx():
    listing = ListingFactory()
    user = UserFactory()
    client = page(user)
    response = client.get(listing.get_absolute_url())
    assert 'aria-pressed="false"' in response.content.decode()
    response = client.post(f"/listings/{listing.pk}/favourite/", follow=True)
    assert Favourite.objects.filter(user=user, listing=listing).exists()
    assert 'aria-pressed="true"' in response.content.decode()
    assert "Gemt" in response.content.decode()
    fragment = client.post(f"/listings/{listing.pk}/favourite/", {"action": "remove"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert not Favourite.objects.exists()
    my_page = page(user).get("/profile/").content.decode()
    assert "Gemte ting" in my_page


def test_anonymous_is_sent_to_log_in_and_a_draft_cannot_be_saved():
    listing = ListingFactory()
    response = page().post(f"/listings/{listing.pk}/favourite/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    draft = ListingFactory(status="draft")
    assert page(UserFactory()).post(f"/listings/{draft.pk}/favourite/").status_code == 404
    assert not Favourite.objects.exists()


def test_open_graph_tags_and_share_link_only_on_public_listings(settings):
    listing = ListingFactory(title="Rød cykel", description="Næsten ny")
    PhotoFactory(listing=listing)
    html = page().get(listing.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Rød cykel">' in html
    assert f'<meta property="og:url" content="http://testserver/listings/{listing.pk}/">' in html
    assert '<meta property="og:image" content="http://testserver/' in html
    assert "facebook.com/sharer" in html
    draft = ListingFactory(status="draft", title="Hemmelig kladde")
    html = page(draft.seller).get(draft.get_absolute_url()).content.decode()
    assert "og:title" not in html and "facebook.com/sharer" not in html


@pytest.mark.parametrize(("language", "typed"), [("da", "1.250,50"), ("en", "1,250.50")])
def test_an_offer_typed_in_the_readers_language_and_accepted_on_my_page(language, typed):
    listing = ListingFactory(price_dkk=Decimal(2000))
    buyer = UserFactory(language=language)
    response = page(buyer, language).post(f"/listings/{listing.pk}/offer/", {"price_dkk": typed}, follow=True)
    assert response.status_code == 200
    offer = Offer.objects.get()
    assert offer.price_dkk == Decimal("1250.50")
    seller_page = page(listing.seller, language).get("/profile/").content.decode()
    assert ("1.250,50 kr." if language == "da" else "1,250.50 kr.") in seller_page
    page(listing.seller, language).post(f"/offers/{offer.pk}/accept/", follow=True)
    assert Reservation.objects.get().agreed_price_dkk == Decimal("1250.50")


def test_a_bad_offer_says_why_in_danish():
    listing = ListingFactory(price_dkk=Decimal(300))
    response = page(UserFactory()).post(f"/listings/{listing.pk}/offer/", {"price_dkk": "300"}, follow=True)
    assert "under udbudsprisen" in response.content.decode()
    response = page(UserFactory()).post(f"/listings/{listing.pk}/offer/", {"price_dkk": "tre hundrede"}, follow=True)
    assert "Skriv et beløb" in response.content.decode()
    assert not Offer.objects.exists()


def test_no_offer_form_on_own_free_or_reserved_listings():
    listing = ListingFactory(price_dkk=Decimal(300))
    assert "Giv et bud" in page(UserFactory()).get(listing.get_absolute_url()).content.decode()
    assert "Giv et bud" not in page(listing.seller).get(listing.get_absolute_url()).content.decode()
    free = ListingFactory(kind="free", price_dkk=0)
    assert "Giv et bud" not in page(UserFactory()).get(free.get_absolute_url()).content.decode()


def test_rate_after_hand_over_on_my_page_and_read_it_on_the_public_profile():
    listing = ListingFactory()
    buyer = UserFactory(display_name="Bente Køber")
    reservation = services.reservation_create(listing=listing, buyer=buyer)
    services.reservation_complete(reservation=reservation, actor=listing.seller)
    assert "Bedøm jeres handler" in page(buyer).get("/profile/").content.decode()
    page(buyer).post(f"/reservations/{reservation.pk}/rating/", {"stars": "5", "text": "Super sælger"})
    assert Rating.objects.get().stars == 5
    assert "Bedøm jeres handler" not in page(buyer).get("/profile/").content.decode()
    html = page().get(f"/people/{listing.seller_id}/").content.decode()
    assert "Super sælger" in html and "Bente Køber" in html and listing.seller.email not in html
    page(UserFactory()).post(f"/ratings/{Rating.objects.get().pk}/report/", {"reason": "offensive"})
    assert Report.objects.get().rating is not None


def test_a_workshops_page_shows_its_ratings():
    membership = MembershipFactory()
    listing = ListingFactory(workshop=membership.workshop, seller=membership.user)
    reservation = services.reservation_create(listing=listing, buyer=UserFactory())
    services.reservation_complete(reservation=reservation, actor=membership.user)
    services.rating_create(reservation=reservation, rater=reservation.buyer, stars=4, text="Flot istandsat")
    html = page().get(f"/workshops/{membership.workshop.slug}/").content.decode()
    assert "Flot istandsat" in html


def test_a_donors_profile_never_shows_the_donation():
    donor = UserFactory()
    ListingFactory(seller=donor, kind="repair", price_dkk=0, title="Doneret bærbar")
    html = page().get(f"/people/{donor.pk}/").content.decode()
    assert "Doneret bærbar" not in html
    assert page().get("/people/999999/").status_code == 404
