"""Donation batches: offer (JSON list, CSV with a per-row report), visibility, accept exactly once, the chain of
custody, processed, the certificate PDF read back, and the public /verify/<code>/ page."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import OrganisationMembership
from donations import services
from donations.errors import BatchAlreadyAccepted
from donations.models import Device, DonationBatch
from notifications.models import Notification
from repairs import services as repairs
from repairs.models import JobStatus, RepairJob
from tests import factories
from tests.donations.helpers import batch, laptop_csv, laptops, organisation
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/donation-batches/"


def post_csv(client, batch_id: int, text: str):  # type: ignore[no-untyped-def]
    return client.generic("POST", f"{API}{batch_id}/devices.csv", text.encode(), content_type="text/csv")


def offer(org, client, **body):  # type: ignore[no-untyped-def]
    data = {"organisation": org.slug, "kind": "devices", "title": "Bærbare fra 2019", **body}
    return client.post(API, data, format="json")


def test_a_member_offers_a_batch_with_a_list_of_devices():
    org = organisation()
    response = offer(org, client_for(org.members.get()), devices=laptops(3))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["device_count"]) == ("offered", 3)
    assert [d["serial_number"] for d in body["devices"]] == ["SN-00001", "SN-00002", "SN-00003"]
    assert [s["step"] for s in body["custody"]] == ["offered"]
    assert body["certificate_code"] is None


def test_an_unverified_organisation_cannot_offer():
    org = organisation(verified=False)
    response = offer(org, client_for(org.members.get()), devices=laptops(1))
    assert response.status_code == 409
    assert not DonationBatch.objects.exists()


def test_bad_rows_in_the_list_are_all_reported_and_nothing_is_saved():
    org = organisation()
    rows = laptops(4)
    rows[1]["serial_number"] = ""
    rows[2]["category"] = "rumskib"
    rows[3]["serial_number"] = "SN-00001"
    response = offer(org, client_for(org.members.get()), devices=rows)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {"row 2", "row 3", "row 4"}
    assert not DonationBatch.objects.exists()


def test_a_csv_of_40_laptops_is_added_in_one_go():
    org = organisation()
    member = org.members.get()
    created = offer(org, client_for(member)).json()
    response = post_csv(client_for(member), created["id"], laptop_csv(40, no_storage=(5, 6)))
    assert response.status_code == 201, response.content
    assert response.json()["device_count"] == 40
    assert Device.objects.filter(batch_id=created["id"], has_storage=False).count() == 2


def test_a_csv_with_bad_rows_reports_each_by_its_line_and_saves_nothing():
    org = organisation()
    member = org.members.get()
    created = offer(org, client_for(member)).json()
    lines = laptop_csv(40).splitlines()
    lines[3] = ",Lenovo ThinkPad T480,laptop,ja"  # line 4: no serial
    lines[10] = "SN-X,Lenovo ThinkPad T480,toaster-oven-3000,ja"  # line 11: unknown category
    lines[20] = "SN-Y,Lenovo ThinkPad T480,laptop,måske"  # line 21: storage neither yes nor no
    lines[30] = lines[29]  # line 31 repeats line 30's serial
    response = post_csv(client_for(member), created["id"], "\n".join(lines))
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"row 4", "row 11", "row 21", "row 31"}
    assert "4" in body["detail"]
    assert Device.objects.filter(batch_id=created["id"]).count() == 0


@pytest.mark.parametrize(
    "text",
    ["", "serienummer;model\nA;B\n", "serial_number,model,category,has_storage\n", "\x00\x01garbage"],
)
def test_a_csv_that_is_no_device_list_is_a_400(text):
    org = organisation()
    member = org.members.get()
    created = offer(org, client_for(member)).json()
    response = post_csv(client_for(member), created["id"], text)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_csv_cell_escaped_against_formulas_reads_back_as_written():
    org = organisation()
    member = org.members.get()
    created = offer(org, client_for(member)).json()
    text = "serial_number;model;category;has_storage\n'=SN1;ThinkPad;laptop;ja\n"
    assert post_csv(client_for(member), created["id"], text).status_code == 201
    assert Device.objects.get(batch_id=created["id"]).serial_number == "=SN1"


def test_who_sees_a_batch():
    org = organisation()
    b = batch(org)
    url = f"{API}{b.pk}/"
    laptop_ws = factories.MembershipFactory(workshop__categories=["laptop"]).user
    bike_ws = factories.MembershipFactory(workshop__categories=["bicycle"]).user
    unverified = factories.MembershipFactory(workshop__verified=False).user
    assert client_for(org.members.get()).get(url).status_code == 200
    offered = client_for(laptop_ws).get(url)
    assert offered.status_code == 200
    assert offered.json()["custody"] is None  # a workshop that may accept sees the offer, not the custody
    for outsider in (bike_ws, unverified, factories.UserFactory()):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).get(API).json()["results"] == []
    assert APIClient().get(url).status_code == 401


def _accept(client, b, slug):  # type: ignore[no-untyped-def]
    return client.post(f"{API}{b.pk}/accept/", {"workshop": slug}, format="json")


def test_accepting_creates_one_held_job_per_device_and_tells_the_organisation():
    org = organisation()
    b = batch(org, n=5)
    membership = factories.MembershipFactory(workshop__categories=["laptop"])
    response = _accept(client_for(membership.user), b, membership.workshop.slug)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    jobs = RepairJob.objects.filter(batch_device__batch=b)
    assert jobs.count() == 5
    assert set(jobs.values_list("status", "workshop_id")) == {(JobStatus.CLAIMED, membership.workshop.pk)}
    assert Notification.objects.filter(user=org.members.get(), kind="batch_accepted").count() == 1
    # A second workshop is too late
    other = factories.MembershipFactory(workshop__categories=["laptop"])
    late = _accept(client_for(other.user), b, other.workshop.slug)
    assert late.status_code == 409
    assert late.json()["type"].endswith("batch_already_accepted")
    assert client_for(other.user).get(f"{API}{b.pk}/").status_code == 404  # but it sees the batch no more


def test_a_workshop_that_lost_the_race_while_looking_gets_409():
    org = organisation()
    b = batch(org)
    first, second = (factories.MembershipFactory(workshop__categories=["laptop"]) for _ in range(2))
    stale = DonationBatch.objects.get(pk=b.pk)
    services.batch_accept(batch=b, workshop=first.workshop, actor=first.user)
    with pytest.raises(BatchAlreadyAccepted):
        services.batch_accept(batch=stale, workshop=second.workshop, actor=second.user)
    assert RepairJob.objects.filter(workshop=second.workshop).count() == 0


def test_a_workshop_that_does_not_handle_the_categories_cannot_accept():
    org = organisation()
    b = batch(org)
    laptops_and_bikes = factories.MembershipFactory(workshop__categories=["bicycle"])
    with pytest.raises(Exception) as info:
        services.batch_accept(batch=b, workshop=laptops_and_bikes.workshop, actor=laptops_and_bikes.user)
    assert getattr(info.value, "status", None) == 403
    assert DonationBatch.objects.get(pk=b.pk).status == "offered"


def _wipe(job, actor, serial, level="purge"):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return repairs.datawipe_create(
        job=job,
        actor=actor,
        serial_number=serial,
        model="Samsung PM981 256GB",
        size_gb=Decimal(256),
        nist_level=level,
        technique="shred" if level == "destroy" else "nvme_sanitize",
        tool="nwipe 0.34",
        verified=True,
        result="success",
        started_at=now - timedelta(hours=1),
        finished_at=now - timedelta(minutes=5),
    )


def test_the_whole_journey_of_40_laptops_to_a_certificate_that_verifies(client):
    org = organisation(name="Nordjysk Revision ApS")
    member = org.members.get()
    created = offer(org, client_for(member)).json()
    assert post_csv(client_for(member), created["id"], laptop_csv(40, no_storage=(3, 4, 5))).status_code == 201
    ws = factories.MembershipFactory(workshop__categories=["laptop"], workshop__name="IT-Værkstedet")
    wclient = client_for(ws.user)
    assert _accept(wclient, DonationBatch.objects.get(pk=created["id"]), ws.workshop.slug).status_code == 200
    mail.outbox.clear()
    bad = wclient.post(f"{API}{created['id']}/collected/", {"collected_by": "", "signed_for_by": ""}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"collected_by", "signed_for_by"}
    collected = wclient.post(
        f"{API}{created['id']}/collected/", {"collected_by": "Ali", "signed_for_by": "Lise Holm"}, format="json"
    )
    assert collected.status_code == 200, collected.content
    assert Notification.objects.filter(user=member, kind="batch_collected").count() == 1
    assert wclient.post(f"{API}{created['id']}/received/").status_code == 200
    assert wclient.post(f"{API}{created['id']}/received/").status_code == 409
    b = DonationBatch.objects.get(pk=created["id"])
    destroyed = None
    for device in b.devices.select_related("job"):
        job = device.job
        repairs.job_start(job=job, actor=ws.user)
        if device.has_storage:
            level = "destroy" if device.serial_number == "SN-00010" else "purge"
            _wipe(job, ws.user, f"DISK-{device.serial_number}", level)
            destroyed = destroyed or (device.serial_number if level == "destroy" else None)
        repairs.job_complete(job=job, actor=ws.user, outcome="fixed")
    detail = client_for(member).get(f"{API}{b.pk}/").json()
    assert detail["processed"] is True
    assert [s["step"] for s in detail["custody"]] == ["offered", "accepted", "collected", "received"]
    assert detail["signed_for_by"] == "Lise Holm"
    pdf = client_for(member).get(f"{API}{b.pk}/certificate.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for i in range(1, 41):
        assert f"SN-{i:05d}" in text
    assert "No storage" in text and "Destroyed" in text
    assert "IT-Værkstedet" in text and b.certificate_code in text
    assert "nwipe 0.34" in text
    # The workshop's members see the same certificate; others do not
    assert wclient.get(f"{API}{b.pk}/certificate.pdf").status_code == 200
    assert client_for(factories.UserFactory()).get(f"{API}{b.pk}/certificate.pdf").status_code == 404
    # The public page confirms it, with no personal data
    page = client.get(f"/verify/{b.certificate_code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "IT-Værkstedet" in html and ">40<" in html
    for secret in ("Lise Holm", "Ali", member.display_name, member.email, "SN-00001"):
        assert secret not in html
    assert client.get("/verify/" + "0" * 32 + "/").status_code == 404


def test_the_chain_of_custody_is_for_the_parties_only():
    org = organisation()
    b = batch(org)
    ws = factories.MembershipFactory(workshop__categories=["laptop"])
    services.batch_accept(batch=b, workshop=ws.workshop, actor=ws.user)
    staff = factories.UserFactory()
    OrganisationMembership.objects.create(organisation=org, user=staff, role="staff")
    for party in (org.members.first(), staff, ws.user):
        body = client_for(party).get(f"{API}{b.pk}/").json()
        assert [s["step"] for s in body["custody"]] == ["offered", "accepted"]
    other_ws = factories.MembershipFactory(workshop__categories=["laptop"]).user
    assert client_for(other_ws).get(f"{API}{b.pk}/").status_code == 404
    assert client_for(org.members.first()).post(f"{API}{b.pk}/received/").status_code == 403


def test_only_the_organisation_adds_devices_and_only_while_offered():
    org = organisation()
    b = batch(org)
    ws = factories.MembershipFactory(workshop__categories=["laptop"])
    assert post_csv(client_for(ws.user), b.pk, laptop_csv(1)).status_code == 403
    services.batch_accept(batch=b, workshop=ws.workshop, actor=ws.user)
    more = "serial_number,model,category,has_storage\nNEW-1,X,laptop,ja\n"
    assert post_csv(client_for(org.members.get()), b.pk, more).status_code == 409


def test_a_csv_body_over_5_mb_is_refused_unread(settings):
    org = organisation()
    member = org.members.get()
    created = offer(org, client_for(member)).json()
    body = "serial_number,model,category,has_storage\n" + "X" * 5_000_001
    response = post_csv(client_for(member), created["id"], body)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")
    assert Device.objects.filter(batch_id=created["id"]).count() == 0
