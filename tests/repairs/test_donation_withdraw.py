"""A donor takes back an item donated for repair: allowed while the job is open, and it cancels the job."""

from __future__ import annotations

import pytest

from core.errors import NotAllowed
from listings.models import ListingStatus
from repairs.errors import JobWrongStatus
from repairs.models import JobStatus
from repairs.selectors import job_list
from repairs.services import donation_withdraw, job_claim
from tests import factories
from tests.repairs.helpers import make_job

pytestmark = pytest.mark.django_db


def test_withdrawing_an_open_donation_cancels_its_job_and_takes_it_off_the_board(open_job, member, workshop):
    donor = open_job.listing.seller
    assert open_job in job_list(user=member)
    donation_withdraw(listing=open_job.listing, actor=donor)
    open_job.refresh_from_db()
    assert open_job.listing.status == ListingStatus.WITHDRAWN
    assert open_job.status == JobStatus.CANCELLED and open_job.workshop is None
    event = open_job.events.last()
    assert (event.from_status, event.to_status, event.actor) == ("open", "cancelled", donor)
    assert open_job not in job_list(user=member)


def test_withdrawing_twice_changes_nothing(open_job):
    donor = open_job.listing.seller
    donation_withdraw(listing=open_job.listing, actor=donor)
    donation_withdraw(listing=open_job.listing, actor=donor)
    assert open_job.events.filter(to_status=JobStatus.CANCELLED).count() == 1


def test_a_claimed_donation_cannot_be_taken_back_and_nothing_changes(open_job, member, workshop):
    job_claim(job=open_job, workshop=workshop, actor=member)
    with pytest.raises(JobWrongStatus):
        donation_withdraw(listing=open_job.listing, actor=open_job.listing.seller)
    open_job.refresh_from_db()
    assert open_job.status == JobStatus.CLAIMED
    assert open_job.listing.status == ListingStatus.ACTIVE


def test_only_the_donor_can_take_it_back():
    job = make_job()
    with pytest.raises(NotAllowed):
        donation_withdraw(listing=job.listing, actor=factories.UserFactory())
    job.refresh_from_db()
    assert job.status == JobStatus.OPEN
