"""Material lots made into products (the listing says so; the kg count in the impact figures), and the pages:
organisation, batches, a batch with its chain of custody and CSV upload, accept, /verify/<code>/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings

from donations import services
from donations.models import DonationBatch
from impact.selectors import impact_summary
from tests import factories
from tests.donations.helpers import batch, laptop_csv, organisation
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def textiles(org, ws):  # type: ignore[no-untyped-def]
    member = org.members.get()
    b = services.batch_create(
        organisation=org, actor=member, kind="materials", title="Stofrester", lots=[{"kind": "textiles", "kg": "25.5"}]
    )
    services.batch_accept(batch=b, workshop=ws.workshop, actor=ws.user)
    services.batch_collected(batch=b, actor=ws.user, collected_by="Amina", signed_for_by="Lise")
    services.batch_received(batch=b, actor=ws.user)
    return b


@pytest.mark.parametrize("named", [True, False])
def test_a_product_from_a_lot_says_so_and_names_the_organisation_only_if_it_agreed(named):
    org = organisation(name="Tekstil A/S", may_be_named=named)
    ws = factories.MembershipFactory()
    b = textiles(org, ws)
    lot = b.lots.get()
    listing = factories.ListingFactory(seller=ws.user, title="Pude af stofrester")
    before = impact_summary(workshop=ws.workshop)["waste_prevented_kg"]
    response = client_for(ws.user).post(
        f"/api/v1/donation-batches/{b.pk}/lots/{lot.pk}/use/", {"listing": listing.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["used"] is True
    assert impact_summary(workshop=ws.workshop)["upcycled_kg"] == Decimal("25.500")
    assert impact_summary(workshop=ws.workshop)["waste_prevented_kg"] == before + Decimal("25.5")
    html = Client(HTTP_ACCEPT_LANGUAGE="da").get(f"/listings/{listing.pk}/").content.decode()
    assert "Lavet af overskudstekstil fra" in html
    assert ("Tekstil A/S" in html) is named


def test_only_the_accepting_workshop_uses_a_lot_and_only_for_its_own_listings():
    org = organisation()
    ws = factories.MembershipFactory()
    b = textiles(org, ws)
    lot = b.lots.get()
    someone_elses = factories.ListingFactory()
    url = f"/api/v1/donation-batches/{b.pk}/lots/{lot.pk}/use/"
    assert client_for(ws.user).post(url, {"listing": someone_elses.pk}, format="json").status_code == 404
    other = factories.MembershipFactory()
    own = factories.ListingFactory(seller=other.user)
    assert client_for(other.user).post(url, {"listing": own.pk}, format="json").status_code == 404
    assert impact_summary()["upcycled_kg"] == 0


def test_an_unused_lot_counts_nowhere():
    ws = factories.MembershipFactory()
    textiles(organisation(), ws)
    assert impact_summary(workshop=ws.workshop)["upcycled_kg"] == 0


def test_materials_need_a_positive_weight():
    org = organisation()
    with pytest.raises(Exception) as info:
        services.batch_create(
            organisation=org, actor=org.members.get(), kind="materials", title="X", lots=[{"kind": "wood", "kg": "-1"}]
        )
    assert getattr(info.value, "status", None) == 400


# --- Pages ------------------------------------------------------------------------------------------------------


def test_registering_an_organisation_on_the_page_checks_the_cvr():
    client = page_client(factories.UserFactory())
    response = client.post(
        "/organisations/new/",
        {"name": "Boligselskabet Øst", "cvr": "12345678", "address": "Vej 1", "kind": "housing_association"},
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert response.status_code == 400
    assert "CVR" in response.content.decode()


def test_the_batch_pages_for_the_organisation_the_workshop_and_others():
    org = organisation()
    member = org.members.get()
    b = batch(org, n=2)
    ws = factories.MembershipFactory(workshop__categories=["laptop"])
    # The organisation uploads a CSV on the batch page
    upload = SimpleUploadedFile("laptops.csv", laptop_csv(40).replace("SN-", "CSV-").encode(), "text/csv")
    response = page_client(member).post(f"/donations/{b.pk}/devices.csv", {"file": upload})
    assert response.status_code == 302
    assert b.devices.count() == 42
    bad = SimpleUploadedFile("bad.csv", b"serial_number,model,category\n,X,laptop\n", "text/csv")
    response = page_client(member).post(f"/donations/{b.pk}/devices.csv", {"file": bad}, follow=True)
    assert "row 2" in response.content.decode()
    # The workshop sees the offer with an accept button, and accepts it
    offered = page_client(ws.user).get("/donations/")
    assert b.title in offered.content.decode()
    page = page_client(ws.user).get(f"/donations/{b.pk}/").content.decode()
    assert "accept/" in page
    page_client(ws.user).post(f"/donations/{b.pk}/accept/", {"workshop": ws.workshop.slug})
    assert DonationBatch.objects.get(pk=b.pk).workshop == ws.workshop
    page_client(ws.user).post(f"/donations/{b.pk}/collected/", {"collected_by": "Ali", "signed_for_by": "Lise Holm"})
    html = page_client(member).get(f"/donations/{b.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Lise Holm" in html and "Ali" in html
    # Nobody else
    assert page_client(factories.UserFactory()).get(f"/donations/{b.pk}/").status_code == 404
    assert Client().get(f"/donations/{b.pk}/").status_code == 302  # to the log-in page
    assert page_client(member).get(f"/organisations/{org.slug}/").status_code == 200
    assert page_client(factories.UserFactory()).get(f"/organisations/{org.slug}/").status_code == 404
    pdf = page_client(member).get(f"/donations/{b.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"verify": "3/min"}})
def test_the_verify_page_is_throttled_and_unknown_codes_are_404():
    client = Client()
    statuses = [client.get(f"/verify/{'ab' * 16}/").status_code for _ in range(5)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]


def test_the_admin_lists_and_verifies_organisations_and_shows_batches():
    org = organisation(verified=False)
    b = batch(organisation(name="Anden ApS"))
    moderator = factories.UserFactory(is_staff=True, is_superuser=True)
    client = page_client(moderator)
    assert client.get("/admin/accounts/organisation/").status_code == 200
    assert client.get("/admin/donations/donationbatch/").status_code == 200
    assert client.get(f"/admin/donations/donationbatch/{b.pk}/change/").status_code == 200
    response = client.post(
        "/admin/accounts/organisation/", {"action": "verify", "_selected_action": [org.pk]}, follow=True
    )
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.verified
