"""Areas are a fixed list of Aalborg Øst's neighbourhoods (issue 15): chosen from a select, checked on the server,
filterable on browse and the API, and the free-text areas of before migrated to the neighbourhood they name."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client

from core.errors import InvalidInput
from listings.areas import area_names, area_normalise
from listings.models import Listing, ListingStatus
from listings.services import listing_create, listing_update
from tests import factories
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_the_list_has_the_neighbourhoods_the_issue_names():
    assert {"Tornhøj", "Smedegård", "Kildeparken", "Ravnkilde", "Øster Uttrup", "Grønlandskvarteret", "Nøvling"} <= set(
        area_names()
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Kildeparken", "Kildeparken"),
        ("kildeparken 12, 2. th.", "Kildeparken"),
        ("SMEDEGAARD", "Smedegård"),
        ("Øster-Uttrup", "Øster Uttrup"),
        ("9220 Aalborg Øst", ""),
        ("Vejgaard", ""),
        ("", ""),
    ],
)
def test_free_text_is_read_as_the_neighbourhood_it_names(typed: str, stored: str):
    assert area_normalise(typed) == stored


def test_the_api_takes_a_neighbourhood_and_refuses_anything_else_in_danish_and_english():
    seller = factories.UserFactory(area="Tornhøj")
    client = client_for(seller)
    body = {"title": "Stol", "category": "furniture", "condition": "good", "kind": "free"}
    response = client.post("/api/v1/listings/", {**body, "area": "smedegaard"}, format="json")
    assert response.status_code == 201, response.content
    assert Listing.objects.get(pk=response.json()["id"]).area == "Smedegård"
    texts = set()
    for language in ("da", "en"):
        response = client.post(
            "/api/v1/listings/", {**body, "area": "Ring Syd"}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
        texts.add(response.json()["errors"]["area"][0])
    assert len(texts) == 2
    assert Listing.objects.count() == 1
    # Empty: the profile's neighbourhood.
    response = client.post("/api/v1/listings/", body, format="json")
    assert Listing.objects.get(pk=response.json()["id"]).area == "Tornhøj"


def test_an_edit_is_checked_too():
    listing = listing_create(
        seller=factories.UserFactory(), title="Stol", category=factories.category("furniture"), condition="good",
        kind="free", area="Nøvling",
    )  # fmt: skip
    with pytest.raises(InvalidInput):
        listing_update(listing=listing, actor=listing.seller, area="Hasseris")
    listing.refresh_from_db()
    assert listing.area == "Nøvling"


def test_browse_filters_by_neighbourhood_from_a_select():
    here = factories.ListingFactory(status=ListingStatus.ACTIVE, area="Ravnkilde", title="Lampe her")
    factories.ListingFactory(status=ListingStatus.ACTIVE, area="Tornhøj", title="Lampe der")
    page = Client().get("/", {"area": "Ravnkilde"}).content.decode()
    assert "Lampe her" in page and "Lampe der" not in page
    assert '<select name="area"' in page
    assert [r["id"] for r in Client().get("/api/v1/listings/", {"area": "ravnkilde"}).json()["results"]] == [here.pk]
    assert Client().get("/api/v1/listings/", {"area": "Mars"}).status_code == 400


def test_the_migration_maps_free_text_to_the_list():
    migration = importlib.import_module("listings.migrations.0008_listing_area_from_list")
    a = factories.ListingFactory(area="kildeparken 12")
    b = factories.ListingFactory(area="Ring Syd")
    c = factories.ListingFactory(area="Smedegård")
    migration.areas_from_list(apps, None)
    assert [Listing.objects.get(pk=x.pk).area for x in (a, b, c)] == ["Kildeparken", "", "Smedegård"]
