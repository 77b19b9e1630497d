"""Photos (issue 15): several at once (all or none), reorder, choose the cover — only who manages the listing,
never while it is frozen (`listings.selectors.listing_is_frozen`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from listings.models import ListingStatus, Photo
from tests.factories import ListingFactory, UserFactory
from tests.helpers import client_for
from tests.permissions import jpeg

pytestmark = pytest.mark.django_db


def with_photos(n: int = 3, **kw):  # type: ignore[no-untyped-def]
    listing = ListingFactory(**{"status": ListingStatus.ACTIVE, **kw})
    photos = [Photo.objects.create(listing=listing, position=i, status="ready", upload_token=f"t{listing.pk}-{i}")
              for i in range(n)]  # fmt: skip
    return listing, [p.pk for p in photos]


def order(listing) -> list[int]:  # type: ignore[no-untyped-def]
    return list(Photo.objects.filter(listing=listing).order_by("position", "id").values_list("pk", flat=True))


def test_the_seller_reorders_and_chooses_the_cover_through_the_api():
    listing, (a, b, c) = with_photos()
    client = client_for(listing.seller)
    response = client.put(f"/api/v1/listings/{listing.pk}/photos/order/", {"photos": [c, a, b]}, format="json")
    assert response.status_code == 200 and response.json() == {"photos": [c, a, b]}
    assert order(listing) == [c, a, b]
    response = client.post(f"/api/v1/photos/{b}/cover/")
    assert response.status_code == 200 and order(listing) == [b, c, a]


@pytest.mark.parametrize("photos", ["one", "none", "same", "missing", "foreign"])
def test_a_list_that_is_not_each_photo_once_is_a_400_and_changes_nothing(photos):  # type: ignore[no-untyped-def]
    listing, ids = with_photos()
    _other, foreign = with_photos(1)
    body = {
        "same": [ids[0], ids[0], ids[1]],
        "missing": ids[:2],
        "foreign": [*ids[:2], foreign[0]],
        "one": [ids[0]],
        "none": [],
    }[photos]
    for language in ("da", "en"):
        response = client_for(listing.seller).put(
            f"/api/v1/listings/{listing.pk}/photos/order/", {"photos": body}, format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )  # fmt: skip
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == "application/problem+json"
    assert order(listing) == ids


@pytest.mark.parametrize("status", [ListingStatus.SOLD, ListingStatus.WITHDRAWN, ListingStatus.HIDDEN])
def test_a_frozen_listings_photos_keep_their_order(status):  # type: ignore[no-untyped-def]
    listing, ids = with_photos(status=status)
    client = client_for(listing.seller)
    response = client.put(f"/api/v1/listings/{listing.pk}/photos/order/", {"photos": ids[::-1]}, format="json")
    assert response.status_code == 409
    assert client.post(f"/api/v1/photos/{ids[2]}/cover/").status_code in (404, 409)
    assert order(listing) == ids
    page = Client()
    page.force_login(listing.seller)
    page.post(f"/photos/{ids[2]}/cover/")
    assert order(listing) == ids


def test_nobody_else_reorders():
    listing, ids = with_photos()
    stranger = client_for(UserFactory())
    response = stranger.put(f"/api/v1/listings/{listing.pk}/photos/order/", {"photos": ids[::-1]}, format="json")
    assert response.status_code == 403  # they see the public listing, but it is not theirs
    assert stranger.post(f"/api/v1/photos/{ids[2]}/cover/").status_code == 403
    assert Client().post(f"/photos/{ids[2]}/cover/").status_code == 302  # the login page
    assert order(listing) == ids


def test_the_page_moves_photos_and_makes_a_cover():
    listing, (a, b, c) = with_photos()
    page = Client()
    page.force_login(listing.seller)
    html = page.get(f"/listings/{listing.pk}/edit/").content.decode()
    assert f"/photos/{b}/cover/" in html and f"/photos/{a}/cover/" not in html
    assert page.post(f"/photos/{c}/cover/").status_code == 302
    assert order(listing) == [c, a, b]
    page.post(f"/photos/{a}/later/")
    assert order(listing) == [c, b, a]
    page.post(f"/photos/{a}/earlier/")
    assert order(listing) == [c, a, b]
    assert page.post(f"/photos/{a}/sideways/").status_code == 404


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_several_photos_in_one_api_request(settings):  # type: ignore[no-untyped-def]
    listing = ListingFactory(status=ListingStatus.DRAFT)
    client = client_for(listing.seller)
    response = client.post(f"/api/v1/listings/{listing.pk}/photos/", {"file": [jpeg(), jpeg()]}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["photos"]) == 2 and body["id"] == body["photos"][0]["id"]
    assert order(listing) == [p["id"] for p in body["photos"]]


def test_one_bad_file_among_several_keeps_none(settings):  # type: ignore[no-untyped-def]
    listing = ListingFactory(status=ListingStatus.DRAFT)
    bad = SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg")
    response = client_for(listing.seller).post(
        f"/api/v1/listings/{listing.pk}/photos/", {"file": [jpeg(), bad]}, format="multipart"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert Photo.objects.count() == 0
    assert _files(Path(settings.PRIVATE_MEDIA_ROOT)) == []


def test_more_photos_than_the_listing_may_have_keeps_none(settings):  # type: ignore[no-untyped-def]
    settings.PHOTO_MAX_PER_LISTING = 3
    listing, _ids = with_photos(2)
    response = client_for(listing.seller).post(
        f"/api/v1/listings/{listing.pk}/photos/", {"file": [jpeg(), jpeg()]}, format="multipart"
    )
    assert response.status_code == 409
    assert Photo.objects.filter(listing=listing).count() == 2
