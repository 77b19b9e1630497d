"""Writes for listings."""

from __future__ import annotations

from django.db import transaction

from .models import Listing, ListingStatus


@transaction.atomic
def listing_hide(*, listing: Listing) -> Listing:
    """A moderator hides a listing: it disappears from browse and search at once."""
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.HIDDEN)
    listing.refresh_from_db(fields=["status", "updated_at"])
    return listing
