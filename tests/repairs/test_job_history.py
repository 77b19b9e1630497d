"""A job's history belongs to the workshop that wrote it (issue 11, item 4): after a release, the next workshop
sees none of the first one's work-log notes, member names, disk serial numbers, wipe operators or release reason —
in the API, on the job page, on the certificate — and the first one's wipes no longer vouch for the job."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from repairs import services
from repairs.models import RepairJob
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job, url

pytestmark = pytest.mark.django_db

OLD_MEMBER = "Ottilie Gammelværksted"
OLD_NOTE = "Skruerne sidder fast, prøvede i to timer"
OLD_SERIAL = "OLDSERIAL-4711"
OLD_REASON = "Vi mangler et specialværktøj"
NEW_MEMBER = "Nikolaj Nyværksted"
NEW_SERIAL = "NEWSERIAL-0815"
OLD_SECRETS = (OLD_MEMBER, OLD_NOTE, OLD_SERIAL, OLD_REASON)


def _wipe(job: RepairJob, actor: Any, serial: str) -> None:
    now = timezone.now()
    services.datawipe_create(
        job=RepairJob.objects.get(pk=job.pk), actor=actor, serial_number=serial, model="SSD", size_gb=Decimal(256),
        nist_level="purge", technique="nvme_sanitize", tool="nvme-cli 2.8", verified=True, result="success",
        started_at=now - timedelta(minutes=30), finished_at=now,
    )  # fmt: skip


def _released_and_reclaimed() -> dict[str, Any]:
    old = factories.MembershipFactory(workshop__categories=["laptop"], user__display_name=OLD_MEMBER)
    new = factories.MembershipFactory(workshop__categories=["laptop"], user__display_name=NEW_MEMBER)
    job = make_job("laptop")
    services.job_claim(job=job, workshop=old.workshop, actor=old.user)
    services.worklog_create(job=job, actor=old.user, hours=Decimal(2), date=timezone.localdate(), note=OLD_NOTE)
    _wipe(job, old.user, OLD_SERIAL)
    services.job_release(job=job, actor=old.user, reason=OLD_REASON)
    services.job_claim(job=RepairJob.objects.get(pk=job.pk), workshop=new.workshop, actor=new.user)
    return {"job": RepairJob.objects.get(pk=job.pk), "old": old, "new": new, "donor": job.listing.seller}


def _page(user: Any, path: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_next_workshop_sees_none_of_the_previous_workshops_history():
    world = _released_and_reclaimed()
    job, new = world["job"], world["new"].user
    _wipe(job, new, NEW_SERIAL)
    api = client_for(new)
    body = api.get(url(job)).json()
    seen = {
        "api": str(body),
        "page": _page(new, f"/workshop/jobs/{job.pk}/"),
        "certificate": api.get(url(job, "certificate")).content.decode(),
    }
    for where, text in seen.items():
        for secret in OLD_SECRETS:
            assert secret not in text, (where, secret)
        assert NEW_SERIAL in text, where
    assert body["work_logs"] == []
    assert [w["serial_number"] for w in body["data_wipes"]] == [NEW_SERIAL]
    # The timeline still tells what happened — as status changes, with the workshop, without names or notes.
    steps = [(e["to_status"], (e["workshop"] or {}).get("slug"), e["actor"], e["note"]) for e in body["events"]]
    old_slug, new_slug = world["old"].workshop.slug, world["new"].workshop.slug
    assert steps == [
        ("open", None, "donor", ""),
        ("claimed", old_slug, None, ""),
        ("open", old_slug, None, ""),
        ("claimed", new_slug, NEW_MEMBER, ""),
    ]


def test_the_previous_workshops_wipes_do_not_vouch_for_the_next_one():
    world = _released_and_reclaimed()
    job, new = world["job"], world["new"].user
    body = client_for(new).get(url(job)).json()
    assert body["data_wipe_satisfied"] is False
    assert services.job_wipe_satisfied(job=RepairJob.objects.get(pk=job.pk)) is False
    services.job_start(job=job, actor=new)
    with pytest.raises(services.DataWipeRequired):
        services.job_complete(job=job, actor=new, outcome="fixed")


def test_a_no_storage_record_does_not_survive_the_release():
    old = factories.MembershipFactory(workshop__categories=["laptop"])
    new = factories.MembershipFactory(workshop__categories=["laptop"])
    job = make_job("laptop")
    services.job_claim(job=job, workshop=old.workshop, actor=old.user)
    services.job_mark_no_storage(job=job, actor=old.user)
    services.job_release(job=job, actor=old.user, reason="Forkert kategori")
    services.job_claim(job=job, workshop=new.workshop, actor=new.user)
    job.refresh_from_db()
    assert job.no_storage is False
    assert services.job_wipe_satisfied(job=job) is False


def test_the_donor_sees_the_status_and_the_holders_certificate_not_the_workshops_notes():
    world = _released_and_reclaimed()
    job, donor = world["job"], world["donor"]
    _wipe(job, world["new"].user, NEW_SERIAL)
    services.worklog_create(job=job, actor=world["new"].user, hours=Decimal(1), date=timezone.localdate(), note="Ny")
    api = client_for(donor)
    body = api.get(url(job)).json()
    assert [e["to_status"] for e in body["events"]] == ["open", "claimed", "open", "claimed"]
    assert all(e["actor"] in (None, "donor") and e["note"] == "" for e in body["events"])
    assert body["work_logs"] == []
    assert [w["serial_number"] for w in body["data_wipes"]] == [NEW_SERIAL]
    certificate = api.get(url(job, "certificate")).content.decode()
    assert NEW_SERIAL in certificate
    for secret in OLD_SECRETS:
        assert secret not in str(body) + certificate, secret
