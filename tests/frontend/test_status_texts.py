"""Pages say what happened (issue 15): a sold item tells its seller to whom; a donated laptop is not "Aktiv" once
repaired; a repair-and-return job's history does not say "Doneret"; the donor reads words meant for them, not the
workshops' "Åben" and "Taget"; the seller's buttons say what they do."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from listings.models import ListingStatus
from marketplace import services as trade_services
from repairs.models import JobStatus, RepairJob
from tests import factories
from tests.frontend.helpers import completed_job
from tests.repairs.helpers import make_job

pytestmark = pytest.mark.django_db


def page(user, url: str) -> str:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(user)
    return re.sub(r"\s+", " ", client.get(url).content.decode())


def test_a_sold_item_tells_its_seller_to_whom_it_went():
    listing = factories.ListingFactory(title="Sofa")
    buyer = factories.UserFactory(display_name="Ali")
    reservation = trade_services.reservation_create(listing=listing, buyer=buyer)
    seller_page = page(listing.seller, listing.get_absolute_url())
    assert "Bekræft reservationen" in seller_page and "Markér som overdraget" in seller_page
    trade_services.reservation_confirm(reservation=reservation, actor=listing.seller)
    trade_services.reservation_complete(reservation=reservation, actor=listing.seller)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SOLD
    seller_page = page(listing.seller, listing.get_absolute_url())
    assert "Ingen har reserveret den endnu" not in seller_page
    assert "Du overdrog den til Ali den" in seller_page
    assert "Reservér eller kontakt sælgeren" not in page(buyer, listing.get_absolute_url())


def test_a_donated_laptop_is_not_active_once_repaired_and_the_donor_reads_plain_words():
    workshop = factories.WorkshopFactory()
    job = completed_job(workshop=workshop)
    donor = job.listing.seller
    my_page = page(donor, "/profile/")
    assert "Repareret" in my_page
    assert ">Aktiv<" not in my_page
    for jargon in (">Åben<", "Taget ·", ">Færdig<"):
        assert jargon not in my_page
    assert "Et værksted har taget den" in my_page and "Bliver repareret" in my_page
    edit = page(donor, f"/listings/{job.listing.pk}/edit/")
    assert "Repareret" in edit
    donated_page = page(donor, job.listing.get_absolute_url())
    assert "Reservér eller kontakt sælgeren" not in donated_page and "Ingen har reserveret" not in donated_page
    open_donation = make_job().listing
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="da").get(open_donation.get_absolute_url()).content.decode()
    assert "Log ind for at reservere" not in anonymous and "Reservér eller kontakt sælgeren" not in anonymous


def test_a_repair_and_return_job_is_handed_in_not_donated():
    job = make_job(mode="return")
    assert RepairJob.objects.get(pk=job.pk).status == JobStatus.OPEN
    my_page = page(job.listing.seller, "/profile/")
    assert "Indleveret til reparation" in my_page and "Doneret ·" not in my_page
    assert "Venter på et værksted" in my_page
    donated = page(make_job().listing.seller, "/profile/")
    assert "Doneret ·" in donated
