"""A buyer finds the demo's ThinkPad through a synonym, in Danish and in English: "bærbar" and "laptop" find a
listing whose title says neither (its category is "Bærbar computer" / "Laptop"), "cykler" finds the bikes, and
a typo gets a "did you mean" that leads to the results. The sort control orders them by price. axe-core and
phone/desktop screenshots on each step (`tests.frontend.helpers.check_page`)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import factories
from tests.frontend.helpers import check_page, ready_photo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_a_search_found_through_a_synonym_in_danish_and_english(page):
    thinkpad = factories.ListingFactory(
        title="Lenovo ThinkPad T480 – 8 GB RAM, 256 GB SSD",
        description="Nyt tastatur og hængsel, Windows 11.",
        category=factories.category("laptop"),
        brand="Lenovo",
        model="ThinkPad T480",
        price_dkk=Decimal(1500),
    )
    ready_photo(thinkpad)
    kids_bike = factories.ListingFactory(
        title="Børnecykel 16 tommer", category=factories.category("bicycle"), price_dkk=Decimal(300)
    )
    bike = factories.ListingFactory(
        title="Herrecykel med 7 gear", category=factories.category("bicycle"), price_dkk=Decimal(850)
    )
    factories.ListingFactory(title="Sofa, 3-personers, grå", price_dkk=Decimal(600))

    # Danish: "bærbar" finds the ThinkPad although its title does not say it.
    page.goto("/")
    page.get_by_label("Søg", exact=True).fill("bærbar")
    page.get_by_role("button", name="Søg", exact=True).click()
    page.wait_for_load_state()
    cards = page.locator("#grid li")
    assert cards.count() == 1
    assert "ThinkPad T480" in cards.first.inner_text()
    check_page(page, "search-synonym-da")

    # "cykler" finds both bikes; sorted by the highest price first.
    page.get_by_label("Søg", exact=True).fill("cykler")
    page.get_by_label("Sortér efter").select_option("-price")
    page.get_by_role("button", name="Sortér", exact=True).click()
    page.wait_for_load_state()
    titles = page.locator("#grid li").all_inner_texts()
    assert [bike.title in titles[0], kids_bike.title in titles[1]] == [True, True]

    # A typo: "Mente du computer?" leads to the ThinkPad.
    page.get_by_label("Søg", exact=True).fill("computor")
    page.get_by_label("Sortér efter").select_option("")
    page.get_by_role("button", name="Søg", exact=True).click()
    page.wait_for_load_state()
    suggestion = page.locator("#suggestion")
    assert "Mente du" in suggestion.inner_text()
    check_page(page, "search-suggestion-da")
    suggestion.get_by_role("link").click()
    page.wait_for_load_state()
    assert "ThinkPad T480" in page.locator("#grid li").first.inner_text()

    # English: "laptop" finds the same listing, and the sort control speaks English.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Search", exact=True).fill("laptop")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#grid li").count() == 1
    assert "ThinkPad T480" in page.locator("#grid li").first.inner_text()
    assert page.get_by_label("Sort by").is_visible()
    check_page(page, "search-synonym-en")
