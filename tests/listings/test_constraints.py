"""Invariants of listings the database itself holds, whatever the code above it does."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from listings.models import Listing
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


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
