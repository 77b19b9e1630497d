"""Repeated failed logins lock the email out (per IP) for a while; other people are not affected."""

import pytest
from django.conf import settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def test_token_endpoint_locks_out_after_repeated_failures(api_client, user, settings_override=None):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api_client.post(TOKEN, {"email": user.email, "password": "wrong"}, format="json")
        assert response.status_code == 400
    response = api_client.post(
        TOKEN, {"email": user.email, "password": "wrong"}, format="json", HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert "For mange mislykkede" in response.json()["detail"]
    # Even the right password is refused while locked out.
    response = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "token" not in response.json()


def test_someone_elses_failures_do_not_lock_me_out(api_client, user, user_factory):
    other = user_factory()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        api_client.post(TOKEN, {"email": other.email, "password": "wrong"}, format="json")
    response = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_admin_login_is_locked_out_too(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": user.email, "password": "wrong"})
    response = client.post("/admin/login/", {"username": user.email, "password": "wrong"})
    assert response.status_code == 429
