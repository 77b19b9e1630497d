"""A password change or reset ends every API token and every other session (accounts.services.password_changed,
sent by User.save for every way a password changes); POST /auth/token/ can rotate the token."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tests.factories import PASSWORD
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
NEW = "ny-adgangskode-til-bo-9220"


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def signed_in(client: Client) -> bool:
    return client.get("/profile/").status_code == 200


def reset_password_by_mail(client: Client, email: str, new: str) -> None:
    assert client.post("/password-reset/", {"email": email}).status_code == 302
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[-1].body)
    assert link is not None
    form_url = client.get(link.group(1)).url
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302


def test_a_password_reset_ends_stolen_tokens_and_sessions():
    user = factories.UserFactory(email="bo@example.dk")
    thief_api = client_for(user)
    thief_browser = logged_in(user)
    assert thief_api.get("/api/v1/me/").status_code == 200 and signed_in(thief_browser)
    reset_password_by_mail(Client(), user.email, NEW)
    assert thief_api.get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(user=user).exists()
    assert not signed_in(thief_browser)
    # Logging in with the new password gives a new token.
    response = APIClient().post(TOKEN, {"email": user.email, "password": NEW}, format="json")
    assert response.status_code == 200
    assert APIClient(HTTP_AUTHORIZATION=f"Token {response.json()['token']}").get("/api/v1/me/").status_code == 200


def test_changing_ones_own_password_in_the_admin_keeps_that_session_only():
    moderator = factories.UserFactory(is_staff=True, is_superuser=True)
    here, elsewhere, token_client = logged_in(moderator), logged_in(moderator), client_for(moderator)
    response = here.post(
        f"/admin/accounts/user/{moderator.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:500]
    moderator.refresh_from_db()
    assert moderator.check_password(NEW)
    assert here.get("/admin/").status_code == 200  # still logged in here
    assert elsewhere.get("/admin/").status_code == 302  # sent to the login page
    assert token_client.get("/api/v1/me/").status_code == 401


def test_a_moderator_setting_someones_password_ends_that_persons_access():
    moderator = factories.UserFactory(is_staff=True, is_superuser=True)
    person = factories.UserFactory()
    their_api, their_browser = client_for(person), logged_in(person)
    response = logged_in(moderator).post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert their_api.get("/api/v1/me/").status_code == 401
    assert not signed_in(their_browser)


def test_set_password_anywhere_ends_the_tokens(monkeypatch):
    person = factories.UserFactory()
    api = client_for(person)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)
    call_command("changepassword", person.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert api.get("/api/v1/me/").status_code == 401


def test_saving_other_fields_or_rehashing_at_login_keeps_the_token():
    """Django re-hashes a password at log-in when the stored hash is weaker than today's; that is no change."""
    person = factories.UserFactory()
    api = client_for(person)
    person.display_name = "Nyt navn"
    person.save()
    weak = make_password(PASSWORD, salt="kort", hasher="md5")  # too little salt: re-hashed at the next log-in
    type(person).objects.filter(pk=person.pk).update(password=weak)
    response = APIClient().post(TOKEN, {"email": person.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.password != weak  # re-hashed…
    assert api.get("/api/v1/me/").status_code == 200  # …and the token still works
    assert response.json()["token"] == Token.objects.get(user=person).key


def test_token_login_returns_the_same_token_unless_asked_to_rotate(user):
    first = APIClient().post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json").json()["token"]
    again = APIClient().post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json").json()["token"]
    assert again == first  # existing clients keep working
    response = APIClient().post(TOKEN, {"email": user.email, "password": PASSWORD, "rotate": True}, format="json")
    assert response.status_code == 200
    rotated = response.json()["token"]
    assert rotated != first
    assert APIClient(HTTP_AUTHORIZATION=f"Token {first}").get("/api/v1/me/").status_code == 401
    assert APIClient(HTTP_AUTHORIZATION=f"Token {rotated}").get("/api/v1/me/").status_code == 200


def test_rotating_needs_the_password(user):
    first = client_for(user)
    response = APIClient().post(TOKEN, {"email": user.email, "password": "forkert", "rotate": True}, format="json")
    assert response.status_code == 400
    assert first.get("/api/v1/me/").status_code == 200
