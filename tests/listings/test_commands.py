"""`manage.py hide_listing`: hides a listing by its id."""

import pytest
from django.core.management import CommandError, call_command

from listings.models import ListingStatus
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_hide_listing_command():
    listing = ListingFactory()
    call_command("hide_listing", str(listing.pk))
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HIDDEN
    with pytest.raises(CommandError):
        call_command("hide_listing", "999999")
