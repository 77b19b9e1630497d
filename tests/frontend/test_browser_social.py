"""Journeys of issue 15 in a real browser (Chromium via Playwright), in Danish and in English: a buyer saves a
listing with the heart, makes an offer that the seller accepts on My page, and after the hand-over rates the seller,
whose public profile then shows the rating. axe-core and phone/desktop screenshots at each new page
(`tests.frontend.helpers.check_page`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from marketplace import services
from marketplace.models import Favourite, Offer, Rating, Reservation
from tests import factories
from tests.factories import PASSWORD
from tests.frontend.helpers import PHONE, check_page, ready_photo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {
    "da": {
        "locale": "da-DK",
        "email": "E-mailadresse",
        "password": "Adgangskode",
        "log_in": "Log ind",
        "save": "Gem",
        "saved": "Gemt",
        "make_offer": "Giv et bud",
        "your_offer": "Dit bud (kr.)",
        "typed": "1.250,50",
        "send_offer": "Send bud",
        "offered": "Bente byder 1.250,50 kr.",
        "accept": "Tag imod",
        "accepted": "Buddet er taget imod",
        "five": "5 stjerner",
        "words": "Et par ord (frivilligt)",
        "send_rating": "Send bedømmelse",
        "thanks": "Tak for din bedømmelse.",
        "ratings": "Bedømmelser",
    },
    "en": {
        "locale": "en-GB",
        "email": "Email address",
        "password": "Password",
        "log_in": "Log in",
        "save": "Save",
        "saved": "Saved",
        "make_offer": "Make an offer",
        "your_offer": "Your offer (kr.)",
        "typed": "1,250.50",
        "send_offer": "Send offer",
        "offered": "Bente offers 1,250.50 kr.",
        "accept": "Accept",
        "accepted": "The offer is accepted",
        "five": "5 stars",
        "words": "A few words (optional)",
        "send_rating": "Send rating",
        "thanks": "Thank you for your rating.",
        "ratings": "Ratings",
    },
}


def log_in(page: Any, email: str, words: dict[str, str]) -> None:
    page.goto("/login/")
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["log_in"]).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.django_db(transaction=True)
def test_save_offer_accepted_and_rate_after_the_hand_over(browser, live_server, language):
    words = WORDS[language]
    seller = factories.UserFactory(email=f"sofie.{language}@example.dk", display_name="Sofie", language=language)
    buyer = factories.UserFactory(email=f"bente.{language}@example.dk", display_name="Bente", language=language)
    listing = factories.ListingFactory(seller=seller, title="Racercykel", price_dkk=Decimal(1500))
    ready_photo(listing)

    def tab() -> Any:
        context = browser.new_context(viewport=PHONE, locale=words["locale"], base_url=live_server.url)
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        return context.new_page()

    # The buyer saves the listing with the heart and makes an offer in their language's number format.
    page = tab()
    log_in(page, buyer.email, words)
    page.goto(listing.get_absolute_url())
    page.get_by_role("button", name=words["save"], exact=True).click()
    saved = page.get_by_role("button", name=words["saved"])
    saved.wait_for()
    assert saved.get_attribute("aria-pressed") == "true"
    assert Favourite.objects.filter(user=buyer, listing=listing).exists()
    page.get_by_text(words["make_offer"], exact=True).click()
    page.get_by_label(words["your_offer"]).fill(words["typed"])
    check_page(page, f"social-listing-offer-{language}")
    page.get_by_role("button", name=words["send_offer"]).click()
    page.wait_for_load_state()
    offer = Offer.objects.get(buyer=buyer)
    assert offer.price_dkk == Decimal("1250.50")

    # The seller accepts it on My page: the item is reserved for the buyer at that price.
    seller_page = tab()
    log_in(seller_page, seller.email, words)
    seller_page.goto("/profile/#offers")
    assert seller_page.get_by_text(words["offered"]).is_visible()
    check_page(seller_page, f"social-my-page-offers-{language}")
    seller_page.locator("#offers").get_by_role("button", name=words["accept"]).first.click()
    seller_page.wait_for_load_state()
    assert words["accepted"] in seller_page.content()
    reservation = Reservation.objects.get(listing=listing)
    assert reservation.buyer == buyer and reservation.agreed_price_dkk == Decimal("1250.50")

    # After the hand-over the buyer rates the seller, and the rating shows on the seller's public profile.
    services.reservation_complete(reservation=reservation, actor=seller)
    page.goto("/profile/#ratings")
    page.locator("#ratings").get_by_label(words["five"]).check()
    page.locator("#ratings").get_by_label(words["words"]).fill("Hurtig og venlig handel")
    check_page(page, f"social-my-page-rate-{language}")
    page.locator("#ratings").get_by_role("button", name=words["send_rating"]).click()
    page.wait_for_load_state()
    assert words["thanks"] in page.content()
    assert Rating.objects.get(reservation=reservation).stars == 5
    page.goto(f"/people/{seller.pk}/")
    assert page.get_by_role("heading", name=words["ratings"]).is_visible()
    assert page.get_by_text("Hurtig og venlig handel").is_visible()
    assert seller.email not in page.content()
    check_page(page, f"social-profile-{language}")
