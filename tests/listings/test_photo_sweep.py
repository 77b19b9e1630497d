"""The periodic sweep: photos whose message was lost get processed; those that keep failing end failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from config.celery import app
from listings import photos, pipeline, tasks
from listings.models import Photo, PhotoStatus
from tests.factories import ListingFactory
from tests.listings import imagegen

pytestmark = pytest.mark.django_db


def _pending_photo(age_minutes: float, attempts: int = 0) -> Photo:
    listing = ListingFactory()
    # Uploaded inside the test's transaction: its on-commit message is never sent (a lost message).
    photo = photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
    Photo.objects.filter(pk=photo.pk).update(
        updated_at=timezone.now() - timedelta(minutes=age_minutes), attempts=attempts
    )
    return photo


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_sweep_recovers_a_photo_whose_message_was_lost(eager_celery, django_capture_on_commit_callbacks):
    photo = _pending_photo(age_minutes=settings.PHOTO_PENDING_REQUEUE_SECONDS / 60 + 1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = tasks.photos_sweep_run()
    assert result == pipeline.SweepResult(requeued=1, failed=0)
    assert len(callbacks) == 1
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    assert photo.attempts == 1  # the processing run; the re-queue itself is not an attempt
    assert set(photo.variants) == {"w320", "w1024", "w2048", "w2048_jpeg"}


def test_sweep_leaves_recent_and_finished_photos_alone(django_capture_on_commit_callbacks):
    recent = _pending_photo(age_minutes=1)
    done = _pending_photo(age_minutes=60)
    pipeline.photo_process(photo_id=done.pk)
    Photo.objects.filter(pk=done.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = tasks.photos_sweep_run()
    assert result == pipeline.SweepResult(requeued=0, failed=0)
    assert callbacks == []
    assert Photo.objects.get(pk=recent.pk).attempts == 0


def test_sweep_requeues_with_the_photo_id_without_counting_an_attempt(django_capture_on_commit_callbacks):
    photo = _pending_photo(age_minutes=30, attempts=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.photos_sweep_run()
    assert [(c.args[0].name, c.args[1]) for c in callbacks] == [("listings.tasks.photo_process", (photo.pk,))]
    photo.refresh_from_db()
    assert photo.attempts == 1
    assert photo.status == PhotoStatus.PENDING
    # Just re-queued: the next sweep waits another interval before trying again.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.photos_sweep_run() == pipeline.SweepResult(requeued=0, failed=0)


def test_sweep_fails_a_photo_that_keeps_failing(settings, django_capture_on_commit_callbacks):
    photo = _pending_photo(age_minutes=30, attempts=settings.PHOTO_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = tasks.photos_sweep_run()
    assert result == pipeline.SweepResult(requeued=0, failed=1)
    assert callbacks == []
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.FAILED
    assert "several attempts" in photo.failure_reason


def test_a_long_broker_outage_does_not_fail_a_photo(django_capture_on_commit_callbacks):
    """Every sweep during an outage re-queues into the void; the photo must still be processed afterwards."""
    photo = _pending_photo(age_minutes=30)
    for _ in range(settings.PHOTO_MAX_ATTEMPTS + 2):
        with django_capture_on_commit_callbacks(execute=False):
            assert tasks.photos_sweep_run() == pipeline.SweepResult(requeued=1, failed=0)
        Photo.objects.filter(pk=photo.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    photo.refresh_from_db()
    assert (photo.status, photo.attempts) == (PhotoStatus.PENDING, 0)
    assert pipeline.photo_process(photo_id=photo.pk).status == PhotoStatus.READY  # type: ignore[union-attr]


def test_sweep_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["photos-sweep"]
    assert entry["task"] == "listings.tasks.photos_sweep"
    assert entry["schedule"] == float(settings.PHOTO_SWEEP_EVERY_SECONDS)
    assert "listings.tasks.photos_sweep" in app.tasks


def test_a_photo_that_used_up_its_attempts_is_failed_without_decoding_again(settings):
    """A file that crashed the worker each time (acks_late redelivers it) must stop being retried."""
    photo = _pending_photo(age_minutes=0, attempts=settings.PHOTO_MAX_ATTEMPTS)
    result = pipeline.photo_process(photo_id=photo.pk)
    assert result is not None and result.status == PhotoStatus.FAILED
    assert "several attempts" in result.failure_reason
    assert result.variants == {}


def test_processing_counts_an_attempt(settings):
    photo = _pending_photo(age_minutes=0, attempts=settings.PHOTO_MAX_ATTEMPTS - 1)
    result = pipeline.photo_process(photo_id=photo.pk)
    assert result is not None and result.status == PhotoStatus.READY
    assert result.attempts == settings.PHOTO_MAX_ATTEMPTS
