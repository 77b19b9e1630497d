"""'Repair and hand back' in Chromium (`check_page`: axe-core on every page, phone and desktop screenshots in
var/screenshots/): the workshop quotes in Danish kroner, the resident accepts on their repair page and reads where
and when to bring the item, the workshop receives it from its intake queue, completes it and hands it back with
the amount paid — in Danish and in English; the decline path, which releases the job, in English."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Role
from notifications.models import Notification
from repairs.models import JobStatus, QuoteStatus, RepairJob
from tests import factories
from tests.factories import PASSWORD
from tests.frontend.helpers import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(tab: Any, email: str) -> None:
    """Log in from the Danish login page; the site then speaks the person's own language."""
    tab.context.clear_cookies()
    tab.goto("/login/")
    tab.get_by_label("E-mailadresse").fill(email)
    tab.get_by_label("Adgangskode").fill(PASSWORD)
    tab.get_by_role("button", name="Log ind").click()
    tab.wait_for_url("**/")


def _world(language: str) -> tuple[RepairJob, Any, Any]:
    workshop = factories.WorkshopFactory(
        name="Systuen Kildeparken",
        categories=["furniture"],
        address="Kildeparken 48, 9220 Aalborg Øst",
        opening_hours="Tirsdag og torsdag 9–15",
        dropoff_instructions="Ring på ved opgang 48, kælderen.",
    )
    member = factories.MembershipFactory(workshop=workshop, role=Role.STAFF, user__language=language).user
    resident = factories.UserFactory(language=language)
    job = factories.RepairJobFactory(
        mode="return",
        listing__seller=resident,
        listing__title="Lænestol med løst armlæn",
        listing__category=factories.category("furniture"),
        fault_description="Armlænet vipper.",
    )
    return job, member, resident


@pytest.mark.django_db(transaction=True)
def test_quote_accept_receive_complete_hand_back_in_danish(page, live_server):
    job, member, resident = _world("da")

    log_in(page, member.email)
    page.goto(f"/workshop/jobs/{job.pk}/")
    page.get_by_role("button", name="Tag opgaven").click()
    page.get_by_label("Pris for reparationen (kr.)").fill("1.299,50")
    page.get_by_label("Heraf reservedele (kr., valgfrit)").fill("300")
    page.get_by_label("Forventet antal dage").fill("5")
    page.get_by_label("Besked til beboeren (valgfrit)").fill("Nyt armlæn i bøg.")
    check_page(page, "return-quote-form")
    page.get_by_role("button", name="Send tilbuddet").click()
    assert page.get_by_role("status").inner_text() == "Tilbuddet er sendt til beboeren."
    job.refresh_from_db()
    assert job.quote_price_dkk == Decimal("1299.50") and job.quote_parts_dkk == Decimal(300)
    assert job.quote_status == QuoteStatus.SENT

    # The resident finds the repair on My page and answers the quote on its page.
    log_in(page, resident.email)
    page.goto("/profile/")
    repairs = page.get_by_role("region", name="Mine reparationer")
    assert repairs.get_by_text("Et tilbud venter på dit svar").is_visible()
    repairs.get_by_role("link", name="Lænestol med løst armlæn").click()
    page.wait_for_url(f"**/repairs/{job.pk}/")
    assert page.locator("#quote-price").inner_text() == "1.299,50 kr."
    check_page(page, "return-resident-quote")
    page.get_by_role("button", name="Accepter tilbuddet").click()
    assert page.get_by_role("status").inner_text().startswith("Du har accepteret tilbuddet.")
    assert page.get_by_role("heading", name="Hvor og hvornår du afleverer den").is_visible()
    assert page.get_by_text("Tirsdag og torsdag 9–15").is_visible()
    assert page.get_by_text("Ring på ved opgang 48, kælderen.").is_visible()
    check_page(page, "return-resident-bring")

    # The workshop's counter: the item comes in.
    log_in(page, member.email)
    page.get_by_role("link", name="Indlevering").click()
    page.wait_for_url("**/workshop/intake/")
    check_page(page, "return-intake")
    page.get_by_role("button", name=f"Markér nr. {job.pk} som modtaget").click()
    assert page.get_by_role("status").inner_text() == "Tingen er markeret som modtaget."
    page.goto(f"/workshop/jobs/{job.pk}/")
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_label("Repareret").check()
    page.get_by_role("button", name="Afslut", exact=True).click()
    assert page.get_by_role("status").inner_text() == "Opgaven er afsluttet."
    paid = page.get_by_label("Betalt ved skranken (kr.)")
    assert paid.input_value() == "1299,50"
    paid.fill("1.299,50")
    check_page(page, "return-hand-back-form")
    page.get_by_role("button", name="Udlevér").click()
    assert page.get_by_role("status").inner_text() == "Tingen er udleveret."
    job.refresh_from_db()
    assert job.paid_dkk == Decimal("1299.50") and job.handed_back_at is not None

    log_in(page, resident.email)
    page.goto(f"/repairs/{job.pk}/")
    assert page.locator("#repair-stage").inner_text() == "Udleveret til dig"
    assert page.get_by_text("Betalt ved skranken: 1.299,50 kr.").is_visible()
    steps = page.locator("#repair-steps").inner_text()
    for words in ("Tilbud sendt", "Tilbud accepteret", "Modtaget på værkstedet", "Reparationen er færdig", "Udleveret"):
        assert words in steps
    check_page(page, "return-resident-handed-back")
    kinds = set(Notification.objects.filter(user=resident).values_list("kind", flat=True))
    assert kinds >= {"job_quoted", "job_bring", "job_received", "job_ready", "job_handed_back"}


@pytest.mark.django_db(transaction=True)
def test_declining_the_quote_releases_the_job_in_english(page, live_server):
    job, member, resident = _world("en")

    log_in(page, member.email)
    page.goto(f"/workshop/jobs/{job.pk}/")
    page.get_by_role("button", name="Claim the job").click()
    page.get_by_label("Price for the repair (kr.)").fill("1,299.50")
    page.get_by_label("Expected days").fill("3")
    page.get_by_role("button", name="Send the quote").click()
    assert page.get_by_role("status").inner_text() == "The quote is sent to the resident."
    job.refresh_from_db()
    assert job.quote_price_dkk == Decimal("1299.50")

    # The resident follows the notification from My page to the repair's page, and declines.
    log_in(page, resident.email)
    page.goto("/profile/")
    page.get_by_role("link", name="Systuen Kildeparken sent a quote for your Lænestol med løst armlæn").click()
    page.wait_for_url(f"**/repairs/{job.pk}/")
    assert page.locator("#quote-price").inner_text() == "1,299.50 kr."
    check_page(page, "return-resident-quote-en")
    page.get_by_role("button", name="Decline the quote").click()
    assert page.get_by_role("status").inner_text() == (
        "You declined the quote. Another workshop can now take on the repair."
    )
    assert page.locator("#repair-stage").inner_text() == "Waiting for a workshop"
    assert "Quote declined" in page.locator("#repair-steps").inner_text()
    check_page(page, "return-resident-declined-en")
    job.refresh_from_db()
    assert job.status == JobStatus.OPEN and job.workshop_id is None and job.quote_status == QuoteStatus.NONE
    assert Notification.objects.filter(user=member, kind="quote_declined").exists()


@pytest.mark.django_db(transaction=True)
def test_quote_accept_receive_complete_hand_back_in_english(page, live_server):
    job, member, resident = _world("en")

    log_in(page, member.email)
    page.goto(f"/workshop/jobs/{job.pk}/")
    page.get_by_role("button", name="Claim the job").click()
    page.get_by_label("Price for the repair (kr.)").fill("450")
    page.get_by_label("Expected days").fill("2")
    page.get_by_role("button", name="Send the quote").click()
    assert page.get_by_role("status").inner_text() == "The quote is sent to the resident."

    log_in(page, resident.email)
    page.goto(f"/repairs/{job.pk}/")
    page.get_by_role("button", name="Accept the quote").click()
    assert page.get_by_role("heading", name="Where and when to bring it").is_visible()
    check_page(page, "return-resident-bring-en")

    log_in(page, member.email)
    page.get_by_role("link", name="Intake").click()
    check_page(page, "return-intake-en")
    page.get_by_role("button", name=f"Mark #{job.pk} received").click()
    assert page.get_by_role("status").inner_text() == "The item is marked received."
    page.goto(f"/workshop/jobs/{job.pk}/")
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_label("Fixed", exact=True).check()
    page.get_by_role("button", name="Complete", exact=True).click()
    assert page.get_by_role("status").inner_text() == "The job is completed."
    page.get_by_label("Paid at the counter (kr.)").fill("1,450.00")
    page.get_by_role("button", name="Hand back").click()
    assert page.get_by_role("status").inner_text() == "The item is handed back."

    log_in(page, resident.email)
    page.goto(f"/repairs/{job.pk}/")
    assert page.locator("#repair-stage").inner_text() == "Handed back to you"
    assert page.get_by_text("Paid at the counter: 1,450.00 kr.").is_visible()
    check_page(page, "return-resident-handed-back-en")
    job.refresh_from_db()
    assert job.paid_dkk == Decimal("1450.00")
