"""Writes for notifications: an in-app row always, and an email sent by a background task after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.queue import enqueue

from .models import Notification
from .tasks import notification_email
from .texts import Stored


@transaction.atomic
def notification_send(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict[str, Any] | None = None,
    email: bool = True,
    title_text: Stored | None = None,
    body_text: Stored | None = None,
) -> Notification:
    """Record a notification for `user` and, if `email`, queue its email once the transaction commits. The
    email is owed until sent (`email_wanted`): if the send fails or the message is lost, `notifications_sweep`
    queues it again. Texts are already translated into the recipient's language by the caller (use
    `translation.override(user.language)`); `title_text` and `body_text` (`notifications.texts.text`) keep them
    as message ids, so the in-app list shows them in the reader's language of the day."""
    wanted = email and user.is_active
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        data=data or {},
        title_text=title_text or {},
        body_text=body_text or {},
        email_wanted=wanted,
        email_last_try_at=timezone.now() if wanted else None,
    )
    if wanted:
        enqueue(notification_email, notification.pk)
    return notification


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
