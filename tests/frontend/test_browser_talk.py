"""The donor and the workshop talk about a repair job, in a real browser (Chromium via Playwright), in Danish and
in English: the donor finds the link on My page and writes; the workshop's member sees the header badge, reads the
message and the donor's pickup note on the job page and answers; the donor reads the answer. axe-core clean, with
phone and desktop screenshots (`tests.frontend.helpers.check_page`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from marketplace.models import Message
from repairs import services as repairs
from tests import factories
from tests.frontend.helpers import PHONE, check_page
from tests.repairs.helpers import make_job

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXTS = {
    "da": {
        "write_to": "Skriv til",
        "field": "Besked",
        "send": "Send",
        "heading": "Beskeder mellem donoren og værkstedet",
        "badge": "ulæst besked",
        "note": "Donorens note om afhentning",
    },
    "en": {
        "write_to": "Write to",
        "field": "Message",
        "send": "Send",
        "heading": "Messages between the donor and the workshop",
        "badge": "unread message",
        "note": "The donor's pickup note",
    },
}


def signed_in_tab(browser: Any, live_server: Any, user: Any, language: str) -> Any:
    """A browser tab of its own with `user`'s session (made by Django's test client) and their language."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport=PHONE, locale="da-DK" if language == "da" else "en-GB", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
             "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )  # fmt: skip
    return context.new_page()


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.django_db(transaction=True)
def test_a_donor_and_the_workshop_talk_about_the_repair(browser, live_server, language: str):
    text = TEXTS[language]
    donor = factories.UserFactory(display_name="Dorthe", language=language)
    membership = factories.MembershipFactory(
        workshop__categories=["laptop"], workshop__name="IT-Værkstedet", user__language=language
    )
    job = make_job(
        "laptop", seller=donor, title="Bærbar med knækket hængsel", pickup_details="Opgang 3, ring på hos Dorthe"
    )
    repairs.job_claim(job=job, workshop=membership.workshop, actor=membership.user)

    donor_tab = signed_in_tab(browser, live_server, donor, language)
    donor_tab.goto("/profile/")
    donor_tab.get_by_role("link", name=f"{text['write_to']} IT-Værkstedet").click()
    donor_tab.wait_for_url(f"**/repairs/{job.pk}/messages/")
    assert donor_tab.get_by_role("heading", name=text["heading"]).is_visible()
    donor_tab.get_by_role("textbox", name=text["field"], exact=True).fill("Opladeren ligger i tasken. Koden er 1234.")
    donor_tab.get_by_role("button", name=text["send"]).click()
    donor_tab.wait_for_load_state()
    assert donor_tab.get_by_text("Opladeren ligger i tasken").is_visible()
    check_page(donor_tab, f"talk-donor-{language}")

    workshop_tab = signed_in_tab(browser, live_server, membership.user, language)
    workshop_tab.goto("/")
    badge = workshop_tab.locator('[data-badge="messages"]')
    assert badge.is_visible() and text["badge"] in badge.inner_text()
    workshop_tab.goto(f"/workshop/jobs/{job.pk}/")
    assert workshop_tab.get_by_text(text["note"]).is_visible()
    assert workshop_tab.get_by_text("Opgang 3, ring på hos Dorthe").is_visible()
    assert workshop_tab.get_by_text("Opladeren ligger i tasken").is_visible()
    # The donor's name is not shown to the workshop.
    assert "Dorthe" not in workshop_tab.locator(".job-thread").inner_text()
    workshop_tab.locator(".job-thread").get_by_role("textbox", name=text["field"], exact=True).fill(
        "Tak! Vi henter den torsdag."
    )
    workshop_tab.locator(".job-thread").get_by_role("button", name=text["send"]).click()
    workshop_tab.wait_for_url(f"**/workshop/jobs/{job.pk}/**")
    assert workshop_tab.get_by_text("Tak! Vi henter den torsdag.").is_visible()
    check_page(workshop_tab, f"talk-workshop-{language}")

    donor_tab.goto("/")
    assert donor_tab.locator('[data-badge="messages"]').is_visible()
    donor_tab.goto(f"/repairs/{job.pk}/messages/")
    assert donor_tab.get_by_text("Tak! Vi henter den torsdag.").is_visible()
    assert Message.objects.filter(conversation__repair_job=job).count() == 2
    donor_tab.context.close()
    workshop_tab.context.close()
