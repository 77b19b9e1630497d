"""Media on S3-compatible object storage (issue 14, part 1): derivatives in the public bucket, originals only in the
private one, nothing on a host's disk; hiding, deleting and the storage limitation act on the buckets.

Runs against the S3 server at AWS_S3_ENDPOINT_URL (CI: moto's standalone server, an emulator of the S3 API)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from listings import photos, pipeline, services
from listings.models import Listing, Photo, PhotoStatus
from tests.factories import ListingFactory, UserFactory
from tests.helpers import client_for
from tests.listings import imagegen

pytestmark = [pytest.mark.django_db, pytest.mark.s3]


def s3_client(buckets: dict[str, str]) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=buckets["endpoint"],
        region_name="us-east-1",
        aws_access_key_id=buckets["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=buckets["AWS_SECRET_ACCESS_KEY"],
    )


def keys(buckets: dict[str, str], which: str) -> set[str]:
    listed = s3_client(buckets).list_objects_v2(Bucket=buckets[which])
    return {item["Key"] for item in listed.get("Contents", [])}


def local_files() -> list[Path]:
    roots = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def uploaded(listing: Listing) -> Photo:
    """An upload as the API makes it (through the service), processed as the worker does."""
    response = client_for(listing.seller).post(
        f"/api/v1/listings/{listing.pk}/photos/",
        {"file": ContentFile(imagegen.jpeg(gps=True), "phone.jpg")},
        format="multipart",
    )
    assert response.status_code in (201, 202), response.content
    photo = Photo.objects.get(pk=response.json()["id"])
    pipeline.photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    return photo


def derivative_names(photo: Photo) -> set[str]:
    return {v["name"] for v in photo.variants.values()}


def fetch(url: str) -> int:
    """What an anonymous browser gets; 403 and 404 both mean unreachable (S3 says 403 where listing is refused)."""
    status = requests.get(url, timeout=10).status_code
    return 404 if status == 403 else status


def test_an_upload_puts_derivatives_in_the_public_bucket_and_the_original_only_in_the_private_one(
    s3_buckets, django_capture_on_commit_callbacks
):
    listing = ListingFactory()
    photo = uploaded(listing)
    names = derivative_names(photo)
    assert names and keys(s3_buckets, "public") == names
    assert keys(s3_buckets, "private") == {photo.original.name}
    assert photo.original.name not in keys(s3_buckets, "public")
    # Nothing on this host's disk: the worker read the original from the bucket, and wrote the copies there.
    assert local_files() == []
    # The derivatives are served from the bucket (or the media domain in front of it), to anyone.
    urls = [storages["default"].url(name) for name in names]
    assert all(url.startswith(s3_buckets["endpoint"]) for url in urls)
    assert [fetch(url) for url in urls] == [200] * len(urls)
    # The original is written private, and the private storage never makes an unsigned URL for it.
    grants = s3_client(s3_buckets).get_object_acl(Bucket=s3_buckets["private"], Key=photo.original.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}).get("URI", ""))]
    signed = storages["private"].url(photo.original.name)
    assert "Signature" in signed
    assert requests.get(signed.split("?")[0], timeout=10).status_code == 403  # without the signature: refused
    # The API gives the public URLs of the bucket.
    variants = client_for(UserFactory()).get(f"/api/v1/photos/{photo.pk}/").json()["variants"]
    assert {v["url"] for v in variants.values()} == set(urls)


def test_hiding_a_listing_deletes_its_derivatives_from_the_bucket_and_a_restore_makes_new_ones(
    s3_buckets, django_capture_on_commit_callbacks
):
    moderator = UserFactory(is_staff=True, is_superuser=True)
    listing = ListingFactory()
    photo = uploaded(listing)
    old_urls = [storages["default"].url(name) for name in derivative_names(photo)]
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_hide(listing=listing, actor=moderator)
    assert keys(s3_buckets, "public") == set()
    assert [fetch(url) for url in old_urls] == [404] * len(old_urls)
    withheld = Photo.objects.get(pk=photo.pk)
    assert keys(s3_buckets, "private") == {withheld.original.name}  # kept, privately, for a restore

    with django_capture_on_commit_callbacks(execute=True):
        services.listing_restore(listing=listing, actor=moderator)
    pipeline.photo_process(photo_id=photo.pk)
    restored = Photo.objects.get(pk=photo.pk)
    assert restored.status == PhotoStatus.READY
    assert keys(s3_buckets, "public") == derivative_names(restored)
    new_urls = [storages["default"].url(name) for name in derivative_names(restored)]
    assert set(new_urls).isdisjoint(old_urls)
    assert [fetch(url) for url in new_urls] == [200] * len(new_urls)
    assert [fetch(url) for url in old_urls] == [404] * len(old_urls)
    assert local_files() == []


def test_deleting_a_photo_removes_its_objects_from_both_buckets(s3_buckets, django_capture_on_commit_callbacks):
    listing = ListingFactory()
    photo = uploaded(listing)
    urls = [storages["default"].url(name) for name in derivative_names(photo)]
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(listing.seller).delete(f"/api/v1/photos/{photo.pk}/").status_code == 204
    assert keys(s3_buckets, "public") == keys(s3_buckets, "private") == set()
    assert [fetch(url) for url in urls] == [404] * len(urls)


def test_the_storage_limitation_deletes_originals_from_the_private_bucket(
    s3_buckets, django_capture_on_commit_callbacks
):
    photo = uploaded(ListingFactory())
    later = timezone.now() + timedelta(days=settings.PHOTO_ORIGINAL_RETENTION_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.photo_originals_expire(now=later) == 1
    assert keys(s3_buckets, "private") == set()
    assert keys(s3_buckets, "public") == derivative_names(photo)  # the public copies stay


def test_a_hide_after_the_original_expired_keeps_the_largest_copy_in_the_private_bucket(
    s3_buckets, django_capture_on_commit_callbacks
):
    listing = ListingFactory()
    photo = uploaded(listing)
    later = timezone.now() + timedelta(days=settings.PHOTO_ORIGINAL_RETENTION_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.photo_originals_expire(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        photos.photos_withhold(listing_id=listing.pk)
    withheld = Photo.objects.get(pk=photo.pk)
    assert keys(s3_buckets, "public") == set()
    assert keys(s3_buckets, "private") == {withheld.original.name}
    assert local_files() == []
