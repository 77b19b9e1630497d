"""Invariants of repair jobs and work logs the database itself holds, whatever the code above it does."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from repairs.models import RepairJob, WorkLog
from tests.factories import RepairJobFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_zero_or_negative_hours():
    job = RepairJobFactory(status="claimed", workshop=WorkshopFactory())
    for hours in (Decimal(0), Decimal("-2")):
        with pytest.raises(IntegrityError), transaction.atomic():
            WorkLog.objects.create(job=job, workshop=job.workshop, hours=hours, date="2026-11-27")
    assert not WorkLog.objects.exists()


def test_database_refuses_a_claimed_job_without_workshop_and_an_outcome_before_completion():
    job = RepairJobFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RepairJob.objects.filter(pk=job.pk).update(status="claimed")
    with pytest.raises(IntegrityError), transaction.atomic():
        RepairJob.objects.filter(pk=job.pk).update(outcome="fixed")
    with pytest.raises(IntegrityError), transaction.atomic():
        RepairJob.objects.filter(pk=job.pk).update(
            status="completed", workshop=WorkshopFactory(), outcome="fixed", barrier="too_worn_out"
        )
