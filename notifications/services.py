"""Writes for notifications: an in-app row always, and an email sent by a background task after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.models import User, Workshop
from core.queue import enqueue

from .models import Notification
from .tasks import notification_email
from .texts import Stored, render, text


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


def on_workshop_applied(sender: Any, *, workshop: Workshop, **kwargs: Any) -> None:
    """Receiver of `accounts.signals.workshop_applied` (connected in `NotificationsConfig.ready`): every active
    moderator hears of a workshop waiting to be checked, with a link to it in the admin."""
    title = text(gettext_lazy("%(workshop)s applies to be a workshop"), workshop=workshop.name)
    body = text(
        gettext_lazy("Check the CVR number %(cvr)s and the address, then verify the workshop in the admin."),
        cvr=workshop.cvr,
    )
    url = reverse("admin:accounts_workshop_change", args=[workshop.pk])
    for moderator in User.objects.filter(is_staff=True, is_active=True).order_by("pk"):
        with translation.override(moderator.language):
            notification_send(
                user=moderator,
                kind="workshop_applied",
                title=render(title),
                body=render(body),
                url=url,
                data={"workshop": workshop.pk},
                title_text=title,
                body_text=body,
            )
