"""Impact cannot be inflated (issue 11, item 18): weight estimates are bounded per category — refused outside the
category's bounds on create and change (400, Danish and English), and counted by impact only within them — and one
member cannot log more than 24 hours a day across entries, even with entries sent at the same moment."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from impact.selectors import impact_summary, repair_savings, reuse_savings
from listings.categories import categories_load
from listings.models import Listing, ListingStatus
from repairs import services
from repairs.models import JobStatus, RepairJob, WorkLog
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job

D = Decimal
API = "/api/v1"
HUGE = "99999.999"


def _listing_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Diverse ting",
        "category": "misc-unpowered",
        "condition": "good",
        "kind": "free",
        "weight_kg": HUGE,
        "publish": True,
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["free", "repair"])
def test_an_implausible_weight_estimate_is_refused_and_nothing_is_written(kind):
    client = client_for(factories.UserFactory())
    extra = {"repair_mode": "donate", "fault_description": "Virker ikke"} if kind == "repair" else {}
    for language, words in (("en", "must be between"), ("da", "skal være mellem")):
        response = client.post(
            f"{API}/listings/", _listing_body(kind=kind, **extra), format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert words in response.json()["errors"]["weight_kg"][0]
    assert not Listing.objects.exists()
    assert not RepairJob.objects.exists()
    response = client.post(f"{API}/listings/", _listing_body(kind=kind, weight_kg="3.5", **extra), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_an_implausible_weight_estimate_is_refused_on_change():
    seller = factories.UserFactory()
    listing = factories.ListingFactory(
        seller=seller, kind="free", price_dkk=0, category=factories.category("misc-unpowered")
    )
    response = client_for(seller).patch(f"{API}/listings/{listing.pk}/", {"weight_kg": HUGE}, format="json")
    assert response.status_code == 400
    assert "weight_kg" in response.json()["errors"]
    listing.refresh_from_db()
    assert listing.weight_kg is None


@pytest.mark.django_db
def test_impact_counts_no_estimate_outside_the_categorys_bounds():
    """A weight written before the bounds (or by hand in the admin) inflates no public figure."""
    misc = factories.category("misc-unpowered")
    factories.ListingFactory(
        kind="free", price_dkk=0, category=misc, weight_kg=D(HUGE), status=ListingStatus.SOLD, sold_at=timezone.now()
    )
    factories.RepairJobFactory(
        listing__category=factories.category("misc-powered"),
        listing__weight_kg=D(HUGE),
        status=JobStatus.COMPLETED,
        workshop=factories.WorkshopFactory(),
        outcome="fixed",
        completed_at=timezone.now(),
        no_storage=True,
    )
    figures = impact_summary()
    assert (figures["items_reused"], figures["fixed"]) == (1, 1)
    assert figures["waste_prevented_kg"] == D("0.000")
    assert figures["co2e_avoided_kg"] == D("0.000")
    assert reuse_savings(category=misc, weight_estimate_kg=D(HUGE)) == (D(0), D(0))
    assert repair_savings(category=factories.category("misc-powered"), weight_estimate_kg=D(HUGE)) == (D(0), D(0))
    public = client_for(factories.UserFactory()).get(f"{API}/impact/").json()
    assert public["waste_prevented_kg"] == 0


def _in_progress_jobs(count: int) -> tuple[object, list[RepairJob]]:
    membership = factories.MembershipFactory(workshop__categories=["furniture"])
    jobs = []
    for _ in range(count):
        job = make_job("furniture")
        services.job_claim(job=job, workshop=membership.workshop, actor=membership.user)
        jobs.append(job)
    return membership.user, jobs


@pytest.mark.django_db
def test_one_member_cannot_log_more_than_24_hours_a_day_across_entries():
    member, (first, second) = _in_progress_jobs(2)
    client = client_for(member)
    today = timezone.localdate().isoformat()

    def log(job: RepairJob, hours: str, day: str = today, language: str = "en"):  # type: ignore[no-untyped-def]
        body = {"hours": hours, "date": day}
        return client.post(f"{API}/repair-jobs/{job.pk}/work-logs/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)

    assert log(first, "20").status_code == 201
    for language, words in (("en", "at most 24 hours a day"), ("da", "højst registrere 24 timer")):
        response = log(second, "5", language=language)
        assert response.status_code == 400
        assert words in response.json()["errors"]["hours"][0]
    assert log(second, "4").status_code == 201
    assert log(first, "0.01").status_code == 400
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert log(second, "24", day=yesterday).status_code == 201
    assert WorkLog.objects.filter(member=member, date=date.fromisoformat(today)).count() == 2
    assert impact_summary()["hours_worked"] == D("48.000")


def _log_race(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    categories_load()  # an earlier transactional test may have flushed the migrated categories
    member, jobs = _in_progress_jobs(8)
    clients = [client_for(member) for _ in jobs]
    barrier = threading.Barrier(len(jobs))
    statuses: list[int] = []
    lock = threading.Lock()

    def log(client, job):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=30)
            body = {"hours": "5", "date": timezone.localdate().isoformat()}
            response = client.post(f"{API}/repair-jobs/{job.pk}/work-logs/", body, format="json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=log, args=pair) for pair in zip(clients, jobs, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201] * 4 + [400] * 4
    total = sum(w.hours for w in WorkLog.objects.filter(member=member))
    assert total == D(20)


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_work_logs_on_postgres_never_pass_24_hours(transactional_db, settings):
    _log_race(settings)


@pytest.mark.slow
def test_concurrent_work_logs_on_sqlite_never_pass_24_hours(transactional_db, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant of the race; PostgreSQL runs its own")
    _log_race(settings)
