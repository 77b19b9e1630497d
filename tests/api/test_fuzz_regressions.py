"""Bugs the Schemathesis fuzz test (tests/api/test_fuzz.py) found, each pinned by a focused test."""

from __future__ import annotations

import pytest

from tests.conftest import client_for

TOO_BIG = 2**70  # beyond any 64-bit id


@pytest.mark.django_db
def test_marking_notifications_read_with_an_id_beyond_64_bits_is_invalid_input(user) -> None:  # type: ignore[no-untyped-def]
    response = client_for(user).post("/api/v1/notifications/read/", {"ids": [TOO_BIG]}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "ids" in response.json()["errors"]


@pytest.mark.django_db
def test_starting_a_conversation_about_a_listing_id_beyond_64_bits_is_invalid_input(user) -> None:  # type: ignore[no-untyped-def]
    response = client_for(user).post("/api/v1/conversations/", {"listing": TOO_BIG, "body": "Hej"}, format="json")
    assert response.status_code == 400
    assert "listing" in response.json()["errors"]
