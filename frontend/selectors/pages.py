"""What one listing's page, a workshop's public profile and My page read: each through the rule of the app that
holds it (`listings.selectors.listing_get` for who may see a listing, and so on)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, prefetch_related_objects

from accounts.models import Workshop
from accounts.selectors import workshop_ids_of, workshops_visible_to
from donations.selectors import material_lot_annotation
from listings.models import Listing, ListingStatus
from listings.selectors import listing_get, ready_photos_prefetch
from notifications.models import Notification
from notifications.selectors import notifications_for
from repairs.models import JobEvent, RepairJob
from repairs.selectors import job_stage_for_resident

from .browse import PAGE_SIZE, listing_cards


def listing_for_page(*, pk: int, viewer: Any) -> Listing:
    """The listing as `listings.selectors.listing_get` finds it for the viewer (NotFound when it is not theirs to
    see), with what its page shows beside: where it came from (`repairs.selectors.listing_provenance`) and the
    material lot it was made from (`donations.selectors.listing_material_origin`, read in the listing's query)."""
    listing = listing_get(pk=pk, user=viewer, annotate=material_lot_annotation())
    if listing.source_job_id is not None:
        # The repair job in a query of its own, and only for a listing that has one: joined into the listing's
        # query, its five tables made PostgreSQL spend ~5 ms planning a page that takes ~0.5 ms to read; asked as
        # a prefetch of every listing, it cost a third of the page's reading even when there was none to fetch.
        source_job = Prefetch(
            "source_job",
            queryset=RepairJob.objects.select_related("category", "workshop", "listing__seller").prefetch_related(
                "events"
            ),
        )
        prefetch_related_objects([listing], source_job)
    return listing


def workshop_for_page(*, slug: str, viewer: Any) -> Workshop | None:
    """A workshop's page, for whoever may see it (`accounts.selectors.workshops_visible_to`: verified ones for all,
    an unverified one for its members and moderators)."""
    return workshops_visible_to(user=viewer).prefetch_related("categories").filter(slug=slug).first()


def workshop_goods(*, workshop: Workshop, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    rows = list(
        Listing.objects.filter(workshop=workshop, status__in=(ListingStatus.ACTIVE, ListingStatus.RESERVED))
        .select_related("category", "workshop")
        .prefetch_related(ready_photos_prefetch())
        .order_by("-created_at", "-id")[:limit]
    )
    return listing_cards(rows)


def my_listings(*, user: Any, limit: int = 50) -> list[Listing]:
    """The listings the person sells, whatever their status: their own, and those they published for a workshop
    they still belong to (`listings.selectors.listing_managed_by`: who leaves a workshop stops selling as it)."""
    qs = Listing.objects.filter(seller=user).filter(
        Q(workshop__isnull=True) | Q(workshop_id__in=workshop_ids_of(user=user))
    )
    return list(qs.select_related("category", "repair_job").order_by("-created_at", "-id")[:limit])


def my_notifications(*, user: Any, limit: int = 10) -> list[Notification]:
    return list(notifications_for(user=user).order_by("-created_at", "-id")[:limit])


def my_repairs(*, user: Any, limit: int = 20) -> list[tuple[Any, str, Any]]:
    """The repairs the person asked for, newest first, each with where it is in words meant for them:
    (job, stage code, stage label) — `repairs.selectors.job_stage_for_resident`."""
    jobs = (
        RepairJob.objects.filter(listing__seller=user)
        .select_related("listing", "category", "workshop")
        .prefetch_related(Prefetch("events", queryset=JobEvent.objects.order_by("at", "id")))
        .order_by("-created_at", "-id")[:limit]
    )
    return [(job, *job_stage_for_resident(job=job)) for job in jobs]
