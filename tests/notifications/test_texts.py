"""Notifications are put into words in the reader's language when shown, not when made (issue 15): a Danish
donor who switches to English reads them in English, on My page and in the API; older rows keep their text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import Role
from marketplace.services import reservation_confirm, reservation_create
from notifications.models import Notification
from notifications.services import notification_send
from notifications.texts import render, text
from repairs.models import Outcome
from repairs.services import job_claim
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job

pytestmark = pytest.mark.django_db


def page_in(user, language: str) -> str:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get("/profile/").content.decode()


def test_a_donor_who_switches_to_english_reads_the_claim_in_english():
    job = make_job(seller__language="da", title="Bærbar")
    workshop = factories.WorkshopFactory(name="Tornhøj Reparation")
    member = factories.MembershipFactory(workshop=workshop, role=Role.STAFF).user
    job_claim(job=job, workshop=workshop, actor=member)
    donor = job.listing.seller
    note = Notification.objects.get(user=donor, kind="job_claimed")
    assert note.title == "Tornhøj Reparation vil reparere din Bærbar"  # the email's words, in Danish
    donor.language = "en"
    donor.save()
    assert "Tornhøj Reparation will repair your Bærbar" in page_in(donor, "en")
    assert "vil reparere din Bærbar" in page_in(donor, "da")
    api = client_for(donor).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert api["title"] == "Tornhøj Reparation will repair your Bærbar"


def test_reservation_notices_follow_the_reader():
    seller = factories.UserFactory(language="da")
    buyer = factories.UserFactory(language="da")
    listing = factories.ListingFactory(seller=seller, title="Sofa", price_dkk=Decimal(100))
    reservation = reservation_create(listing=listing, buyer=buyer)
    reservation_confirm(reservation=reservation, actor=seller)
    note = Notification.objects.get(user=buyer, kind="reservation_confirmed")
    with translation.override("en"):
        assert note.shown_title == "Your reservation of “Sofa” is confirmed"
    with translation.override("da"):
        assert note.shown_title == "Din reservation af “Sofa” er bekræftet"


def test_translatable_parameters_are_translated_too():
    stored = text(translation.gettext_lazy("Result: %(outcome)s."), outcome=Outcome.END_OF_LIFE.label)
    with translation.override("en"):
        assert render(stored) == "Result: End of life."
    with translation.override("da"):
        assert render(stored) != "Result: End of life." and render(stored).startswith("Resultat")


def test_rows_made_before_keep_their_words():
    user = factories.UserFactory()
    note = notification_send(user=user, kind="old", title="Gammel titel", body="Gammel tekst", email=False)
    with translation.override("en"):
        assert (note.shown_title, note.shown_body) == ("Gammel titel", "Gammel tekst")


def test_every_kind_keeps_its_words_as_message_ids_and_follows_its_reader():
    """Every kind the platform sends (the journeys of `test_links`), made for a Danish recipient, reads in English
    once its reader switches (and the workshop's kinds, made for an English member, in Danish): title and body are
    stored as message ids that give back the email's words."""
    from notifications.kinds import KINDS
    from tests.notifications.test_links import _every_kind

    _every_kind()
    notifications = list(Notification.objects.select_related("user").order_by("pk"))
    assert {n.kind for n in notifications} >= set(KINDS)
    for note in notifications:
        assert note.title_text, f"{note.kind}: the title is not kept as a message id"
        assert not note.body or note.body_text, f"{note.kind}: the body is not kept as a message id"
        with translation.override(note.user.language):  # the ids give back the words it was made with
            assert (note.shown_title, note.shown_body) == (note.title, note.body), note.kind
        # …and the other language once the reader switches (most are made for Danish readers, read in English)
        other = "en" if note.user.language == "da" else "da"
        with translation.override(other):
            switched = (note.shown_title, note.shown_body)
        assert switched[0] != note.title, f"{note.kind}: the title stays in {note.user.language} when read in {other}"
        assert not note.body or switched[1] != note.body, f"{note.kind}: the body stays in {note.user.language}"
    danish = {n.kind for n in notifications if n.user.language == "da"}
    assert len(danish) >= len(KINDS) - 2, f"made for no Danish recipient: {set(KINDS) - danish}"


def test_plural_messages_and_lists_of_lines_are_kept_as_ids():
    from notifications.texts import text_plural

    line = text_plural("%(count)d new message", "%(count)d new messages", 3, count=3)
    stored = text("%(intro)s\n\n%(lines)s", intro=translation.gettext_lazy("You have unread messages:"), lines=[line])
    with translation.override("en"):
        assert render(stored) == "You have unread messages:\n\n3 new messages"
    with translation.override("da"):
        assert not render(stored).startswith("You have")


def test_an_amount_is_written_the_readers_way():
    from decimal import Decimal

    stored = text(
        translation.gettext_lazy("The price went down from %(old)s kr. to %(new)s kr."),
        old=Decimal("1500"),
        new=Decimal("399.5"),
    )
    with translation.override("en"):
        assert "399.50" in render(stored)
    with translation.override("da"):
        assert "399,50" in render(stored)
