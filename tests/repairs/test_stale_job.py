"""Membership is checked on the locked row (issue 11, item 19): a workshop member holding a copy of the job read
before it was released and claimed by another workshop must not act on the new workshop's job."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from listings.models import Listing
from repairs import services
from repairs.errors import NotJobWorkshopMember
from repairs.models import DataWipe, JobEvent, RepairJob, WorkLog
from tests import factories
from tests.repairs.helpers import make_job

pytestmark = pytest.mark.django_db


def _wipe_fields() -> dict[str, Any]:
    now = timezone.now()
    return {
        "serial_number": "OLD-WORKSHOP-1",
        "model": "SSD",
        "size_gb": Decimal(128),
        "nist_level": "purge",
        "technique": "nvme_sanitize",
        "tool": "nvme-cli 2.8",
        "verified": True,
        "result": "success",
        "started_at": now - timedelta(minutes=30),
        "finished_at": now,
    }


# action: (how far the new workshop has got, the call the old workshop's member makes with the stale copy)
ACTIONS = {
    "release": ("claimed", lambda job, actor: services.job_release(job=job, actor=actor, reason="Ingen dele")),
    "start": ("claimed", lambda job, actor: services.job_start(job=job, actor=actor)),
    "work_log": (
        "in_progress",
        lambda job, actor: services.worklog_create(
            job=job, actor=actor, hours=Decimal(3), date=timezone.localdate(), note="Gammelt værksted"
        ),
    ),
    "data_wipe": ("in_progress", lambda job, actor: services.datawipe_create(job=job, actor=actor, **_wipe_fields())),
    "no_storage": ("in_progress", lambda job, actor: services.job_mark_no_storage(job=job, actor=actor)),
    "complete": ("in_progress", lambda job, actor: services.job_complete(job=job, actor=actor, outcome="repairable")),
    "publish": (
        "completed",
        lambda job, actor: services.job_publish(
            job=job, actor=actor, title="Stjålet", description="", price_dkk=Decimal(100), condition="good"
        ),
    ),
}


def _snapshot(job: RepairJob) -> tuple[Any, ...]:
    row = RepairJob.objects.get(pk=job.pk)
    return (
        row.status,
        row.workshop_id,
        row.no_storage,
        row.outcome,
        JobEvent.objects.filter(job=job).count(),
        WorkLog.objects.filter(job=job).count(),
        DataWipe.objects.filter(job=job).count(),
        Listing.objects.filter(source_job=job).count(),
    )


@pytest.mark.parametrize("action", list(ACTIONS))
def test_old_workshop_cannot_act_with_a_copy_read_before_release_and_reclaim(action: str) -> None:
    old = factories.MembershipFactory(workshop__categories=["laptop"])
    new = factories.MembershipFactory(workshop__categories=["laptop"])
    job = make_job("laptop")
    services.job_claim(job=job, workshop=old.workshop, actor=old.user)
    stale = RepairJob.objects.get(pk=job.pk)  # the old workshop's request read the job here…
    assert stale.workshop_id == old.workshop_id
    # …and before it locks the row, the job is released and claimed by another workshop.
    services.job_release(job=RepairJob.objects.get(pk=job.pk), actor=old.user, reason="Mangler reservedele")
    services.job_claim(job=RepairJob.objects.get(pk=job.pk), workshop=new.workshop, actor=new.user)
    progress, act = ACTIONS[action]
    if progress in ("in_progress", "completed"):
        services.job_start(job=RepairJob.objects.get(pk=job.pk), actor=new.user)
    if progress == "completed":
        services.job_mark_no_storage(job=RepairJob.objects.get(pk=job.pk), actor=new.user)
        services.job_complete(job=RepairJob.objects.get(pk=job.pk), actor=new.user, outcome="fixed")
    before = _snapshot(job)
    with pytest.raises(NotJobWorkshopMember):
        act(stale, old.user)
    assert _snapshot(job) == before
    assert RepairJob.objects.get(pk=job.pk).workshop_id == new.workshop_id
