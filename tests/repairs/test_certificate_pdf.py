"""The data-erasure certificate as a PDF: the same content as the HTML page (`repairs.certificate.certificate_for`),
for the same people, and 409 until there is something to certify."""

from __future__ import annotations

import io

import pypdf
import pytest

from repairs import services
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job, url
from tests.repairs.test_publish_and_loop import wipe

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:  # type: ignore[no-untyped-def]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # lines wrap anywhere


def pdf_url(job) -> str:  # type: ignore[no-untyped-def]
    return url(job).rstrip("/") + "/certificate.pdf"


def test_the_pdf_lists_the_wipes_as_the_html_page_does(member, workshop):
    # A name that fits its table cell: a long random one ("Winnie Kjær-Christensen") wraps at its hyphen, and the
    # extracted text then reads "Kjær- Christensen".
    member.display_name = "Mette Holm"
    member.save(update_fields=["display_name"])
    job = make_job("laptop")
    client = client_for(member)
    client.post(url(job, "claim"), {"workshop": workshop.slug}, format="json")
    assert wipe(client, job).status_code == 201
    response = client.get(pdf_url(job))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    for expected in (
        "Sletningscertifikat / Data erasure certificate",
        workshop.name,
        f"#{job.pk}",
        "S3Z9NB0K",
        "Samsung 860 EVO",
        "Purge",
        "hdparm 9.65",
        member.display_name,
        "Alle registrerede lagerenheder er slettet og verificeret.",
        "NIST SP 800-88",
    ):
        assert expected in text, expected
    # The HTML page links to the PDF.
    html = client.get(url(job, "certificate")).content.decode()
    assert pdf_url(job) in html


def test_the_donor_gets_the_pdf_and_others_get_404(member, workshop):
    job = make_job("laptop")
    services.job_claim(job=job, workshop=workshop, actor=member)
    services.job_mark_no_storage(job=job, actor=member)
    donor = client_for(job.listing.seller)
    response = donor.get(pdf_url(job))
    assert response.status_code == 200
    text = pdf_text(response)
    assert "ikke har noget lager" in text, text
    stranger = client_for(factories.UserFactory())
    assert stranger.get(pdf_url(job)).status_code == 404
    from rest_framework.test import APIClient

    assert APIClient().get(pdf_url(job)).status_code in (401, 403)


def test_409_until_a_wipe_or_no_storage_is_recorded(member, workshop):
    job = make_job("laptop")
    client = client_for(member)
    client.post(url(job, "claim"), {"workshop": workshop.slug}, format="json")
    response = client.get(pdf_url(job), HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("/certificate_not_ready")
    assert "lager" in body["detail"]  # Danish
    english = client.get(pdf_url(job), HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT="application/pdf")
    assert english.status_code == 409
    assert "no storage" in english.json()["detail"]
    assert pdf_url(job) not in client.get(url(job, "certificate")).content.decode()  # no link yet
    services.job_start(job=job, actor=member)
    services.job_mark_no_storage(job=job, actor=member)
    assert client.get(pdf_url(job)).status_code == 200


def test_a_destroyed_device_is_certified(member, workshop):
    job = make_job("laptop")
    client = client_for(member)
    client.post(url(job, "claim"), {"workshop": workshop.slug}, format="json")
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    response = client.post(
        url(job, "data-wipes"),
        {
            "serial_number": "WD-WCC4N7XK1234",
            "model": "WD Blue 1TB",
            "size_gb": "1000",
            "nist_level": "destroy",
            "technique": "shred",
            "tool": "Makerfabs shredder",
            "verified": True,
            "result": "success",
            "started_at": (now - timedelta(minutes=5)).isoformat(),
            "finished_at": now.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    text = pdf_text(client.get(pdf_url(job)))
    assert "WD-WCC4N7XK1234" in text and "Destroy" in text
