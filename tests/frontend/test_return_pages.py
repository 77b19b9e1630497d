"""The pages of 'repair and hand back' without a browser: amounts read in the reader's language, the resident's
page, the workshop's forms and intake queue, the opening hours on the profile and in the owner's settings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from frontend.forms_workshop import parse_kroner
from repairs import returns, services
from repairs.models import JobStatus, QuoteStatus
from tests import factories
from tests.repairs.helpers import make_job


@pytest.mark.parametrize(
    ("text", "language", "amount"),
    [
        ("299,50", "da", "299.50"),
        ("1.500", "da", "1500"),
        ("1.299,50", "da", "1299.50"),
        ("1.299,50 kr.", "da", "1299.50"),
        ("450", "da", "450"),
        ("1,299.50", "en", "1299.50"),
        ("299.50", "en", "299.50"),
        ("1,500", "en", "1500"),
    ],
)
def test_amounts_are_read_in_the_readers_language(text, language, amount):
    assert parse_kroner(text, language=language) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "language"),
    [("1.2.3", "da"), ("12,345", "da"), ("299.5", "da"), ("abc", "da"), ("1,299.50", "da"), ("1.299,50", "en")],
)
def test_ambiguous_or_foreign_amounts_are_refused(text, language):
    with pytest.raises(ValueError):
        parse_kroner(text, language=language)


def _client(user, language: str = "da") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _claimed(**workshop_kw):  # type: ignore[no-untyped-def]
    workshop = factories.WorkshopFactory(verified=True, categories=["laptop"], **workshop_kw)
    member = factories.MembershipFactory(workshop=workshop, role="owner").user
    job = make_job("laptop", mode="return")
    services.job_claim(job=job, workshop=workshop, actor=member)
    return job, member, workshop


@pytest.mark.django_db
def test_danish_quote_on_the_page_is_read_as_danish_and_bad_input_is_shown_beside_the_field():
    job, member, _workshop = _claimed()
    client = _client(member)
    bad = client.post(f"/workshop/jobs/{job.pk}/quote/", {"price_dkk": "12,345", "estimate_days": "3"})
    assert bad.status_code == 400
    assert "Skriv et beløb i kroner" in bad.content.decode()
    job.refresh_from_db()
    assert job.quote_status == QuoteStatus.NONE
    too_much = client.post(f"/workshop/jobs/{job.pk}/quote/", {"price_dkk": "1.000.000", "estimate_days": "3"})
    assert too_much.status_code == 400
    done = client.post(f"/workshop/jobs/{job.pk}/quote/", {"price_dkk": "1.299,50", "estimate_days": "3"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.quote_price_dkk == Decimal("1299.50") and job.quote_status == QuoteStatus.SENT


@pytest.mark.django_db
def test_the_residents_page_shows_the_quote_with_its_buttons_and_the_decline_releases_the_job():
    job, member, _workshop = _claimed()
    returns.job_quote(job=job, actor=member, price_dkk="450", estimate_days=4, note="Ny skærm.")
    donor = job.listing.seller
    page = _client(donor).get(f"/repairs/{job.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "450,00 kr." in text and "Et tilbud venter på dit svar" in text and "Ny skærm." in text
    # Other residents: 404; the workshop's member: its own page of the job.
    assert _client(factories.UserFactory()).get(f"/repairs/{job.pk}/").status_code == 404
    assert _client(member).get(f"/repairs/{job.pk}/")["Location"] == f"/workshop/jobs/{job.pk}/"
    # The workshop cannot answer its own quote on the resident's page.
    assert _client(member).post(f"/repairs/{job.pk}/quote/accept/").status_code == 404
    response = _client(donor).post(f"/repairs/{job.pk}/quote/decline/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.OPEN and job.workshop_id is None
    # Answering again: refused with the reason, nothing changes.
    again = _client(donor).post(f"/repairs/{job.pk}/quote/accept/", follow=True)
    assert "Der er ikke noget tilbud" in again.content.decode()


@pytest.mark.django_db
def test_intake_queue_lists_what_the_counter_does_next():
    job, member, _workshop = _claimed()
    waiting, *_ = _claimed()  # another workshop's job: not in this queue
    returns.job_quote(job=job, actor=member, price_dkk="450", estimate_days=4)
    returns.job_quote_accept(job=job, actor=job.listing.seller)
    page = _client(member).get("/workshop/intake/").content.decode()
    assert job.listing.title in page and f"Markér nr. {job.pk} som modtaget" in page
    assert waiting.listing.title not in page
    assert 'href="/workshop/intake/"' in page  # the menu's link
    response = _client(member).post(f"/workshop/jobs/{job.pk}/received/", {"back": "intake"})
    assert response["Location"] == "/workshop/intake/"
    job.refresh_from_db()
    assert job.received_at is not None
    # A resident's menu has no intake link, and the page is closed to them.
    resident = _client(job.listing.seller)
    assert 'href="/workshop/intake/"' not in resident.get("/profile/").content.decode()
    assert resident.get("/workshop/intake/").status_code == 403


@pytest.mark.django_db
def test_the_owner_sets_opening_hours_on_the_settings_page_and_the_profile_shows_them():
    _job, member, workshop = _claimed()
    client = _client(member)
    response = client.post(
        f"/workshop/{workshop.slug}/manage/",
        {"form": "practical", "opening_hours": "Man–fre 10–16", "dropoff_instructions": "Brug bagdøren."},
    )
    assert response.status_code == 302
    profile = Client().get(f"/workshops/{workshop.slug}/").content.decode()
    assert "Man–fre 10–16" in profile and "Brug bagdøren." in profile
