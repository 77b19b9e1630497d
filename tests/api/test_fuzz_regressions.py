"""Bugs the Schemathesis fuzz test (tests/api/test_fuzz.py) found, each pinned by a focused test."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers import client_for

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


@pytest.mark.django_db
def test_a_category_with_a_nul_character_is_unknown_not_a_server_error(user) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL in text: the lookup used to fail with a DataError, answered as 503."""
    listing = factories.ListingFactory(seller=user)
    response = client_for(user).patch(f"/api/v1/listings/{listing.pk}/", {"category": "furni\x00ture"}, format="json")
    assert response.status_code == 400
    assert "category" in response.json()["errors"]


@pytest.mark.django_db
def test_browse_filters_ignore_nul_characters(user) -> None:  # type: ignore[no-untyped-def]
    factories.ListingFactory(title="Spisebord i eg")
    response = client_for(user).get("/api/v1/listings/", {"q": "Spisebord\x00", "category": "\x00"})
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == ["Spisebord i eg"]
