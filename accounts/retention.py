"""Storage limitation for what logging in leaves behind: django-axes' records and expired sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Model
from django.utils import timezone


def _delete_batch(model: type[Model], batch: int, **older: datetime) -> int:
    ids = list(model._default_manager.filter(**older).order_by("pk").values_list("pk", flat=True)[:batch])
    return model._default_manager.filter(pk__in=ids).delete()[0] if ids else 0


def login_records_expire(*, now: datetime | None = None, batch: int | None = None) -> int:
    """Delete the login records older than LOGIN_RECORD_RETENTION_DAYS — failed attempts (the lockout counts them
    only for AXES_COOLOFF_MINUTES), the log of log-ins and failures (IP address, browser) — and sessions that
    expired that long ago; at most `batch` (RETENTION_BATCH) rows of each kind per call. Returns how many went."""
    now = now or timezone.now()
    batch = batch or settings.RETENTION_BATCH
    cutoff = now - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    return (
        _delete_batch(AccessAttempt, batch, attempt_time__lt=cutoff)
        + _delete_batch(AccessLog, batch, attempt_time__lt=cutoff)
        + _delete_batch(AccessFailureLog, batch, attempt_time__lt=cutoff)
        + _delete_batch(Session, batch, expire_date__lt=cutoff)
    )
