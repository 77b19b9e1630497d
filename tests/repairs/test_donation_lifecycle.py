"""A job exists for the workshops only while its donation is published (issue 11, item 8): a draft's job is on no
board and cannot be claimed, publishing the donation opens it, withdrawing it cancels an open job — and is refused
while a workshop holds the job."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from listings.models import Listing, ListingStatus
from listings.services import listing_hide
from repairs import services
from repairs.errors import JobNotFound, JobWrongStatus
from repairs.models import JobEvent, JobStatus, RepairJob
from tests import factories
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"
TITLE = "Bærbar med knækket hængsel"
FAULT = "Hængslet er knækket, skærmen vipper."


def _donate(donor: Any, *, publish: bool) -> Listing:
    response = client_for(donor).post(
        f"{API}/listings/",
        {
            "title": TITLE,
            "category": "laptop",
            "condition": "for_parts",
            "kind": "repair",
            "repair_mode": "donate",
            "fault_description": FAULT,
            "publish": publish,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Listing.objects.get(pk=response.json()["id"])


def _page(member: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    return client


def _on_boards(member: Any, job: RepairJob) -> dict[str, bool]:
    """Where a member of a verified laptop workshop finds the job: the API board, its detail, the board page."""
    api = client_for(member)
    rows = api.get(f"{API}/repair-jobs/").json()["results"]
    return {
        "api_board": any(row["id"] == job.pk for row in rows),
        "api_detail": api.get(f"{API}/repair-jobs/{job.pk}/").status_code == 200,
        "page_board": TITLE in _page(member).get("/workshop/").content.decode(),
        "page_job": _page(member).get(f"/workshop/jobs/{job.pk}/").status_code == 200,
    }


NOWHERE = {"api_board": False, "api_detail": False, "page_board": False, "page_job": False}
EVERYWHERE = {"api_board": True, "api_detail": True, "page_board": True, "page_job": True}


@pytest.fixture
def member() -> Any:
    return factories.MembershipFactory(workshop__categories=["laptop"]).user


def test_a_draft_donations_job_is_on_no_board_and_cannot_be_claimed(member):
    listing = _donate(factories.UserFactory(), publish=False)
    job = listing.repair_job
    assert _on_boards(member, job) == NOWHERE
    workshop = member.workshops.get()
    response = client_for(member).post(f"{API}/repair-jobs/{job.pk}/claim/", {"workshop": workshop.slug}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = _page(member).post(f"/workshop/jobs/{job.pk}/claim/", {"workshop": workshop.slug})
    assert response.status_code == 404
    with pytest.raises(JobNotFound):  # the service itself, whatever the caller read
        services.job_claim(job=job, workshop=workshop, actor=member)
    job.refresh_from_db()
    assert (job.status, job.workshop_id) == (JobStatus.OPEN, None)


def test_publishing_the_donation_puts_its_job_on_the_board(member):
    donor = factories.UserFactory()
    listing = _donate(donor, publish=False)
    assert client_for(donor).post(f"{API}/listings/{listing.pk}/publish/").status_code == 200
    job = RepairJob.objects.get(listing=listing)
    assert _on_boards(member, job) == EVERYWHERE
    workshop = member.workshops.get()
    response = client_for(member).post(f"{API}/repair-jobs/{job.pk}/claim/", {"workshop": workshop.slug}, format="json")
    assert response.status_code == 200, response.content


def test_withdrawing_the_donation_cancels_its_open_job(member):
    donor = factories.UserFactory()
    listing = _donate(donor, publish=True)
    job = listing.repair_job
    stale = RepairJob.objects.get(pk=job.pk)  # a workshop read the job while it was on the board
    response = client_for(donor).delete(f"{API}/listings/{listing.pk}/")
    assert response.status_code == 200, response.content
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    event = JobEvent.objects.filter(job=job).last()
    assert event is not None and (event.from_status, event.to_status, event.actor) == ("open", "cancelled", donor)
    assert _on_boards(member, job) == NOWHERE
    workshop = member.workshops.get()
    response = client_for(member).post(f"{API}/repair-jobs/{job.pk}/claim/", {"workshop": workshop.slug}, format="json")
    assert response.status_code == 409
    with pytest.raises(JobWrongStatus):
        services.job_claim(job=stale, workshop=workshop, actor=member)
    job.refresh_from_db()
    assert (job.status, job.workshop_id) == (JobStatus.CANCELLED, None)


def test_withdrawing_the_donation_through_the_page_cancels_its_open_job(member):
    donor = factories.UserFactory()
    listing = _donate(donor, publish=True)
    response = _page(donor).post(f"/listings/{listing.pk}/withdraw/")
    assert response.status_code == 302
    assert RepairJob.objects.get(listing=listing).status == JobStatus.CANCELLED


def test_a_donation_a_workshop_holds_cannot_be_withdrawn(member):
    donor = factories.UserFactory()
    listing = _donate(donor, publish=True)
    job = listing.repair_job
    services.job_claim(job=job, workshop=member.workshops.get(), actor=member)
    for language, words in (("en", "Contact the workshop"), ("da", "Kontakt værkstedet")):
        response = client_for(donor).delete(f"{API}/listings/{listing.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 409
        assert response["Content-Type"] == "application/problem+json"
        assert words in response.json()["detail"]
    listing.refresh_from_db()
    job.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert (job.status, job.workshop_id) == (JobStatus.CLAIMED, member.workshops.get().pk)


def test_a_hidden_donations_job_leaves_the_board(member):
    listing = _donate(factories.UserFactory(), publish=True)
    listing_hide(listing=listing)
    job = listing.repair_job
    assert _on_boards(member, job) == NOWHERE
    with pytest.raises(JobNotFound):
        services.job_claim(job=job, workshop=member.workshops.get(), actor=member)
