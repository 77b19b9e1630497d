"""GET/DELETE /api/v1/photos/{id}/ and the serving of derivatives."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client

from listings import photos, pipeline
from listings.models import ListingStatus, Photo
from tests.factories import ListingFactory, UserFactory
from tests.helpers import client_for
from tests.listings import imagegen

pytestmark = pytest.mark.django_db


def _photo(listing=None, process: bool = True) -> Photo:
    listing = listing or ListingFactory()
    photo = photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
    if process:
        pipeline.photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    return photo


def test_ready_photo_of_a_public_listing_is_visible_to_anyone(api_client):
    photo = _photo()
    response = api_client.get(f"/api/v1/photos/{photo.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failure_reason"] == ""
    assert (body["width"], body["height"]) == (160, 100)
    assert body["blurhash"] == photo.blurhash
    assert set(body["variants"]) == {"w320", "w1024", "w2048", "w2048_jpeg"}
    assert body["variants"]["w320"] == {
        "url": storages["default"].url(photo.variants["w320"]["name"]),
        "width": 160,
        "height": 100,
    }
    assert photo.original.name not in response.content.decode()
    assert "original" not in response.content.decode()


def test_pending_photo_is_only_visible_to_its_owner(api_client):
    photo = _photo(process=False)
    assert api_client.get(f"/api/v1/photos/{photo.pk}/").status_code == 404
    assert client_for(UserFactory()).get(f"/api/v1/photos/{photo.pk}/").status_code == 404
    own = client_for(photo.listing.seller).get(f"/api/v1/photos/{photo.pk}/")
    assert own.status_code == 200
    assert own.json()["status"] == "pending" and own.json()["variants"] == {}


def test_failed_photo_shows_its_reason_to_the_owner_in_their_language():
    listing = ListingFactory()
    photo = _photo(listing, process=False)
    storages["private"].delete(photo.original.name)
    pipeline.photo_process(photo_id=photo.pk)
    client = client_for(listing.seller)
    en = client.get(f"/api/v1/photos/{photo.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    da = client.get(f"/api/v1/photos/{photo.pk}/", HTTP_ACCEPT_LANGUAGE="da").json()
    assert en["status"] == "failed" and "upload the photo again" in en["failure_reason"]
    assert da["failure_reason"] and da["failure_reason"] != en["failure_reason"]


def test_photos_of_a_draft_listing_are_hidden_from_others(api_client):
    photo = _photo(ListingFactory(status=ListingStatus.DRAFT))
    assert api_client.get(f"/api/v1/photos/{photo.pk}/").status_code == 404
    assert client_for(photo.listing.seller).get(f"/api/v1/photos/{photo.pk}/").status_code == 200


def test_owner_deletes_a_photo_and_its_files(settings, django_capture_on_commit_callbacks):
    photo = _photo()
    assert any(Path(settings.MEDIA_ROOT).rglob("*.webp"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(photo.listing.seller).delete(f"/api/v1/photos/{photo.pk}/")
    assert response.status_code == 204
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert not [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_listing_deleted_in_the_admin_takes_its_photo_files_along(settings, django_capture_on_commit_callbacks):
    listing = ListingFactory()
    _photo(listing)
    _photo(listing, process=False)
    other = _photo()  # another listing's photo stays
    with django_capture_on_commit_callbacks(execute=True):
        listing.delete()  # the admin's delete: Photo rows go by cascade
    remaining = {p.relative_to(settings.MEDIA_ROOT).parts[1] for p in Path(settings.MEDIA_ROOT).rglob("*.webp")}
    assert remaining == {str(other.listing_id)}
    originals = [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]
    assert [p.name for p in originals] == [Path(other.original.name).name]


def test_a_rolled_back_delete_keeps_the_files(settings):
    from django.db import transaction

    photo = _photo()
    with pytest.raises(RuntimeError), transaction.atomic():
        photo.listing.delete()
        raise RuntimeError("rolled back")
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert (Path(settings.MEDIA_ROOT) / photo.variants["w320"]["name"]).exists()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / photo.original.name).exists()


def test_others_cannot_delete_a_photo(api_client):
    photo = _photo()
    assert api_client.delete(f"/api/v1/photos/{photo.pk}/").status_code == 401
    assert client_for(UserFactory()).delete(f"/api/v1/photos/{photo.pk}/").status_code == 403
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_derivatives_are_served_immutable_with_nosniff_and_originals_never():
    client = Client(raise_request_exception=False)
    photo = _photo()
    url = storages["default"].url(photo.variants["w1024"]["name"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    jpeg = client.get(storages["default"].url(photo.variants["w2048_jpeg"]["name"]))
    assert jpeg["Content-Type"] == "image/jpeg"
    # The original lives in another storage that no URL reaches, by name or by path tricks.
    for path in (photo.original.name, f"../private/{photo.original.name}", f"..%2Fprivate%2F{photo.original.name}"):
        assert client.get(f"/media/{path}").status_code in (400, 404)


def test_browse_thumbnails_give_the_first_ready_photo_with_its_blurhash(django_assert_max_num_queries):
    from listings.selectors import listing_browse, listing_thumbnail

    listing, other, empty = ListingFactory(), ListingFactory(), ListingFactory()
    pending = _photo(listing, process=False)
    first_ready = _photo(listing)
    _photo(listing)
    _photo(other)
    with django_assert_max_num_queries(2):
        thumbnails = {row.pk: listing_thumbnail(row) for row in listing_browse(filters={})}
    assert thumbnails[empty.pk] is None
    thumbnails = {pk: thumbnail for pk, thumbnail in thumbnails.items() if thumbnail}
    assert set(thumbnails) == {listing.pk, other.pk}
    assert pending.position < first_ready.position
    assert thumbnails[listing.pk] == {
        "url": storages["default"].url(first_ready.variants["w320"]["name"]),
        "width": 160,
        "height": 100,
        "blurhash": first_ready.blurhash,
    }


def test_service_refuses_a_file_over_the_size_limit_for_callers_other_than_the_api(settings):
    from listings.photos import PhotoTooLarge

    settings.PHOTO_MAX_BYTES = 100
    listing = ListingFactory()
    with pytest.raises(PhotoTooLarge):
        photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
    assert not Photo.objects.exists()
