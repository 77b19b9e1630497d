"""Journeys of residents and buyers in a real browser (Chromium via Playwright): post an item with a phone
photo and watch it being processed, find it, reserve it, the seller confirms; keyboard-only posting and
reserving; axe-core and phone/desktop screenshots of every new page (see `tests.frontend.helpers.check_page`).

The phone photo is processed by a real Celery worker process (the `celery_worker_process` fixture: the
embedded filesystem broker, or Redis in CI), exactly as in production: the page polls until it is ready."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from listings.models import Listing, Photo, PhotoStatus
from marketplace.models import Reservation
from tests import factories
from tests.factories import PASSWORD
from tests.frontend.helpers import PHONE, check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def phone_jpeg(path: Any) -> Any:
    """A phone-like JPEG: stored landscape 1200×900 with EXIF orientation 6 (turn 90° clockwise to view),
    camera make/model and soft noise, as a phone held upright writes it."""
    from PIL import Image, ImageFilter

    small = Image.new("RGB", (4, 3))
    small.putdata([(180, 120, 60), (90, 140, 200), (60, 160, 90), (200, 200, 180)] * 3)
    picture = small.resize((1200, 900), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(3))
    picture = Image.blend(picture, Image.effect_noise((1200, 900), 20).convert("RGB"), 0.1)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Fairphone"  # Make
    exif[0x0110] = "FP5"  # Model
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    return path


def log_in(page: Any, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus, checking that the focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has no visible focus"
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.django_db(transaction=True)
def test_post_with_a_phone_photo_find_reserve_and_confirm(page, browser, live_server, tmp_path, celery_worker_process):
    seller = factories.UserFactory(email="mette@example.dk", display_name="Mette")
    buyer = factories.UserFactory(email="ali@example.dk", display_name="Ali")
    log_in(page, seller.email)
    page.get_by_role("link", name="Opret en annonce").first.click()
    page.wait_for_url("**/post/")
    # With JavaScript the repair fields only show for a donation for repair.
    assert not page.get_by_label("Hvad er der galt med den?").is_visible()
    check_page(page, "post")
    page.get_by_label("Titel").fill("Egetræsbord med to plader")
    page.get_by_label("Kategori").select_option("furniture")
    page.get_by_label("Stand").select_option("good")
    page.get_by_label("Pris (kr.)").fill("450")
    page.get_by_label("Afhentning (valgfri)").fill("Kildeparken 12, 2. th. Hverdage efter kl. 17.")
    page.get_by_label("Billeder").set_input_files(str(phone_jpeg(tmp_path / "IMG_20261127_101500.jpg")))
    page.get_by_role("button", name="Offentliggør").click()
    item = page.locator(".upload-item")
    item.locator("progress").wait_for()
    # Once the photo is sent and processed, the page showing what was created and what happens next (issue 15).
    page.wait_for_url("**/created/")
    assert page.get_by_role("heading", name="Din annonce er offentliggjort").is_visible()
    assert page.get_by_text("Klar").is_visible()
    check_page(page, "post-created")

    listing = Listing.objects.get(title="Egetræsbord med to plader")
    photo = Photo.objects.get(listing=listing)
    assert photo.status == PhotoStatus.READY
    assert "listings.tasks.photo_process" in celery_worker_process.log_path.read_text()  # not eager: the worker
    assert (photo.width, photo.height) == (900, 1200)  # turned upright by its EXIF orientation
    page.get_by_role("link", name="Redigér eller tilføj billeder").click()
    page.wait_for_url(f"**/listings/{listing.pk}/edit/")
    assert page.locator(".photo-item img").count() == 1
    check_page(page, "listing-edit")

    # A rejected file: the service's reason, in Danish, next to the file's name.
    (tmp_path / "kvittering.jpg").write_bytes(b"not a photo at all" * 20)
    page.locator("input[name=photos]").set_input_files(str(tmp_path / "kvittering.jpg"))
    page.get_by_role("button", name="Tilføj billeder").click()
    failed = page.locator(".upload-item[data-state=failed]")
    failed.wait_for()
    assert failed.inner_text().startswith("kvittering.jpg") and "Afvist:" in failed.inner_text()
    check_page(page, "listing-edit-rejected")

    # The buyer finds it by search and reserves it.
    buyer_context = browser.new_context(viewport=PHONE, locale="da-DK", base_url=live_server.url)
    try:
        buyer_page = buyer_context.new_page()
        buyer_page.set_default_timeout(15_000)
        log_in(buyer_page, buyer.email)
        buyer_page.goto("/")
        buyer_page.get_by_role("searchbox").fill("egetræsbord")
        buyer_page.get_by_role("button", name="Søg", exact=True).click()
        buyer_page.get_by_role("link", name="Egetræsbord med to plader").click()
        buyer_page.wait_for_url(f"**/listings/{listing.pk}/")
        assert buyer_page.locator(".gallery img").count() == 1
        check_page(buyer_page, "listing-buyer")
        buyer_page.get_by_role("button", name="Reservér").click()
        buyer_page.get_by_text("Du har reserveret den.").wait_for()
        assert not buyer_page.get_by_text("Kildeparken 12").is_visible()
        check_page(buyer_page, "listing-reserved")
        buyer_page.get_by_text("Skriv til sælgeren").click()
        buyer_page.get_by_label("Besked").fill("Hej! Kan jeg hente den i aften?")
        buyer_page.get_by_role("button", name="Send", exact=True).click()
        buyer_page.wait_for_url("**/conversations/*/")
        check_page(buyer_page, "conversation")

        # The seller sees the reservation and the unread message on My page, and confirms.
        page.get_by_role("link", name="Min side").click()
        page.wait_for_url("**/profile/")
        assert page.get_by_text("Reserveret af Ali").is_visible()
        assert page.get_by_text("1 ulæst").first.is_visible()
        check_page(page, "profile-trade")
        page.goto(listing.get_absolute_url())
        check_page(page, "listing-seller")
        page.get_by_role("button", name="Bekræft").click()
        page.get_by_text("Reservationen er bekræftet.").wait_for()
        assert Reservation.objects.get(listing=listing).status == "confirmed"

        buyer_page.goto(listing.get_absolute_url())
        assert buyer_page.get_by_text("Sælgeren har bekræftet din reservation.").is_visible()
        assert buyer_page.get_by_text("Kildeparken 12, 2. th.").is_visible()
        check_page(buyer_page, "listing-confirmed")
    finally:
        buyer_context.close()


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_post_in_danish_and_reserve_in_english(page, browser, live_server):
    seller = factories.UserFactory(email="mette@example.dk")
    buyer = factories.UserFactory(email="bo@example.dk", language="en")
    log_in(page, seller.email)
    page.goto("/post/")
    tab_to(page, "input[name=kind]:checked")
    page.keyboard.press("ArrowDown")  # → "Give it away"
    assert page.locator("input[name=kind]:checked").get_attribute("value") == "free"
    assert not page.get_by_label("Pris (kr.)").is_visible()  # no price for a free item
    tab_to(page, "input[name=title]")
    page.keyboard.type("Reol i fyrretræ")
    tab_to(page, "select[name=category]")
    page.keyboard.press("ArrowDown")
    tab_to(page, "select[name=condition]")
    page.keyboard.press("ArrowDown")
    tab_to(page, "button[value=publish]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/created/")
    listing = Listing.objects.get(title="Reol i fyrretræ")
    assert (listing.kind, listing.status, listing.price_dkk) == ("free", "active", 0)
    assert listing.category.is_leaf and listing.condition

    buyer_context = browser.new_context(viewport=PHONE, locale="da-DK", base_url=live_server.url)
    try:
        buyer_page = buyer_context.new_page()
        buyer_page.set_default_timeout(15_000)
        buyer_page.goto("/login/")
        buyer_page.get_by_role("button", name="English").click()
        buyer_page.wait_for_load_state()
        buyer_page.get_by_label("Email address").fill(buyer.email)
        buyer_page.get_by_label("Password").fill(PASSWORD)
        buyer_page.get_by_role("button", name="Log in").click()
        buyer_page.wait_for_load_state()
        buyer_page.goto(listing.get_absolute_url())
        tab_to(buyer_page, ".trade button[type=submit]")
        assert buyer_page.evaluate("document.activeElement.textContent.trim()") == "Reserve"
        buyer_page.keyboard.press("Enter")
        buyer_page.get_by_text("You have reserved it.").wait_for()
        check_page(buyer_page, "listing-reserved-en")
        tab_to(buyer_page, "details.disclosure > summary")
        buyer_page.keyboard.press("Enter")
        tab_to(buyer_page, "textarea[name=body]")
        buyer_page.keyboard.type("Hello, when can I pick it up?")
        tab_to(buyer_page, "details.disclosure button[type=submit]")
        buyer_page.keyboard.press("Enter")
        buyer_page.wait_for_url(re.compile(r".*/conversations/\d+/"))
        assert buyer_page.get_by_text("Hello, when can I pick it up?").is_visible()
    finally:
        buyer_context.close()
    assert Reservation.objects.get(listing=listing, buyer=buyer).status == "pending"
