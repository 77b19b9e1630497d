"""Which listing states are frozen (`listings.selectors.listing_is_frozen`, `listing_frozen_terms`), asked alike by
the edit, the photo services, the API's `can_edit` and the pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from listings import photos, pipeline
from listings.models import Listing, ListingStatus, Photo
from listings.services import listing_hide
from tests.factories import ListingFactory, UserFactory
from tests.helpers import client_for
from tests.listings import imagegen

pytestmark = pytest.mark.django_db

FROZEN = [ListingStatus.SOLD, ListingStatus.WITHDRAWN, ListingStatus.HIDDEN]


def frozen_listing(status: str) -> Listing:
    listing = ListingFactory()
    # A photo from the time it was for sale.
    photo = photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
    pipeline.photo_process(photo_id=photo.pk)
    if status == ListingStatus.HIDDEN:
        listing_hide(listing=listing)  # (as `manage.py hide_listing` does)
    else:
        Listing.objects.filter(pk=listing.pk).update(status=status)
    listing.refresh_from_db()
    return listing


def originals() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("status", FROZEN)
def test_no_photo_can_be_added_to_a_sold_withdrawn_or_hidden_listing(status):
    listing = frozen_listing(status)
    stored = originals()
    response = client_for(listing.seller).post(
        f"/api/v1/listings/{listing.pk}/photos/", {"file": ContentFile(imagegen.jpeg(), "y.jpg")}, format="multipart"
    )
    assert response.status_code == 409, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("listing_frozen")
    assert listing.photos.count() == 1
    assert originals() == stored  # nothing left behind
    # The page's upload form goes through the same service.
    page = Client()
    page.force_login(listing.seller)
    page.post(reverse("frontend:listing_photos_add", args=[listing.pk]), {"photos": ContentFile(imagegen.jpeg(), "z")})
    assert listing.photos.count() == 1


@pytest.mark.parametrize("status", FROZEN)
def test_no_photo_can_be_deleted_from_a_sold_withdrawn_or_hidden_listing(status):
    listing = frozen_listing(status)
    photo = listing.photos.get()
    assert client_for(listing.seller).delete(f"/api/v1/photos/{photo.pk}/").status_code == 409
    page = Client()
    page.force_login(listing.seller)
    page.post(reverse("frontend:photo_remove", args=[photo.pk]))
    assert Photo.objects.filter(pk=photo.pk).exists()


@pytest.mark.parametrize("status", FROZEN)
def test_the_edit_page_and_the_api_offer_no_edit_of_a_frozen_listing(status):
    listing = frozen_listing(status)
    page = Client()
    page.force_login(listing.seller)
    html = page.get(reverse("frontend:listing_edit", args=[listing.pk])).content.decode()
    assert reverse("frontend:listing_photos_add", args=[listing.pk]) not in html
    assert reverse("frontend:photo_remove", args=[listing.photos.get().pk]) not in html
    assert 'name="title"' not in html
    assert client_for(listing.seller).get(f"/api/v1/listings/{listing.pk}/").json()["can_edit"] is False
    if listing.is_public:  # sold: its page shows no edit button to the seller
        listing_page = page.get(f"/listings/{listing.pk}/").content.decode()
        assert reverse("frontend:listing_edit", args=[listing.pk]) not in listing_page


def test_an_active_listing_can_be_edited_on_both_faces():
    listing = ListingFactory()
    assert client_for(listing.seller).get(f"/api/v1/listings/{listing.pk}/").json()["can_edit"] is True
    page = Client()
    page.force_login(listing.seller)
    html = page.get(reverse("frontend:listing_edit", args=[listing.pk])).content.decode()
    assert 'name="price_dkk"' in html and reverse("frontend:listing_photos_add", args=[listing.pk]) in html


# --- Item 13: a reserved listing's price and kind -------------------------------------------------------------


def reserved(price: str = "150.00") -> Listing:
    listing = ListingFactory(price_dkk=Decimal(price))
    assert client_for(UserFactory()).post(f"/api/v1/listings/{listing.pk}/reservations/").status_code == 201
    return listing


def test_the_seller_cannot_raise_the_price_of_a_reserved_listing():
    listing = reserved()
    response = client_for(listing.seller).patch(
        f"/api/v1/listings/{listing.pk}/", {"price_dkk": "99999999.99"}, format="json"
    )
    assert response.status_code == 409, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"]
    listing.refresh_from_db()
    assert listing.price_dkk == Decimal("150.00")


def test_the_refusal_is_in_danish_and_english():
    listing = reserved()
    client = client_for(listing.seller)
    url = f"/api/v1/listings/{listing.pk}/"
    danish = client.patch(url, {"price_dkk": "1"}, format="json", HTTP_ACCEPT_LANGUAGE="da").json()["detail"]
    english = client.patch(url, {"price_dkk": "1"}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "The listing is reserved: its price and kind cannot change until the reservation ends."
    assert danish != english and "reserveret" in danish


def test_a_reserved_listing_keeps_the_rest_editable():
    listing = reserved()
    response = client_for(listing.seller).patch(
        f"/api/v1/listings/{listing.pk}/",
        {"pickup_details": "Ring på hos Hansen", "price_dkk": "150"},  # the same price is no change
        format="json",
    )
    assert response.status_code == 200, response.content
    listing.refresh_from_db()
    assert listing.pickup_details == "Ring på hos Hansen"


def test_the_edit_page_of_a_reserved_listing_has_no_price_and_ignores_one_posted():
    listing = reserved()
    page = Client()
    page.force_login(listing.seller)
    url = reverse("frontend:listing_edit", args=[listing.pk])
    assert 'name="price_dkk"' not in page.get(url).content.decode()
    page.post(
        url,
        {
            "title": listing.title,
            "category": listing.category.slug,
            "condition": listing.condition,
            "price_dkk": "99999999.99",
            "description": listing.description,
            "area": listing.area,
            "pickup_details": "Efter kl. 17",
        },
    )
    listing.refresh_from_db()
    assert listing.price_dkk == Decimal("150.00") and listing.pickup_details == "Efter kl. 17"


def test_the_price_can_change_again_once_the_reservation_ends():
    listing = reserved()
    reservation = listing.reservations.get()
    assert client_for(reservation.buyer).post(f"/api/v1/reservations/{reservation.pk}/cancel/").status_code == 200
    response = client_for(listing.seller).patch(f"/api/v1/listings/{listing.pk}/", {"price_dkk": "120"}, format="json")
    assert response.status_code == 200
