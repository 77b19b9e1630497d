"""The donor and the workshop talking about a repair job (issue 15): who may read and write (one rule,
`marketplace.selectors.job_talk_q`), the batched emails to the other side, the header's badges, the donor's
pickup note on the workshop's page, and the donor told when the repaired item found a new home."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import WorkshopMembership
from marketplace import selectors as trade_selectors
from marketplace import services as trade
from marketplace.models import Conversation, Message
from marketplace.tasks import messages_notify
from notifications.models import Notification
from repairs import services as repairs
from tests import factories
from tests.helpers import client_for, job_publish_on_sale
from tests.repairs.helpers import make_job, url

pytestmark = pytest.mark.django_db


def browser_of(user):  # type: ignore[no-untyped-def]
    """A signed-in page client (the pages use the session, the API a token)."""
    client = Client()
    client.force_login(user)
    return client


def held_job(**listing_kw):  # type: ignore[no-untyped-def]
    """A laptop donated by a resident and claimed by a verified workshop: (job, donor, member)."""
    membership = factories.MembershipFactory(workshop__categories=["laptop"])
    job = make_job("laptop", **listing_kw)
    repairs.job_claim(job=job, workshop=membership.workshop, actor=membership.user)
    job.refresh_from_db()
    return job, job.listing.seller, membership.user


def test_donor_and_workshop_write_to_each_other_through_the_api():
    job, donor, member = held_job()
    response = client_for(donor).post(url(job, "messages"), {"body": "Koden til skærmen er 1234"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["side"] == "donor" and response.json()["mine"] is True
    response = client_for(member).post(url(job, "messages"), {"body": "Tak, vi henter den fredag"}, format="json")
    assert response.status_code == 201
    assert Conversation.objects.get().workshop_id == job.workshop_id
    body = client_for(member).get(url(job, "messages")).json()
    assert [(m["side"], m["mine"]) for m in body["results"]] == [("donor", False), ("workshop", True)]
    # The donor's name is never shown to the workshop; the workshop's member signs with theirs.
    assert body["results"][0]["sender"]["display_name"] == ""
    assert body["results"][1]["sender"]["display_name"] == member.display_name
    # Reading marks the other side's messages read, never one's own.
    assert Message.objects.get(body="Koden til skærmen er 1234").read_at is not None
    assert Message.objects.get(body="Tak, vi henter den fredag").read_at is None


def test_an_empty_message_is_a_400_problem_in_danish_and_english():
    job, donor, _member = held_job()
    client = client_for(donor)
    bodies = {}
    for language in ("da", "en"):
        response = client.post(url(job, "messages"), {"body": "   "}, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert "body" in response.json()["errors"]
        bodies[language] = response.json()["errors"]["body"]
    assert bodies["da"] != bodies["en"]
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_the_rule_follows_the_job_a_released_job_leaves_the_old_workshop_out():
    job, donor, member = held_job()
    trade.job_message_send(job=job, sender=donor, body="Opladeren ligger i tasken")
    repairs.job_release(job=job, actor=member, reason="Ingen dele")
    job.refresh_from_db()
    # Released: the old workshop may no longer read or write; the donor reads nothing until a workshop holds it.
    assert client_for(member).get(url(job, "messages")).status_code == 403
    assert client_for(donor).get(url(job, "messages")).json()["results"] == []
    assert client_for(donor).post(url(job, "messages"), {"body": "Hallo?"}, format="json").status_code == 409
    # Another workshop claims it: a conversation of its own; it never reads the first one's messages.
    other = factories.MembershipFactory(workshop__categories=["laptop"])
    repairs.job_claim(job=job, workshop=other.workshop, actor=other.user)
    rows = client_for(other.user).get(url(job, "messages")).json()["results"]
    assert rows == []
    job.refresh_from_db()
    trade.job_message_send(job=job, sender=other.user, body="Vi har den nu")
    assert Conversation.objects.filter(repair_job=job).count() == 2
    assert [m.body for m in trade_selectors.job_messages(job=job)] == ["Vi har den nu"]


def test_a_member_who_leaves_the_workshop_stops_reading_and_writing():
    job, donor, member = held_job()
    trade.job_message_send(job=job, sender=donor, body="Hej")
    assert trade_selectors.job_talk_allowed(job=job, user=member)
    WorkshopMembership.objects.filter(user=member).delete()
    assert not trade_selectors.job_talk_allowed(job=job, user=member)
    assert client_for(member).get(url(job, "messages")).status_code == 404
    assert client_for(member).post(url(job, "messages"), {"body": "x"}, format="json").status_code == 404
    conversation = Conversation.objects.get()
    assert not trade_selectors.conversation_visible_to(conversation=conversation, user=member)
    assert trade_selectors.conversation_visible_to(conversation=conversation, user=donor)


def test_messages_are_mailed_to_the_other_side_batched_with_a_link_they_may_open():
    job, donor, member = held_job()
    colleague = factories.MembershipFactory(workshop=job.workshop).user
    trade.job_message_send(job=job, sender=donor, body="Første")
    trade.job_message_send(job=job, sender=donor, body="Anden")
    assert messages_notify() == 2  # one mail to each member, none to the donor
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, colleague.email])
    assert f"/workshop/jobs/{job.pk}/" in mail.outbox[0].body
    assert messages_notify() == 0  # nobody is mailed twice
    trade.job_message_send(job=job, sender=member, body="Svar")
    assert messages_notify() == 1
    assert mail.outbox[-1].to == [donor.email]
    note = Notification.objects.filter(user=donor, kind="messages").get()
    assert note.url == f"/repairs/{job.pk}/messages/"
    for user, link in ((donor, note.url), (member, f"/workshop/jobs/{job.pk}/")):
        assert browser_of(user).get(link).status_code == 200, link


def test_a_message_written_before_a_release_is_not_mailed_to_the_next_workshop():
    job, donor, member = held_job()
    trade.job_message_send(job=job, sender=donor, body="Til det første værksted")
    repairs.job_release(job=job, actor=member, reason="Ingen dele")
    other = factories.MembershipFactory(workshop__categories=["laptop"])
    repairs.job_claim(job=job, workshop=other.workshop, actor=other.user)
    assert messages_notify() == 0
    assert mail.outbox == []


def test_header_badges_count_unread_messages_and_notifications_in_one_query(django_assert_num_queries):
    job, donor, member = held_job()
    trade.job_message_send(job=job, sender=member, body="Vi er i gang")
    trade.job_message_send(job=job, sender=member, body="Den er klar")
    with django_assert_num_queries(1):
        counts = trade_selectors.unread_counts(user=donor)
    unread_notes = Notification.objects.filter(user=donor, read_at__isnull=True).count()
    assert counts == {"messages": 2, "notifications": unread_notes}
    assert trade_selectors.unread_counts(user=member)["messages"] == 0
    # Somebody else's job messages count for nobody else.
    assert trade_selectors.unread_counts(user=factories.UserFactory())["messages"] == 0
    html = browser_of(donor).get("/").content.decode()
    assert 'data-badge="messages">2' in html
    browser_of(donor).get(f"/repairs/{job.pk}/messages/")
    assert 'data-badge="messages"' not in browser_of(donor).get("/").content.decode()


def test_the_badges_cost_one_query_per_page():
    _job, donor, _member = held_job()
    client = browser_of(donor)
    client.get("/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as with_badges:
        client.get("/impact/")
    badge_queries = [q for q in with_badges.captured_queries if "trade_notification" in q["sql"]]
    assert len(badge_queries) == 1


def test_the_workshop_reads_the_donors_pickup_note_and_the_donor_has_a_link_to_write():
    job, donor, member = held_job(pickup_details="Hent den i kælderen, opgang 7")
    page = browser_of(member).get(f"/workshop/jobs/{job.pk}/").content.decode()
    assert "Hent den i kælderen, opgang 7" in page
    assert 'id="talk-heading"' in page
    # Another workshop sees the open job on its board — never the note.
    other_job = make_job("laptop", pickup_details="Hemmelig note")
    other = factories.MembershipFactory(workshop__categories=["laptop"]).user
    assert "Hemmelig note" not in browser_of(other).get(f"/workshop/jobs/{other_job.pk}/").content.decode()
    my_page = browser_of(donor).get("/profile/").content.decode()
    assert f"/repairs/{job.pk}/messages/" in my_page


def test_the_donor_writes_from_their_page_in_danish_and_english():
    job, donor, _member = held_job()
    client = browser_of(donor)
    response = client.post(f"/repairs/{job.pk}/messages/", {"body": "Hej fra donoren"})
    assert response.status_code == 302
    page = client.get(f"/repairs/{job.pk}/messages/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Hej fra donoren" in page
    assert "Beskeder mellem donoren og værkstedet" in page
    response = client.post(f"/repairs/{job.pk}/messages/", {"body": " "})
    assert response.status_code == 400
    assert Message.objects.count() == 1


def _sold_repaired_job(*, wiped: bool):  # type: ignore[no-untyped-def]
    job, donor, member = held_job()
    repairs.job_start(job=job, actor=member)
    if wiped:
        now = timezone.now()
        repairs.datawipe_create(
            job=job, actor=member, serial_number="SN1", model="SSD", size_gb=Decimal(128), nist_level="purge",
            technique="nvme_sanitize", tool="nvme-cli 2.8", verified=True, result="success",
            started_at=now - timedelta(minutes=30), finished_at=now,
        )  # fmt: skip
    else:
        repairs.job_mark_no_storage(job=job, actor=member)
    repairs.job_complete(job=job, actor=member, outcome="fixed")
    listing = job_publish_on_sale(
        job=job, actor=member, title="Istandsat bærbar", description="", price_dkk=Decimal(900), condition="good"
    )
    buyer = factories.UserFactory()
    reservation = trade.reservation_create(listing=listing, buyer=buyer)
    trade.reservation_confirm(reservation=reservation, actor=member)
    trade.reservation_complete(reservation=reservation, actor=member)
    return job, donor, buyer


def test_the_donor_hears_that_the_wiped_device_found_a_new_home_with_its_certificate():
    job, donor, buyer = _sold_repaired_job(wiped=True)
    note = Notification.objects.get(user=donor, kind="donation_new_home")
    assert note.url == f"/api/v1/repair-jobs/{job.pk}/certificate/"
    assert f"/api/v1/repair-jobs/{job.pk}/certificate/" in note.body
    assert buyer.display_name not in note.body
    assert client_for(donor).get(note.url).status_code == 200


def test_a_donation_without_storage_is_told_too_without_a_certificate():
    job, donor, _buyer = _sold_repaired_job(wiped=False)
    note = Notification.objects.get(user=donor, kind="donation_new_home")
    assert "certificate" not in note.url and note.url == f"/repairs/{job.pk}/messages/"
    assert browser_of(donor).get(note.url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_at_once_open_one_conversation():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    job, donor, member = held_job()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(user, body):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            trade.job_message_send(job=job, sender=user, body=body)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()  # (each thread's own connection)

    threads = [threading.Thread(target=write, args=(u, b)) for u, b in ((donor, "Hej"), (member, "Goddag"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Conversation.objects.filter(repair_job=job).count() == 1
    assert Message.objects.count() == 2


def test_the_donors_data_export_holds_the_job_conversation():
    from privacy.export import user_export

    job, donor, member = held_job()
    trade.job_message_send(job=job, sender=member, body="Vi henter den torsdag")
    data = user_export(user=donor)
    talks = [c for c in data["conversations"] if c["repair_job"] == job.pk]
    assert [m["body"] for m in talks[0]["messages"]] == ["Vi henter den torsdag"]
    # Another resident's export does not.
    assert not [c for c in user_export(user=factories.UserFactory())["conversations"] if c["repair_job"]]
