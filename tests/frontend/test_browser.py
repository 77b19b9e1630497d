"""Journeys in a real browser: Playwright driving Debian's Chromium against pytest-django's live server.

Every page visited is checked with axe-core (no serious or critical violation) and photographed at phone
(390×844) and desktop (1366×900) widths into var/screenshots/ at the repository root, for people to look at.
Skipped without /usr/bin/chromium; REQUIRE_BROWSER=1 (CI) makes a missing Chromium fail instead."""

from __future__ import annotations

import io
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from listings.models import Listing
from repairs.models import Outcome
from tests import factories
from tests.factories import PASSWORD
from tests.frontend.helpers import PHONE, check_page, completed_job, ready_photo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def media_root() -> Path:
    """The folder the development media route serves: `listings.media.media_serve` reads MEDIA_ROOT per request
    (this test's own folder), not the value the URLconf was imported with."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


def photo_like_webp(width: int, height: int, seed: int) -> bytes:
    """A small photo-like picture (soft gradients and noise) encoded as the pipeline would: WebP."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    small = Image.new("RGB", (8, 6))
    small.putdata([(rng.randrange(60, 220), rng.randrange(60, 200), rng.randrange(40, 180)) for _ in range(48)])
    picture = small.resize((width, height), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((width, height), 18).convert("RGB")
    picture = Image.blend(picture, noise, 0.12)
    out = io.BytesIO()
    picture.save(out, "WEBP", quality=75)
    return out.getvalue()


def listing_with_real_photo(seed: int, **kwargs: Any) -> Listing:
    listing = factories.ListingFactory(**kwargs)
    photo = ready_photo(listing)
    for variant in photo.variants.values():
        path = media_root() / variant["name"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(photo_like_webp(variant["width"], variant["height"], seed))
    return listing


@pytest.mark.django_db(transaction=True)
def test_sign_up_in_danish_log_out_log_in_and_switch_to_english(page, live_server):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "da"
    page.get_by_role("link", name="Opret konto").click()
    page.wait_for_url("**/signup/")
    check_page(page, "signup")
    page.get_by_label("Dit navn").fill("Aya Hassan")
    page.get_by_label("E-mailadresse").fill("aya@example.dk")
    page.get_by_label("Adgangskode").fill("123")
    page.get_by_role("button", name="Opret konto").click()
    # The service said no: the error stands next to the field, in Danish, and nothing was created.
    assert page.locator("#id_password_errors").is_visible()
    assert "Denne adgangskode er for kort" in page.locator("#id_password_errors").inner_text()
    assert not User.objects.exists()
    check_page(page, "signup-errors")
    page.get_by_label("Adgangskode").fill("grøn-cykel-kildeparken")
    page.get_by_role("button", name="Opret konto").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Min side").is_visible()
    assert User.objects.get(email="aya@example.dk").display_name == "Aya Hassan"

    page.get_by_role("button", name="Log ud").click()
    page.get_by_role("link", name="Log ind").click()
    page.wait_for_url("**/login/")
    check_page(page, "login")
    page.get_by_label("E-mailadresse").fill("aya@example.dk")
    page.get_by_label("Adgangskode").fill("grøn-cykel-kildeparken")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("link", name="Min side").click()
    page.wait_for_url("**/profile/")
    check_page(page, "profile")

    page.get_by_role("button", name="English").click()  # one click
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="My page").is_visible()
    assert page.get_by_role("button", name="Dansk").is_visible()


@pytest.mark.django_db(transaction=True)
def test_password_reset_pages(page, live_server):
    factories.UserFactory(email="bo@example.dk")
    page.goto("/password-reset/")
    check_page(page, "password-reset")
    page.get_by_label("E-mail", exact=True).fill("bo@example.dk")  # Django's own form, Django's Danish label
    page.get_by_role("button", name="Send linket").click()
    page.wait_for_url("**/password-reset/sent/")
    assert page.get_by_role("heading", name="Tjek din e-mail").is_visible()
    check_page(page, "password-reset-sent")


@pytest.mark.django_db(transaction=True)
def test_browse_load_more_and_open_a_listing_with_a_light_first_screen(page, live_server):
    workshop = factories.WorkshopFactory(name="Genbrugsværkstedet Øst")
    for n in range(28):
        listing_with_real_photo(
            n,
            title=f"Spisebordsstol nr. {n}",
            workshop=workshop if n % 4 == 0 else None,
            kind="free" if n % 5 == 0 else "sale",
            price_dkk=Decimal(0) if n % 5 == 0 else Decimal(100 + 25 * n),
        )
    images: list[int] = []
    page.on(
        "response",
        lambda r: images.append(len(r.body())) if r.request.resource_type == "image" and r.ok else None,
    )
    response = page.goto("/")
    page.wait_for_load_state("networkidle")
    html_bytes = len(response.body())
    first_screen_images = sum(images)
    cards = page.locator("#grid > li")
    assert cards.count() == 24
    assert html_bytes <= 60 * 1024, html_bytes
    assert 0 < first_screen_images <= 400 * 1024, first_screen_images
    # No layout shift: every thumbnail has its size before it loads.
    assert page.locator("#grid img:not([width]), #grid img:not([height])").count() == 0
    print(f"\nhome: {html_bytes} bytes of HTML, {len(images)} images = {first_screen_images} bytes on the first screen")
    check_page(page, "home")

    page.get_by_role("link", name="Vis flere").click()  # htmx: appended in place, no new page
    from playwright.sync_api import expect

    expect(page.locator("#grid > li")).to_have_count(28)  # no string predicates: the CSP forbids eval
    assert page.url == live_server.url + "/"
    assert page.get_by_text("Det var alt for nu.").is_visible()

    page.get_by_role("link", name="Spisebordsstol nr. 27").click()
    page.wait_for_url("**/listings/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Spisebordsstol nr. 27"
    assert page.get_by_text("kg CO2e sparet").is_visible()
    check_page(page, "listing")


@pytest.mark.django_db(transaction=True)
def test_load_more_works_without_javascript(browser, live_server):
    for n in range(26):
        factories.ListingFactory(title=f"Ting {n}")
    context = browser.new_context(viewport=PHONE, locale="da-DK", base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("link", name="Vis flere").click()
        page.wait_for_url(re.compile(r".*cursor=.*"))
        assert page.locator(".grid > li").count() == 2
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_use_of_the_browse_filters(page, live_server):
    factories.ListingFactory(title="Egetræsbord", price_dkk=Decimal(300))
    factories.ListingFactory(title="Gratis reol", kind="free", price_dkk=Decimal(0))
    factories.ListingFactory(title="Bærbar", category=factories.category("laptop"), kind="free", price_dkk=0)
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Spring til indhold")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # the skip link shows itself when focused
    page.keyboard.press("Enter")

    def tab_to(selector: str, limit: int = 30) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"{selector} has no visible focus"
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("input[name=q]")
    page.keyboard.type("reol")
    tab_to("details.filters > summary")
    page.keyboard.press("Enter")  # opens the filters
    tab_to("select[name=category]")
    tab_to("input[name=free]")
    page.keyboard.press("Space")
    tab_to("details.filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*free=on.*"))
    assert page.locator(".card-title").all_inner_texts() == ["Gratis reol"]
    # The filters stay open and keep their values after the search.
    assert page.locator("input[name=free]").is_checked()
    check_page(page, "home-filtered")


@pytest.mark.django_db(transaction=True)
def test_impact_and_workshop_pages(page, live_server):
    workshop = factories.WorkshopFactory(name="IT-Værkstedet Øst", description="Vi istandsætter computere.")
    job = completed_job(workshop=workshop, outcome=Outcome.FIXED, hours="6")
    completed_job(workshop=workshop, outcome=Outcome.END_OF_LIFE, hours="2")
    listing_with_real_photo(
        1, title="Istandsat bærbar", workshop=workshop, source_job=job, category=factories.category("laptop")
    )
    page.goto("/impact/")
    assert page.get_by_role("heading", name="2 reparationer afsluttet").is_visible()
    check_page(page, "impact")
    # On a phone the month table is a column of label–number cards, not a table to scroll sideways.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    first_cell = page.locator(".month-table tbody td").first
    assert first_cell.evaluate("el => getComputedStyle(el, '::before').content") == '"kg holdt ude af skraldespanden"'
    page.goto(f"/workshops/{workshop.slug}/")
    assert page.get_by_role("heading", name="IT-Værkstedet Øst").is_visible()
    check_page(page, "workshop")
    page.get_by_role("link", name="Istandsat bærbar").click()
    page.wait_for_url("**/listings/*/")
    assert page.get_by_role("heading", name="Hvor den kommer fra").is_visible()
    check_page(page, "listing-upcycled")
    page.goto("/findes-ikke/")
    check_page(page, "not-found")


@pytest.mark.django_db(transaction=True)
def test_english_browse_and_login_errors(page, live_server):
    factories.UserFactory(email="bo@example.dk", language="en")
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Used and upcycled goods in 9220").is_visible()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill("bo@example.dk")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct email address and password.")
    check_page(page, "login-errors-en")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="My page").is_visible()
