"""Background work for notifications: the email of one notification."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.mail import mail_send

from .models import Notification


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
    acks_late=True,
)
def notification_email(notification_id: int) -> None:
    """Email one notification. Idempotent: a notification already emailed (or gone) is skipped."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.user.is_active:
            return
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL}{notification.url}"
        mail_send(to=notification.user.email, subject=notification.title, body=body)
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
