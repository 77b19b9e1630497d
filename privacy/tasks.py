"""Storage limitation, enforced: the periodic task that deletes what the privacy policy says is kept only so long."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from celery import shared_task

from accounts.retention import login_records_expire
from listings.pipeline import photo_originals_expire

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionResult:
    photo_originals: int
    login_records: int


def retention_enforce_run(*, now: datetime | None = None) -> RetentionResult:
    """One round: photo originals past PHOTO_ORIGINAL_RETENTION_DAYS, login records and sessions past
    LOGIN_RECORD_RETENTION_DAYS — each batch-bounded (RETENTION_BATCH) and idempotent; what a round leaves, the
    next one takes."""
    result = RetentionResult(
        photo_originals=photo_originals_expire(now=now),
        login_records=login_records_expire(now=now),
    )
    if result.photo_originals or result.login_records:
        logger.info("Retention: %s", result)
    return result


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def retention_enforce() -> None:
    retention_enforce_run()
