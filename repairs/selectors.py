"""Reads for repair jobs. (The repairs issue grows this module.)"""

from __future__ import annotations

from typing import Any

from listings.models import Listing


def listing_provenance(*, listing: Listing) -> dict[str, Any] | None:
    """Where an upcycled listing came from — never the donor's name. None for ordinary listings.

    Shape: {"job": id, "category": slug, "donor_area": str, "workshop": {"slug", "name"}, "outcome": str,
            "timeline": [{"status": str, "at": iso datetime}, …]}"""
    job = listing.source_job
    if job is None:
        return None
    donor_area = job.listing.area if job.listing_id and job.listing else ""
    return {
        "job": job.pk,
        "category": job.category.slug,
        "donor_area": donor_area,
        "workshop": {"slug": job.workshop.slug, "name": job.workshop.name} if job.workshop else None,
        "outcome": job.outcome,
        "timeline": [{"status": e.to_status, "at": e.at.isoformat()} for e in job.events.all()],
    }
