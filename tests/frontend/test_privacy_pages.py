"""Your data and your account from the site (My page: download, delete) and the pages about the site (privacy
policy, terms, about) in Danish and English; the only cookies are the necessary ones; the sign-up intro once."""

from __future__ import annotations

import json
import threading

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation

from accounts.models import User
from listings.categories import categories_load
from listings.models import Listing, ListingStatus
from marketplace import services as trade
from marketplace.models import Message, Reservation, ReservationStatus, SavedSearch
from notifications.models import Notification
from privacy.export import user_export
from privacy.services import DELETION_KEEPS, DELETION_REMOVES
from tests.factories import PASSWORD, ListingFactory, UserFactory
from tests.frontend.test_translations import parse_po, project_po_files

pytestmark = pytest.mark.django_db

NECESSARY_COOKIES = {"sessionid", "csrftoken", "django_language"}


def signed_in(user: User, language: str = "da") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def in_language(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


# --- The pages about the site ------------------------------------------------------------------------------------

PAGES = {
    "/privacy/": {"da": "Privatlivspolitik", "en": "Privacy policy"},
    "/terms/": {"da": "Vilkår", "en": "Terms"},
    "/about/": {"da": "Om Kredsløb og kontakt", "en": "About and contact"},
}


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("url", list(PAGES))
def test_the_pages_about_the_site_in_danish_and_english_name_the_controller(url, language, settings) -> None:
    settings.DATA_CONTROLLER_NAME = "Beboerforeningen Øst ApS"
    settings.DATA_CONTROLLER_EMAIL = "data@oest.example"
    settings.DATA_CONTROLLER_CVR = "12345678"
    response = in_language(language).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{PAGES[url][language]}</h1>" in html
    if url != "/terms/":
        assert "data@oest.example" in html and "12345678" in html
    assert "Beboerforeningen Øst ApS" in html


@pytest.mark.parametrize("url", ["/", "/signup/", "/privacy/"])
def test_the_footer_links_the_three_pages(url) -> None:
    html = Client().get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for page in PAGES:
        assert f'href="{page}"' in footer


def test_sign_up_links_the_terms_and_the_privacy_policy() -> None:
    html = Client().get("/signup/").content.decode()
    start = html.index('<form method="post" action="/signup/"')
    form = html[start : html.index("</form>", start)]
    assert 'href="/terms/"' in form and 'href="/privacy/"' in form


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_sign_up_intro_is_printed_once(language) -> None:
    intro = {
        "da": "Med en konto kan du sælge, give ting væk og donere ting til reparation.",
        "en": "With an account you can sell, give away and donate things for repair.",
    }[language]
    html = in_language(language).get("/signup/").content.decode()
    assert html.count(intro) == 1, html[html.index("<h1>") : html.index("<form")]


def test_no_danish_translation_repeats_itself() -> None:
    """The doubled sign-up intro came from a msgstr pasted twice: no entry of the catalogue is its own half twice."""
    doubled = []
    for path in project_po_files():
        for entry in parse_po(path):
            for text in entry["msgstr"]:  # type: ignore[attr-defined]
                half = len(text) // 2
                if len(text) > 20 and text[:half] == text[half:]:
                    doubled.append((path.name, entry["msgid"]))
    assert not doubled


@pytest.mark.parametrize(
    ("language", "photo_text", "login_text"),
    [
        ("da", "slettes 17 dage efter", "Log ind-oplysninger: 45 dage."),
        ("en", "deleted 17 days after", "Log-in records: 45 days."),
    ],
)
def test_the_policy_states_each_retention_period_from_the_settings_that_enforce_it(
    settings, language, photo_text, login_text
) -> None:
    settings.PHOTO_ORIGINAL_RETENTION_DAYS = 17
    settings.LOGIN_RECORD_RETENTION_DAYS = 45
    html = in_language(language).get("/privacy/").content.decode()
    assert photo_text in html
    assert login_text in html


def test_the_policy_names_exactly_the_cookies_the_site_sets(settings) -> None:
    html = in_language("en").get("/privacy/").content.decode()
    for name in NECESSARY_COOKIES:
        assert f"<code>{name}</code>" in html


def test_the_only_cookies_set_are_the_necessary_ones() -> None:
    """On real responses along a visit: sign up (a message), the profile saved (a message), a language switch, a
    log-out (a message) — every cookie set is one the policy names; messages live in the session."""
    client = Client()
    seen: set[str] = set()

    def visit(response):  # type: ignore[no-untyped-def]
        seen.update(response.cookies.keys())
        return response

    visit(client.get("/signup/"))
    visit(
        client.post(
            "/signup/",
            {"display_name": "Aya", "email": "aya@example.dk", "password": "grøn-cykel-kildeparken", "language": "da"},
        )
    )
    visit(client.get("/profile/"))
    visit(client.post("/profile/", {"display_name": "Aya H", "area": "", "language": "en"}))
    visit(client.get("/profile/"))
    visit(client.post("/language/", {"language": "da", "next": "/"}))
    visit(client.post("/logout/"))
    visit(client.get("/"))
    assert "messages" not in seen
    assert seen <= NECESSARY_COOKIES, seen
    assert {"sessionid", "django_language"} <= seen


# --- My page: the data download ------------------------------------------------------------------------------------


def test_my_page_offers_the_download_and_the_deletion() -> None:
    html = signed_in(UserFactory()).get("/profile/").content.decode()
    assert 'action="/profile/data/"' in html and 'href="/profile/delete/"' in html
    assert "Hent mine data" in html and "Slet min konto" in html


def test_the_download_is_the_exports_json_as_an_attachment() -> None:
    user = UserFactory(display_name="Aya Hassan")
    listing = ListingFactory(seller=user, title="Rød cykel", pickup_details="Opgang 3")
    other = ListingFactory(title="Naboens lampe")
    trade.conversation_start(listing=other, buyer=user, body="Er den stadig til salg?")
    response = signed_in(user).post("/profile/data/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="kredslob-data-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["profile"]["email"] == user.email and data["profile"]["display_name"] == "Aya Hassan"
    assert [row["title"] for row in data["listings"]] == ["Rød cykel"]
    assert data["listings"][0]["pickup_details"] == "Opgang 3" and data["listings"][0]["id"] == listing.pk
    assert data["conversations"][0]["messages"][0]["body"] == "Er den stadig til salg?"
    assert set(data) == set(user_export(user=user))  # the API's export, section for section


def test_the_download_is_a_post_for_the_logged_in_only() -> None:
    user = UserFactory()
    assert signed_in(user).get("/profile/data/").status_code == 405
    response = Client().post("/profile/data/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_the_download_is_throttled_per_account(settings) -> None:
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "data_export": "2/hour"},
    }
    user = UserFactory()
    client = signed_in(user)
    assert [client.post("/profile/data/").status_code for _ in range(3)] == [200, 200, 429]
    assert signed_in(UserFactory()).post("/profile/data/").status_code == 200  # per account
    # The API's export counts with the page's download: one rate per account, whichever face asks.
    assert client.get("/api/v1/me/export/").status_code == 429
    cache.clear()


# --- My page: deleting the account ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_deletion_page_says_what_goes_and_what_stays(language) -> None:
    html = signed_in(UserFactory(), language).get("/profile/delete/").content.decode()
    with translation.override(language):
        for line in (*DELETION_REMOVES, *DELETION_KEEPS):
            assert str(line).replace("'", "&#x27;") in html, line
    assert 'type="password"' in html and 'type="checkbox"' in html


def _a_life(user: User) -> dict[str, object]:
    """What a resident leaves behind: a listing for sale, a reservation of a neighbour's, a message, a note."""
    own = ListingFactory(seller=user, title="Min sofa", pickup_details="Hjemme hos mig")
    neighbours = ListingFactory(title="Naboens cykel")
    reservation = trade.reservation_create(listing=neighbours, buyer=user)
    conversation, _ = trade.conversation_start(listing=neighbours, buyer=user, body="Jeg henter i morgen")
    SavedSearch.objects.create(user=user, name="Sofaer", query={"q": "sofa"})
    return {"own": own, "neighbours": neighbours, "reservation": reservation, "conversation": conversation}


def test_deleting_the_account_removes_what_it_says_and_keeps_the_rest_anonymised(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory(display_name="Aya Hassan")
    life = _a_life(user)
    client = signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/profile/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert not user.is_active and user.display_name == "" and user.email.endswith("@deleted.invalid")
    assert not user.has_usable_password()
    # Removed: the listing for sale (withdrawn), the open reservation, saved searches, notifications, sessions.
    assert Listing.objects.get(pk=life["own"].pk).status == ListingStatus.WITHDRAWN  # type: ignore[attr-defined]
    reservation = Reservation.objects.get(pk=life["reservation"].pk)  # type: ignore[attr-defined]
    assert reservation.status == ReservationStatus.CANCELLED
    assert not SavedSearch.objects.filter(user=user).exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not Session.objects.exists() or all(
        s.get_decoded().get("_auth_user_id") != str(user.pk) for s in Session.objects.all()
    )
    # Kept, without the name: the message to the neighbour.
    message = Message.objects.get(conversation=life["conversation"])
    assert message.body == "Jeg henter i morgen" and message.sender_id == user.pk
    # Logged out, told so on the next page.
    assert client.get("/profile/").status_code == 302
    assert "Din konto er slettet" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("da", "Adgangskoden er ikke rigtig. Intet er slettet."),
        ("en", "The password is not right. Nothing was deleted."),
    ],
)
def test_a_wrong_password_deletes_nothing_and_says_so(language, text) -> None:
    user = UserFactory(display_name="Aya Hassan")
    life = _a_life(user)
    client = signed_in(user, language)
    response = client.post("/profile/delete/", {"password": "forkert-kode-9220", "confirm": "on"})
    assert response.status_code == 400
    assert text in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.display_name == "Aya Hassan" and user.check_password(PASSWORD)
    assert Listing.objects.get(pk=life["own"].pk).status == ListingStatus.ACTIVE  # type: ignore[attr-defined]
    assert SavedSearch.objects.filter(user=user).exists()
    assert client.get("/profile/").status_code == 200  # still logged in


def test_without_the_confirmation_nothing_is_deleted() -> None:
    user = UserFactory()
    response = signed_in(user).post("/profile/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert "Sæt kryds for at bekræfte" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)


# --- The form sent twice at once: one deletion --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_the_deletion_form_sent_twice_at_once_deletes_once(transactional_db) -> None:
    categories_load()  # a transactional test before this one flushed the migration-loaded categories
    user = UserFactory()
    seller_listing = ListingFactory(title="Naboens cykel")
    reservation = trade.reservation_create(listing=seller_listing, buyer=user)
    clients = [signed_in(user) for _ in range(2)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(client: Client) -> None:
        try:
            barrier.wait()
            code = client.post("/profile/delete/", {"password": PASSWORD, "confirm": "on"}).status_code
            with lock:
                statuses.append(code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [302, 400]
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED
    # The seller heard of the cancellation once.
    assert Notification.objects.filter(user=seller_listing.seller).count() == 2  # reserved, then cancelled
