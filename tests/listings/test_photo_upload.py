"""POST /api/v1/listings/{id}/photos/: content-detected formats, limits, permissions, nothing left behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, WorkshopMembership
from listings.models import ListingStatus, Photo, PhotoStatus
from tests.factories import ListingFactory, UserFactory, WorkshopFactory
from tests.helpers import client_for
from tests.listings import imagegen

pytestmark = pytest.mark.django_db

ACCEPTED = imagegen.accepted()
REJECTED = imagegen.rejected()


def _url(listing) -> str:
    return f"/api/v1/listings/{listing.pk}/photos/"


def _upload(client, listing, data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg", **extra):
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(_url(listing), {"file": file}, format="multipart", **extra)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _nothing_left_behind(settings) -> None:
    assert Photo.objects.count() == 0
    assert _files(Path(settings.PRIVATE_MEDIA_ROOT)) == []
    assert _files(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_every_accepted_format_is_stored_privately_and_pending(kind, settings, django_capture_on_commit_callbacks):
    listing = ListingFactory()
    data, _size = ACCEPTED[kind]
    # The client's name and content type are lies on purpose: only the content decides.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(client_for(listing.seller), listing, data, name="x.txt", content_type="text/plain")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    photo = Photo.objects.get(pk=body["id"])
    assert photo.status == PhotoStatus.PENDING
    assert photo.original_sha256 == hashlib.sha256(data).hexdigest()
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / photo.original.name
    assert stored.read_bytes() == data
    assert "x.txt" not in photo.original.name
    assert _files(Path(settings.MEDIA_ROOT)) == []  # nothing public before processing
    assert len(callbacks) == 1  # processing is queued, after commit only
    assert callbacks[0].args[0].name == "listings.tasks.photo_process"
    assert callbacks[0].args[1] == (photo.pk,)


@pytest.mark.parametrize("kind", sorted(REJECTED))
def test_every_rejected_kind_gets_a_clean_400_and_leaves_nothing(kind, settings):
    listing = ListingFactory()
    response = _upload(client_for(listing.seller), listing, REJECTED[kind], name="photo.jpg")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["errors"]["file"] and body["detail"]
    _nothing_left_behind(settings)


def test_rejection_is_explained_in_danish_and_english(settings):
    listing = ListingFactory()
    client = client_for(listing.seller)
    da = _upload(client, listing, REJECTED["svg"], HTTP_ACCEPT_LANGUAGE="da").json()["detail"]
    en = _upload(client, listing, REJECTED["svg"], HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "not an image" in en
    assert da != en and "billede" in da


def test_too_many_pixels_is_refused_from_the_header(settings):
    settings.PHOTO_MAX_PIXELS = 10_000  # the 160x100 test image has 16,000
    listing = ListingFactory()
    response = _upload(client_for(listing.seller), listing, ACCEPTED["jpeg"][0], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["type"].endswith("too_many_pixels")
    assert "too many pixels" in response.json()["detail"]
    _nothing_left_behind(settings)


def test_upload_over_the_size_limit_gets_413_while_streaming(settings):
    # Content-Length is within the multipart allowance, so only the streaming handler can catch it.
    settings.PHOTO_MAX_BYTES = 1000
    listing = ListingFactory()
    data = imagegen.jpeg(size=(200, 200))
    assert 1000 < len(data) < 1000 + 60_000
    response = _upload(client_for(listing.seller), listing, data)
    assert response.status_code == 413, response.content
    assert response["Content-Type"] == "application/problem+json"
    _nothing_left_behind(settings)


def test_upload_announcing_a_huge_body_gets_413_before_reading_it(settings):
    listing = ListingFactory()
    # The body is tiny, but Content-Length says 1 GB: answered from the header without reading the body.
    response = _upload(client_for(listing.seller), listing, ACCEPTED["jpeg"][0], CONTENT_LENGTH=str(10**9))
    assert response.status_code == 413
    _nothing_left_behind(settings)


def test_photos_per_listing_are_limited(settings):
    settings.PHOTO_MAX_PER_LISTING = 2
    listing = ListingFactory()
    client = client_for(listing.seller)
    assert _upload(client, listing, ACCEPTED["jpeg"][0]).status_code == 201
    assert _upload(client, listing, ACCEPTED["png_rgba"][0]).status_code == 201
    response = _upload(client, listing, ACCEPTED["webp"][0])
    assert response.status_code == 409
    assert response.json()["type"].endswith("too_many_photos")
    assert Photo.objects.filter(listing=listing).count() == 2
    assert len(_files(Path(settings.PRIVATE_MEDIA_ROOT))) == 2
    assert sorted(Photo.objects.values_list("position", flat=True)) == [0, 1]


def test_missing_file_field_is_a_400():
    listing = ListingFactory()
    response = client_for(listing.seller).post(_url(listing), {"other": "x"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_a_workshop_member_may_upload_to_the_workshops_listing():
    workshop = WorkshopFactory()
    staff = UserFactory()
    WorkshopMembership.objects.create(workshop=workshop, user=staff, role=Role.STAFF)
    listing = ListingFactory(workshop=workshop)
    assert _upload(client_for(staff), listing, ACCEPTED["jpeg"][0]).status_code == 201


def test_another_user_gets_403_on_a_public_listing_and_404_on_a_draft(settings):
    stranger = client_for(UserFactory())
    public = ListingFactory()
    draft = ListingFactory(status=ListingStatus.DRAFT)
    assert _upload(stranger, public, ACCEPTED["jpeg"][0]).status_code == 403
    assert _upload(stranger, draft, ACCEPTED["jpeg"][0]).status_code == 404
    _nothing_left_behind(settings)


def test_anonymous_upload_is_401(api_client):
    listing = ListingFactory()
    assert _upload(api_client, listing, ACCEPTED["jpeg"][0]).status_code == 401


def test_unknown_listing_is_404(user_client):
    response = user_client.post(
        "/api/v1/listings/999999/photos/",
        {"file": SimpleUploadedFile("a.jpg", ACCEPTED["jpeg"][0])},
        format="multipart",
    )
    assert response.status_code == 404


def _forget_connections(app) -> None:
    """Drop the app's references to pooled broker connections (without closing kombu's shared pools) so the
    next send connects to the broker configured now."""
    app._pool = None
    app.amqp._producer_pool = None


def test_upload_succeeds_when_the_broker_is_down(settings, django_capture_on_commit_callbacks, caplog):
    from config.celery import app

    listing = ListingFactory()
    old = app.conf.broker_url
    _forget_connections(app)
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = _upload(client_for(listing.seller), listing, ACCEPTED["jpeg"][0])
    finally:
        app.conf.broker_url = old
        _forget_connections(app)
    assert len(callbacks) == 1
    assert "Could not queue listings.tasks.photo_process" in caplog.text  # the send really failed
    assert response.status_code == 201
    assert Photo.objects.get(pk=response.json()["id"]).status == PhotoStatus.PENDING
