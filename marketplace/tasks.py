"""Background work for trade."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext_lazy

from accounts.models import User
from accounts.selectors import workshop_members
from core.errors import InvalidInput
from core.mail import MAIL_ERRORS, MAIL_REFUSED, MAIL_UNAVAILABLE, mail_send
from core.queue import enqueue
from listings.models import Listing
from listings.search import listing_filters_clean
from listings.selectors import listing_browse, listing_seller_side_users, public_listings
from notifications.models import Notification
from notifications.services import notification_send
from notifications.texts import render, text, text_plural

from .models import AlertFrequency, Message, Reservation, ReservationStatus, SavedSearch
from .selectors import messages_awaiting_email
from .services import offers_expire as offers_expire_now
from .services import reservation_expire

logger = logging.getLogger(__name__)


def _job_recipients(*, conversation: Any, message: Message, workshops: dict[int, list[User]]) -> list[User]:
    """Who hears of a message in a repair job's conversation: the other side — the donor, or the current members
    of the workshop — while the conversation's workshop still holds the job (`selectors.job_talk_q`)."""
    job = conversation.repair_job
    if job is None or job.workshop_id != conversation.workshop_id:
        return []
    donor = job.listing.seller if job.listing_id and job.listing else None
    if donor is None or message.sender_id != donor.pk:
        return [donor] if donor is not None else []
    if conversation.workshop_id not in workshops:
        workshops[conversation.workshop_id] = list(workshop_members(workshop_id=conversation.workshop_id))
    return workshops[conversation.workshop_id]


# A line of the message digest, stored by `text_plural` as message ids (so the in-app list follows its reader);
# the `ngettext_lazy` call marks them for makemessages.
_NEW_MESSAGES_LINE = ("“%(title)s”: %(count)d new message — %(url)s", "“%(title)s”: %(count)d new messages — %(url)s")
ngettext_lazy("“%(title)s”: %(count)d new message — %(url)s", "“%(title)s”: %(count)d new messages — %(url)s", "count")


def _conversation_title(conversation: Any) -> str:
    if conversation.listing is not None:
        return str(conversation.listing.title)
    job = conversation.repair_job
    return str(job.listing.title) if job is not None and job.listing is not None else _("Repair")


def _conversation_url(conversation: Any, user: User) -> str:
    """A page the recipient may see: the listing conversation; for a job, the workshop's job page for its
    members and the donor's thread for the donor."""
    if conversation.repair_job_id is None:
        return f"/conversations/{conversation.pk}/"
    job = conversation.repair_job
    if job is not None and job.listing is not None and job.listing.seller_id == user.pk:
        return f"/repairs/{conversation.repair_job_id}/messages/"
    return f"/workshop/jobs/{conversation.repair_job_id}/#talk-heading"


# --- Marketplace periodic work (issue 5). Each is idempotent: the rows' own fields record what is done. ---


@shared_task(time_limit=120, soft_time_limit=100)
def reservations_expire() -> int:
    """Expire pending reservations past `expires_at`: the listing is active again, both sides are told."""

    due = Reservation.objects.filter(status=ReservationStatus.PENDING, expires_at__lte=timezone.now())
    return sum(reservation_expire(reservation_id=pk) for pk in due.values_list("pk", flat=True)[:1000])


@shared_task(time_limit=120, soft_time_limit=100)
def offers_expire() -> int:
    """Open offers and counter-offers past `expires_at` expire (reads already treat them as expired)."""
    return offers_expire_now()


@shared_task(time_limit=300, soft_time_limit=280)
def messages_notify() -> int:
    """One email per recipient per run, listing the conversations with unread messages nobody has mailed
    them about yet — never one mail per message. A buyer's message goes to the seller side: the seller, or
    every current member of the workshop selling the listing. Returns the number of emails sent.

    The batch is claimed under row locks (SKIP LOCKED: a concurrent run takes other rows) and marked mailed.
    Each recipient gets the in-app notification; one whose mail fails (address refused, server away) is owed
    the email there, and `notifications.tasks.notifications_sweep` sends it — per recipient, so one bad address
    neither blocks the others' mail nor has them mailed twice on the next run."""

    sent = 0
    with transaction.atomic():
        batch = list(messages_awaiting_email().select_for_update(skip_locked=True, of=("self",))[:5000])
        by_recipient: dict[int, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
        recipients: dict[int, User] = {}
        seller_sides: dict[int, list[User]] = {}
        workshop_sides: dict[int, list[User]] = {}
        for message in batch:
            conversation = message.conversation
            listing = conversation.listing
            if conversation.repair_job_id is not None:
                to = _job_recipients(conversation=conversation, message=message, workshops=workshop_sides)
            elif listing is None:  # (the listing's row is gone)
                continue
            else:
                buyer = conversation.started_by
                if buyer is not None and message.sender_id != buyer.pk:
                    to = [buyer]
                else:
                    if listing.pk not in seller_sides:
                        seller_sides[listing.pk] = listing_seller_side_users(listing=listing)
                    to = seller_sides[listing.pk]
            for recipient in to:
                if recipient.pk == message.sender_id or not recipient.is_active:
                    continue
                recipients[recipient.pk] = recipient
                by_recipient[recipient.pk][conversation.pk].append(message)
        for user_id, conversations in by_recipient.items():
            user = recipients[user_id]
            with translation.override(user.language):
                stored_lines = [
                    text_plural(
                        *_NEW_MESSAGES_LINE,
                        len(messages),
                        title=_conversation_title(messages[0].conversation),
                        count=len(messages),
                        url=f"{settings.SITE_URL}{_conversation_url(messages[0].conversation, user)}",
                    )
                    for messages in conversations.values()
                ]
                first = next(iter(conversations.values()))[0].conversation
                url = _conversation_url(first, user) if len(conversations) == 1 else "/profile/#conversations-heading"
                title_text = text(gettext_noop("You have new messages on Kredsløb"))
                body_text = text(
                    "%(intro)s\n\n%(lines)s", intro=gettext_lazy("You have unread messages:"), lines=stored_lines
                )
                subject, body = render(title_text), render(body_text)
            try:
                mail_send(to=user.email, subject=subject, body=body)
            except MAIL_ERRORS as error:
                logger.warning(
                    "Could not mail user %s about new messages (%r); the notification sweep retries.", user_id, error
                )
                mailed = False
            else:
                mailed = True
                sent += 1
            notification_send(
                user=user,
                kind="messages",
                title=subject,
                body=body,
                url=url,
                data={"conversations": list(conversations)},
                email=not mailed,
                title_text=title_text,
                body_text=body_text,
            )
        Message.objects.filter(pk__in=[m.pk for m in batch]).update(notified_at=timezone.now())
    return sent


@shared_task(bind=True, max_retries=5, time_limit=600, soft_time_limit=580)
def saved_searches_digest(self: Any, search_ids: list[int] | None = None) -> int:
    """The daily digest (`saved_searches_digest_run`). When the mail server was away for some searches, the task
    is retried later for those searches only — the ones already mailed are never mailed again."""
    sent, unavailable = saved_searches_digest_run(search_ids=search_ids)
    if unavailable and not self.request.called_directly:
        raise self.retry(kwargs={"search_ids": unavailable}, countdown=300 * 2**self.request.retries)
    return sent


def saved_searches_digest_run(*, search_ids: list[int] | None = None) -> tuple[int, list[int]]:
    """Email each saved search (with `email_digest`) the listings published since it was last notified —
    one mail per search that has new matches — with a link that unsubscribes without logging in. Returns the
    number of mails sent and the searches whose mail could not be sent because the mail server was away.

    Progress is per search: its mark (`last_notified_at`) moves in the same transaction as its mail, by a
    conditional UPDATE (a concurrent run that moved it already makes this one skip it). A mail that fails —
    the address refused, the server away — leaves that search's mark where it was, so its matches are owed
    to the next run, and the loop goes on: one bad name or address never costs anybody else their digest."""

    sent = 0
    unavailable: list[int] = []
    run_at = timezone.now()
    searches = SavedSearch.objects.filter(
        email_digest=True, user__is_active=True, frequency=AlertFrequency.DAILY
    ).select_related("user")
    if search_ids is not None:
        searches = searches.filter(pk__in=search_ids)
    for search in searches.order_by("pk"):
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
            try:
                mail_send(to=user.email, subject=subject, body=body, headers={"List-Unsubscribe": f"<{unsubscribe}>"})
            except MAIL_REFUSED as error:  # (before MAIL_UNAVAILABLE: the SMTP refusals are SMTPExceptions too)
                transaction.set_rollback(True)
                logger.warning(
                    "Digest of saved search %s refused (%r); its matches wait for the next run.", search.pk, error
                )
                continue
            except MAIL_UNAVAILABLE as error:
                transaction.set_rollback(True)
                logger.warning("Digest of saved search %s not sent (%r); retried later.", search.pk, error)
                unavailable.append(search.pk)
                continue
            sent += 1
    return sent, unavailable


# --- Saved searches that alert at once (issue 15) ---------------------------------------------------------------


def on_listing_published(sender: Any, listing: Listing, **kwargs: Any) -> None:
    """`listings.signals.listing_published`: queue the instant alerts once the publishing transaction commits."""
    enqueue(saved_searches_instant, listing.pk)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
def saved_searches_instant(listing_id: int) -> int:
    return saved_searches_instant_run(listing_id=listing_id)


def saved_searches_instant_run(*, listing_id: int) -> int:
    """Tell the owners of the `instant` saved searches the listing matches — in-app, and by email while the search
    still sends email (`email_digest`, which its unsubscribe link turns off) — once each. Matching is browse's own
    (`listings.selectors.listing_browse` with the search's cleaned filters), so only a listing everybody may see
    (`public_listings`) can match, and never for its own seller side. Idempotent: a search told about the
    listing already (its notification) is skipped, under the search's row lock. Returns how many were told."""
    listing = public_listings().filter(pk=listing_id).first()
    if listing is None:
        return 0
    own = {user.pk for user in listing_seller_side_users(listing=listing)} | {listing.seller_id}
    searches = (
        SavedSearch.objects.filter(frequency=AlertFrequency.INSTANT, user__is_active=True)
        .exclude(user_id__in=own)
        .select_related("user")
        .order_by("pk")
    )
    told = 0
    for search in searches:
        try:
            filters = listing_filters_clean(search.query)
        except InvalidInput:  # e.g. a category since removed
            continue
        if not listing_browse(filters=filters).filter(pk=listing_id).exists():
            continue
        with transaction.atomic():
            SavedSearch.objects.select_for_update().filter(pk=search.pk).first()
            if Notification.objects.filter(
                user_id=search.user_id, kind="saved_search_match", data__search=search.pk, data__listing=listing_id
            ).exists():
                continue
            user = search.user
            title_text = text(gettext_lazy("New for “%(name)s”: %(title)s"), name=search.name, title=listing.title)
            body_text = text(
                gettext_lazy("A new listing matches your saved search “%(name)s”: %(title)s (%(price)s kr.)"),
                name=search.name,
                title=listing.title,
                price=listing.price_dkk,
            )
            if search.email_digest:
                unsubscribe = f"{settings.SITE_URL}/unsubscribe/{search.unsubscribe_token}/"
                body_text = text(
                    "%(match)s\n\n%(stop)s",
                    match=body_text,
                    stop=text(gettext_lazy("Stop these emails: %(url)s"), url=unsubscribe),
                )
            with translation.override(user.language):
                title, body = render(title_text), render(body_text)
            notification_send(
                user=user,
                kind="saved_search_match",
                title=title,
                body=body,
                url=listing.get_absolute_url(),
                title_text=title_text,
                body_text=body_text,
                data={"search": search.pk, "listing": listing_id},
                email=search.email_digest,
            )
            told += 1
    return told
