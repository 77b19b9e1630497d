"""Sign up, log in and out, password reset by email and the profile — through the test client."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = {
    "display_name": "Aya Hassan",
    "email": "Aya@Example.dk",
    "password": "grøn-cykel-kildeparken",
    "area": "Kildeparken",
    "language": "da",
}


def test_signup_creates_the_account_through_the_service_and_logs_in(client):
    response = client.post("/signup/", GOOD)
    assert response.status_code == 302
    user = User.objects.get(email="aya@example.dk")  # normalised by user_register, like the API
    assert user.check_password(GOOD["password"])
    assert user.area == "Kildeparken"
    assert client.get("/profile/").status_code == 200


def test_signup_errors_are_next_to_the_fields_in_danish(client):
    factories.UserFactory(email="aya@example.dk")
    html = client.post("/signup/", {**GOOD, "email": "ny@example.dk", "password": "12345678901"}).content.decode()
    assert "Ret venligst fejlene nedenfor." in html
    # The service's rule, with Django's own Danish password messages.
    assert re.search(r'id="id_password_errors"><li>[^<]*(kun tal|numerisk|almindelig)', html), html
    html = client.post("/signup/", GOOD).content.decode()
    assert 'id="id_email_errors"><li>Der findes allerede en konto med denne e-mailadresse.</li>' in html
    assert User.objects.filter(email="aya@example.dk").count() == 1


def test_signup_errors_in_english_when_the_site_is_english(client):
    client.cookies["django_language"] = "en"
    html = client.post("/signup/", {**GOOD, "email": "not-an-email"}).content.decode()
    assert '<html lang="en">' in html
    assert 'id="id_email_errors"><li>Enter a valid email address.</li>' in html


def test_forms_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/signup/", GOOD).status_code == 403
    assert client.post("/login/", {"username": "a@b.dk", "password": "x"}).status_code == 403
    assert not User.objects.exists()


def test_login_switches_to_the_users_language_and_logout_is_post_only(client):
    user = factories.UserFactory(email="bo@example.dk", language="en")
    response = client.post("/login/", {"username": "BO@example.dk", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    html = client.get("/").content.decode()
    assert "My page" in html and "Log out" in html
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert user.pk


def test_wrong_password_says_so_in_danish(client):
    factories.UserFactory(email="bo@example.dk")
    html = client.post("/login/", {"username": "bo@example.dk", "password": "forkert"}).content.decode()
    assert "Indtast venligst korrekt e-mail-adresse og adgangskode." in html


def test_password_reset_by_email(client):
    user = factories.UserFactory(email="bo@example.dk")
    assert client.post("/password-reset/", {"email": "bo@example.dk"}).status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Vælg en ny adgangskode til Kredsløb"
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body)
    assert link is not None
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session-held one
    new = "ny-adgangskode-til-bo-9220"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_profile_saves_through_user_update_and_changes_the_language(client):
    user = factories.UserFactory()
    assert client.get("/profile/").status_code == 302  # log in first
    client.force_login(user)
    response = client.post("/profile/", {"display_name": "Bo", "area": "Tornhøj", "language": "en"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert (user.display_name, user.area, user.language) == ("Bo", "Tornhøj", "en")
    html = client.get("/profile/").content.decode()
    assert "Your profile is saved." in html


def test_language_switch_is_one_click_to_english_and_back(client):
    html = client.get("/").content.decode()
    assert 'name="language" value="en"' in html
    response = client.post("/language/", {"language": "en", "next": "/impact/"})
    assert response.status_code == 302 and response.url == "/impact/"
    html = client.get("/impact/").content.decode()
    assert "Our impact in 9220" in html
    assert 'name="language" value="da"' in html


def test_my_page_lists_my_listings_notifications_and_workshops_only(client):
    from listings.models import ListingStatus
    from notifications.models import Notification

    me = factories.UserFactory()
    factories.ListingFactory(seller=me, title="Min kladde", status=ListingStatus.DRAFT)
    factories.ListingFactory(seller=me, title="Min stol")
    factories.ListingFactory(title="Andres sofa")
    Notification.objects.create(user=me, kind="reservation", title="Din stol er reserveret", url="/listings/1/")
    Notification.objects.create(user=factories.UserFactory(), kind="x", title="Ikke til mig")
    factories.MembershipFactory(user=me, workshop__name="Systuen", workshop__verified=False, role="staff")
    client.force_login(me)
    html = client.get("/profile/").content.decode()
    assert "Min kladde" in html and "Kladde" in html  # status label in Danish
    assert "Min stol" in html and "Aktiv" in html
    assert "Andres sofa" not in html
    assert "Din stol er reserveret" in html and "Ikke til mig" not in html
    assert "Systuen" in html and "Venter på godkendelse" in html and "Medarbejder" in html
