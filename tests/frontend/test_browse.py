"""The browse (home) page, a listing's page, the impact page and a workshop's profile — through the test client."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listings.models import ListingStatus
from repairs.models import Outcome
from tests import factories
from tests.frontend.helpers import completed_job, ready_photo

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<span class="card-title">([^<]+)</span>', response.content.decode())


def test_home_is_danish_by_default_and_shows_only_active_listings(client):
    factories.ListingFactory(title="Egetræsbord")
    factories.ListingFactory(title="Kladde-lampe", status=ListingStatus.DRAFT)
    factories.ListingFactory(title="Skjult sofa", status=ListingStatus.HIDDEN)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in html
    assert "Brugte og upcyclede ting i 9220" in html
    assert titles(response) == ["Egetræsbord"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=egetr%C3%A6sbord", ["Egetræsbord"]),  # the marketplace search: full-text and trigram on PostgreSQL
        ("q=massivt", ["Egetræsbord"]),  # the description is searched too
        ("category=it-udstyr", ["Bærbar Lenovo"]),  # a parent category finds its children's listings
        ("category=laptop", ["Bærbar Lenovo"]),
        ("condition=like_new", ["Bærbar Lenovo"]),
        ("min_price=100&max_price=200", ["Egetræsbord"]),
        ("free=on", ["Gratis kasse"]),
        ("upcycled=on", ["Istandsat stol"]),
        ("area=tornhøj", ["Gratis kasse"]),
        ("min_price=abc", ["Istandsat stol", "Gratis kasse", "Bærbar Lenovo", "Egetræsbord"]),  # bad value ignored
    ],
)
def test_browse_filters(client, query, expected):
    workshop = factories.WorkshopFactory()
    factories.ListingFactory(title="Egetræsbord", description="Massivt eg", price_dkk=Decimal(150))
    factories.ListingFactory(
        title="Bærbar Lenovo", category=factories.category("laptop"), condition="like_new", price_dkk=Decimal(900)
    )
    factories.ListingFactory(title="Gratis kasse", kind="free", price_dkk=Decimal(0), area="Tornhøj")
    job = completed_job(workshop=workshop)
    factories.ListingFactory(title="Istandsat stol", workshop=workshop, source_job=job, price_dkk=Decimal(400))
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_donations_for_repair_are_not_offered_to_buyers(client):
    factories.RepairJobFactory(listing__title="Defekt bærbar")
    assert titles(client.get("/")) == []


def test_load_more_by_cursor_without_javascript_and_with_htmx(client):
    for n in range(30):
        factories.ListingFactory(title=f"Ting {n:02d}")
    first = client.get("/")
    assert len(titles(first)) == 24
    more = re.search(r'<a class="button" href="([^"]+)"', first.content.decode())
    assert more is not None
    url = more.group(1).replace("&amp;", "&")
    second = client.get(url)  # a plain link: a whole page with the rest
    assert "<html" in second.content.decode()
    assert len(titles(second)) == 6
    assert set(titles(first)).isdisjoint(titles(second))
    assert "Det var alt for nu." in second.content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"})  # htmx: only the cards and the new "more" box
    body = fragment.content.decode()
    assert "<html" not in body
    assert len(titles(fragment)) == 6
    assert 'id="more" class="more" hx-swap-oob="true"' in body


def test_home_with_24_listings_is_light(client):
    workshop = factories.WorkshopFactory()
    for n in range(26):
        listing = factories.ListingFactory(workshop=workshop if n % 2 else None, description="x" * 400)
        ready_photo(listing)
        ready_photo(listing, position=1)
    client.force_login(factories.UserFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(titles(response)) == 24
    assert len(queries) <= 10, [q["sql"] for q in queries]
    assert len(response.content) <= 60 * 1024


def test_cards_have_srcset_size_and_a_placeholder_colour(client):
    listing = factories.ListingFactory()
    ready_photo(listing)
    html = client.get("/").content.decode()
    img = re.search(r'<img class="thumb"[^>]+>', html, re.S)
    assert img is not None
    tag = img.group(0)
    assert re.search(r'srcset="/media/photos/\d+/\w+/w320.webp 320w, /media/photos/\d+/\w+/w1024.webp 1024w"', tag)
    assert 'width="320" height="240"' in tag
    assert 'data-colour="#979695"' in tag


def test_listing_page_shows_facts_seller_and_impact_in_danish(client):
    listing = factories.ListingFactory(title="Spisebord", condition="good", seller__display_name="Aya")
    ready_photo(listing)
    html = client.get(listing.get_absolute_url()).content.decode()
    assert "<h1>Spisebord</h1>" in html
    assert "150 kr." in html
    assert "God" in html  # the condition label, in Danish
    assert "Aya" in html
    # Furniture: 29.81 kg reused × 0.51 kg CO2e/kg (impact.selectors.reuse_savings).
    assert "15,2 kg CO2e sparet" in html


def test_upcycled_listing_shows_workshop_and_provenance(client):
    workshop = factories.WorkshopFactory(name="IT-Værkstedet")
    job = completed_job(workshop=workshop, outcome=Outcome.FIXED)
    listing = factories.ListingFactory(
        title="Istandsat bærbar", workshop=workshop, source_job=job, category=factories.category("laptop")
    )
    html = client.get(listing.get_absolute_url()).content.decode()
    assert f'href="/workshops/{workshop.slug}/"' in html
    assert "Hvor den kommer fra" in html
    for step in ("Doneret", "Taget", "I gang", "Færdig", "Til salg"):
        assert step in html
    # Laptop fixed: footprint 265.32 × 0.5 (impact.selectors.repair_savings).
    assert "132,7 kg CO2e sparet" in html


def test_drafts_are_only_visible_to_their_seller(client):
    draft = factories.ListingFactory(status=ListingStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(draft.seller)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_impact_page_totals_for_9220(client):
    workshop = factories.WorkshopFactory()
    completed_job(workshop=workshop, outcome=Outcome.FIXED, hours="2")
    completed_job(workshop=workshop, outcome=Outcome.END_OF_LIFE, hours="1.5")
    factories.ListingFactory(status=ListingStatus.SOLD)  # furniture sold as it is
    html = client.get("/impact/").content.decode()
    assert "2 reparationer afsluttet" in html
    # 1.83 kg laptop + 29.81 kg furniture; CO2e 132.66 + 15.2031.
    assert "32 kg" in html
    assert "148 kg" in html
    assert re.search(r'<span class="tile-number">3,5</span>|<span class="tile-number">4</span>', html)


def test_workshop_profile_shows_goods_and_impact_and_hides_unverified(client):
    workshop = factories.WorkshopFactory(name="Syværkstedet", description="Puder af overskudsstof.")
    factories.ListingFactory(title="Pude", workshop=workshop)
    completed_job(workshop=workshop)
    html = client.get(f"/workshops/{workshop.slug}/").content.decode()
    assert "Syværkstedet" in html and "Puder af overskudsstof." in html
    assert titles(client.get(f"/workshops/{workshop.slug}/")) == ["Pude"]
    assert "1 reparation afsluttet" in html
    unverified = factories.WorkshopFactory(verified=False)
    assert client.get(f"/workshops/{unverified.slug}/").status_code == 404


def test_every_page_is_served_without_external_assets(client):
    listing = factories.ListingFactory()
    workshop = factories.WorkshopFactory()
    for url in ("/", listing.get_absolute_url(), "/impact/", f"/workshops/{workshop.slug}/", "/signup/", "/login/"):
        html = client.get(url).content.decode()
        # Assets (scripts, styles, images, icons): never from elsewhere. A link a person follows (`<a href>`, such
        # as the listing's "share on Facebook") is no asset.
        for src in re.findall(r'<(?!a\s)[a-z]+\s[^>]*?(?:src|href)="([^"]+)"', html):
            assert not src.startswith(("http://", "https://", "//")), (url, src)
        assert "/static/frontend/vendor/htmx.min.js" in html


@pytest.mark.django_db
def test_a_workshop_member_sees_the_workshops_draft_page_and_a_stranger_does_not(client):
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    draft = factories.ListingFactory(status="draft", workshop=membership.workshop, title="Kladde fra værkstedet")
    client.force_login(membership.user)
    assert client.get(f"/listings/{draft.pk}/").status_code == 200
    client.force_login(factories.UserFactory())
    assert client.get(f"/listings/{draft.pk}/").status_code == 404
