"""Reads for trade: each returns a queryset that loads a whole page in a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import workshop_ids_of
from core.errors import NotFound

from .models import Conversation, Message, Reservation, SavedSearch


def _seller_side_q(user: User, prefix: str = "listing__") -> Q:
    """The seller side as `listings.selectors.listing_managed_by` has it, as a filter: the seller of a listing
    sold by no workshop, or a current member of the workshop selling it."""
    return Q(**{f"{prefix}seller": user, f"{prefix}workshop__isnull": True}) | Q(
        **{f"{prefix}workshop_id__in": workshop_ids_of(user=user)}
    )


def reservations_for(*, user: User) -> QuerySet[Reservation]:
    """The user's reservations as buyer, and those of listings they sell (also for their workshop)."""
    return Reservation.objects.filter(Q(buyer=user) | _seller_side_q(user)).select_related(
        "listing", "listing__seller", "listing__workshop", "buyer"
    )


def reservation_get(*, pk: int, user: User) -> Reservation:
    reservation = reservations_for(user=user).filter(pk=pk).first()
    if reservation is None:
        raise NotFound(_("No such reservation."))
    return reservation


def conversations_for(*, user: User) -> QuerySet[Conversation]:
    """Listing conversations the user is a party to, with `unread` (messages from the other side not yet
    read) counted in the same query."""
    unread = Count(
        "messages",
        filter=Q(messages__read_at__isnull=True) & (~Q(messages__sender=user) | Q(messages__sender__isnull=True)),
    )
    return (
        Conversation.objects.filter(listing__isnull=False)
        .filter(Q(started_by=user) | _seller_side_q(user))
        .select_related("listing", "listing__seller", "listing__workshop", "started_by")
        .annotate(unread=unread)
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
