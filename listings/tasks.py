"""Background work for listings: photo processing and the sweep that keeps no photo pending forever."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import photos

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
    photos.photo_process(photo_id=photo_id)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def photos_sweep() -> None:
    photos.photos_sweep()
