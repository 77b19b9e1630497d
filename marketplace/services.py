"""Writes for trade: reports, reservations, conversations, saved searches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from core.mail import is_one_line
from listings.models import Kind, Listing, ListingStatus
from listings.search import listing_filters_clean, listing_filters_to_json
from listings.selectors import listing_managed_by, listing_seller_side_users
from listings.services import listing_trade_move
from notifications.services import notification_send
from notifications.texts import Stored, render, text

from .models import (
    MESSAGE_MAX_LENGTH,
    OPEN_OFFER_STATUSES,
    OPEN_RESERVATION_STATUSES,
    RATING_TEXT_MAX_LENGTH,
    AlertFrequency,
    Conversation,
    Favourite,
    Message,
    Offer,
    OfferStatus,
    Rating,
    RatingSide,
    Report,
    ReportReason,
    Reservation,
    ReservationStatus,
    SavedSearch,
)
from .selectors import (
    RatingNotPossible,
    conversation_visible_to,
    job_talk_allowed,
    offer_may_be_made,
    rating_may_be_given,
    reservation_pickup_details,
)


@transaction.atomic
def report_create(*, listing: Listing, reporter: User, reason: str, details: str = "") -> Report:
    """Any signed-in user flags a listing for the moderators' queue (the admin's Reports list)."""
    if reason not in ReportReason.values:
        message = _("Choose one of the listed reasons.")
        raise InvalidInput(message, errors={"reason": [message]})
    return Report.objects.create(listing=listing, reporter=reporter, reason=reason, details=details[:2000])


# --- Reservations ------------------------------------------------------------------------------------


class ListingNotReservable(DomainError):
    code = "listing_not_reservable"
    title = gettext_lazy("The listing cannot be reserved.")


class ListingClosedToMessages(DomainError):
    code = "listing_closed_to_messages"


class ReservationStateConflict(DomainError):
    code = "reservation_state"


class TooManyReservations(DomainError):
    code = "too_many_reservations"
    title = gettext_lazy("You hold as many reservations as you can.")


class ReservationRetryLater(DomainError):
    status = 429
    code = "reservation_retry_later"
    title = gettext_lazy("You cannot reserve this item again yet.")


def seller_side(*, listing: Listing, user: User) -> bool:
    """The seller, or a member of the workshop selling the listing."""
    return listing_managed_by(listing=listing, user=user)


def _notify(users: User | list[User] | None, kind: str, title: Stored, body: Stored, **data: Any) -> None:
    """One notification per recipient. Its texts are kept as message ids (`notifications.texts`), shown in the
    reader's language; the email is written in the recipient's."""
    url = data.pop("url", "")
    for user in users if isinstance(users, list) else [users]:
        if user is None:
            continue
        with translation.override(user.language):
            notification_send(
                user=user,
                kind=kind,
                title=render(title),
                body=render(body),
                url=url,
                data=dict(data),
                title_text=title,
                body_text=body,
            )


def _listing_url(listing: Listing) -> str:
    return listing.get_absolute_url()


def _check_buyer_may_hold(*, listing: Listing, buyer: User) -> None:
    """May this buyer hold one more reservation, of this listing? Not above RESERVATION_MAX_OPEN_PER_BUYER open
    ones (409), and not again within RESERVATION_RETRY_AFTER_MINUTES of their own reservation of it ending by their
    cancelling or letting it expire (429). Counted with the buyer's row locked: a buyer's concurrent requests take
    turns, so the cap holds under concurrency."""
    User.objects.select_for_update().filter(pk=buyer.pk).values_list("pk", flat=True).first()
    cap = settings.RESERVATION_MAX_OPEN_PER_BUYER
    if Reservation.objects.filter(buyer=buyer, status__in=OPEN_RESERVATION_STATUSES).count() >= cap:
        raise TooManyReservations(
            _("You already hold %(count)d open reservations. Complete or cancel one before reserving another.")
            % {"count": cap}
        )
    wait = timedelta(minutes=settings.RESERVATION_RETRY_AFTER_MINUTES)
    let_go = Reservation.objects.filter(
        Q(status=ReservationStatus.CANCELLED, cancelled_by=buyer) | Q(status=ReservationStatus.EXPIRED),
        buyer=buyer,
        listing_id=listing.pk,
        cancelled_at__gt=timezone.now() - wait,
    )
    if let_go.exists():
        raise ReservationRetryLater(
            _("You let your reservation of this item go a moment ago. You can reserve it again in %(minutes)d minutes.")
            % {"minutes": settings.RESERVATION_RETRY_AFTER_MINUTES}
        )


@transaction.atomic
def reservation_create(*, listing: Listing, buyer: User, agreed_price_dkk: Decimal | None = None) -> Reservation:
    """A buyer holds an active listing for `RESERVATION_HOURS`. Exactly one buyer wins when many try at once:
    the listing row is switched active → reserved by a conditional UPDATE (the row lock serialises the
    contenders; every loser sees 0 rows), and the partial unique index on open reservations backs it up. One
    buyer can't hold the marketplace (`_check_buyer_may_hold`)."""
    if seller_side(listing=listing, user=buyer):
        raise NotAllowed(_("You cannot reserve your own listing."), code="own_listing")
    if listing.kind == Kind.REPAIR:  # the kind never changes, so checking it first races with nothing
        raise ListingNotReservable(_("This item was donated for repair and cannot be reserved."))
    _check_buyer_may_hold(listing=listing, buyer=buyer)
    won = Listing.objects.filter(pk=listing.pk, status=ListingStatus.ACTIVE).update(
        status=ListingStatus.RESERVED, updated_at=timezone.now()
    )
    if not won:
        raise ListingNotReservable(_("The listing is not available: it is already reserved, sold or taken down."))
    # No page-cache renewal: a reserved listing stays public (only its mark changes), and anonymous pages show it
    # reserved within PAGE_CACHE_SECONDS (core.pagecache says why); whoever can reserve is signed in and sees it now.
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(
                listing=listing,
                buyer=buyer,
                status=ReservationStatus.PENDING,
                expires_at=timezone.now() + timedelta(hours=settings.RESERVATION_HOURS),
                agreed_price_dkk=agreed_price_dkk,
            )
    except IntegrityError as exc:  # an open reservation already exists (a row fixed by hand, say)
        raise ListingNotReservable(_("The listing is already reserved.")) from exc
    listing.status = ListingStatus.RESERVED
    _notify(
        listing_seller_side_users(listing=listing),
        "reservation_created",
        text(gettext_lazy("“%(title)s” was reserved"), title=listing.title),
        text(
            gettext_lazy("%(buyer)s reserved “%(title)s”. Confirm the hand-over or cancel the reservation."),
            buyer=buyer.display_name,
            title=listing.title,
        ),
        url=_listing_url(listing),
        reservation=reservation.pk,
    )
    favourites_notify(listing=listing, event="reserved", skip=buyer)
    return reservation


def _reservation_for_update(reservation: Reservation) -> Reservation:
    return (
        Reservation.objects.select_for_update()
        .select_related("listing", "listing__seller", "buyer")
        .get(pk=reservation.pk)
    )


@transaction.atomic
def reservation_confirm(*, reservation: Reservation, actor: User) -> Reservation:
    """The seller agrees to the hand-over; the buyer now sees the pickup details."""
    reservation = _reservation_for_update(reservation)
    if not seller_side(listing=reservation.listing, user=actor):
        raise NotAllowed(_("Only the seller can confirm a reservation."))
    if reservation.status != ReservationStatus.PENDING:
        raise ReservationStateConflict(_("Only a pending reservation can be confirmed."))
    reservation.status = ReservationStatus.CONFIRMED
    reservation.confirmed_at = timezone.now()
    reservation.save(update_fields=["status", "confirmed_at"])
    listing = reservation.listing
    _notify(
        reservation.buyer,
        "reservation_confirmed",
        text(gettext_lazy("Your reservation of “%(title)s” is confirmed"), title=listing.title),
        text(
            gettext_lazy("Pickup details: %(details)s"),
            details=reservation_pickup_details(reservation=reservation, user=reservation.buyer)
            or gettext_lazy("ask the seller."),
        ),
        url=_listing_url(listing),
        reservation=reservation.pk,
    )
    return reservation


@transaction.atomic
def reservation_complete(*, reservation: Reservation, actor: User) -> Reservation:
    """The seller records the hand-over: the reservation is completed and the listing sold."""
    reservation = _reservation_for_update(reservation)
    if not seller_side(listing=reservation.listing, user=actor):
        raise NotAllowed(_("Only the seller can complete a reservation."))
    if reservation.status not in OPEN_RESERVATION_STATUSES:
        raise ReservationStateConflict(_("Only an open reservation can be completed."))
    now = timezone.now()
    reservation.status = ReservationStatus.COMPLETED
    reservation.completed_at = now
    reservation.save(update_fields=["status", "completed_at"])
    # Sold — or, for a listing a moderator hid meanwhile, sold under the hide: it stays hidden (docs/marketplace.md).
    listing_trade_move(
        listing_id=reservation.listing_id, source=(ListingStatus.RESERVED,), target=ListingStatus.SOLD, sold_at=now
    )
    listing = reservation.listing
    _notify(
        reservation.buyer,
        "reservation_completed",
        text(gettext_lazy("“%(title)s” is yours"), title=listing.title),
        text(gettext_lazy("The seller recorded the hand-over of “%(title)s”. Enjoy it!"), title=listing.title),
        url=_listing_url(listing),
        reservation=reservation.pk,
    )
    _tell_donor_new_home(listing)
    return reservation


def _tell_donor_new_home(listing: Listing) -> None:
    """A repaired donation sold: its donor hears that it found a new home — with its data-erasure certificate when
    the workshop wiped it (the donor may read that: `repairs.selectors.user_may_view_certificate`). Never the
    buyer's name."""
    job = listing.source_job if listing.source_job_id else None
    donated = job.listing if job is not None and job.listing_id else None
    donor = donated.seller if donated is not None else None
    if job is None or donated is None or donor is None or not donor.is_active or job.workshop_id is None:
        return
    wiped = job.data_wipes.filter(workshop_id=job.workshop_id, verified=True, result="success").exists()
    certificate = f"/api/v1/repair-jobs/{job.pk}/certificate/"
    url = certificate if wiped else f"/repairs/{job.pk}/messages/"
    title = donated.title

    body = text(
        gettext_lazy("The “%(title)s” you donated was repaired and has now found a new home. Thank you!")
        if not wiped
        else gettext_lazy(
            "The “%(title)s” you donated was repaired and has now found a new home. Thank you! Your data was erased "
            "before it was sold; the certificate: %(url)s"
        ),
        title=title,
        **({"url": f"{settings.SITE_URL}{certificate}"} if wiped else {}),
    )

    _notify(
        donor,
        "donation_new_home",
        text(gettext_lazy("Your “%(title)s” has found a new home"), title=title),
        body,
        url=url,
        job=job.pk,
    )


def _release(reservation: Reservation, status: str, actor: User | None) -> None:
    now = timezone.now()
    reservation.status = status
    reservation.cancelled_at = now
    reservation.cancelled_by = actor
    reservation.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    listing_trade_move(listing_id=reservation.listing_id, source=(ListingStatus.RESERVED,), target=ListingStatus.ACTIVE)


@transaction.atomic
def reservation_cancel(*, reservation: Reservation, actor: User) -> Reservation:
    """Either side cancels an open reservation; the listing is active again. The other side is told."""
    reservation = _reservation_for_update(reservation)
    listing = reservation.listing
    is_buyer = reservation.buyer_id == actor.pk
    if not is_buyer and not seller_side(listing=listing, user=actor):
        raise NotAllowed(_("Only the buyer or the seller can cancel a reservation."))
    if reservation.status not in OPEN_RESERVATION_STATUSES:
        raise ReservationStateConflict(_("Only an open reservation can be cancelled."))
    _release(reservation, ReservationStatus.CANCELLED, actor)
    _notify(
        listing_seller_side_users(listing=listing) if is_buyer else reservation.buyer,
        "reservation_cancelled",
        text(gettext_lazy("The reservation of “%(title)s” was cancelled"), title=listing.title),
        text(
            gettext_lazy("The buyer cancelled. “%(title)s” is available again.")
            if is_buyer
            else gettext_lazy("The seller cancelled your reservation of “%(title)s”."),
            title=listing.title,
        ),
        url=_listing_url(listing),
        reservation=reservation.pk,
    )
    return reservation


def reservation_expire(*, reservation_id: int) -> bool:
    """Expire one pending reservation past its time; the listing is active again and both sides are told.
    Idempotent: a reservation already handled (or not yet due) is left alone. Confirmed reservations do not
    expire — the seller has agreed to the hand-over and completes or cancels it."""
    with transaction.atomic():
        reservation = (
            Reservation.objects.select_for_update()
            .select_related("listing", "listing__seller", "buyer")
            .filter(pk=reservation_id, status=ReservationStatus.PENDING, expires_at__lte=timezone.now())
            .first()
        )
        if reservation is None:
            return False
        _release(reservation, ReservationStatus.EXPIRED, None)
        listing = reservation.listing
        for user, body in (
            (reservation.buyer, text(gettext_lazy("Your reservation of “%(title)s” ran out."), title=listing.title)),
            (
                listing_seller_side_users(listing=listing),
                text(
                    gettext_lazy("The reservation of “%(title)s” ran out; it is available again."), title=listing.title
                ),
            ),
        ):
            _notify(
                user,
                "reservation_expired",
                text(gettext_lazy("Reservation of “%(title)s” expired"), title=listing.title),
                body,
                url=_listing_url(listing),
                reservation=reservation.pk,
            )
    return True


# --- Conversations and messages ----------------------------------------------------------------------


def conversation_parties(*, conversation: Conversation, user: User) -> str | None:
    """ "buyer", "seller" or None (not a party). The seller side is the listing's seller and the members of
    the workshop selling it."""
    if conversation.started_by_id == user.pk:
        return "buyer"
    if conversation.listing is not None and seller_side(listing=conversation.listing, user=user):
        return "seller"
    return None


@transaction.atomic
def conversation_start(*, listing: Listing, buyer: User, body: str) -> tuple[Conversation, Message]:
    """Open (or reuse) the buyer's conversation with the seller about a listing, and post the first message."""
    if seller_side(listing=listing, user=buyer):
        raise NotAllowed(_("You cannot start a conversation about your own listing."), code="own_listing")
    if listing.kind == Kind.REPAIR:
        # The donor handed it over to be repaired: nobody is selling it, and a conversation would put
        # strangers in touch with the donor, whose name is kept from everyone but the staff.
        raise ListingClosedToMessages(
            _("This item was donated for repair, so there is no seller to write to. Once repaired, it is listed "
              "again by the workshop.")
        )  # fmt: skip
    conversation = Conversation.objects.filter(listing=listing, started_by=buyer).first()
    if conversation is None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(listing=listing, started_by=buyer)
        except IntegrityError:  # the same buyer started it at the same moment in another request
            conversation = Conversation.objects.get(listing=listing, started_by=buyer)
    conversation.listing = listing
    message = message_send(conversation=conversation, sender=buyer, body=body)
    return conversation, message


@transaction.atomic
def message_send(*, conversation: Conversation, sender: User, body: str) -> Message:
    """Post a message. The other party hears about it in the next batched email (`messages_notify`). Only who
    may see the conversation may write in it (a member who left the workshop no longer may)."""
    if not conversation_visible_to(conversation=conversation, user=sender):
        raise NotFound(_("No such conversation."))
    body = body.strip()
    if not body:
        error = _("Write a message.")
        raise InvalidInput(error, errors={"body": [error]})
    if len(body) > MESSAGE_MAX_LENGTH:
        error = _("A message can be at most %(limit)d characters.") % {"limit": MESSAGE_MAX_LENGTH}
        raise InvalidInput(error, errors={"body": [error]})
    message = Message.objects.create(conversation=conversation, sender=sender, body=body)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    return message


class JobNotHeld(DomainError):
    status = 409
    code = "job_not_claimed"
    title = gettext_lazy("No workshop holds this repair job now, so there is nobody to write to yet.")


@transaction.atomic
def job_message_send(*, job: Any, sender: User, body: str) -> Message:
    """Write in a repair job's conversation (a `repairs.models.RepairJob`): between its donor and the workshop
    that holds it, opened by the first message. Only who `selectors.job_talk_allowed` lets in may write, asked of
    the job's locked row (a job released in between belongs to nobody; one claimed by another workshop opens a
    conversation of its own). The other side hears about it in the next batched email (`messages_notify`)."""
    locked = type(job).objects.select_for_update(of=("self",)).filter(pk=job.pk).first()
    if locked is None:
        raise NotFound(_("No such repair job."))
    if locked.workshop_id is None:
        raise JobNotHeld()
    if not job_talk_allowed(job=locked, user=sender):
        raise NotAllowed(_("Only the donor and the workshop repairing the item can write here."), code="not_a_party")
    conversation = Conversation.objects.filter(repair_job_id=locked.pk, workshop_id=locked.workshop_id).first()
    if conversation is None:
        # Under the job's row lock: two first messages at once make one conversation.
        conversation = Conversation.objects.create(
            repair_job_id=locked.pk, workshop_id=locked.workshop_id, started_by=sender
        )
    return message_send(conversation=conversation, sender=sender, body=body)


def job_messages_mark_read(*, job: Any, reader: User) -> int:
    """Everything the other side wrote in the job's current conversation is read now."""
    if job.workshop_id is None:
        return 0
    return (
        Message.objects.filter(
            conversation__repair_job_id=job.pk, conversation__workshop_id=job.workshop_id, read_at__isnull=True
        )
        .exclude(sender=reader)
        .update(read_at=timezone.now())
    )


def conversation_mark_read(*, conversation: Conversation, reader: User) -> int:
    """Everything the other party wrote is read now."""
    return (
        Message.objects.filter(conversation=conversation, read_at__isnull=True)
        .exclude(sender=reader)
        .update(read_at=timezone.now())
    )


# --- Saved searches ----------------------------------------------------------------------------------


def saved_search_create(
    *, user: User, name: str, query: dict[str, Any], email_digest: bool = True, frequency: str = AlertFrequency.DAILY
) -> SavedSearch:
    """Save browse filters (validated exactly like browse's). New matches are mailed by `saved_searches_digest`
    (`daily`), or told at once, in-app and by email, when a matching listing goes public
    (`instant`: `tasks.saved_searches_instant`)."""
    if frequency not in AlertFrequency.values:
        error = _("Choose how often: at once or daily.")
        raise InvalidInput(error, errors={"frequency": [error]})
    name = name.strip()
    if not is_one_line(name):  # it becomes the digest's subject line
        error = _("The name must be on one line, without line breaks.")
        raise InvalidInput(error, errors={"name": [error]})
    filters = listing_filters_clean(query if isinstance(query, dict) else {})
    filters.pop("ordering", None)
    return SavedSearch.objects.create(
        user=user,
        name=name[:80],
        query=listing_filters_to_json(filters),
        email_digest=email_digest,
        frequency=frequency,
        last_notified_at=timezone.now(),
    )


def saved_search_delete(*, saved_search: SavedSearch, user: User) -> None:
    if saved_search.user_id != user.pk:
        raise NotFound(_("No such saved search."))
    saved_search.delete()


def saved_search_unsubscribe(*, token: str) -> SavedSearch | None:
    """The link in the digest email: no login, the token is the key. Idempotent."""
    saved_search = SavedSearch.objects.filter(unsubscribe_token=token).first()
    if saved_search is not None and saved_search.email_digest:
        saved_search.email_digest = False
        saved_search.save(update_fields=["email_digest"])
    return saved_search


# --- Favourites ("Gem") ----------------------------------------------------------------------------------------


def favourite_add(*, listing: Listing, user: User) -> tuple[Favourite, bool]:
    """Save a public listing; saving it again changes nothing. (True when it was new.) A listing that is not public
    (a draft its seller sees, say) cannot be saved: 409."""
    if not listing.is_public:
        raise ListingNotReservable(_("Only a published listing can be saved."), code="listing_not_public")
    favourite, created = Favourite.objects.get_or_create(user=user, listing=listing)
    return favourite, created


def favourite_remove(*, listing: Listing, user: User) -> bool:
    """Unsave; idempotent."""
    return bool(Favourite.objects.filter(user=user, listing=listing).delete()[0])


def favourites_notify(
    *, listing: Listing, event: str, skip: User | None = None, old_price: Decimal | None = None
) -> int:
    """Tell who saved a listing that it was reserved (`event="reserved"`) or that its price dropped
    (`event="price_drop"`): in-app and by email, each in their own language. Not the seller side, nor `skip`."""
    if not listing.is_public:
        return 0
    sellers = {u.pk for u in listing_seller_side_users(listing=listing)}
    users = [
        f.user
        for f in Favourite.objects.filter(listing=listing).select_related("user")
        if f.user.is_active and f.user_id not in sellers and (skip is None or f.user_id != skip.pk)
    ]
    if event == "reserved":
        _notify(
            users,
            "favourite_reserved",
            text(gettext_lazy("“%(title)s”, which you saved, was reserved"), title=listing.title),
            text(
                gettext_lazy("Someone reserved “%(title)s”. If the reservation ends, it is available again."),
                title=listing.title,
            ),
            url=_listing_url(listing),
            listing=listing.pk,
        )
    else:
        _notify(
            users,
            "favourite_price_drop",
            text(gettext_lazy("“%(title)s”, which you saved, is cheaper now"), title=listing.title),
            text(
                gettext_lazy("The price went down from %(old)s kr. to %(new)s kr."),
                old=old_price or Decimal(0),
                new=listing.price_dkk,
            ),
            url=_listing_url(listing),
            listing=listing.pk,
        )
    return len(users)


def listing_price_changed(*, listing: Listing, old_price: Decimal | None) -> int:
    """After a listing's price was changed (`listings.services.listing_update`, through its signal): a drop is news
    for who saved it."""
    if old_price is None or listing.price_dkk >= old_price:
        return 0
    return favourites_notify(listing=listing, event="price_drop", old_price=old_price)


def on_listing_price_changed(sender: Any, *, listing: Listing, old_price: Decimal | None, **kwargs: Any) -> None:
    """The receiver of `listings.signals.listing_price_changed`."""
    listing_price_changed(listing=listing, old_price=old_price)


# --- Offers ("Giv et bud") --------------------------------------------------------------------------------------


class OfferStateConflict(DomainError):
    code = "offer_state"
    title = gettext_lazy("The offer cannot be answered now.")


def _offer_expiry() -> Any:
    return timezone.now() + timedelta(hours=settings.OFFER_EXPIRY_HOURS)


def _check_offer_price(*, listing: Listing, price: Decimal, field: str = "price_dkk") -> None:
    if price is None or price <= 0 or price >= listing.price_dkk:
        error = _("An offer must be more than 0 kr. and less than the asking price of %(price)s kr.") % {
            "price": formats.number_format(listing.price_dkk, 2)
        }
        raise InvalidInput(error, errors={field: [error]})


@transaction.atomic
def offer_create(*, listing: Listing, buyer: User, price_dkk: Decimal) -> Offer:
    """A buyer offers a price below the asking price of an active listing for sale (`selectors.offer_may_be_made`
    says which). One open offer per buyer and listing (409)."""
    offer_may_be_made(listing=listing, user=buyer, raise_error=True)
    _check_offer_price(listing=listing, price=price_dkk)
    # The buyer's own offer that ran out (not yet marked by the beat task) does not stand in the way of a new one.
    Offer.objects.filter(
        listing=listing, buyer=buyer, status__in=OPEN_OFFER_STATUSES, expires_at__lte=timezone.now()
    ).update(status=OfferStatus.EXPIRED, decided_at=timezone.now())
    try:
        with transaction.atomic():
            offer = Offer.objects.create(listing=listing, buyer=buyer, price_dkk=price_dkk, expires_at=_offer_expiry())
    except IntegrityError as exc:
        raise OfferStateConflict(
            _("You already have an open offer on this item. Wait for the answer or withdraw it."), code="offer_open"
        ) from exc
    _notify(
        listing_seller_side_users(listing=listing),
        "offer_made",
        text(gettext_lazy("New offer on “%(title)s”"), title=listing.title),
        text(
            gettext_lazy("%(buyer)s offers %(price)s kr. for “%(title)s”. Accept, decline or make a counter-offer."),
            buyer=buyer.display_name,
            price=Decimal(price_dkk),
            title=listing.title,
        ),
        url=reverse("frontend:profile") + "#offers",
        offer=offer.pk,
    )
    return offer


def offer_role(*, offer: Offer, user: User) -> str | None:
    """ "buyer", "seller" (the listing's seller side) or None."""
    if offer.buyer_id == user.pk:
        return "buyer"
    if seller_side(listing=offer.listing, user=user):
        return "seller"
    return None


def _offer_for_update(offer: Offer) -> Offer:
    """The offer's row, locked; an open offer past its time reads as expired (the caller refuses it)."""
    locked = Offer.objects.select_for_update().select_related("listing", "buyer").get(pk=offer.pk)
    if locked.status in OPEN_OFFER_STATUSES and locked.expires_at <= timezone.now():
        locked.status = OfferStatus.EXPIRED
    return locked


def _expire_if_due(offer: Offer) -> None:
    """Mark the offer expired if its time is up, in its own commit: a refusal that follows keeps it."""
    Offer.objects.filter(pk=offer.pk, status__in=OPEN_OFFER_STATUSES, expires_at__lte=timezone.now()).update(
        status=OfferStatus.EXPIRED, decided_at=timezone.now()
    )


def _expiring_first(service: Callable[..., Offer]) -> Callable[..., Offer]:
    """Run an answer to an offer in one transaction, after recording an expiry that is due (which stays recorded
    when the answer is refused)."""

    def wrapper(*, offer: Offer, **kwargs: Any) -> Offer:
        _expire_if_due(offer)
        with transaction.atomic():
            return service(offer=offer, **kwargs)

    wrapper.__doc__ = service.__doc__
    wrapper.__name__ = service.__name__
    return wrapper


def _offer_state_error(offer: Offer) -> OfferStateConflict:
    if offer.status == OfferStatus.EXPIRED:
        return OfferStateConflict(_("The offer has expired."), code="offer_expired")
    return OfferStateConflict(_("The offer has already been answered."))


@_expiring_first
def offer_accept(*, offer: Offer, actor: User) -> Offer:
    """The seller side accepts a pending offer, or the buyer accepts the seller's counter-offer: the buyer now holds a
    reservation at that price, made by `reservation_create` (its buyer rules and caps apply). Exactly once under
    races: the offer row is locked, and the listing moves active → reserved by one conditional UPDATE, so of two
    offers of one listing accepted at once one wins and the other answers 409."""
    offer = _offer_for_update(offer)
    role = offer_role(offer=offer, user=actor)
    if role is None:
        raise NotFound(_("No such offer."))
    wanted = OfferStatus.PENDING if role == "seller" else OfferStatus.COUNTERED
    if offer.status != wanted:
        if offer.status in OPEN_OFFER_STATUSES:
            raise OfferStateConflict(
                _("Only the seller can accept an offer; you can accept the seller's counter-offer.")
                if role == "buyer"
                else _("You made a counter-offer: now the buyer answers.")
            )
        raise _offer_state_error(offer)
    price = offer.price_dkk if role == "seller" or offer.counter_price_dkk is None else offer.counter_price_dkk
    listing = Listing.objects.get(pk=offer.listing_id)
    if listing.status != ListingStatus.ACTIVE:
        raise ListingNotReservable(_("The listing is not available: it is already reserved, sold or taken down."))
    reservation = reservation_create(listing=listing, buyer=offer.buyer, agreed_price_dkk=price)
    offer.status = OfferStatus.ACCEPTED
    offer.decided_at = timezone.now()
    offer.reservation = reservation
    offer.save(update_fields=["status", "decided_at", "reservation"])
    _notify(
        offer.buyer if role == "seller" else listing_seller_side_users(listing=listing),
        "offer_accepted",
        text(gettext_lazy("The offer on “%(title)s” was accepted"), title=listing.title),
        text(
            gettext_lazy("%(price)s kr. it is: “%(title)s” is reserved for the buyer."),
            price=price or Decimal(0),
            title=listing.title,
        ),
        url=_listing_url(listing),
        offer=offer.pk,
        reservation=reservation.pk,
    )
    return offer


@_expiring_first
def offer_decline(*, offer: Offer, actor: User) -> Offer:
    """The seller side declines a pending offer; the buyer declines a counter-offer or withdraws their own offer."""
    offer = _offer_for_update(offer)
    role = offer_role(offer=offer, user=actor)
    if role is None:
        raise NotFound(_("No such offer."))
    if offer.status not in OPEN_OFFER_STATUSES:
        raise _offer_state_error(offer)
    if role == "seller" and offer.status != OfferStatus.PENDING:
        raise OfferStateConflict(_("You made a counter-offer: now the buyer answers."))
    offer.status = OfferStatus.DECLINED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    listing = offer.listing
    _notify(
        offer.buyer if role == "seller" else listing_seller_side_users(listing=listing),
        "offer_declined",
        text(gettext_lazy("The offer on “%(title)s” was declined"), title=listing.title),
        text(gettext_lazy("No deal this time on “%(title)s”."), title=listing.title),
        url=_listing_url(listing) if listing.is_public else "",
        offer=offer.pk,
    )
    return offer


@_expiring_first
def offer_counter(*, offer: Offer, actor: User, price_dkk: Decimal) -> Offer:
    """The seller side answers a pending offer with a price of their own: above the offer, below the asking
    price. The buyer may then accept or decline it; it expires like an offer."""
    offer = _offer_for_update(offer)
    role = offer_role(offer=offer, user=actor)
    if role is None:
        raise NotFound(_("No such offer."))
    if role != "seller":
        raise NotAllowed(_("Only the seller can make a counter-offer."))
    if offer.status != OfferStatus.PENDING:
        raise (
            _offer_state_error(offer)
            if offer.status not in OPEN_OFFER_STATUSES
            else OfferStateConflict(_("You made a counter-offer: now the buyer answers."))
        )
    listing = offer.listing
    _check_offer_price(listing=listing, price=price_dkk)
    if price_dkk <= offer.price_dkk:
        error = _("A counter-offer must be more than the buyer's offer of %(price)s kr.") % {
            "price": formats.number_format(offer.price_dkk, 2)
        }
        raise InvalidInput(error, errors={"price_dkk": [error]})
    offer.status = OfferStatus.COUNTERED
    offer.counter_price_dkk = price_dkk
    offer.expires_at = _offer_expiry()
    offer.save(update_fields=["status", "counter_price_dkk", "expires_at"])
    _notify(
        offer.buyer,
        "offer_countered",
        text(gettext_lazy("Counter-offer on “%(title)s”"), title=listing.title),
        text(
            gettext_lazy("The seller asks %(price)s kr. for “%(title)s”. Accept or decline it."),
            price=Decimal(price_dkk),
            title=listing.title,
        ),
        url=reverse("frontend:profile") + "#offers",
        offer=offer.pk,
    )
    return offer


def offers_expire() -> int:
    """Open offers past their time expire (the beat task `offers_expire`; reads check the time too)."""
    return Offer.objects.filter(status__in=OPEN_OFFER_STATUSES, expires_at__lte=timezone.now()).update(
        status=OfferStatus.EXPIRED, decided_at=timezone.now()
    )


# --- Ratings --------------------------------------------------------------------------------------------------


class RatingExists(DomainError):
    code = "rating_exists"
    title = gettext_lazy("You have already rated this trade.")


@transaction.atomic
def rating_create(*, reservation: Reservation, rater: User, stars: int, text: str = "") -> Rating:
    """After a completed hand-over each side rates the other once (`selectors.rating_may_be_given`): the buyer
    rates the seller (the workshop, for a workshop's listing), the seller side rates the buyer. A second rating by
    the same side is 409, also under races (the unique constraint)."""
    reservation = _reservation_for_update(reservation)
    side = rating_may_be_given(reservation=reservation, user=rater, raise_error=True)
    if side is None:  # refused above already (raise_error)
        raise RatingNotPossible()
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        error = _("Give 1 to 5 stars.")
        raise InvalidInput(error, errors={"stars": [error]})
    text = (text or "").strip()
    if len(text) > RATING_TEXT_MAX_LENGTH:
        error = _("A rating's text can be at most %(limit)d characters.") % {"limit": RATING_TEXT_MAX_LENGTH}
        raise InvalidInput(error, errors={"text": [error]})
    listing = reservation.listing
    rated: dict[str, Any]
    if side == RatingSide.BUYER:
        rated = {"rated_workshop_id": listing.workshop_id} if listing.workshop_id else {"rated_user": listing.seller}
    else:
        rated = {"rated_user": reservation.buyer}
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                reservation=reservation, side=side, rater=rater, stars=stars, text=text, **rated
            )
    except IntegrityError as exc:
        raise RatingExists() from exc
    return rating


@transaction.atomic
def rating_report(*, rating: Rating, reporter: User, reason: str, details: str = "") -> Report:
    """Anyone signed in reports a rating's text to the moderators (the Reports queue, about the listing traded)."""
    if reason not in ReportReason.values:
        message = _("Choose one of the listed reasons.")
        raise InvalidInput(message, errors={"reason": [message]})
    return Report.objects.create(
        listing_id=rating.reservation.listing_id,
        rating=rating,
        reporter=reporter,
        reason=reason,
        details=details[:2000],
    )
