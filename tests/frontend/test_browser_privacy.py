"""Your data and your account in a real browser (Chromium via Playwright), in Danish and in English: the footer's
links to the privacy policy, the terms and the about page; downloading your data from My page; deleting your
account from My page (a wrong password first, then for real). axe-core and phone/desktop screenshots of every
page (`tests.frontend.helpers.check_page`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accounts.models import User
from tests import factories
from tests.factories import PASSWORD
from tests.frontend.helpers import check_page
from tests.frontend.test_browser_trade import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = {
    "da": {
        "footer": ("Privatlivspolitik", "Vilkår", "Om Kredsløb og kontakt"),
        "my_page": "Min side",
        "download": "Hent mine data",
        "delete": "Slet min konto",
        "password": "Din adgangskode",
        "confirm": "Jeg forstår, at min konto slettes og ikke kan gendannes.",
        "wrong": "Adgangskoden er ikke rigtig. Intet er slettet.",
        "deleted": "Din konto er slettet.",
        "cookies": "Cookies",
        "section": "Dine data og din konto",
    },
    "en": {
        "footer": ("Privacy policy", "Terms", "About and contact"),
        "my_page": "My page",
        "download": "Download my data",
        "delete": "Delete my account",
        "password": "Your password",
        "confirm": "I understand that my account is deleted and cannot be restored.",
        "wrong": "The password is not right. Nothing was deleted.",
        "deleted": "Your account is deleted.",
        "cookies": "Cookies",
        "section": "Your data and your account",
    },
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["da", "en"])
def test_footer_pages_download_my_data_and_delete_my_account(page: Any, live_server: Any, language: str) -> None:
    text = TEXT[language]
    user = factories.UserFactory(email=f"sofie-{language}@example.dk", display_name="Sofie", language=language)
    factories.ListingFactory(seller=user, title="Blå barnecykel")
    log_in(page, user.email)  # the site switches to the person's language

    # The footer's three pages.
    for name, path in zip(text["footer"], ("/privacy/", "/terms/", "/about/"), strict=True):
        page.locator("footer").get_by_role("link", name=name).click()
        page.wait_for_url(f"**{path}")
        assert page.locator("h1").inner_text() == name
        check_page(page, f"about-{path.strip('/')}-{language}")
    page.locator("footer").get_by_role("link", name=text["footer"][0]).click()
    assert page.get_by_role("heading", name=text["cookies"]).is_visible()

    # My page: download my data.
    page.get_by_role("link", name=text["my_page"]).first.click()
    page.wait_for_url("**/profile/")
    assert page.get_by_role("heading", name=text["section"]).is_visible()
    check_page(page, f"my-page-data-{language}")
    with page.expect_download() as download:
        page.get_by_role("button", name=text["download"]).click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())  # noqa: SIM115 — Playwright's temp file
    assert data["profile"]["email"] == user.email
    assert [row["title"] for row in data["listings"]] == ["Blå barnecykel"]
    assert download.value.suggested_filename.startswith("kredslob-data-")

    # My page: delete my account — a wrong password deletes nothing.
    page.get_by_role("link", name=text["delete"]).click()
    page.wait_for_url("**/profile/delete/")
    check_page(page, f"account-delete-{language}")
    page.get_by_label(text["password"]).fill("ikke-min-kode")
    page.get_by_label(text["confirm"]).check()
    page.get_by_role("button", name=text["delete"]).click()
    page.wait_for_load_state()
    assert page.get_by_text(text["wrong"]).is_visible()
    check_page(page, f"account-delete-refused-{language}")
    assert User.objects.get(pk=user.pk).is_active

    # Then for real: logged out, told so, the account anonymised.
    page.get_by_label(text["password"]).fill(PASSWORD)
    page.get_by_label(text["confirm"]).check()
    page.get_by_role("button", name=text["delete"]).click()
    page.wait_for_url(lambda url: url.endswith("/"))
    assert page.get_by_text(text["deleted"]).is_visible()
    check_page(page, f"account-deleted-{language}")
    gone = User.objects.get(pk=user.pk)
    assert not gone.is_active and gone.display_name == "" and gone.email.endswith("@deleted.invalid")
    assert not {c["name"] for c in page.context.cookies()} - {"sessionid", "csrftoken", "django_language"}
