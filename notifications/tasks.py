"""Background work for notifications: the email of one notification, and the sweep that sends what is owed.

A notification made with `email=True` owes an email (`email_wanted`) until it is sent (`emailed_at`) or given
up (`email_failed_at`). `notification_email` tries once per run and counts the attempt; a send that fails — the
mail server away, the address refused — or a message lost on the way to the worker is queued again by
`notifications_sweep` once `NOTIFICATION_EMAIL_RETRY_SECONDS` have passed since the last try, until
`NOTIFICATION_EMAIL_MAX_ATTEMPTS` attempts have been made. The retries live in the rows, not in Celery's memory:
they survive a worker restart, and a re-queue while the broker or the worker is away costs no attempt."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.mail import MAIL_ERRORS, mail_send
from core.queue import enqueue

from .models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    failed: int
    ids: list[int] = field(default_factory=list, compare=False)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def notification_email(notification_id: int) -> None:
    """Email one notification. Idempotent: a notification already emailed, given up or gone is skipped; two
    runs at once send it once (the second waits for the first's row lock, then finds it sent). No Celery retry:
    a failed send is logged and left owed for `notifications_sweep`, which spaces the attempts and limits them."""
    now = timezone.now()
    # The attempt is counted before the send, in its own transaction: a send that kills the worker counts too.
    started = Notification.objects.filter(
        pk=notification_id,
        emailed_at__isnull=True,
        email_failed_at__isnull=True,
        email_attempts__lt=settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS,
    ).update(email_attempts=F("email_attempts") + 1, email_last_try_at=now)
    if not started:
        return
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.is_active:
            return
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL}{notification.url}"
        try:
            mail_send(to=notification.user.email, subject=notification.title, body=body)
        except MAIL_ERRORS as error:
            logger.warning(
                "Could not email notification %s (attempt %d of %d): %r; the sweep tries again.",
                notification_id,
                notification.email_attempts,
                settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS,
                error,
            )
            return
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])


def notifications_sweep_run(*, now: datetime | None = None) -> SweepResult:
    """Queue again every email still owed whose last try is older than `NOTIFICATION_EMAIL_RETRY_SECONDS`, and
    give up (`email_failed_at`) on those that used their `NOTIFICATION_EMAIL_MAX_ATTEMPTS`. Safe to run twice at
    once: rows are claimed under SKIP LOCKED and by a conditional UPDATE of their last-try time, so each owed
    email is queued by one run only; the messages leave once the claim commits."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_SECONDS)
    due = Notification.objects.filter(
        email_wanted=True,
        emailed_at__isnull=True,
        email_failed_at__isnull=True,
        user__is_active=True,
        email_last_try_at__lt=cutoff,
    )
    with transaction.atomic():
        spent = list(
            due.filter(email_attempts__gte=settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS).values_list("pk", flat=True)
        )
        failed = Notification.objects.filter(pk__in=spent, email_failed_at__isnull=True).update(email_failed_at=now)
        candidates = list(
            due.filter(email_attempts__lt=settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("email_last_try_at", "pk")
            .values_list("pk", flat=True)[:500]
        )
        ids = [
            pk
            for pk in candidates
            if Notification.objects.filter(
                pk=pk, emailed_at__isnull=True, email_failed_at__isnull=True, email_last_try_at__lt=cutoff
            ).update(email_last_try_at=now)
        ]
        for pk in ids:
            enqueue(notification_email, pk)
    if ids or failed:
        logger.info("Notification email sweep: %d re-queued, %d given up", len(ids), failed)
    return SweepResult(requeued=len(ids), failed=failed, ids=ids)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def notifications_sweep() -> None:
    notifications_sweep_run()
