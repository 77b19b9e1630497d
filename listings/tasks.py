"""Background work for listings: photo processing and the sweep that keeps no photo pending forever."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from core.queue import enqueue

from . import pipeline

# Only what may succeed on a second try: the database or the storage backend being briefly away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def photo_process(photo_id: int) -> None:
    """Make a photo's derivatives. Idempotent; bad input ends `failed`, never as a worker crash."""
    pipeline.photo_process(photo_id=photo_id)


def photos_sweep_run(*, now: datetime | None = None) -> pipeline.SweepResult:
    """Re-queue the photos a lost message left pending (queued once the claim commits) and fail the hopeless."""
    with transaction.atomic():
        result = pipeline.photos_stale_claim(now=now)
        for photo_id in result.ids:
            enqueue(photo_process, photo_id)
    return result


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def photos_sweep() -> None:
    photos_sweep_run()
