"""Writes for repair jobs."""

from __future__ import annotations

from django.db import transaction

from listings.models import Listing
from marketplace.accounts.models import User

from .models import JobEvent, JobStatus, RepairJob, RepairMode


@transaction.atomic
def job_create(
    *, listing: Listing, mode: str = RepairMode.DONATE, fault_description: str = "", actor: User | None = None
) -> RepairJob:
    """Create the repair job for a listing of kind `repair` (called by the listing's creation)."""
    job = RepairJob(
        listing=listing,
        category=listing.category,
        mode=mode,
        fault_description=fault_description,
        brand=listing.brand,
        status=JobStatus.OPEN,
    )
    job.full_clean()
    job.save()
    JobEvent.objects.create(job=job, actor=actor or listing.seller, from_status="", to_status=JobStatus.OPEN)
    return job
