"""Storage limitation, enforced: the periodic task deletes photo originals PHOTO_ORIGINAL_RETENTION_DAYS after their
public copies are ready, and login records and expired sessions after LOGIN_RECORD_RETENTION_DAYS — batch-bounded,
idempotent, and without breaking what still needs an original (a hidden listing's restore)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.utils import timezone

from listings import photos, pipeline, services
from listings.models import Listing, Photo, PhotoStatus
from privacy import tasks
from tests.factories import ListingFactory, UserFactory
from tests.listings import imagegen

pytestmark = pytest.mark.django_db


def processed_photo(listing: Listing) -> Photo:
    photo = photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
    pipeline.photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY and storages["private"].exists(photo.original.name)
    return photo


def age(photo: Photo, days: float) -> None:
    then = timezone.now() - timedelta(days=days)
    Photo.objects.filter(pk=photo.pk).update(processed_at=then, updated_at=then)


def public_files(photo: Photo) -> list[Path]:
    return [Path(settings.MEDIA_ROOT, v["name"]) for v in photo.variants.values()]


def run(capture) -> tasks.RetentionResult:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return tasks.retention_enforce_run()


def test_the_task_is_on_the_beat_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.retention_enforce"
    assert tasks.retention_enforce.name == "privacy.tasks.retention_enforce"


def test_originals_older_than_the_limit_go_younger_stay_derivatives_intact(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.PHOTO_ORIGINAL_RETENTION_DAYS = 30
    listing = ListingFactory()
    old, young = processed_photo(listing), processed_photo(listing)
    age(old, 31)
    age(young, 29)
    old_name, young_name = old.original.name, young.original.name

    result = run(django_capture_on_commit_callbacks)

    assert result.photo_originals == 1
    assert not storages["private"].exists(old_name)
    assert storages["private"].exists(young_name)
    old.refresh_from_db()
    assert old.original.name == "" and old.status == PhotoStatus.READY
    assert all(path.exists() for path in public_files(old))  # the public copies stay, and are served
    anonymous = Client()
    assert all(anonymous.get(storages["default"].url(v["name"])).status_code == 200 for v in old.variants.values())
    assert anonymous.get(f"/api/v1/listings/{listing.pk}/").json()["photos"][0]["id"] == old.pk
    # Idempotent: a second round deletes nothing more.
    assert run(django_capture_on_commit_callbacks).photo_originals == 0
    assert storages["private"].exists(young_name)


def test_the_period_comes_from_the_setting(settings, django_capture_on_commit_callbacks) -> None:
    settings.PHOTO_ORIGINAL_RETENTION_DAYS = 3
    photo = processed_photo(ListingFactory())
    age(photo, 4)
    assert run(django_capture_on_commit_callbacks).photo_originals == 1


def test_pending_and_withheld_photos_keep_their_originals(settings, django_capture_on_commit_callbacks) -> None:
    listing = ListingFactory()
    pending, withheld = processed_photo(listing), processed_photo(listing)
    for photo, status in ((pending, PhotoStatus.PENDING), (withheld, PhotoStatus.WITHHELD)):
        age(photo, 400)
        Photo.objects.filter(pk=photo.pk).update(status=status)
    assert run(django_capture_on_commit_callbacks).photo_originals == 0
    assert storages["private"].exists(pending.original.name) and storages["private"].exists(withheld.original.name)


def test_a_failed_photos_original_goes_too(django_capture_on_commit_callbacks) -> None:
    photo = processed_photo(ListingFactory())
    Photo.objects.filter(pk=photo.pk).update(
        status=PhotoStatus.FAILED, updated_at=timezone.now() - timedelta(days=31), variants={}
    )
    assert run(django_capture_on_commit_callbacks).photo_originals == 1
    assert not storages["private"].exists(photo.original.name)


def test_a_round_is_batch_bounded(settings, django_capture_on_commit_callbacks) -> None:
    settings.RETENTION_BATCH = 2
    listing = ListingFactory()
    made = [processed_photo(listing) for _ in range(3)]
    for photo in made:
        age(photo, 60)
    assert run(django_capture_on_commit_callbacks).photo_originals == 2
    assert run(django_capture_on_commit_callbacks).photo_originals == 1
    assert not Photo.objects.exclude(original="").exists()


def test_a_hidden_listing_whose_originals_expired_is_restored_with_its_photos(
    django_capture_on_commit_callbacks,
) -> None:
    """Re-processing (a moderator's hide, then restore) needs a source: the photo keeps its largest public copy
    privately when it is withheld, and the restore makes the photo again from it."""
    listing = ListingFactory()
    moderator = UserFactory(is_staff=True)
    photo = processed_photo(listing)
    age(photo, 31)
    run(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_hide(listing=listing, actor=moderator)
    withheld = Photo.objects.get(pk=photo.pk)
    assert withheld.status == PhotoStatus.WITHHELD and withheld.original.name.startswith("originals/retained/")
    assert storages["private"].exists(withheld.original.name)
    assert not any(path.exists() for path in public_files(photo))
    with django_capture_on_commit_callbacks():
        services.listing_restore(listing=listing, actor=moderator)
    pipeline.photo_process(photo_id=photo.pk)
    restored = Photo.objects.get(pk=photo.pk)
    assert restored.status == PhotoStatus.READY, restored.failure_reason
    assert all(path.exists() for path in public_files(restored))
    assert Client().get(f"/api/v1/listings/{listing.pk}/").json()["photos"][0]["id"] == photo.pk


def test_deleting_a_photo_whose_original_expired_works(django_capture_on_commit_callbacks) -> None:
    listing = ListingFactory()
    photo = processed_photo(listing)
    age(photo, 31)
    run(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        photos.photo_delete(photo_id=photo.pk, user=listing.seller)
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not any(path.exists() for path in public_files(photo))


def test_login_records_and_expired_sessions_expire(settings, django_capture_on_commit_callbacks) -> None:
    settings.LOGIN_RECORD_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    young = timezone.now() - timedelta(days=29)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        for when in (old, young):
            extra = {"failures_since_start": 1} if model is AccessAttempt else {}
            row = model.objects.create(
                username=f"a{when.day}@example.dk", ip_address="127.0.0.1", user_agent="x", **extra
            )
            model.objects.filter(pk=row.pk).update(attempt_time=when)
    Session.objects.create(session_key="old" * 8, session_data="", expire_date=old)
    Session.objects.create(session_key="young" * 6, session_data="", expire_date=young)

    assert run(django_capture_on_commit_callbacks).login_records == 4
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert list(model.objects.values_list("attempt_time", flat=True)) == [young], model
    assert list(Session.objects.values_list("session_key", flat=True)) == ["young" * 6]
    assert run(django_capture_on_commit_callbacks).login_records == 0
