"""When the database is unreachable the API answers 503 problem+json, never a 500."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_database_error_in_a_view_is_a_503_problem(api_client):
    with mock.patch("api.categories.category_tree", side_effect=OperationalError("server closed the connection")):
        response = api_client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json()["status"] == 503


def test_database_error_before_the_view_is_a_503_problem(api_client, user):
    # Token authentication reads the database before any view code runs.
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "a" * 40)
    with mock.patch(
        "rest_framework.authtoken.models.Token.objects.select_related",
        side_effect=OperationalError("could not connect"),
    ):
        response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 503
    assert "midlertidigt utilgængelig" in response.json()["detail"]


def test_database_error_on_a_page_is_a_503(client):
    client.cookies["sessionid"] = "x" * 32  # loading the session reads the database
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("gone")):
        response = client.get("/admin/")
    assert response.status_code == 503
