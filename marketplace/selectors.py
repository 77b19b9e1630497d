"""Reads for trade: each returns a queryset that loads a whole page in a constant number of queries."""

from __future__ import annotations

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from listings.selectors import listing_managed_by, listing_managed_by_q

from .models import Conversation, Message, Reservation, ReservationStatus, SavedSearch


def reservations_for(*, user: User) -> QuerySet[Reservation]:
    """The user's reservations as buyer, and those of listings they sell (also for their workshop). Each row
    says whether the user is its seller side (`seller_side_user_id`), so `reservation_pickup_details` answers a
    whole page without a query per row."""
    seller_side = listing_managed_by_q(user=user, prefix="listing__")
    return (
        Reservation.objects.filter(Q(buyer=user) | seller_side)
        .annotate(seller_side_user_id=Case(When(seller_side, then=Value(user.pk)), default=None))
        .select_related("listing", "listing__seller", "listing__workshop", "buyer")
    )


def reservation_get(*, pk: int, user: User) -> Reservation:
    reservation = reservations_for(user=user).filter(pk=pk).first()
    if reservation is None:
        raise NotFound(_("No such reservation."))
    return reservation


# What the buyer reads on a reservation once the seller has agreed to the hand-over (and afterwards).
PICKUP_SHOWN_TO_BUYER = (ReservationStatus.CONFIRMED, ReservationStatus.COMPLETED)


def reservation_pickup_details(*, reservation: Reservation, user: User) -> str | None:
    """The pickup details of a reservation's listing as `user` may read them there, or None: the buyer once the
    seller has confirmed, the listing's seller side (`listings.selectors.listing_managed_by`) always, nobody
    else. The API's reservations, the listing page, the confirmation email and the data export ask this."""
    listing = reservation.listing
    if reservation.buyer_id == user.pk:
        return listing.pickup_details if reservation.status in PICKUP_SHOWN_TO_BUYER else None
    if getattr(reservation, "seller_side_user_id", None) == user.pk:  # loaded by `reservations_for(user=user)`
        return listing.pickup_details
    return listing.pickup_details if listing_managed_by(listing=listing, user=user) else None


def conversations_for(*, user: User) -> QuerySet[Conversation]:
    """Who may see a conversation, as the one rule every face asks (the API, the pages, `message_send` through
    `conversation_visible_to`, the data export): the buyer who started it and the listing's seller side as
    `listings.selectors.listing_managed_by` has it — the seller, or for a workshop's listing its current members,
    so a member who leaves the workshop stops seeing its buyers' conversations, old messages and new. A
    conversation about a repair job is opened by no face yet, so nobody sees one. With `unread` (messages from
    the other side not yet read) counted in the same query. The message emails go to the same people: the buyer,
    and `listings.selectors.listing_seller_side_users`."""
    unread = Count(
        "messages",
        filter=Q(messages__read_at__isnull=True) & (~Q(messages__sender=user) | Q(messages__sender__isnull=True)),
    )
    return (
        Conversation.objects.filter(listing__isnull=False)
        .filter(Q(started_by=user) | listing_managed_by_q(user=user, prefix="listing__"))
        .select_related("listing", "listing__seller", "listing__workshop", "started_by")
        .annotate(unread=unread)
    )


def conversation_visible_to(*, conversation: Conversation, user: User) -> bool:
    """May `user` see this conversation? `conversations_for`, for one conversation."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and conversations_for(user=user).filter(pk=conversation.pk).exists()
    )


def conversation_get(*, pk: int, user: User) -> Conversation:
    conversation = conversations_for(user=user).filter(pk=pk).first()
    if conversation is None:
        raise NotFound(_("No such conversation."))
    return conversation


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).select_related("sender")


def saved_searches_for(*, user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def messages_awaiting_email() -> QuerySet[Message]:
    """Unread messages nobody has been mailed about yet, with what the batch mail needs."""
    return (
        Message.objects.filter(read_at__isnull=True, notified_at__isnull=True, conversation__listing__isnull=False)
        .select_related("conversation", "conversation__listing", "conversation__listing__seller")
        .select_related("conversation__started_by", "sender")
        .order_by("conversation_id", "created_at", "id")
    )
