"""'Repair and hand back' as a service: quote → accept/decline → received → completed → handed back, through the
API, with an email and an in-app notification for the resident at every step in the resident's language."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from listings.categories import categories_load
from notifications.models import Notification
from notifications.tasks import notification_email
from repairs.models import JobEvent, JobStatus, JobStep, QuoteStatus, RepairJob
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job, url

QUOTE = {"price_dkk": "450.00", "parts_dkk": "120.50", "estimate_days": 5, "note": "Ny skærm og batteri."}


def _setup(language: str = "da", member_language: str = "en"):  # type: ignore[no-untyped-def]
    """A return-mode laptop job claimed by a verified workshop; the donor reads `language`, the member another."""
    workshop = factories.WorkshopFactory(
        verified=True,
        categories=["laptop"],
        opening_hours="Man–tors 10–16",
        dropoff_instructions="Ring på døren ved kælderen.",
    )
    member = factories.MembershipFactory(workshop=workshop, user__language=member_language).user
    job = make_job("laptop", mode="return", seller=factories.UserFactory(language=language))
    donor = job.listing.seller
    assert client_for(member).post(url(job, "claim"), {"workshop": workshop.slug}, format="json").status_code == 200
    return job, workshop, member, donor


def _kinds(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


@pytest.mark.django_db
def test_full_loop_notifies_the_resident_at_every_step_in_their_language(django_capture_on_commit_callbacks):
    job, _workshop, member, donor = _setup(language="da", member_language="en")
    staff, resident = client_for(member), client_for(donor)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url(job, "quote"), QUOTE, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["quote"]["price_dkk"] == "450.00"
    assert response.json()["quote"]["status"] == "sent"
    note = Notification.objects.filter(user=donor).latest("pk")
    assert note.kind == "job_quoted"
    assert "tilbud" in note.title  # Danish, although the member who sent it reads English
    assert "450,00" in note.body
    assert note.url == f"/repairs/{job.pk}/"
    notification_email(note.pk)  # the email of the notification, as the worker sends it
    assert mail.outbox[-1].to == [donor.email] and f"/repairs/{job.pk}/" in mail.outbox[-1].body
    assert "tilbud" in mail.outbox[-1].subject

    with django_capture_on_commit_callbacks(execute=True):
        assert resident.post(url(job, "quote/accept")).status_code == 200
    bring = Notification.objects.filter(user=donor).latest("pk")
    assert bring.kind == "job_bring"
    assert "Man–tors 10–16" in bring.body and "kælderen" in bring.body
    accepted = Notification.objects.get(user=member, kind="quote_accepted")
    assert "accepted" in accepted.title  # the member's own language

    # The workshop cannot hand back before it has the item; the resident cannot mark it received.
    assert resident.post(url(job, "received")).status_code in (403, 404)
    assert staff.post(url(job, "received")).status_code == 200
    assert staff.post(url(job, "received")).status_code == 409
    assert staff.post(url(job, "start")).status_code == 200
    factories_done = staff.post(url(job, "no-storage"))
    assert factories_done.status_code == 200
    assert staff.post(url(job, "handed-back"), {"paid_dkk": "570.50"}, format="json").status_code == 409
    assert staff.post(url(job, "complete"), {"outcome": "fixed"}, format="json").status_code == 200
    assert Notification.objects.filter(user=donor).latest("pk").kind == "job_ready"
    bad = staff.post(url(job, "handed-back"), {"paid_dkk": "-1"}, format="json")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert staff.post(url(job, "handed-back"), {"paid_dkk": "570.50"}, format="json").status_code == 200
    assert staff.post(url(job, "handed-back"), {"paid_dkk": "570.50"}, format="json").status_code == 409

    job.refresh_from_db()
    assert job.paid_dkk == Decimal("570.50") and job.handed_back_at and job.received_at
    assert _kinds(donor) == ["job_claimed", "job_quoted", "job_bring", "job_received", "job_ready", "job_handed_back"]
    steps = list(JobEvent.objects.filter(job=job).exclude(step="").values_list("step", flat=True))
    assert steps == [JobStep.QUOTED, JobStep.QUOTE_ACCEPTED, JobStep.RECEIVED, JobStep.HANDED_BACK]
    history = resident.get(url(job)).json()["events"]
    assert [e["step"] for e in history if e["step"]] == steps
    # Every step the resident heard of was emailed (owed) and written in Danish.
    assert all(n.email_wanted for n in Notification.objects.filter(user=donor))


@pytest.mark.django_db
def test_english_resident_hears_in_english_from_a_danish_workshop():
    job, _workshop, member, donor = _setup(language="en", member_language="da")
    assert client_for(member).post(url(job, "quote"), QUOTE, format="json").status_code == 200
    note = Notification.objects.filter(user=donor).latest("pk")
    assert note.title.endswith(f"sent a quote for your {job.listing.title}")
    assert "450.00" in note.body


@pytest.mark.django_db
def test_decline_releases_the_job_and_clears_the_quote():
    job, _workshop, member, donor = _setup()
    assert client_for(member).post(url(job, "quote"), QUOTE, format="json").status_code == 200
    response = client_for(donor).post(url(job, "quote/decline"))
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.OPEN and job.workshop_id is None and job.claimed_at is None
    assert job.quote_status == QuoteStatus.NONE and job.quote_price_dkk is None
    assert response.json()["quote"] is None
    assert Notification.objects.filter(user=member, kind="quote_declined").exists()
    # Another workshop can claim it and quote afresh.
    other = factories.MembershipFactory(workshop__verified=True, workshop__categories=["laptop"])
    claim = client_for(other.user).post(url(job, "claim"), {"workshop": other.workshop.slug}, format="json")
    assert claim.status_code == 200
    assert client_for(other.user).post(url(job, "quote"), QUOTE, format="json").status_code == 200


@pytest.mark.django_db
def test_only_the_right_people_act():
    job, _workshop, member, donor = _setup()
    # Only the claiming workshop quotes; the donor may not.
    assert client_for(donor).post(url(job, "quote"), QUOTE, format="json").status_code == 403
    stranger = factories.MembershipFactory(workshop__verified=True, workshop__categories=["laptop"]).user
    assert client_for(stranger).post(url(job, "quote"), QUOTE, format="json").status_code in (403, 404)
    # No answer before a quote exists.
    assert client_for(donor).post(url(job, "quote/accept")).status_code == 409
    assert client_for(member).post(url(job, "quote"), QUOTE, format="json").status_code == 200
    # The workshop cannot answer its own quote; a second quote is refused.
    assert client_for(member).post(url(job, "quote/accept")).status_code == 403
    assert client_for(member).post(url(job, "quote"), QUOTE, format="json").status_code == 409
    # Received only after acceptance.
    assert client_for(member).post(url(job, "received")).status_code == 409


@pytest.mark.django_db
def test_donate_mode_job_takes_no_quote():
    member = factories.MembershipFactory(workshop__verified=True, workshop__categories=["laptop"])
    job = make_job("laptop", mode="donate")
    client = client_for(member.user)
    assert client.post(url(job, "claim"), {"workshop": member.workshop.slug}, format="json").status_code == 200
    response = client.post(url(job, "quote"), QUOTE, format="json")
    assert response.status_code == 409
    assert "not_return_job" in str(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**QUOTE, "price_dkk": "-5"}, "price_dkk"),
        ({**QUOTE, "price_dkk": "1000000"}, "price_dkk"),
        ({**QUOTE, "price_dkk": "abc"}, "price_dkk"),
        ({**QUOTE, "price_dkk": "1.234"}, "price_dkk"),
        ({**QUOTE, "parts_dkk": "-0.01"}, "parts_dkk"),
        ({**QUOTE, "estimate_days": 0}, "estimate_days"),
        ({**QUOTE, "estimate_days": 1000}, "estimate_days"),
        ({k: v for k, v in QUOTE.items() if k != "price_dkk"}, "price_dkk"),
    ],
)
def test_bad_quote_is_400_problem_in_both_languages(body, field):
    job, _workshop, member, _donor = _setup()
    client = client_for(member)
    for language in ("da", "en"):
        response = client.post(url(job, "quote"), body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400, response.content
        assert response["Content-Type"].startswith("application/problem+json")
        assert field in str(response.json())
    job.refresh_from_db()
    assert job.quote_status == QuoteStatus.NONE and job.quote_price_dkk is None


@pytest.mark.django_db
def test_workshop_patch_sets_opening_hours_and_dropoff():
    _job, workshop, member, donor = _setup()
    body = {"opening_hours": "Tirsdag 9–15", "dropoff_instructions": "Indgang fra gården."}
    response = client_for(member).patch(f"/api/v1/workshops/{workshop.slug}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["opening_hours"] == "Tirsdag 9–15"
    assert client_for(donor).patch(f"/api/v1/workshops/{workshop.slug}/", body, format="json").status_code in (403, 404)
    page = client_for(donor).get(f"/workshops/{workshop.slug}/")
    assert "Tirsdag 9–15" in page.content.decode() and "Indgang fra gården." in page.content.decode()


def _answer_race(job: RepairJob, donor) -> list[int]:  # type: ignore[no-untyped-def]
    clients = [client_for(donor), client_for(donor)]
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    lock = threading.Lock()

    def answer(client, action):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=30)
            response = client.post(url(job, f"quote/{action}"))
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(c, a)) for c, a in zip(clients, ("accept", "decline"), strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.postgres
def test_accept_and_decline_at_once_exactly_one_wins(transactional_db):
    categories_load()
    for _round in range(5):
        job, _workshop, member, donor = _setup()
        assert client_for(member).post(url(job, "quote"), QUOTE, format="json").status_code == 200
        statuses = _answer_race(job, donor)
        assert sorted(statuses) == [200, 409]
        job.refresh_from_db()
        answers = JobEvent.objects.filter(job=job, step__in=[JobStep.QUOTE_ACCEPTED, JobStep.QUOTE_DECLINED])
        assert answers.count() == 1
        if answers.get().step == JobStep.QUOTE_ACCEPTED:
            assert job.status == JobStatus.CLAIMED and job.quote_status == QuoteStatus.ACCEPTED
        else:
            assert job.status == JobStatus.OPEN and job.workshop_id is None
