"""Impact figures (PRODUCT.md "Impact") against values computed by hand from lca_categories.csv."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from impact.selectors import impact_summary, listing_impact, repair_savings, reuse_savings
from listings.models import ListingStatus
from repairs.models import JobStatus, WorkLog
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def done(category: str, outcome: str, workshop, *, weight=None, when=date(2025, 3, 10), barrier=""):  # type: ignore[no-untyped-def]
    return factories.RepairJobFactory(
        listing__category=factories.category(category),
        listing__weight_kg=weight,
        status=JobStatus.COMPLETED,
        workshop=workshop,
        outcome=outcome,
        barrier=barrier,
        completed_at=at(when),
        no_storage=True,
    )


# --- the formula helpers, branch by branch -----------------------------------------------------------------------


def test_fixed_with_a_reference_weight_uses_weight_and_half_the_footprint():
    # laptop: 1.83 kg, 265.32 kg CO2e → 1.83 kg, 132.66 kg CO2e
    assert repair_savings(category=factories.category("laptop"), weight_estimate_kg=D("9")) == (D("1.83"), D("132.66"))


def test_fixed_powered_without_reference_weight_uses_the_estimate_and_the_powered_ratio():
    # misc-powered: 3 kg × 32.06679233 × 0.5 = 48.100188495
    kg, co2e = repair_savings(category=factories.category("misc-powered"), weight_estimate_kg=D("3"))
    assert (kg, co2e) == (D("3"), D("48.100188495"))


def test_fixed_unpowered_without_reference_weight_uses_the_unpowered_ratio():
    # misc-unpowered: 4 kg × 17.70147059 × 0.5 = 35.40294118
    kg, co2e = repair_savings(category=factories.category("misc-unpowered"), weight_estimate_kg=D("4"))
    assert (kg, co2e) == (D("4"), D("35.40294118"))


def test_fixed_without_any_weight_saves_nothing():
    assert repair_savings(category=factories.category("misc-powered"), weight_estimate_kg=None) == (D(0), D(0))


def test_reuse_is_kg_times_0_51():
    # furniture: 29.81 kg × 0.51 = 15.2031; misc with a 2 kg estimate: 1.02
    assert reuse_savings(category=factories.category("furniture"), weight_estimate_kg=None) == (
        D("29.81"),
        D("15.2031"),
    )
    assert reuse_savings(category=factories.category("misc-unpowered"), weight_estimate_kg=D(2)) == (D(2), D("1.02"))


def test_one_listing_counts_a_fixed_repair_by_the_job_and_anything_else_as_reuse(workshop):
    # What the API's listing detail and the listing page both show (impact.selectors.listing_impact).
    fixed = done("laptop", "fixed", workshop)
    upcycled = factories.ListingFactory(workshop=workshop, source_job=fixed, category=factories.category("furniture"))
    # the job's category (laptop: 1.83 kg, 265.32 × 0.5), not the listing's, as the impact totals count it
    assert listing_impact(listing=upcycled) == {"co2e_kg": D("132.66"), "waste_kg": D("1.830")}
    not_fixed = done("laptop", "repairable", workshop)
    as_it_is = factories.ListingFactory(
        workshop=workshop, source_job=not_fixed, category=factories.category("furniture")
    )
    # furniture reused: 29.81 kg × 0.51
    assert listing_impact(listing=as_it_is) == {"co2e_kg": D("15.20"), "waste_kg": D("29.810")}


# --- aggregates ----------------------------------------------------------------------------------------------------


def test_aggregate_figures_match_the_hand_computed_values():
    it = factories.WorkshopFactory()
    sy = factories.WorkshopFactory()
    done("laptop", "fixed", it)  # 1.83 kg, 132.66
    done("misc-powered", "fixed", it, weight=D(3))  # 3 kg, 48.100188495
    done("misc-unpowered", "fixed", sy, weight=D(4), when=date(2025, 4, 2))  # 4 kg, 35.40294118
    done("misc-powered", "fixed", sy, when=date(2025, 4, 3))  # no weight: 0, 0
    done("tablet", "repairable", it)  # counts as a job, no savings
    done("printer-scanner", "end_of_life", it, barrier="spare_parts_not_available")
    factories.RepairJobFactory()  # open: not counted
    # Reused as it is: a sold furniture listing (29.81 kg → 15.2031) and a sold free misc item (2 kg → 1.02).
    factories.ListingFactory(status=ListingStatus.SOLD, category=factories.category("furniture"))
    factories.ListingFactory(
        status=ListingStatus.SOLD,
        kind="free",
        price_dkk=0,
        category=factories.category("misc-unpowered"),
        weight_kg=D(2),
        workshop=sy,
    )
    factories.ListingFactory(status=ListingStatus.ACTIVE)  # not sold: not counted
    factories.ListingFactory(status=ListingStatus.SOLD, kind="repair", price_dkk=0)  # donated for repair: not reuse
    # Hours: two people in one workshop, one in the other.
    a, b = factories.UserFactory(), factories.UserFactory()
    job = done("furniture", "repairable", it)
    WorkLog.objects.create(job=job, workshop=it, member=a, hours=D("2.5"), date=date(2025, 3, 1))
    WorkLog.objects.create(job=job, workshop=it, member=a, hours=D("1.25"), date=date(2025, 3, 2))
    WorkLog.objects.create(job=job, workshop=sy, member=b, hours=D("4"), date=date(2025, 4, 1))

    total = impact_summary()
    assert (total["jobs_completed"], total["fixed"], total["repairable"], total["end_of_life"]) == (7, 4, 2, 1)
    assert total["items_reused"] == 2
    # repairs 1.83 + 3 + 4 + 0 = 8.83 kg; reuse 29.81 + 2 = 31.81 kg
    assert total["repair_waste_prevented_kg"] == D("8.830")
    assert total["reuse_kg"] == D("31.810")
    assert total["waste_prevented_kg"] == D("40.640")
    # repairs 132.66 + 48.100188495 + 35.40294118 = 216.163 (3 places); reuse 31.81 × 0.51 = 16.2231 → 16.223
    assert total["repair_co2e_avoided_kg"] == D("216.163")
    assert total["reuse_co2e_avoided_kg"] == D("16.223")
    assert total["co2e_avoided_kg"] == D("232.386")
    assert total["hours_worked"] == D("7.75")
    assert total["people_engaged"] == 2

    mine = impact_summary(workshop=sy)
    assert (mine["jobs_completed"], mine["fixed"], mine["items_reused"]) == (2, 2, 1)
    assert mine["waste_prevented_kg"] == D("6.000")  # 4 + 0 repaired, 2 reused
    assert mine["hours_worked"] == D("4.00")
    assert mine["people_engaged"] == 1

    march = impact_summary(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert march["fixed"] == 2
    assert march["hours_worked"] == D("3.75")

    months = {m["month"]: m for m in impact_summary(workshop=it)["by_month"]}
    assert months["2025-03"]["fixed"] == 2
    assert months["2025-03"]["hours_worked"] == D("3.75")
    assert months["2025-03"]["co2e_avoided_kg"] == D("180.760")  # 132.66 + 48.100188495


def test_impact_endpoint(api_client, django_assert_max_num_queries):
    workshop = factories.WorkshopFactory()
    done("laptop", "fixed", workshop, when=date(2025, 5, 5))
    # (+1 since issue 13: the material lots' kg used, by month, in one query)
    with django_assert_max_num_queries(9):
        body = api_client.get(
            "/api/v1/impact/", {"workshop": workshop.slug, "from": "2025-05-01", "to": "2025-05-31"}
        ).json()
    assert body["fixed"] == 1
    assert body["co2e_avoided_kg"] == 132.66
    assert body["by_month"][0]["month"] == "2025-05"
    assert api_client.get("/api/v1/impact/", {"from": "2025-06-01"}).json()["fixed"] == 0
    response = api_client.get("/api/v1/impact/", {"from": "yesterday"})
    assert response.status_code == 400
    assert "from" in response.json()["errors"]
    assert api_client.get("/api/v1/impact/", {"workshop": "nope"}).status_code == 400


def test_reuse_counts_in_the_month_of_the_hand_over_even_if_the_listing_changes_later():
    from listings.models import Listing
    from marketplace import services as trade

    listing = factories.ListingFactory(status=ListingStatus.ACTIVE, category=factories.category("furniture"))
    reservation = trade.reservation_create(listing=listing, buyer=factories.UserFactory())
    trade.reservation_complete(reservation=reservation, actor=listing.seller)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SOLD and listing.sold_at is not None
    # Edited (or touched by a bulk update) long after the hand-over: the figures must not move.
    Listing.objects.filter(pk=listing.pk).update(sold_at=at(date(2025, 6, 30)), updated_at=at(date(2026, 2, 1)))
    months = {m["month"]: m for m in impact_summary()["by_month"]}
    assert months["2025-06"]["reuse_kg"] == D("29.810")
    assert "2026-02" not in months
    # A listing marked sold without a hand-over (the admin) falls back to the month it was last changed.
    factories.ListingFactory(status=ListingStatus.SOLD, category=factories.category("furniture"))
    Listing.objects.filter(sold_at__isnull=True, status=ListingStatus.SOLD).update(updated_at=at(date(2025, 8, 5)))
    months = {m["month"]: m for m in impact_summary(date_from=date(2025, 8, 1), date_to=date(2025, 8, 31))["by_month"]}
    assert list(months) == ["2025-08"] and months["2025-08"]["reuse_kg"] == D("29.810")


def test_the_migration_backfills_sold_at_from_the_completed_hand_over():
    import importlib

    from django.apps import apps

    from listings.models import Listing
    from marketplace import services as trade

    migration = importlib.import_module("listings.migrations.0004_listing_sold_at")
    listing = factories.ListingFactory(status=ListingStatus.ACTIVE)
    reservation = trade.reservation_create(listing=listing, buyer=factories.UserFactory())
    trade.reservation_complete(reservation=reservation, actor=listing.seller)
    by_hand = factories.ListingFactory(status=ListingStatus.SOLD)
    Listing.objects.update(sold_at=None)
    migration.backfill_sold_at(apps, None)
    reservation.refresh_from_db()
    assert Listing.objects.get(pk=listing.pk).sold_at == reservation.completed_at
    assert Listing.objects.get(pk=by_hand.pk).sold_at is None
