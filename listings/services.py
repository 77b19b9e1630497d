"""Writes for listings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError, InvalidInput, NotAllowed

from .models import Category, Kind, Listing, ListingStatus
from .selectors import listing_managed_by
from .signals import listing_withdrawn


class ListingStateConflict(DomainError):
    code = "listing_state"


@transaction.atomic
def listing_hide(*, listing: Listing) -> Listing:
    """A moderator hides a listing: it disappears from browse and search at once."""
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.HIDDEN)
    listing.refresh_from_db(fields=["status", "updated_at"])
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
EDITABLE_STATUSES = (ListingStatus.DRAFT, ListingStatus.ACTIVE, ListingStatus.RESERVED)


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
        area=area or seller.area,
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
    """Change the editable fields of a draft, active or reserved listing."""
    _check_manager(listing, actor)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status not in EDITABLE_STATUSES:
        raise ListingStateConflict(_("A sold, withdrawn or hidden listing cannot be changed."))
    if "category" in fields:
        _check_leaf(fields["category"])
    for name, value in fields.items():
        setattr(listing, name, value)
    _check_price(listing.kind, listing.price_dkk)
    _full_clean(listing)
    listing.save(update_fields=[*fields.keys(), "updated_at"])
    return listing


@transaction.atomic
def listing_publish(*, listing: Listing, actor: User) -> Listing:
    """Draft → active. 409 from any other status."""
    _check_manager(listing, actor)
    updated = Listing.objects.filter(pk=listing.pk, status=ListingStatus.DRAFT).update(
        status=ListingStatus.ACTIVE, published_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise ListingStateConflict(_("Only a draft can be published."))
    listing.refresh_from_db()
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
    listing_withdrawn.send(sender=Listing, listing=listing, actor=actor)
    listing.refresh_from_db()
    return listing
