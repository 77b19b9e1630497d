"""Writes for listings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import pagecache
from core.errors import DomainError, InvalidInput, NotAllowed

from .areas import area_names, area_normalise
from .models import Category, Kind, Listing, ListingStatus
from .photos import photos_release, photos_withhold
from .selectors import (
    ListingFrozen,
    ListingNeedsPhoto,
    listing_frozen_terms,
    listing_is_frozen,
    listing_managed_by,
    listing_may_go_on_sale,
)
from .signals import listing_price_changed, listing_published, listing_withdrawn


class ListingStateConflict(DomainError):
    code = "listing_state"


# --- Moderation: a hide sticks through every later transition ---------------------------------------------------

# The only moves a hidden listing still makes: the end of a reservation that was open when it was hidden, between
# the two people (the hand-over, a cancellation, an expiry). They are recorded under the hide, never shown.
MOVES_UNDER_HIDE = frozenset(
    {(ListingStatus.RESERVED, ListingStatus.SOLD), (ListingStatus.RESERVED, ListingStatus.ACTIVE)}
)


def listing_trade_move(*, listing_id: int, source: tuple[str, ...], target: str, **fields: Any) -> bool:
    """Move a listing along the trade life cycle — from one of `source` to `target`, writing `fields` with it —
    in one conditional UPDATE of its row (concurrent moves serialise on the row; only one finds it in `source`).

    A moderator's hide stays on top: a hidden listing keeps status `hidden`; the moves in MOVES_UNDER_HIDE are
    recorded in its `restore_status` (what a restore shows again), any other move finds no row. False when the
    listing is in none of `source`. The transitions that start from a status a hidden listing never has (publish
    from `draft`, withdraw, reserve from `active`) need no more than their own conditional UPDATE; those that end
    a reservation (`marketplace.services`) come here."""
    under_hide = [s for s in source if (s, target) in MOVES_UNDER_HIDE]
    hidden = Q(status=ListingStatus.HIDDEN)
    pagecache.catalogue_changed()
    return bool(
        Listing.objects.filter(pk=listing_id)
        .filter(Q(status__in=source) | (hidden & Q(restore_status__in=under_hide)))
        .update(
            status=Case(When(hidden, then=Value(ListingStatus.HIDDEN.value)), default=Value(target)),
            restore_status=Case(When(hidden, then=Value(target)), default=Value("")),
            updated_at=timezone.now(),
            **fields,
        )
    )


@transaction.atomic
def listing_hide(*, listing: Listing, actor: User | None = None) -> Listing:
    """A moderator hides a listing: it leaves browse, search, its page and every other public face at once, and
    stays hidden through whatever happens next (`listing_trade_move`) until a moderator restores it. Its photos'
    public copies are deleted and their URLs purged (`photos.photos_withhold`). Hiding a hidden listing changes
    nothing."""
    locked = Listing.objects.select_for_update().get(pk=listing.pk)
    if locked.status != ListingStatus.HIDDEN:
        now = timezone.now()
        Listing.objects.filter(pk=locked.pk).update(
            status=ListingStatus.HIDDEN,
            restore_status=locked.status,
            hidden_at=now,
            hidden_by=actor,
            updated_at=now,
        )
        pagecache.catalogue_changed()
        photos_withhold(listing_id=locked.pk)
    listing.refresh_from_db()
    return listing


def _status_on_restore(listing: Listing) -> str:
    if listing.restore_status:
        return listing.restore_status
    # Hidden before the trade status was kept under the hide: what its dates say.
    if listing.sold_at:
        return ListingStatus.SOLD
    return ListingStatus.ACTIVE if listing.published_at else ListingStatus.DRAFT


@transaction.atomic
def listing_restore(*, listing: Listing, actor: User | None = None) -> Listing:
    """A moderator undoes a hide: the listing is in the trade status it reached under the hide (a hand-over
    completed meanwhile shows it sold), and its photos are made again from the private originals under new
    names. A listing whose seller has deleted their account stays hidden (409)."""
    locked = Listing.objects.select_for_update().select_related("seller").get(pk=listing.pk)
    if locked.status != ListingStatus.HIDDEN:
        raise ListingStateConflict(_("Only a hidden listing can be restored."))
    if locked.workshop_id is None and not locked.seller.is_active:
        raise ListingStateConflict(_("The seller has deleted their account: the listing stays hidden."))
    Listing.objects.filter(pk=locked.pk).update(
        status=_status_on_restore(locked), restore_status="", hidden_at=None, hidden_by=None, updated_at=timezone.now()
    )
    pagecache.catalogue_changed()
    photos_release(listing_id=locked.pk)
    listing.refresh_from_db()
    return listing


EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "condition",
    "price_dkk",
    "area",
    "brand",
    "model",
    "weight_kg",
    "pickup_details",
)


def _area(value: str) -> str:
    """The neighbourhood `value` names (`listings.areas.area_normalise`: the name, an alias, any case), "" for
    none; 400 for a text that names no neighbourhood of the list."""
    if not (value or "").strip():
        return ""
    name = area_normalise(value)
    if not name:
        error = _("Choose the neighbourhood from the list: %(names)s.") % {"names": ", ".join(area_names())}
        raise InvalidInput(error, errors={"area": [error]})
    return name


def _check_leaf(category: Category) -> None:
    if not category.is_leaf:
        raise InvalidInput(
            _("Choose a specific category, not a group."),
            errors={"category": [_("Choose a specific category, not a group.")]},
        )


def _check_price(kind: str, price: Decimal) -> None:
    if kind in (Kind.FREE, Kind.REPAIR) and price > 0:
        message = _("Free items and items donated for repair have no price.")
        raise InvalidInput(message, errors={"price_dkk": [message]})


def _full_clean(listing: Listing) -> None:
    try:
        listing.full_clean(exclude=["seller", "workshop", "source_job"])
    except ValidationError as exc:
        errors: dict[str, list[Any]] = {k: list(v) for k, v in exc.message_dict.items()}
        raise InvalidInput(_("Please correct the errors below."), errors=errors) from exc


@transaction.atomic
def listing_create(
    *,
    seller: User,
    title: str,
    category: Category,
    condition: str,
    kind: str,
    description: str = "",
    price_dkk: Decimal | None = None,
    area: str = "",
    brand: str = "",
    model: str = "",
    weight_kg: Decimal | None = None,
    pickup_details: str = "",
    publish: bool = False,
) -> Listing:
    """Create a listing (a draft unless `publish`). Free and repair items cost 0. An item donated for repair
    is created by `repairs.services.donation_create`, which opens its repair job in the same transaction."""
    _check_leaf(category)
    price = Decimal(0) if price_dkk is None else price_dkk
    _check_price(kind, price)
    now = timezone.now()
    listing = Listing(
        seller=seller,
        title=title,
        description=description,
        category=category,
        condition=condition,
        kind=kind,
        price_dkk=price,
        area=_area(area) if (area or "").strip() else area_normalise(seller.area or ""),
        brand=brand,
        model=model,
        weight_kg=weight_kg,
        pickup_details=pickup_details,
        status=ListingStatus.ACTIVE if publish else ListingStatus.DRAFT,
        published_at=now if publish else None,
    )
    _full_clean(listing)
    listing.save()
    return listing


def _check_manager(listing: Listing, actor: User) -> None:
    if not listing_managed_by(listing=listing, user=actor):
        raise NotAllowed(_("Only the seller can change this listing."))


@transaction.atomic
def listing_update(*, listing: Listing, actor: User, **fields: Any) -> Listing:
    """Change the editable fields of a listing that is not frozen (`selectors.listing_is_frozen`); while it is
    reserved, not the terms the buyer reserved on (`selectors.listing_frozen_terms`). Checked on the locked row."""
    _check_manager(listing, actor)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing_is_frozen(listing):
        raise ListingFrozen()
    if "area" in fields:
        fields["area"] = _area(fields["area"])
    changed = {name for name, value in fields.items() if getattr(listing, name) != value}
    old_price = listing.price_dkk
    if changed & listing_frozen_terms(listing):
        message = _("The listing is reserved: its price and kind cannot change until the reservation ends.")
        raise ListingStateConflict(message, code="listing_reserved")
    if "category" in fields:
        _check_leaf(fields["category"])
    for name, value in fields.items():
        setattr(listing, name, value)
    _check_price(listing.kind, listing.price_dkk)
    _full_clean(listing)
    listing.save(update_fields=[*fields.keys(), "updated_at"])
    if "price_dkk" in changed:
        listing_price_changed.send(sender=Listing, listing=listing, old_price=old_price)
    return listing


@transaction.atomic
def listing_publish(*, listing: Listing, actor: User) -> Listing:
    """Draft → active ("put on sale"). 409 from any other status, and 409 `listing_needs_photo` while a
    workshop's listing has no ready photo (`selectors.listing_may_go_on_sale`). The row is locked first, so a photo
    deleted concurrently (its service locks the listing too) cannot slip between the check and the move."""
    _check_manager(listing, actor)
    locked = Listing.objects.select_for_update().filter(pk=listing.pk).first()
    if locked is not None and locked.status == ListingStatus.DRAFT and not listing_may_go_on_sale(locked):
        raise ListingNeedsPhoto()
    updated = Listing.objects.filter(pk=listing.pk, status=ListingStatus.DRAFT).update(
        status=ListingStatus.ACTIVE, published_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise ListingStateConflict(_("Only a draft can be published."))
    pagecache.catalogue_changed()
    listing.refresh_from_db()
    listing_published.send(sender=Listing, listing=listing)
    return listing


@transaction.atomic
def listing_withdraw(*, listing: Listing, actor: User) -> Listing:
    """The seller takes a draft or active listing down (the row stays; it is no longer public). A reserved
    listing must have its reservation cancelled first; a sold or hidden one cannot be withdrawn. Tells the apps
    above (`signals.listing_withdrawn`, in this transaction): a donation's open repair job is cancelled with it."""
    _check_manager(listing, actor)
    updated = Listing.objects.filter(pk=listing.pk, status__in=[ListingStatus.DRAFT, ListingStatus.ACTIVE]).update(
        status=ListingStatus.WITHDRAWN, updated_at=timezone.now()
    )
    if not updated:
        current = Listing.objects.filter(pk=listing.pk).values_list("status", flat=True).first()
        if current == ListingStatus.WITHDRAWN:
            listing.refresh_from_db()
            return listing
        if current == ListingStatus.RESERVED:
            raise ListingStateConflict(_("The listing is reserved: cancel the reservation first."))
        raise ListingStateConflict(_("A sold or hidden listing cannot be withdrawn."))
    pagecache.catalogue_changed()
    listing_withdrawn.send(sender=Listing, listing=listing, actor=actor)
    listing.refresh_from_db()
    return listing
