"""The period report: GET /api/v1/impact/report.pdf holds the figures of GET /api/v1/impact/ for the same period
and workshop (read back from the PDF with pypdf), in the reader's language; its period is checked; it is throttled."""

from __future__ import annotations

import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pypdf
import pytest
from django.utils import formats, translation

from listings.models import ListingStatus
from repairs.models import WorkLog
from tests import factories
from tests.helpers import client_for
from tests.impact.test_impact import at, done

pytestmark = pytest.mark.django_db
REPORT = "/api/v1/impact/report.pdf"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == "application/pdf", response.content[:300]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def number(value, places: int, language: str) -> str:  # type: ignore[no-untyped-def]
    """The API's figure, rounded half up and written as the language writes numbers."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    with translation.override(language):
        return formats.number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    it = factories.WorkshopFactory(verified=True, name="IT-Værkstedet Øst")
    sy = factories.WorkshopFactory(verified=True, name="Systuen Kildeparken")
    done("laptop", "fixed", it, when=date(2025, 3, 10))
    done("laptop", "fixed", it, when=date(2025, 3, 20))
    done("misc-powered", "fixed", it, weight=Decimal(3), when=date(2025, 4, 2))
    done("furniture", "repairable", it, when=date(2025, 4, 3))
    done("laptop", "end_of_life", it, when=date(2025, 4, 4), barrier="too_worn_out")
    done("furniture", "fixed", sy, when=date(2025, 3, 5))
    done("laptop", "fixed", it, when=date(2025, 7, 1))  # outside the period
    for kind, price in (("sale", 100), ("sale", 50), ("free", 0)):
        listing = factories.ListingFactory(
            status=ListingStatus.SOLD,
            kind=kind,
            price_dkk=price,
            category=factories.category("furniture"),
            workshop=it,
        )
        type(listing).objects.filter(pk=listing.pk).update(sold_at=at(date(2025, 4, 15)))
    a, b = factories.UserFactory(), factories.UserFactory()
    job = done("laptop", "fixed", it, when=date(2025, 3, 11))
    WorkLog.objects.create(job=job, workshop=it, member=a, hours=Decimal("2.5"), date=date(2025, 3, 1))
    for day in (2, 3, 4):
        WorkLog.objects.create(job=job, workshop=it, member=b, hours=Decimal("7.25"), date=date(2025, 4, day))
    WorkLog.objects.create(job=job, workshop=sy, member=b, hours=Decimal("4"), date=date(2025, 4, 1))
    return {"it": it, "sy": sy}


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("scope", ["it", None])
def test_the_report_holds_the_figures_of_the_impact_api(world, api_client, language, scope):
    params = {"from": "2025-03-01", "to": "2025-06-30"}
    if scope:
        params["workshop"] = world[scope].slug
    figures = api_client.get("/api/v1/impact/", params).json()
    assert figures["jobs_completed"] >= 5 and figures["items_sold"] == 2 and figures["items_given_away"] == 1
    response = api_client.get(REPORT, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    text = text_of(response)
    kg = "kg"
    for key in ("waste_prevented_kg", "co2e_avoided_kg"):
        assert f"{number(figures[key], 1, language)} {kg}" in text, key
    assert number(figures["hours_worked"], 2, language) in text
    for key in ("repair_waste_prevented_kg", "repair_co2e_avoided_kg", "reuse_kg", "reuse_co2e_avoided_kg"):
        assert number(figures[key], 1, language) in text, key
    msgids = {
        "people_engaged": "People engaged",
        "jobs_completed": "Repair jobs completed",
        "items_sold": "Items sold",
        "items_given_away": "Items given away",
        "items_reused": "Items reused as they were",
        "fixed": "Fixed",
        "repairable": "Repairable",
        "end_of_life": "End of life",
    }
    with translation.override(language):  # the site's own words for them (the outcomes as the pages say them)
        labels = {key: translation.gettext(msgid) for key, msgid in msgids.items()}
    if language == "da":
        assert labels["items_sold"] == "Solgte ting"
    for key, label in labels.items():
        assert f"{label} {figures[key]}" in text, (label, figures[key])
    name = "name_da" if language == "da" else "name_en"
    for row in figures["by_category"]:
        assert f"{row[name]} {row['jobs_completed']} {row['fixed']} {row['repairable']} {row['end_of_life']}" in text
    for row in figures["by_month"]:
        assert f"{row['month']} {number(row['co2e_avoided_kg'], 1, language)}" in text
        assert f"{row['month']} {number(row['hours_worked'], 1, language)}" in text
    assert number(21.75, 1, "da") == "21,8"  # rounded, not cut off
    heading = {"da": "Effektrapport", "en": "Impact report"}[language]
    assert heading in text
    assert ("Metode og kilder" if language == "da" else "Method and sources") in text
    assert "Open Repair Alliance" in text and "WRAP" in text
    if scope:
        assert world[scope].name in text
    else:
        assert ("Alle værksteder på Kredsløb" if language == "da" else "All workshops on Kredsløb") in text


def test_the_report_counts_only_the_period_and_the_workshop(world, api_client):
    params = {"from": "2025-03-01", "to": "2025-03-31", "workshop": world["sy"].slug}
    body = api_client.get("/api/v1/impact/", params).json()
    assert (body["jobs_completed"], body["fixed"], body["items_sold"]) == (1, 1, 0)
    assert body["by_category"][0]["category"] == "furniture"
    text = text_of(api_client.get(REPORT, params))
    assert "Afsluttede reparationsopgaver 1" in text
    assert "Solgte ting 0" in text


def test_a_period_without_anything_still_makes_a_report(api_client, db):
    text = text_of(api_client.get(REPORT, {"from": "2030-01-01", "to": "2030-01-31"}))
    assert "Ingen reparationsopgaver blev afsluttet i perioden." in text


@pytest.mark.parametrize(
    ("params", "field", "danish", "english"),
    [
        ({"to": "2025-01-31"}, "from", "skal udfyldes", "required"),
        ({"from": "2025-01-01"}, "to", "skal udfyldes", "required"),
        ({"from": "1. januar", "to": "2025-01-31"}, "from", "gyldig dato", "valid date"),
        ({"from": "2025-02-01", "to": "2025-01-31"}, "to", "efter startdatoen", "on or after"),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "to", "fem år", "five years"),
    ],
)
def test_bad_periods_are_400_in_danish_and_english(api_client, db, params, field, danish, english):
    da = api_client.get(REPORT, params, HTTP_ACCEPT_LANGUAGE="da")
    assert da.status_code == 400
    assert da["Content-Type"].startswith("application/problem+json")
    assert danish in da.json()["errors"][field][0]
    en = api_client.get(REPORT, params, HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT="application/pdf")
    assert en.status_code == 400
    assert english in en.json()["detail"]


def test_five_years_less_a_day_is_allowed(api_client, db):
    assert api_client.get(REPORT, {"from": "2020-01-01", "to": "2024-12-31"}).status_code == 200
    assert api_client.get(REPORT, {"from": "2024-02-29", "to": "2029-02-27"}).status_code == 200
    assert api_client.get(REPORT, {"from": "2024-02-29", "to": "2029-02-28"}).status_code == 400


@pytest.mark.parametrize(("start", "end"), [("9999-01-01", "9999-12-31"), ("0001-01-01", "0001-01-31")])
def test_the_calendars_ends_are_no_server_error(api_client, db, start, end):
    assert api_client.get(REPORT, {"from": start, "to": end}).status_code == 200


def test_an_unknown_or_unverified_workshop_is_404_but_its_members_get_it(api_client, db):
    hidden = factories.WorkshopFactory(verified=False)
    params = {"from": "2025-01-01", "to": "2025-01-31"}
    assert api_client.get(REPORT, {**params, "workshop": "nope"}).status_code == 404
    assert api_client.get(REPORT, {**params, "workshop": hidden.slug}).status_code == 404
    member = factories.MembershipFactory(workshop=hidden).user
    assert client_for(member).get(REPORT, {**params, "workshop": hidden.slug}).status_code == 200


def test_the_report_is_throttled(api_client, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "impact_report": "2/min"},
    }
    params = {"from": "2025-01-01", "to": "2025-01-31"}
    assert [api_client.get(REPORT, params).status_code for _ in range(3)] == [200, 200, 429]
