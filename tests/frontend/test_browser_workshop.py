"""The workshop journeys in Chromium (`check_page` from tests/frontend/helpers.py): a member claims a donated
laptop, logs hours, records the data wipe, completes it fixed, publishes it with a photo, and the impact page
shows the new figures — in Danish; the owner's settings and a release in English. axe-core on every page,
phone and desktop screenshots in var/screenshots/."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role, WorkshopMembership
from listings.models import Listing, Photo
from repairs.models import DataWipe, JobStatus, RepairJob
from tests import factories
from tests.factories import PASSWORD
from tests.frontend.helpers import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in(tab: Any, email: str) -> None:
    """Log in from the Danish login page; the site then speaks the person's own language."""
    tab.goto("/login/")
    tab.get_by_label("E-mailadresse").fill(email)
    tab.get_by_label("Adgangskode").fill(PASSWORD)
    tab.get_by_role("button", name="Log ind").click()
    tab.wait_for_url("**/")


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 110)).save(out, "JPEG", quality=80)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_member_repairs_a_donated_laptop_and_the_impact_page_shows_it(page, live_server):
    workshop = factories.WorkshopFactory(name="IT-Værkstedet Øst")
    member = factories.MembershipFactory(workshop=workshop, role=Role.STAFF, user__email="mette@example.dk").user
    job = factories.RepairJobFactory(
        listing__title="Bærbar der ikke starter",
        listing__area="Kildeparken",
        listing__weight_kg=Decimal("1.8"),
        fault_description="Starter ikke, blinker orange.",
    )
    factories.RepairJobFactory(listing__title="Gammel stationær")
    log_in(page, member.email)

    page.goto("/workshop/")
    assert page.get_by_role("heading", name="Opgavetavle").is_visible()
    check_page(page, "workshop-board")
    page.get_by_role("link", name="Bærbar der ikke starter").click()
    page.wait_for_url(f"**/workshop/jobs/{job.pk}/")
    assert page.get_by_text("Kildeparken").is_visible()
    check_page(page, "workshop-job-open")

    page.get_by_role("button", name="Tag opgaven").click()
    assert page.get_by_role("status").inner_text() == "Jeres værksted har taget opgaven."
    page.get_by_role("button", name="Start", exact=True).click()
    assert page.get_by_role("status").inner_text() == "Reparationen er startet."

    page.get_by_label("Timer", exact=True).fill("2,5")  # a Danish decimal comma (issue 15)
    page.get_by_label("Note (valgfri)").fill("Nyt batteri og ny SSD")
    page.get_by_role("button", name="Registrér timer").click()
    assert page.get_by_role("status").inner_text() == "Dine timer er registreret."

    # The repair barrier is only asked for end of life.
    barrier = page.get_by_label("Hvad forhindrer reparationen? (kun hvis den ikke kan repareres)")
    assert not barrier.is_visible()
    page.get_by_label("Kan ikke repareres").check()
    assert barrier.is_visible()
    # Completing as fixed before the wipe is refused, with the reason.
    page.get_by_label("Repareret").check()
    assert not barrier.is_visible()
    page.get_by_role("button", name="Afslut", exact=True).click()
    assert "persondata" in page.get_by_role("status").inner_text()
    assert RepairJob.objects.get(pk=job.pk).status == JobStatus.IN_PROGRESS

    start = timezone.localtime() - timedelta(hours=2)
    page.get_by_label("Model", exact=True).fill("Samsung 860 EVO")
    page.get_by_label("Serienummer").fill("S3Z9NB0K123")
    page.get_by_label("Størrelse (GB)").fill("256")
    page.get_by_label("NIST SP 800-88-niveau").select_option("purge")
    page.get_by_label("Metode").select_option("ata_secure_erase")
    page.get_by_label("Værktøj og version").fill("nwipe 0.34")
    page.get_by_label("Startet").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Færdig").fill((start + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Resultat", exact=True).select_option("success")
    page.get_by_label("Sletningen er verificeret").check()
    check_page(page, "workshop-job-in-progress")
    page.get_by_role("button", name="Registrér sletningen").click()
    assert page.get_by_role("status").inner_text() == "Datasletningen er registreret."
    assert DataWipe.objects.get(job=job).verified
    assert page.get_by_text("Kravet om datasletning er opfyldt.").is_visible()
    certificate = page.get_by_role("link", name="Udskriv sletningscertifikatet").get_attribute("href")
    certificate_page = page.context.new_page()
    certificate_page.goto(certificate)
    assert "S3Z9NB0K123" in certificate_page.content()
    certificate_page.close()

    page.get_by_label("Repareret").check()
    page.get_by_role("button", name="Afslut", exact=True).click()
    assert page.get_by_role("status").inner_text() == "Opgaven er afsluttet."
    check_page(page, "workshop-job-completed")

    page.get_by_label("Titel").fill("Istandsat bærbar med ny SSD")
    page.get_by_label("Pris (kr.), 0 for at give den væk").fill("1200")
    page.get_by_label("Stand").select_option("good")
    page.get_by_role("button", name="Gem som kladde").click()
    assert page.get_by_role("status").inner_text().startswith("Tingen er gemt som kladde.")
    listing = Listing.objects.get(source_job=job)
    assert listing.workshop == workshop and listing.price_dkk == Decimal(1200) and listing.status == "draft"
    # Issue 15: no photo yet, so it cannot go on sale: the button is disabled and explained.
    assert page.get_by_role("button", name="Sæt til salg").is_disabled()

    page.get_by_label("Billeder", exact=True).set_input_files(
        files=[{"name": "baerbar.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.get_by_role("button", name="Upload billeder").click()
    assert page.get_by_role("status").inner_text() == "Billederne er uploadet og bliver gjort klar."
    assert Photo.objects.filter(listing=listing).count() == 1
    Photo.objects.filter(listing=listing).update(status="ready")  # as the worker leaves it
    page.reload()
    page.get_by_role("button", name="Sæt til salg").click()
    assert page.get_by_role("status").inner_text() == "Tingen er sat til salg."
    listing.refresh_from_db()
    assert listing.status == "active"
    check_page(page, "workshop-job-published")

    page.goto("/impact/")
    assert page.get_by_role("heading", name="1 reparation afsluttet").is_visible()
    month_row = page.locator(".month-table tbody tr").last
    cells = month_row.locator("td").all_inner_texts()
    assert cells[2] == "2,50" and cells[3] == "1"  # hours worked, fixed — this month
    check_page(page, "impact-after-repair")


@pytest.mark.django_db(transaction=True)
def test_owner_invites_a_member_sets_categories_and_releases_a_job_in_english(page, live_server):
    workshop = factories.WorkshopFactory(name="Cykelværkstedet", categories=["laptop"])
    owner = factories.MembershipFactory(workshop=workshop, role=Role.OWNER, user__language="en").user
    newcomer = factories.UserFactory(email="jonas@example.dk", language="en")
    job = factories.RepairJobFactory(listing__title="Old laptop")
    log_in(page, owner.email)

    page.goto("/workshop/")
    page.get_by_role("link", name="Members and categories of Cykelværkstedet").click()
    check_page(page, "workshop-manage-en")
    page.get_by_label("Email address").fill("jonas@example.dk")
    page.get_by_role("button", name="Send invitation").click()
    assert (
        page.get_by_role("status").inner_text()
        == "An invitation is on its way to jonas@example.dk. They join when they accept it."
    )
    assert not WorkshopMembership.objects.filter(workshop=workshop, user=newcomer).exists()
    page.locator("input[name=categories][value=bicycle]").check()
    page.get_by_role("button", name="Save categories").click()
    assert page.get_by_role("status").inner_text() == "The categories are saved."
    assert workshop.categories.filter(slug="bicycle").exists()

    page.goto(f"/workshop/jobs/{job.pk}/")
    page.get_by_role("button", name="Claim the job").click()
    page.get_by_text("Release the job", exact=True).click()
    page.get_by_label("Why do you release the job?").fill("We lack the spare parts")
    page.get_by_role("button", name="Release", exact=True).click()
    assert page.get_by_role("status").inner_text() == "The job is released and open for every workshop again."
    assert page.get_by_text("We lack the spare parts").is_visible()
    check_page(page, "workshop-job-released-en")

    # The invited person opens the mailed link, logged in with that address, and joins.
    link = re.search(r"https?://[^/\s]+(/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    page.context.clear_cookies()  # another person at the same computer
    log_in(page, newcomer.email)
    page.goto(link)
    check_page(page, "invitation-en")
    page.get_by_role("button", name="Accept and join").click()
    assert page.get_by_role("status").inner_text() == "Welcome to Cykelværkstedet!"
    assert WorkshopMembership.objects.filter(workshop=workshop, user=newcomer, role=Role.STAFF).exists()
