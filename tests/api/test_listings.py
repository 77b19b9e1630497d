"""Listings API: create, detail, change, withdraw, publish, report; visibility rules."""

from decimal import Decimal

import pytest

from listings.models import Listing, ListingStatus
from marketplace.models import Report
from repairs.models import RepairJob
from tests.factories import ListingFactory, MembershipFactory, PhotoFactory, UserFactory, category
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

LISTINGS = "/api/v1/listings/"


def body(**overrides):
    data = {
        "title": "Spisebordsstol i eg",
        "description": "Solid stol, lidt slidt.",
        "category": "furniture",
        "condition": "good",
        "kind": "sale",
        "price_dkk": "150.00",
    }
    data.update(overrides)
    return data


def test_create_makes_a_draft_unless_published(user):
    client = client_for(user)
    response = client.post(LISTINGS, body(), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    published = client.post(LISTINGS, body(publish=True), format="json")
    assert published.json()["status"] == "active"
    assert Listing.objects.get(pk=published.json()["id"]).published_at is not None


def test_create_needs_a_login(api_client):
    assert api_client.post(LISTINGS, body(), format="json").status_code == 401


def test_free_item_with_a_price_is_refused_with_a_clear_400(user):
    response = client_for(user).post(LISTINGS, body(kind="free", price_dkk="10"), format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "price_dkk" in response.json()["errors"]
    assert not Listing.objects.exists()


def test_free_item_without_price_costs_nothing(user):
    response = client_for(user).post(LISTINGS, body(kind="free", price_dkk=None) | {"price_dkk": "0"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["price_dkk"] == "0.00"


def test_a_parent_category_is_refused(user):
    response = client_for(user).post(LISTINGS, body(category="moebler"), format="json")
    assert response.status_code == 400
    assert "category" in response.json()["errors"]


def test_unknown_category_is_a_400(user):
    response = client_for(user).post(LISTINGS, body(category="no-such-thing"), format="json")
    assert response.status_code == 400
    assert "category" in response.json()["errors"]


def test_repair_listing_creates_its_job_in_the_same_request(user):
    data = body(kind="repair", category="laptop", repair_mode="donate", fault_description="Starter ikke")
    data.pop("price_dkk")
    response = client_for(user).post(LISTINGS, data, format="json")
    assert response.status_code == 201, response.content
    job = RepairJob.objects.get(listing_id=response.json()["id"])
    assert job.mode == "donate"
    assert job.fault_description == "Starter ikke"


def test_repair_listing_without_mode_is_refused_and_writes_nothing(user):
    data = body(kind="repair", category="laptop")
    data.pop("price_dkk")
    response = client_for(user).post(LISTINGS, data, format="json")
    assert response.status_code == 400
    assert "repair_mode" in response.json()["errors"]
    assert not Listing.objects.exists()
    assert not RepairJob.objects.exists()


def test_detail_has_description_photos_provenance_and_impact(api_client):
    listing = ListingFactory(weight_kg=Decimal("5"))
    PhotoFactory(listing=listing, position=1)
    PhotoFactory(listing=listing, status="pending", variants={})
    response = api_client.get(f"{LISTINGS}{listing.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["description"] == listing.description
    assert len(data["photos"]) == 1
    assert set(data["photos"][0]["variants"]) == {"w320", "w1024", "w2048", "w2048_jpeg"}
    assert "original" not in str(data["photos"])
    assert data["provenance"] is None
    # furniture: category weight 29.81 kg, reuse 0.51 kg CO2e/kg
    assert data["impact"] == {"co2e_kg": "15.20", "waste_kg": "29.810"}
    assert "pickup_details" not in data


@pytest.mark.parametrize("hidden_status", ["draft", "withdrawn", "hidden"])
def test_non_public_listing_is_404_for_others_but_visible_to_owner_and_staff(hidden_status, api_client):
    listing = ListingFactory(status=hidden_status)
    url = f"{LISTINGS}{listing.pk}/"
    assert api_client.get(url).status_code == 404
    assert client_for(UserFactory()).get(url).status_code == 404
    assert client_for(listing.seller).get(url).status_code == 200
    assert client_for(UserFactory(is_staff=True)).get(url).status_code == 200


def test_owner_and_workshop_member_may_change_others_may_not():
    membership = MembershipFactory()
    # A workshop's listing is published by one of its members (repairs.services.job_publish).
    listing = ListingFactory(workshop=membership.workshop, seller=MembershipFactory(workshop=membership.workshop).user)
    url = f"{LISTINGS}{listing.pk}/"
    assert client_for(listing.seller).patch(url, {"title": "Ny titel"}, format="json").status_code == 200
    assert client_for(membership.user).patch(url, {"price_dkk": "99"}, format="json").status_code == 200
    stranger = client_for(UserFactory()).patch(url, {"title": "Hacked"}, format="json")
    assert stranger.status_code == 403
    listing.refresh_from_db()
    assert (listing.title, listing.price_dkk) == ("Ny titel", Decimal("99.00"))


def test_patch_cannot_give_a_free_item_a_price():
    listing = ListingFactory(kind="free", price_dkk=0)
    response = client_for(listing.seller).patch(f"{LISTINGS}{listing.pk}/", {"price_dkk": "50"}, format="json")
    assert response.status_code == 400
    listing.refresh_from_db()
    assert listing.price_dkk == 0


def test_delete_withdraws_and_keeps_the_row(api_client):
    listing = ListingFactory()
    response = client_for(listing.seller).delete(f"{LISTINGS}{listing.pk}/")
    assert response.status_code == 200
    listing.refresh_from_db()
    assert listing.status == ListingStatus.WITHDRAWN
    assert api_client.get(f"{LISTINGS}{listing.pk}/").status_code == 404
    assert client_for(UserFactory()).delete(f"{LISTINGS}{listing.pk}/").status_code == 404


def test_publish_draft_then_409_the_second_time():
    listing = ListingFactory(status="draft", published_at=None)
    client = client_for(listing.seller)
    assert client.post(f"{LISTINGS}{listing.pk}/publish/").status_code == 200
    listing.refresh_from_db()
    assert listing.status == "active"
    assert client.post(f"{LISTINGS}{listing.pk}/publish/").status_code == 409


def test_report_creates_an_open_report():
    listing = ListingFactory()
    reporter = UserFactory()
    response = client_for(reporter).post(
        f"{LISTINGS}{listing.pk}/reports/", {"reason": "scam", "details": "Too cheap"}, format="json"
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert (report.listing, report.reporter, report.reason, report.status) == (listing, reporter, "scam", "open")


def test_report_with_an_unknown_reason_is_a_400():
    listing = ListingFactory()
    response = client_for(UserFactory()).post(f"{LISTINGS}{listing.pk}/reports/", {"reason": "meh"}, format="json")
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_pickup_details_are_for_the_seller_only():
    listing = ListingFactory(pickup_details="Opgang 3, 2. th.")
    assert client_for(listing.seller).get(f"{LISTINGS}{listing.pk}/").json()["pickup_details"] == "Opgang 3, 2. th."
    assert "pickup_details" not in client_for(UserFactory()).get(f"{LISTINGS}{listing.pk}/").json()


def test_category_helper_is_a_leaf():
    assert category("furniture").is_leaf


def test_errors_come_in_the_requested_language(user):
    client = client_for(user)
    response = client.post(LISTINGS, body(kind="free", price_dkk="10"), format="json", HTTP_ACCEPT_LANGUAGE="da")
    assert response.json()["errors"]["price_dkk"] == ["Gratis ting og ting doneret til reparation har ingen pris."]
    response = client.post(LISTINGS, body(kind="free", price_dkk="10"), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"]["price_dkk"] == ["Free items and items donated for repair have no price."]


def test_upcycled_listing_shows_provenance_and_repair_savings(api_client):
    from tests.factories import RepairJobFactory, WorkshopFactory

    workshop = WorkshopFactory()
    job = RepairJobFactory(status="completed", workshop=workshop, outcome="fixed", listing__status="withdrawn")
    listing = ListingFactory(workshop=workshop, source_job=job, category=category("laptop"), kind="sale")
    data = api_client.get(f"{LISTINGS}{listing.pk}/").json()
    assert data["upcycled"] is True
    assert data["provenance"]["job"] == job.pk
    assert data["provenance"]["workshop"] == {"slug": workshop.slug, "name": workshop.name}
    # laptop: 1.83 kg, footprint 265.32 kg CO2e × displacement 0.5
    assert data["impact"] == {"co2e_kg": "132.66", "waste_kg": "1.830"}


@pytest.mark.parametrize("price", ["299,50", "1.500,00", "1 500"])
def test_the_api_reads_numbers_in_its_one_documented_format_only(user, price):
    """docs/API.md: a decimal dot and no thousands separators, whatever the language (issue 15)."""
    response = client_for(user).post(LISTINGS, body(price_dkk=price), format="json", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "price_dkk" in response.json()["errors"]
    assert not Listing.objects.exists()
    assert client_for(user).post(LISTINGS, body(price_dkk="1500.50"), format="json").status_code == 201
    assert Listing.objects.get().price_dkk == Decimal("1500.50")
