"""The organisation journey in Chromium: a company's member (in Danish) offers a batch of laptops and uploads a CSV
(first with a bad row, then a good file); a workshop member (in English) accepts it and records the collection;
the company sees the chain of custody and the public verification page confirms the certificate. axe-core on every
page, phone and desktop screenshots in var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from donations.models import DonationBatch
from tests import factories
from tests.donations.helpers import laptop_csv, organisation
from tests.factories import PASSWORD
from tests.frontend.helpers import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(tab: Any, email: str) -> None:
    tab.goto("/login/")
    tab.get_by_label("E-mailadresse").fill(email)
    tab.get_by_label("Adgangskode").fill(PASSWORD)
    tab.get_by_role("button", name="Log ind").click()
    tab.wait_for_url("**/")


@pytest.mark.django_db(transaction=True)
def test_a_company_donates_laptops_and_a_workshop_takes_them(page, live_server, tmp_path):
    lise = factories.UserFactory(email="lise@example.dk", display_name="Lise Holm", language="da")
    org = organisation(member=lise, name="Nordjysk Revision ApS")
    member = factories.MembershipFactory(
        workshop__name="IT-Værkstedet Øst", workshop__categories=["laptop"], user__language="en"
    ).user

    log_in(page, lise.email)
    page.goto("/donations/")
    assert page.get_by_role("heading", name="Donationspartier").is_visible()
    check_page(page, "batches-organisation-da")
    page.get_by_role("link", name="Nordjysk Revision ApS").click()
    check_page(page, "organisation-da")
    page.get_by_label("Titel").fill("Bærbare fra revisionskontoret")
    page.get_by_label("Enheder (it-udstyr)").fill("PF1ABC23; Lenovo ThinkPad T480; laptop; ja")
    page.get_by_role("button", name="Tilbyd partiet").click()
    assert page.get_by_role("status").inner_text() == "Partiet er tilbudt værkstederne."
    batch = DonationBatch.objects.get(organisation=org)

    bad = tmp_path / "bad.csv"
    bad.write_text("serial_number,model,category,has_storage\n,ThinkPad,laptop,ja\nX2,ThinkPad,rumskib,ja\n")
    page.get_by_label("CSV-fil", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    status = page.get_by_role("status").inner_text()
    assert "row 2" in status and "row 3" in status and "Serienummeret mangler." in status
    assert batch.devices.count() == 1
    check_page(page, "batch-csv-errors-da")
    good = tmp_path / "laptops.csv"
    good.write_text(laptop_csv(40, no_storage=(3,)))
    page.get_by_label("CSV-fil", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_role("status").inner_text() == "Enhederne er tilføjet."
    assert batch.devices.count() == 41
    check_page(page, "batch-offered-da")

    workshop_tab = page.context.browser.new_context(base_url=live_server.url, locale="da-DK").new_page()
    log_in(workshop_tab, member.email)
    workshop_tab.goto("/donations/")
    check_page(workshop_tab, "batches-workshop-en")
    workshop_tab.get_by_role("link", name="Bærbare fra revisionskontoret").click()
    check_page(workshop_tab, "batch-offer-en")
    workshop_tab.get_by_role("button", name="Accept the batch").click()
    assert "A repair job was created for each device" in workshop_tab.get_by_role("status").inner_text()
    workshop_tab.get_by_label("Collected by", exact=True).fill("Mikkel")
    workshop_tab.get_by_label("Signed for by (at the organisation)").fill("Lise Holm")
    workshop_tab.get_by_role("button", name="Collected").click()
    assert workshop_tab.get_by_role("status").inner_text() == "The collection is recorded."
    workshop_tab.get_by_role("button", name="Received at the workshop").click()
    check_page(workshop_tab, "batch-received-en")

    page.reload()
    custody = page.get_by_role("region", name="Overdragelseskæde")
    assert "Afhentet" in custody.inner_text() and "Mikkel" in custody.inner_text()
    check_page(page, "batch-custody-da")
    batch.refresh_from_db()

    public = page.context.browser.new_context(base_url=live_server.url, locale="da-DK").new_page()
    public.goto(f"/verify/{batch.certificate_code}/")
    assert public.get_by_text("IT-Værkstedet Øst").is_visible()
    assert "Lise" not in public.content() and "PF1ABC23" not in public.content()
    check_page(public, "verify-da")
    response = public.goto(f"/donations/{batch.pk}/")
    assert "/login/" in public.url and response is not None
