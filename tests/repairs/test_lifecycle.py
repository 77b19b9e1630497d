"""The job lifecycle through the API: claim exactly once, release, start, complete; every transition recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from repairs.models import JobEvent, JobStatus, RepairJob
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job, member_of, url

pytestmark = pytest.mark.django_db


def claim(client, job, workshop):  # type: ignore[no-untyped-def]
    return client.post(url(job, "claim"), {"workshop": workshop.slug}, format="json")


def wipe_body(**overrides):  # type: ignore[no-untyped-def]
    now = timezone.now()
    body = {
        "serial_number": "S4EWNX0N123456",
        "model": "Samsung 860 EVO",
        "size_gb": "250",
        "nist_level": "purge",
        "technique": "ata_secure_erase",
        "tool": "nwipe 0.34",
        "verified": True,
        "result": "success",
        "started_at": (now - timedelta(hours=1)).isoformat(),
        "finished_at": now.isoformat(),
    }
    body.update(overrides)
    return body


def test_claim_sets_the_workshop_records_the_event_and_notifies_the_donor(open_job, member, workshop):
    donor = open_job.listing.seller
    donor.language = "en"
    donor.save()
    response = claim(client_for(member), open_job, workshop)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "claimed"
    assert body["workshop"] == {"slug": workshop.slug, "name": workshop.name}
    assert [(e["from_status"], e["to_status"]) for e in body["events"]] == [("", "open"), ("open", "claimed")]
    event = JobEvent.objects.get(job=open_job, to_status="claimed")
    assert (event.actor, event.workshop) == (member, workshop)
    notification = Notification.objects.get(user=donor, kind="job_claimed")
    assert notification.title == f"{workshop.name} will repair your {open_job.listing.title}"


def test_claim_notification_is_in_the_donors_language(open_job, member, workshop):
    assert open_job.listing.seller.language == "da"
    claim(client_for(member), open_job, workshop)
    notification = Notification.objects.get(kind="job_claimed")
    assert notification.title == f"{workshop.name} vil reparere din {open_job.listing.title}"


def test_second_claim_gets_409_with_a_clear_message(open_job, member, workshop):
    other = factories.MembershipFactory(workshop__verified=True).user
    other_workshop = other.workshops.get()
    assert claim(client_for(member), open_job, workshop).status_code == 200
    response = claim(client_for(other), open_job, other_workshop)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Denne opgave er allerede taget af et andet værksted."
    # …but it no longer sees the job itself.
    assert client_for(other).get(url(open_job)).status_code == 404
    # A second member of the winning workshop sees it and gets the 409.
    response = claim(client_for(member_of(workshop)), open_job, workshop)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Dit værksted har allerede taget denne opgave."
    open_job.refresh_from_db()
    assert open_job.workshop == workshop


def test_claim_for_a_workshop_of_which_one_is_not_a_member_is_403(open_job, member):
    stranger_workshop = factories.WorkshopFactory(verified=True)
    response = claim(client_for(member), open_job, stranger_workshop)
    assert response.status_code == 403
    assert RepairJob.objects.get(pk=open_job.pk).status == JobStatus.OPEN


def test_claim_by_a_workshop_not_handling_the_category_is_403(member, workshop):
    job = make_job("bicycle")
    second = factories.MembershipFactory(user=member, workshop__categories=["laptop"]).workshop
    # member sees the bicycle job? Not through these workshops: 404.
    assert claim(client_for(member), job, second).status_code == 404
    workshop.categories.add(factories.category("bicycle"))
    response = claim(client_for(member), job, second)
    assert response.status_code == 403
    assert "håndterer ikke denne kategori" in response.json()["detail"]


def test_release_reopens_the_job_and_another_workshop_can_claim(open_job, member, workshop):
    claim(client_for(member), open_job, workshop)
    response = client_for(member).post(url(open_job, "release"), {"reason": "Mangler reservedele"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert response.json()["workshop"] is None
    event = JobEvent.objects.filter(job=open_job).last()
    assert (event.from_status, event.to_status, event.note) == ("claimed", "open", "Mangler reservedele")
    other = factories.MembershipFactory(workshop__verified=True).user
    assert claim(client_for(other), open_job, other.workshops.get()).status_code == 200


def test_release_needs_a_reason(open_job, member, workshop):
    claim(client_for(member), open_job, workshop)
    response = client_for(member).post(url(open_job, "release"), {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("start", {}),
        ("release", {"reason": "x"}),
        ("complete", {"outcome": "repairable"}),
    ],
)
def test_illegal_transitions_from_open_get_409_or_403(open_job, member, action, body):
    # Nobody holds an open job, so acting on it is not allowed (403) — it stays open.
    response = client_for(member).post(url(open_job, action), body, format="json")
    assert response.status_code == 403
    assert RepairJob.objects.get(pk=open_job.pk).status == JobStatus.OPEN


def test_complete_before_start_and_start_twice_get_409(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    response = client.post(url(open_job, "complete"), {"outcome": "repairable"}, format="json")
    assert response.status_code == 409
    assert client.post(url(open_job, "start")).status_code == 200
    response = client.post(url(open_job, "start"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["detail"] == "You cannot start a job that is in progress."
    response = client.post(url(open_job, "start"), HTTP_ACCEPT_LANGUAGE="da")
    assert response.json()["detail"] == "Du kan ikke starte en opgave, der er i gang."
    assert client.post(url(open_job, "release"), {"reason": "x"}, format="json").status_code == 409


def test_complete_end_of_life_requires_a_barrier_and_only_then(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    client.post(url(open_job, "start"))
    response = client.post(url(open_job, "complete"), {"outcome": "end_of_life"}, format="json")
    assert response.status_code == 400
    assert "barrier" in response.json()["errors"]
    response = client.post(
        url(open_job, "complete"), {"outcome": "repairable", "barrier": "too_worn_out"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        url(open_job, "complete"),
        {"outcome": "end_of_life", "barrier": "spare_parts_not_available", "notes": "Bundkort dødt"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["outcome"], body["barrier"]) == (
        "completed",
        "end_of_life",
        "spare_parts_not_available",
    )
    assert [e["to_status"] for e in body["events"]] == ["open", "claimed", "in_progress", "completed"]
    assert Notification.objects.filter(user=open_job.listing.seller, kind="job_completed").count() == 1
    # Completed is final.
    assert client.post(url(open_job, "complete"), {"outcome": "repairable"}, format="json").status_code == 409
    assert client.post(url(open_job, "release"), {"reason": "x"}, format="json").status_code == 409


def test_it_job_cannot_complete_fixed_without_a_verified_wipe(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    client.post(url(open_job, "start"))
    response = client.post(url(open_job, "complete"), {"outcome": "fixed"}, format="json")
    assert response.status_code == 409
    assert response.json()["type"].endswith("data_wipe_required")
    # An unverified wipe is not enough.
    assert client.post(url(open_job, "data-wipes"), wipe_body(verified=False), format="json").status_code == 201
    assert client.post(url(open_job, "complete"), {"outcome": "fixed"}, format="json").status_code == 409
    # Adding a verified one does not help while a failed/unverified device remains.
    assert client.post(url(open_job, "data-wipes"), wipe_body(serial_number="B"), format="json").status_code == 201
    assert client.post(url(open_job, "complete"), {"outcome": "fixed"}, format="json").status_code == 409
    # Outcomes other than fixed are allowed without wipes.
    assert RepairJob.objects.get(pk=open_job.pk).status == JobStatus.IN_PROGRESS


def test_it_job_completes_fixed_once_every_device_is_wiped_and_verified(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    client.post(url(open_job, "start"))
    response = client.post(url(open_job, "data-wipes"), wipe_body(), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["operator"] == member.display_name
    response = client.post(url(open_job, "complete"), {"outcome": "fixed"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data_wipe_satisfied"] is True


def test_no_storage_lets_an_it_job_complete_fixed_and_refuses_later_wipes(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    client.post(url(open_job, "start"))
    response = client.post(url(open_job, "no-storage"))
    assert response.status_code == 200
    assert response.json()["no_storage"] is True
    assert client.post(url(open_job, "data-wipes"), wipe_body(), format="json").status_code == 409
    assert client.post(url(open_job, "complete"), {"outcome": "fixed"}, format="json").status_code == 200


def test_no_storage_is_refused_once_devices_are_recorded(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    client.post(url(open_job, "data-wipes"), wipe_body(verified=False), format="json")
    assert client.post(url(open_job, "no-storage")).status_code == 409


def test_non_it_job_completes_fixed_without_wipes(member, workshop):
    job = make_job("furniture")
    client = client_for(member)
    assert claim(client, job, workshop).status_code == 200
    client.post(url(job, "start"))
    assert client.post(url(job, "complete"), {"outcome": "fixed"}, format="json").status_code == 200


def test_data_wipe_validation(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    now = timezone.now()
    response = client.post(
        url(open_job, "data-wipes"),
        wipe_body(started_at=now.isoformat(), finished_at=(now - timedelta(minutes=1)).isoformat()),
        format="json",
    )
    assert response.status_code == 400
    assert "finished_at" in response.json()["errors"]
    response = client.post(url(open_job, "data-wipes"), wipe_body(nist_level="nuke"), format="json")
    assert response.status_code == 400
    assert "nist_level" in response.json()["errors"]
    assert open_job.data_wipes.count() == 0


def test_work_log_rules(open_job, member, workshop):
    client = client_for(member)
    today = timezone.localdate()
    # Not before the job is claimed by the member's workshop.
    body = {"hours": "2.5", "date": today.isoformat()}
    assert client.post(url(open_job, "work-logs"), body, format="json").status_code == 403
    claim(client, open_job, workshop)
    response = client.post(url(open_job, "work-logs"), {**body, "note": "Fejlfinding"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["hours"] == "2.50"
    for bad in ({"hours": "0"}, {"hours": "24.5"}, {"hours": "-1"}, {"date": (today + timedelta(days=1)).isoformat()}):
        response = client.post(url(open_job, "work-logs"), {**body, **bad}, format="json")
        assert response.status_code == 400, bad
    assert open_job.work_logs.count() == 1


def test_detail_shows_events_logs_and_wipes_and_hides_the_donors_name(open_job, member, workshop):
    client = client_for(member)
    claim(client, open_job, workshop)
    client.post(url(open_job, "work-logs"), {"hours": "1", "date": timezone.localdate().isoformat()}, format="json")
    client.post(url(open_job, "data-wipes"), wipe_body(), format="json")
    body = client.get(url(open_job)).json()
    assert set(body) >= {
        "id", "listing", "status", "repair_mode", "fault_description", "workshop", "outcome", "barrier",
        "events", "work_logs", "data_wipes",
    }  # fmt: skip
    assert body["repair_mode"] == "donate"
    assert body["events"][0]["actor"] == "donor"
    assert body["events"][1]["actor"] == member.display_name
    assert len(body["work_logs"]) == 1
    assert len(body["data_wipes"]) == 1
    assert open_job.listing.seller.display_name not in str(body)


def test_claim_queues_the_donors_email_only_after_commit(
    open_job, member, workshop, django_capture_on_commit_callbacks
):
    from repairs import services

    with django_capture_on_commit_callbacks() as callbacks:
        services.job_claim(job=open_job, workshop=workshop, actor=member)
    assert len(callbacks) == 1  # the notification email, queued once the claim is committed
    assert Notification.objects.filter(user=open_job.listing.seller, kind="job_claimed").count() == 1


def test_a_refused_claim_notifies_no_one(open_job, member, workshop, django_capture_on_commit_callbacks):
    from repairs import services
    from repairs.errors import JobAlreadyClaimed

    services.job_claim(job=open_job, workshop=workshop, actor=member)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(JobAlreadyClaimed):
        services.job_claim(job=open_job, workshop=workshop, actor=member_of(workshop))
    assert callbacks == []
    assert Notification.objects.filter(kind="job_claimed").count() == 1
