"""Background work for trade."""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone

from .models import Message, Notification


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
        send_mail(notification.title, body, None, [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])


# --- Marketplace periodic work (issue 5). Each is idempotent: the rows' own fields record what is done. ---


@shared_task(time_limit=120, soft_time_limit=100)
def reservations_expire() -> int:
    """Expire pending reservations past `expires_at`: the listing is active again, both sides are told."""
    from .models import Reservation, ReservationStatus
    from .services import reservation_expire

    due = Reservation.objects.filter(status=ReservationStatus.PENDING, expires_at__lte=timezone.now())
    return sum(reservation_expire(reservation_id=pk) for pk in due.values_list("pk", flat=True)[:1000])


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    time_limit=300,
    soft_time_limit=280,
)
def messages_notify() -> int:
    """One email per recipient per run, listing the conversations with unread messages nobody has mailed
    them about yet — never one mail per message. Returns the number of emails sent."""
    from collections import defaultdict

    from django.utils import translation
    from django.utils.translation import gettext as _

    from marketplace.accounts.models import User

    from .notifications import notification_send
    from .selectors import messages_awaiting_email

    by_recipient: dict[int, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    recipients: dict[int, User] = {}
    for message in messages_awaiting_email()[:5000]:
        conversation = message.conversation
        listing = conversation.listing
        if listing is None:
            continue
        buyer = conversation.started_by
        recipient = buyer if message.sender_id != (buyer.pk if buyer else None) else listing.seller
        if recipient is None or recipient.pk == message.sender_id:
            continue
        recipients[recipient.pk] = recipient
        by_recipient[recipient.pk][conversation.pk].append(message)
    sent = 0
    for user_id, conversations in by_recipient.items():
        user = recipients[user_id]
        message_ids = [m.pk for messages in conversations.values() for m in messages]
        with transaction.atomic():
            # Claim the messages first: a concurrent run that claimed them already makes this one skip.
            claimed = Message.objects.filter(pk__in=message_ids, notified_at__isnull=True, read_at__isnull=True)
            if not claimed.update(notified_at=timezone.now()):
                continue
            if not user.is_active:
                continue
            with translation.override(user.language):
                lines = []
                for messages in conversations.values():
                    listing = messages[0].conversation.listing
                    lines.append(
                        _("“%(title)s”: %(count)d new message(s) — %(url)s")
                        % {
                            "title": listing.title,
                            "count": len(messages),
                            "url": f"{settings.SITE_URL}/conversations/{messages[0].conversation_id}/",
                        }
                    )
                subject = _("You have new messages on Kredsløb")
                body = _("You have unread messages:") + "\n\n" + "\n".join(lines)
                notification_send(
                    user=user,
                    kind="messages",
                    title=subject,
                    body=body,
                    url="/conversations/",
                    data={"conversations": list(conversations)},
                    email=False,
                )
            send_mail(subject, body, None, [user.email])
            sent += 1
    return sent


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    time_limit=600,
    soft_time_limit=580,
)
def saved_searches_digest() -> int:
    """Email each saved search (with `email_digest`) the listings published since it was last notified —
    one mail per search that has new matches — with a link that unsubscribes without logging in."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from listings.search import listing_filters_clean
    from listings.selectors import listing_browse
    from marketplace.errors import InvalidInput

    from .models import SavedSearch

    sent = 0
    run_at = timezone.now()
    for search in SavedSearch.objects.filter(email_digest=True, user__is_active=True).select_related("user"):
        try:
            filters = listing_filters_clean(search.query)
        except InvalidInput:  # e.g. a category since removed: skip rather than mail nonsense
            continue
        since = search.last_notified_at or search.created_at
        matches = list(
            listing_browse(filters=filters)
            .filter(published_at__gt=since, published_at__lte=run_at)
            .order_by("-published_at", "-id")[:20]
        )
        with transaction.atomic():
            # Move the mark first (conditionally): a concurrent run that moved it already makes this one skip.
            moved = SavedSearch.objects.filter(pk=search.pk, last_notified_at=search.last_notified_at).update(
                last_notified_at=run_at
            )
            if not moved or not matches:
                continue
            user = search.user
            with translation.override(user.language):
                subject = _("New on Kredsløb for “%(name)s”") % {"name": search.name}
                lines = [f"- {m.title} ({m.price_dkk} kr.) {settings.SITE_URL}{m.get_absolute_url()}" for m in matches]
                unsubscribe = f"{settings.SITE_URL}/unsubscribe/{search.unsubscribe_token}/"
                body = (
                    _("New listings match your saved search “%(name)s”:") % {"name": search.name}
                    + "\n\n"
                    + "\n".join(lines)
                    + "\n\n"
                    + _("Stop these emails: %(url)s") % {"url": unsubscribe}
                )
            message = EmailMessage(subject, body, None, [user.email], headers={"List-Unsubscribe": f"<{unsubscribe}>"})
            message.send()
            sent += 1
    return sent
