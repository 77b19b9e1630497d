"""`demo_load` (`manage.py load_demo`) makes every state of listings, jobs and workshops; a second run adds none."""

import pytest

from accounts.models import Workshop
from demo.demo import demo_load
from listings.models import Listing, ListingStatus
from repairs.models import JobStatus, Outcome, RepairJob

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_state_and_is_idempotent():
    demo_load()
    counts = (Listing.objects.count(), RepairJob.objects.count(), Workshop.objects.count())
    demo_load()
    assert (Listing.objects.count(), RepairJob.objects.count(), Workshop.objects.count()) == counts
    assert set(Listing.objects.values_list("status", flat=True)) == {s.value for s in ListingStatus}
    assert set(Listing.objects.values_list("kind", flat=True)) == {"sale", "free", "repair"}
    assert set(RepairJob.objects.values_list("status", flat=True)) == {s.value for s in JobStatus}
    completed = RepairJob.objects.filter(status="completed")
    assert set(completed.values_list("outcome", flat=True)) == {o.value for o in Outcome}
    assert Workshop.objects.filter(verified=True).exists() and Workshop.objects.filter(verified=False).exists()
    for job in RepairJob.objects.all():
        assert job.events.last().to_status == job.status
