"""End to end: an upload through the API is processed by a real Celery worker process (Redis in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from listings.images import image_metadata
from listings.models import Photo, PhotoStatus
from tests.factories import ListingFactory
from tests.helpers import client_for, wait_for
from tests.listings import imagegen


@pytest.mark.slow
def test_a_real_worker_processes_an_uploaded_photo(celery_worker_process, settings):
    # A transactional test that ran before (the browser tests) may have flushed the category tree with the
    # rest of the database: load it again (idempotent).
    from listings.categories import categories_load

    categories_load()
    listing = ListingFactory()
    upload = SimpleUploadedFile("IMG_0001.HEIC", imagegen.jpeg(6, size=(640, 480)), content_type="image/heic")
    response = client_for(listing.seller).post(
        f"/api/v1/listings/{listing.pk}/photos/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    photo_id = response.json()["id"]
    assert wait_for(lambda: Photo.objects.get(pk=photo_id).status != PhotoStatus.PENDING, timeout=60), (
        celery_worker_process.log_path.read_text()
    )
    photo = Photo.objects.get(pk=photo_id)
    assert photo.status == PhotoStatus.READY, photo.failure_reason
    assert (photo.width, photo.height) == (640, 480)
    for variant in photo.variants.values():
        data = (Path(settings.MEDIA_ROOT) / variant["name"]).read_bytes()
        assert image_metadata(data) == []
    body = client_for(listing.seller).get(f"/api/v1/photos/{photo_id}/").json()
    assert body["status"] == "ready" and body["variants"]["w320"]["width"] == 320
