"""Every number typed on a page is read in the page's language (issue 15): Danish "1,5" hours are 1.5, not 15;
"299,50" kr. is 299.50, not 29.950; "1.500" is 1500; an emptied price is an error, not 0 kr."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from listings.models import Listing, ListingStatus
from repairs.models import JobStatus, WorkLog
from tests import factories
from tests.frontend.test_post_and_trade_pages import sale_data, text

pytestmark = pytest.mark.django_db


def danish(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(user)
    client.cookies["django_language"] = "da"
    return client


@pytest.mark.parametrize(("typed", "saved"), [("299,50", "299.50"), ("1.500", "1500"), ("1.500,00 kr.", "1500")])
def test_danish_prices_on_the_post_page(typed: str, saved: str) -> None:
    client = danish(factories.UserFactory())
    assert client.post("/post/", sale_data(price_dkk=typed)).status_code == 302
    assert Listing.objects.get().price_dkk == Decimal(saved)


def test_an_ambiguous_price_is_refused_in_danish_and_in_english() -> None:
    client = danish(factories.UserFactory())
    response = client.post("/post/", sale_data(price_dkk="299.5"))
    assert response.status_code == 200 and not Listing.objects.exists()
    assert "tvetydigt" in text(response) and "1,5" in text(response)
    client.cookies["django_language"] = "en"
    response = client.post("/post/", sale_data(price_dkk="299,5"), HTTP_ACCEPT_LANGUAGE="en")
    assert "ambiguous" in text(response) and not Listing.objects.exists()


def test_a_sale_without_a_price_is_refused_not_zero() -> None:
    client = danish(factories.UserFactory())
    response = client.post("/post/", sale_data(price_dkk=""))
    assert response.status_code == 200 and not Listing.objects.exists()


def test_an_emptied_price_on_the_edit_page_is_an_error_not_0_kr() -> None:
    listing = factories.ListingFactory(price_dkk=Decimal(450))
    client = danish(listing.seller)
    form = {"title": "Bord", "category": listing.category.slug, "condition": "good", "price_dkk": "", "area": ""}
    response = client.post(f"/listings/{listing.pk}/edit/", form)
    assert response.status_code == 200
    listing.refresh_from_db()
    assert listing.price_dkk == Decimal(450)
    # the saved price is shown back the Danish way
    listing.price_dkk = Decimal("299.50")
    listing.save()
    assert 'value="299,50"' in client.get(f"/listings/{listing.pk}/edit/").content.decode()


def test_danish_hours_on_the_work_log() -> None:
    workshop = factories.WorkshopFactory()
    staff = factories.MembershipFactory(workshop=workshop, role=Role.STAFF).user
    job = factories.RepairJobFactory(status=JobStatus.IN_PROGRESS, workshop=workshop)
    client = danish(staff)
    today = timezone.localdate().isoformat()
    assert client.post(f"/workshop/jobs/{job.pk}/work-logs/", {"date": today, "hours": "1,5"}).status_code == 302
    assert WorkLog.objects.get(job=job).hours == Decimal("1.5")
    response = client.post(f"/workshop/jobs/{job.pk}/work-logs/", {"date": today, "hours": "15"})
    assert WorkLog.objects.count() == 2  # 15 hours is fine in a day
    response = client.post(f"/workshop/jobs/{job.pk}/work-logs/", {"date": today, "hours": "1.5"}, follow=True)
    assert WorkLog.objects.count() == 2 and "tvetydigt" in text(response)


def test_browse_reads_danish_prices() -> None:
    cheap = factories.ListingFactory(title="Billig lampe", price_dkk=Decimal("99.50"), status=ListingStatus.ACTIVE)
    factories.ListingFactory(title="Dyr sofa", price_dkk=Decimal(2500), status=ListingStatus.ACTIVE)
    response = Client(HTTP_ACCEPT_LANGUAGE="da").get("/", {"max_price": "1.000"})
    assert cheap.title in text(response) and "Dyr sofa" not in text(response)
