"""Helpers of the page tests: test data the shared factories do not make (yet) — ready photos, completed jobs —
and, for the browser journeys (whose `browser` and `page` fixtures are in tests/conftest.py), Chromium's
arguments, the phone and desktop sizes, and `check_page`."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Workshop
from listings.models import Listing, Photo, PhotoStatus
from repairs.models import JobEvent, JobStatus, Outcome, RepairJob, WorkLog
from tests import factories
from tests.helpers import ROOT

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


SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def check_page(page: Any, name: str) -> None:
    """axe-core finds no serious or critical violation, then a phone and a desktop screenshot are written."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{name}: " + "; ".join(serious)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)
