"""Claim exactly once under real concurrency: ≥ 20 threads, each on its own database connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from listings.categories import categories_load
from repairs.models import JobEvent, JobStatus, RepairJob
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job

THREADS = 24
ROUNDS = 5


def _race(job: RepairJob, clients_and_slugs) -> list[int]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(clients_and_slugs))
    statuses: list[int] = []
    lock = threading.Lock()

    def claim(client, slug):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=30)
            response = client.post(f"/api/v1/repair-jobs/{job.pk}/claim/", {"workshop": slug}, format="json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=claim, args=pair) for pair in clients_and_slugs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def _claim_race_rounds() -> None:
    categories_load()  # an earlier transactional test may have flushed the migrated categories
    memberships = [factories.MembershipFactory(workshop__categories=["laptop"]) for _ in range(THREADS)]
    clients = [(client_for(m.user), m.workshop.slug) for m in memberships]
    for _round in range(ROUNDS):
        job = make_job("laptop")
        statuses = _race(job, clients)
        assert sorted(statuses) == [200] + [409] * (THREADS - 1)
        job.refresh_from_db()
        assert job.status == JobStatus.CLAIMED
        assert job.workshop_id in {m.workshop_id for m in memberships}
        assert JobEvent.objects.filter(job=job, to_status=JobStatus.CLAIMED).count() == 1
        assert JobEvent.objects.get(job=job, to_status=JobStatus.CLAIMED).workshop_id == job.workshop_id


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_claims_on_postgres_exactly_one_wins(transactional_db):
    _claim_race_rounds()


@pytest.mark.slow
def test_concurrent_claims_on_sqlite_exactly_one_wins(transactional_db):
    """The same race on the SQLite file database (WAL, immediate transactions, busy timeout)."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant of the race; PostgreSQL runs its own")
    _claim_race_rounds()


def test_two_claims_in_a_row_on_any_database(db):
    """The same conditional update on SQLite: the second claim matches no row and gets 409."""
    first, second = (factories.MembershipFactory(workshop__categories=["laptop"]) for _ in range(2))
    job = make_job("laptop")
    from repairs import services
    from repairs.errors import JobAlreadyClaimed

    stale = RepairJob.objects.get(pk=job.pk)  # both requests read the job while it was open
    services.job_claim(job=job, workshop=first.workshop, actor=first.user)
    with pytest.raises(JobAlreadyClaimed):
        services.job_claim(job=stale, workshop=second.workshop, actor=second.user)
    job.refresh_from_db()
    assert job.workshop == first.workshop
    assert JobEvent.objects.filter(job=job, to_status=JobStatus.CLAIMED).count() == 1
