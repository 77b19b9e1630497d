"""Invariants of reservations the database itself holds, whatever the code above it does."""

import pytest
from django.db import IntegrityError, transaction

from marketplace.models import Reservation, ReservationStatus
from tests.factories import ReservationFactory, UserFactory

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
