"""Reads for trade: each returns a queryset that loads a whole page in a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Case, Count, F, Func, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, Workshop
from accounts.selectors import workshop_ids_of
from core.errors import DomainError, NotAllowed, NotFound
from listings.models import PUBLIC_LISTING_STATUSES, Kind, Listing, ListingStatus
from listings.selectors import listing_managed_by, listing_managed_by_q, public_listings, ready_photos_prefetch
from notifications.models import Notification

from .models import (
    OPEN_OFFER_STATUSES,
    Conversation,
    Favourite,
    Message,
    Offer,
    OfferStatus,
    Rating,
    RatingSide,
    Reservation,
    ReservationStatus,
    SavedSearch,
)


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
    """May `user` see this conversation? `conversations_for`, for one conversation (`job_talk_q` for a job's)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if conversation.repair_job_id is not None:
        return Conversation.objects.filter(job_talk_q(user=user), pk=conversation.pk).exists()
    return conversations_for(user=user).filter(pk=conversation.pk).exists()


# --- A repair job's conversation: the donor and the workshop that holds the job ------------------------------


def job_talk_q(*, user: User, on_jobs: bool = False) -> Q:
    """The one rule for "may this person read and write a repair job's conversation?", as a filter on
    conversations (or on repair jobs, `on_jobs`): the donor (the seller of the donated listing) and the current
    members of the verified workshop that holds the job — the conversation's workshop, while it is the job's. A
    workshop that released the job, a member who left, a workshop that only sees the job on its board: nobody
    else. The API, the pages, `job_message_send`, `conversation_visible_to` and the message emails ask it."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if on_jobs:
        held = Q(workshop__isnull=False)
        return held & (Q(listing__seller=user) | Q(workshop_id__in=workshop_ids_of(user=user, verified_only=True)))
    return Q(repair_job__isnull=False, workshop_id=F("repair_job__workshop_id")) & (
        Q(repair_job__listing__seller=user) | Q(workshop_id__in=workshop_ids_of(user=user, verified_only=True))
    )


def job_talk_allowed(*, job: Any, user: User) -> bool:
    """`job_talk_q` for one job (a `repairs.models.RepairJob`; ask it of the locked row when writing): the
    donor and the members of the verified workshop that holds it."""
    if not getattr(user, "is_authenticated", False) or job.workshop_id is None:
        return False
    return type(job).objects.filter(job_talk_q(user=user, on_jobs=True), pk=job.pk).exists()


def job_conversation(*, job: Any) -> Conversation | None:
    """The conversation between the job's donor and the workshop that holds it now, if one was started."""
    if job.workshop_id is None:
        return None
    return Conversation.objects.filter(repair_job_id=job.pk, workshop_id=job.workshop_id).first()


def job_messages(*, job: Any) -> QuerySet[Message]:
    """The messages between the job's donor and the workshop that holds it, oldest first (none when it is open)."""
    if job.workshop_id is None:
        return Message.objects.none()
    return Message.objects.filter(
        conversation__repair_job_id=job.pk, conversation__workshop_id=job.workshop_id
    ).select_related("sender")


def job_talk_side(*, job: Any, message: Message) -> str:
    """ "donor" or "workshop": who wrote a job message, as the thread labels it (never the donor's name to
    anyone but themselves; the workshop side signs with the workshop's name)."""
    donor_id = job.listing.seller_id if job.listing_id and job.listing else None
    return "donor" if message.sender_id is not None and message.sender_id == donor_id else "workshop"


def _count(rows: QuerySet[Any]) -> Subquery:
    """COUNT(*) of `rows` as a scalar subquery (no GROUP BY: one row)."""
    return Subquery(rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


def unread_counts(*, user: User) -> dict[str, int]:
    """The header's badges in ONE query: unread notifications, and unread messages from others in the
    conversations `user` may see (listing conversations as `conversations_for` has them, a job's by
    `job_talk_q`)."""
    if not getattr(user, "is_authenticated", False):
        return {"messages": 0, "notifications": 0}
    visible = Conversation.objects.filter(
        (Q(listing__isnull=False) & (Q(started_by=user) | listing_managed_by_q(user=user, prefix="listing__")))
        | job_talk_q(user=user)
    ).values("pk")
    unread_messages = Message.objects.filter(conversation_id__in=visible, read_at__isnull=True).exclude(sender=user)
    unread_notifications = Notification.objects.filter(user=user, read_at__isnull=True)
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(n_messages=_count(unread_messages), n_notifications=_count(unread_notifications))
        .values_list("n_messages", "n_notifications")
        .first()
    )
    if row is None:
        return {"messages": 0, "notifications": 0}
    return {"messages": int(row[0] or 0), "notifications": int(row[1] or 0)}


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
        Message.objects.filter(read_at__isnull=True, notified_at__isnull=True)
        .select_related("conversation", "conversation__listing", "conversation__listing__seller")
        .select_related("conversation__repair_job", "conversation__repair_job__listing__seller")
        .select_related("conversation__workshop")
        .select_related("conversation__started_by", "sender")
        .order_by("conversation_id", "created_at", "id")
    )


# --- Favourites, offers, profiles and ratings (issue 15) -----------------------------------------------------


def favourites_for(*, user: User) -> QuerySet[Favourite]:
    """The listings `user` saved, while they are public: a listing that is withdrawn or hidden leaves the list (and
    comes back if it is public again)."""
    return Favourite.objects.filter(user=user, listing__status__in=PUBLIC_LISTING_STATUSES).select_related(
        "listing", "listing__category", "listing__seller", "listing__workshop"
    )


def favourite_listing_ids(*, user: Any, listing_ids: list[int] | None = None) -> set[int]:
    """Which of these listings `user` saved (for the heart buttons), in one query."""
    if not getattr(user, "is_authenticated", False):
        return set()
    rows = Favourite.objects.filter(user=user)
    if listing_ids is not None:
        rows = rows.filter(listing_id__in=listing_ids)
    return set(rows.values_list("listing_id", flat=True))


class OfferNotPossible(DomainError):
    code = "offer_not_possible"


def offer_may_be_made(*, listing: Listing, user: Any, raise_error: bool = False) -> bool:
    """Who may make an offer on a listing ("Giv et bud"): a signed-in person who is not its seller side, on an active
    listing for sale with a price (not a free or donated item, not a reserved, sold or frozen one). The API, the
    listing page's form and `services.offer_create` ask this."""
    if not getattr(user, "is_authenticated", False):
        if raise_error:
            raise NotAllowed(_("Log in to make an offer."))
        return False
    if listing_managed_by(listing=listing, user=user):
        if raise_error:
            raise NotAllowed(_("You cannot make an offer on your own listing."), code="own_listing")
        return False
    if listing.kind != Kind.SALE or listing.price_dkk <= 0:
        if raise_error:
            raise OfferNotPossible(_("Offers can only be made on items for sale with a price."))
        return False
    if listing.status != ListingStatus.ACTIVE:
        if raise_error:
            raise OfferNotPossible(_("The listing is not available: it is already reserved, sold or taken down."))
        return False
    return True


def offers_for(*, user: User) -> QuerySet[Offer]:
    """Offers `user` made, and offers on listings they sell (also as a workshop's member). An open offer past its
    time reads as expired even before the beat task has marked it (`effective_status`)."""
    now = timezone.now()
    return (
        Offer.objects.filter(Q(buyer=user) | listing_managed_by_q(user=user, prefix="listing__"))
        .select_related("listing", "listing__seller", "listing__workshop", "buyer")
        .annotate(
            effective_status=Case(
                When(status__in=OPEN_OFFER_STATUSES, expires_at__lte=now, then=Value(OfferStatus.EXPIRED.value)),
                default="status",
            )
        )
    )


def offer_get(*, pk: int, user: User) -> Offer:
    offer = offers_for(user=user).filter(pk=pk).first()
    if offer is None:
        raise NotFound(_("No such offer."))
    return offer


class RatingNotPossible(DomainError):
    code = "rating_not_possible"
    title = _("You cannot rate this trade.")


def rating_side_of(*, reservation: Reservation, user: Any) -> str | None:
    if reservation.buyer_id == getattr(user, "pk", None):
        return RatingSide.BUYER
    if listing_managed_by(listing=reservation.listing, user=user):
        return RatingSide.SELLER
    return None


def rating_may_be_given(*, reservation: Reservation, user: Any, raise_error: bool = False) -> str | None:
    """Who may rate a trade: after a completed hand-over, the buyer (rating the seller, or the workshop that sold
    it) and the seller side (rating the buyer), each side once. Returns the side, or None. The API, the pages'
    rating form and `services.rating_create` ask this."""
    side = rating_side_of(reservation=reservation, user=user)
    if side is None:
        if raise_error:
            raise NotFound(_("No such reservation."))
        return None
    if reservation.status != ReservationStatus.COMPLETED:
        if raise_error:
            raise RatingNotPossible(_("You can rate the other side once the hand-over is recorded."))
        return None
    if Rating.objects.filter(reservation=reservation, side=side).exists():
        if raise_error:
            raise RatingNotPossible(_("You have already rated this trade."), code="rating_exists")
        return None
    return side


def profile_user(*, pk: int) -> User:
    """A person's public profile: any active account (a deleted or deactivated one is 404)."""
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise NotFound(_("No such profile."))
    return user


def profile_listings(*, user: User) -> QuerySet[Listing]:
    """What a person's profile lists: their own public listings — not a workshop's they published as a member, and
    never an item donated for repair (a donor is named to nobody: `listings.selectors.listing_seller_name`)."""
    return (
        public_listings()
        .filter(seller=user, workshop__isnull=True)
        .exclude(kind=Kind.REPAIR)
        .select_related("category", "seller")
        .order_by("-published_at", "-id")
    )


def workshop_listings(*, workshop: Workshop) -> QuerySet[Listing]:
    return (
        public_listings()
        .filter(workshop=workshop)
        .select_related("category", "seller", "workshop")
        .order_by("-published_at", "-id")
    )


def ratings_of(*, user: User | None = None, workshop: Workshop | None = None) -> QuerySet[Rating]:
    """The ratings a person (or a workshop) received, newest first."""
    rows = (
        Rating.objects.filter(rated_user=user) if user is not None else Rating.objects.filter(rated_workshop=workshop)
    )
    return rows.select_related("rater", "reservation__listing__workshop")


def rating_rater_name(rating: Rating) -> str:
    """Who gave a rating, as the public reads it: the buyer's name; for the seller side of a workshop's listing, the
    workshop's name."""
    listing = rating.reservation.listing
    if rating.side == RatingSide.SELLER and listing.workshop is not None:
        return listing.workshop.name
    return rating.rater.display_name if rating.rater else ""


def profile_public(*, pk: int) -> dict[str, Any]:
    """Everything a person's public profile shows (`GET /api/v1/profiles/{id}/` and the profile page)."""
    user = profile_user(pk=pk)
    ratings = ratings_of(user=user)
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "date_joined": user.date_joined,
        "listings": list(profile_listings(user=user).prefetch_related(ready_photos_prefetch())[:60]),
        "rating": rating_summary(ratings),
        "ratings": list(ratings[:50]),
    }


def rating_summary(ratings: QuerySet[Rating]) -> dict[str, Any]:
    """`{count, average}` (average None without ratings), in one query."""
    row = ratings.aggregate(count=Count("id"), average=Avg("stars"))
    average = row["average"]
    return {"count": row["count"], "average": round(float(average), 1) if average is not None else None}
