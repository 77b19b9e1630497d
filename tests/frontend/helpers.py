"""Test data the pages need that the shared factories do not make (yet): ready photos, completed jobs."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.utils import timezone

from accounts.models import Workshop
from listings.models import Listing, Photo, PhotoStatus
from repairs.models import JobEvent, JobStatus, Outcome, RepairJob, WorkLog
from tests import factories

# The blurhash reference example; its average colour (characters 3-6, "HV6n") is #979695.
BLURHASH = "LEHV6nWB2yk8pyo0adR*.7kCMdnj"


def ready_photo(listing: Listing, position: int = 0) -> Photo:
    token = uuid.uuid4().hex
    return Photo.objects.create(
        listing=listing,
        position=position,
        upload_token=token,
        original=f"originals/{listing.pk}/{token}",
        status=PhotoStatus.READY,
        width=1024,
        height=768,
        blurhash=BLURHASH,
        variants={
            "w320": {"name": f"photos/{listing.pk}/{token}/w320.webp", "width": 320, "height": 240, "format": "webp"},
            "w1024": {
                "name": f"photos/{listing.pk}/{token}/w1024.webp",
                "width": 1024,
                "height": 768,
                "format": "webp",
            },
        },
    )


def completed_job(*, workshop: Workshop, outcome: str = Outcome.FIXED, hours: str = "3.5") -> RepairJob:
    """A donated laptop that `workshop` claimed, worked on and completed, with its events and a work log."""
    job = factories.RepairJobFactory()
    member = factories.MembershipFactory(workshop=workshop).user
    now = timezone.now()
    RepairJob.objects.filter(pk=job.pk).update(
        status=JobStatus.COMPLETED, workshop=workshop, outcome=outcome, claimed_at=now, completed_at=now
    )
    for before, after in (("open", "claimed"), ("claimed", "in_progress"), ("in_progress", "completed")):
        JobEvent.objects.create(job=job, workshop=workshop, actor=member, from_status=before, to_status=after)
    WorkLog.objects.create(job=job, workshop=workshop, member=member, hours=Decimal(hours), date=now.date())
    job.refresh_from_db()
    return job
