"""`make run`'s demo listings have processed photos, and loading the demo twice adds none."""

from __future__ import annotations

import pytest

from demo.demo import DEMO_PHOTOS, demo_load
from listings.models import Photo, PhotoStatus


@pytest.mark.django_db
def test_demo_listings_get_processed_photos_once():
    demo_load()
    photos = list(Photo.objects.select_related("listing"))
    assert len(photos) == len(DEMO_PHOTOS)
    assert {p.status for p in photos} == {PhotoStatus.READY}
    assert all(set(p.variants) == {"w320", "w1024", "w2048", "w2048_jpeg"} and p.blurhash for p in photos)
    assert all(p.variants["w1024"]["width"] == 1024 for p in photos)
    demo_load()
    assert Photo.objects.count() == len(DEMO_PHOTOS)
