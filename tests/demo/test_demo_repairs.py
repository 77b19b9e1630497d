import pytest

from demo.demo import demo_load
from impact.selectors import impact_summary
from listings.models import Listing
from repairs.models import RepairJob
from repairs.services import job_wipe_satisfied

pytestmark = pytest.mark.django_db


def test_demo_gives_it_vaerkstedet_a_history_a_wiped_tablet_and_an_upcycled_listing():
    demo_load()
    demo_load()  # idempotent
    it = "it-vaerkstedet-oest"
    assert RepairJob.objects.filter(workshop__slug=it, external_id__isnull=False).count() > 300
    tablet = RepairJob.objects.get(listing__title="Tablet med dødt batteri")
    assert tablet.data_wipes.count() == 1
    assert job_wipe_satisfied(job=tablet)
    assert Listing.objects.filter(source_job=tablet, status="active", workshop__slug=it).count() == 1
    assert impact_summary()["fixed"] > 100
