"""Exactly one workshop accepts a batch under real concurrency: threads, each on its own database connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from donations.models import CustodyStep, DonationBatch
from listings.categories import categories_load
from repairs.models import RepairJob
from tests import factories
from tests.donations.helpers import batch, organisation
from tests.helpers import client_for

THREADS = 12


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_accepts_on_postgres_exactly_one_wins(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL race")
    categories_load()  # an earlier transactional test may have flushed the migrated categories
    org = organisation()
    b = batch(org, n=8)
    memberships = [factories.MembershipFactory(workshop__categories=["laptop"]) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def accept(membership):  # type: ignore[no-untyped-def]
        try:
            client = client_for(membership.user)
            barrier.wait(timeout=30)
            response = client.post(
                f"/api/v1/donation-batches/{b.pk}/accept/", {"workshop": membership.workshop.slug}, format="json"
            )
            with lock:
                results.append((response.status_code, response.json().get("type", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in memberships]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (THREADS - 1)
    assert all(kind.endswith("batch_already_accepted") for status, kind in results if status == 409)
    b.refresh_from_db()
    assert b.status == "accepted"
    assert RepairJob.objects.filter(batch_device__batch=b).count() == 8
    assert set(RepairJob.objects.filter(batch_device__batch=b).values_list("workshop_id", flat=True)) == {b.workshop_id}
    assert RepairJob.objects.count() == 8
    assert CustodyStep.objects.filter(batch=b, step="accepted").count() == 1
    assert DonationBatch.objects.count() == 1
