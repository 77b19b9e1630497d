"""The pages that send mail or make accounts are throttled (core.throttle, the API's mechanism): past the rate
they answer a friendly 429 page in the visitor's language, and send nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


def rates(settings, **scopes: str) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **scopes},
    }


def test_thirty_reset_requests_for_one_person_send_three_mails(client):
    victim = factories.UserFactory(email="offer@example.dk")
    statuses = [client.post("/password-reset/", {"email": victim.email}).status_code for _ in range(30)]
    assert statuses == [302] * 3 + [429] * 27
    assert [m.to for m in mail.outbox] == [[victim.email]] * 3


def test_the_reset_limit_per_email_holds_from_any_address():
    victim = factories.UserFactory(email="offer@example.dk")
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{i}").post("/password-reset/", {"email": "OFFER@example.dk "}).status_code
        for i in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert victim.pk


def test_the_reset_limit_per_address_holds_for_any_email(client):
    people = [factories.UserFactory() for _ in range(11)]
    statuses = [client.post("/password-reset/", {"email": person.email}).status_code for person in people]
    assert statuses == [302] * 10 + [429]
    assert len(mail.outbox) == 10


def test_the_429_page_says_why_in_danish_and_english(settings):
    rates(settings, password_reset="1/hour")
    client = Client()
    client.post("/password-reset/", {"email": "a@example.dk"})
    response = client.post("/password-reset/", {"email": "b@example.dk"}, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "For mange forsøg" in html and "prøv så igen" in html
    response = client.post("/password-reset/", {"email": "c@example.dk"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_signup_is_throttled_per_address_together_with_the_api(settings, api_client):
    rates(settings, signup="3/hour")
    users = get_user_model().objects

    def signup(n: int) -> int:
        body = {"display_name": f"Person {n}", "email": f"p{n}@example.dk", "password": "en-lang-adgangskode-9220"}
        return Client().post("/signup/", {**body, "language": "da"}).status_code

    assert [signup(n) for n in range(3)] == [302, 302, 302]
    assert signup(3) == 429
    assert not users.filter(email="p3@example.dk").exists()
    # The API's register counts in the same scope for the same address.
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "p4@example.dk", "password": "en-lang-adgangskode-9220", "display_name": "P4"},
        format="json",
    )
    assert response.status_code == 429
    assert not users.filter(email="p4@example.dk").exists()


def test_the_login_page_counts_with_the_api_token_endpoint(settings):
    rates(settings, auth="2/min")
    client = Client()
    for n in range(2):
        assert client.post("/login/", {"username": f"x{n}@example.dk", "password": "forkert"}).status_code == 200
    assert client.post("/login/", {"username": "x9@example.dk", "password": "forkert"}).status_code == 429


def test_get_requests_are_not_counted(settings, client):
    rates(settings, password_reset="1/hour")
    for _ in range(3):
        assert client.get("/password-reset/").status_code == 200
    assert client.post("/password-reset/", {"email": "a@example.dk"}).status_code == 302


def test_the_admin_login_counts_with_the_other_logins(settings):
    rates(settings, auth="2/min")
    client = Client()
    for n in range(2):
        assert client.post("/admin/login/", {"username": f"x{n}@example.dk", "password": "forkert"}).status_code == 200
    response = client.post("/admin/login/", {"username": "x9@example.dk", "password": "forkert"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode() or "For mange forsøg" in response.content.decode()
