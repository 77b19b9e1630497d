"""Invariants the database itself holds, whatever the code above it does."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from listings.models import Listing
from marketplace.models import Reservation, ReservationStatus
from repairs.models import RepairJob, WorkLog
from tests.factories import ListingFactory, RepairJobFactory, ReservationFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _second_open_reservation_is_refused():
    first = ReservationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            listing=first.listing, buyer=UserFactory(), status=ReservationStatus.PENDING, expires_at=first.expires_at
        )
    # A closed one does not block a new one.
    Reservation.objects.filter(pk=first.pk).update(status=ReservationStatus.CANCELLED)
    Reservation.objects.create(
        listing=first.listing, buyer=UserFactory(), status=ReservationStatus.CONFIRMED, expires_at=first.expires_at
    )
    assert first.listing.reservations.filter(status__in=["pending", "confirmed"]).count() == 1


@pytest.mark.postgres
def test_postgres_refuses_a_second_open_reservation_for_a_listing():
    _second_open_reservation_is_refused()


def test_sqlite_or_postgres_refuses_a_second_open_reservation_for_a_listing():
    _second_open_reservation_is_refused()


@pytest.mark.postgres
def test_postgres_refuses_a_negative_price_and_bad_status():
    _refuses_bad_listing_rows()


def test_database_refuses_a_negative_price_and_bad_status():
    _refuses_bad_listing_rows()


def _refuses_bad_listing_rows():
    listing = ListingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(price_dkk=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(kind="free", price_dkk=Decimal(10))
    listing.refresh_from_db()
    assert listing.price_dkk == Decimal("150.00") and listing.status == "active"


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
