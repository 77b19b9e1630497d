"""The browse page's rows are built as plain dicts (`api.listings.listing_item_rows`, issue 14: a page of 24
should cost about what a page of 1 costs). The JSON must be exactly what `ListingItemOut` wrote before."""

import json
from decimal import Decimal

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from api.listings import ListingItemOut, listing_item_rows
from listings.search import listing_filters_clean
from listings.selectors import listing_browse
from tests.factories import ListingFactory, PhotoFactory, RepairJobFactory, WorkshopFactory, category

pytestmark = pytest.mark.django_db


def _sample() -> None:
    plain = ListingFactory(title="Stol i eg", price_dkk=Decimal("150"))
    PhotoFactory(listing=plain)
    ListingFactory(title="Gratis sofa", kind="free", price_dkk=Decimal(0), category=category("furniture"))
    ListingFactory(title="Æblekasse “fin”", price_dkk=Decimal("99.5"), area="Ring Syd", condition="fair")
    workshop = WorkshopFactory()
    ListingFactory(title="Istandsat cykel", workshop=workshop, category=category("bicycle"), status="reserved")
    job = RepairJobFactory()
    ListingFactory(title="Upcycled lampe", source_job=job, category=category("lamp"), status="sold")
    ListingFactory(title="Laptop til reparation", kind="repair", price_dkk=Decimal(0), category=category("laptop"))
    unready = ListingFactory(title="Uden klart foto")
    PhotoFactory(listing=unready, status="pending")


@pytest.mark.parametrize("raw", [{}, {"kind": "repair"}, {"q": "stol"}, {"category": "moebler"}])
def test_rows_are_the_serializers_json_exactly(raw):
    _sample()
    filters = listing_filters_clean(raw)
    listings = list(listing_browse(filters=filters).order_by("-created_at", "-id"))
    assert listings
    before = JSONRenderer().render(ListingItemOut(listings, many=True).data)
    after = JSONRenderer().render(listing_item_rows(listings))
    assert after == before


def test_the_api_page_carries_them():
    _sample()
    body = APIClient().get("/api/v1/listings/?page_size=100").json()
    listings = list(listing_browse(filters=listing_filters_clean({})).order_by("-created_at", "-id"))
    assert body["results"] == json.loads(JSONRenderer().render(ListingItemOut(listings, many=True).data))
