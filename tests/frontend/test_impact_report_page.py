"""/impact/report/: the period report's form (a month, a quarter, a year, or two dates) and its link to the PDF."""

from __future__ import annotations

import html as html_lib

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db
PAGE = "/impact/report/"
INVALID_DA, INVALID_EN = "Marker en gyldig valgmulighed", "Select a valid choice"  # Django's own words


def page(params=None, language="da"):  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(PAGE, params or {})
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def test_the_form_is_danish_by_default_and_offers_the_verified_workshops():
    verified = factories.WorkshopFactory(verified=True, name="Systuen Kildeparken")
    hidden = factories.WorkshopFactory(verified=False, name="Hemmeligt Værksted")
    text = page()
    assert "Effektrapport" in text and "Lav rapporten" in text
    assert "En måned" in text and "Et kvartal" in text and "Et år" in text and "Fra – til" in text
    assert verified.name in text and hidden.name not in text
    assert "report.pdf" not in text  # no link before a period is chosen
    assert "Impact report" in page(language="en")


@pytest.mark.parametrize(
    ("params", "period"),
    [
        ({"period": "month", "year": "2024", "month": "2"}, "from=2024-02-01&to=2024-02-29"),
        ({"period": "quarter", "year": "2025", "quarter": "4"}, "from=2025-10-01&to=2025-12-31"),
        ({"period": "year", "year": "2025"}, "from=2025-01-01&to=2025-12-31"),
        ({"period": "custom", "date_from": "2025-03-15", "date_to": "2025-05-02"}, "from=2025-03-15&to=2025-05-02"),
    ],
)
def test_each_kind_of_period_links_to_the_pdf_of_exactly_that_period(params, period):
    workshop = factories.WorkshopFactory(verified=True)
    assert f'/api/v1/impact/report.pdf?{period}"' in page(params)
    assert f'/api/v1/impact/report.pdf?{period}&workshop={workshop.slug}"' in page(
        {**params, "workshop": workshop.slug}
    )
    assert "Hent rapporten (PDF)" in page(params)


def test_the_link_gives_the_pdf(api_client):
    text = page({"period": "month", "year": "2025", "month": "1"})
    assert "/api/v1/impact/report.pdf?from=2025-01-01&to=2025-01-31" in text
    response = api_client.get("/api/v1/impact/report.pdf?from=2025-01-01&to=2025-01-31")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("params", "danish", "english"),
    [
        ({"period": "custom", "date_from": "2025-05-02", "date_to": "2025-03-15"}, "efter startdatoen", "on or after"),
        ({"period": "custom", "date_from": "2019-01-01", "date_to": "2025-01-01"}, "højst fem år", "at most five"),
        ({"period": "custom", "date_from": "2025-01-01"}, "Vælg en slutdato", "Choose an end date"),
        ({"period": "month", "year": "2025"}, "Vælg en måned", "Choose a month"),
        (
            {"period": "quarter", "year": "2025", "quarter": "5"},
            "Marker en gyldig valgmulighed",
            "Select a valid choice",
        ),
        ({"period": "year"}, "Vælg et år", "Choose a year"),
        ({"period": "year", "year": "1999"}, "2000", "2000"),
        (
            {"period": "year", "year": "2025", "workshop": "nope"},
            "Marker en gyldig valgmulighed",
            "Select a valid choice",
        ),
    ],
)
def test_bad_choices_say_why_in_danish_and_english_and_give_no_link(params, danish, english):
    da = page(params)
    assert danish in da and "report.pdf" not in da
    en = page(params, language="en")
    assert english in en and "report.pdf" not in en


def test_the_impact_page_links_to_the_report():
    assert PAGE in Client().get("/impact/").content.decode()
