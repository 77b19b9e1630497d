"""Conversations and messages between a buyer and the seller side; unread counts; batched emails;
notifications list."""

import pytest
from django.core import mail
from django.utils import translation

from core.errors import InvalidInput
from marketplace import services
from marketplace.models import MESSAGE_MAX_LENGTH, Conversation, Message
from marketplace.tasks import messages_notify
from notifications.models import Notification
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

CONVERSATIONS = "/api/v1/conversations/"


def start(user, listing, body="Er den stadig til salg?"):
    return client_for(user).post(CONVERSATIONS, {"listing": listing.pk, "body": body}, format="json")


def test_buyer_starts_one_conversation_per_listing_and_reuses_it():
    listing = ListingFactory()
    buyer = UserFactory()
    first = start(buyer, listing)
    assert first.status_code == 201, first.content
    second = start(buyer, listing, "Hallo?")
    assert second.json()["id"] == first.json()["id"]
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 2


def test_seller_cannot_start_a_conversation_with_themself():
    listing = ListingFactory()
    assert start(listing.seller, listing).status_code == 403


def test_nobody_can_write_about_an_item_donated_for_repair():
    """The donor handed it over; a conversation would put strangers in touch with them."""
    from django.test import Client

    from tests.factories import RepairJobFactory

    job = RepairJobFactory()
    listing = job.listing
    buyer = UserFactory()
    response = client_for(buyer).post(
        CONVERSATIONS, {"listing": listing.pk, "body": "Hvem har givet den?"}, format="json", HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "doneret til reparation" in response.json()["detail"]
    assert response.json()["type"].endswith("listing_closed_to_messages")
    assert Conversation.objects.count() == Message.objects.count() == 0
    # The page offers no message form, and a hand-made post is refused with the same words.
    page = Client()
    page.force_login(buyer)
    html = page.get(f"/listings/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert f"/listings/{listing.pk}/message/" not in html
    followed = page.post(f"/listings/{listing.pk}/message/", {"body": "Hej"}, follow=True, HTTP_ACCEPT_LANGUAGE="da")
    assert "doneret til reparation" in followed.content.decode()
    assert Conversation.objects.count() == 0


def test_unread_counts_and_reading_marks_read():
    listing = ListingFactory()
    buyer = UserFactory()
    conversation_id = start(buyer, listing).json()["id"]
    client_for(buyer).post(f"{CONVERSATIONS}{conversation_id}/messages/", {"body": "Kan jeg hente i dag?"})
    seller = client_for(listing.seller)
    listed = seller.get(CONVERSATIONS).json()["results"]
    assert [(c["id"], c["unread"], c["role"]) for c in listed] == [(conversation_id, 2, "seller")]
    assert client_for(buyer).get(CONVERSATIONS).json()["results"][0]["unread"] == 0
    messages = seller.get(f"{CONVERSATIONS}{conversation_id}/messages/").json()["results"]
    assert [m["body"] for m in messages] == ["Er den stadig til salg?", "Kan jeg hente i dag?"]
    assert seller.get(CONVERSATIONS).json()["results"][0]["unread"] == 0
    reply = seller.post(f"{CONVERSATIONS}{conversation_id}/messages/", {"body": "Ja, efter kl. 16."}, format="json")
    assert reply.status_code == 201
    assert client_for(buyer).get(CONVERSATIONS).json()["results"][0]["unread"] == 1


def test_only_the_two_parties_see_a_conversation():
    membership = MembershipFactory()
    listing = ListingFactory(workshop=membership.workshop)
    conversation_id = start(UserFactory(), listing).json()["id"]
    stranger = client_for(UserFactory())
    assert stranger.get(f"{CONVERSATIONS}{conversation_id}/messages/").status_code == 404
    assert stranger.post(f"{CONVERSATIONS}{conversation_id}/messages/", {"body": "hej"}).status_code == 404
    assert stranger.get(CONVERSATIONS).json()["results"] == []
    member = client_for(membership.user)  # a member of the selling workshop is on the seller side
    assert member.get(f"{CONVERSATIONS}{conversation_id}/messages/").status_code == 200


def test_empty_message_is_a_400():
    listing = ListingFactory()
    buyer = UserFactory()
    conversation_id = start(buyer, listing).json()["id"]
    response = client_for(buyer).post(f"{CONVERSATIONS}{conversation_id}/messages/", {"body": "   "}, format="json")
    assert response.status_code == 400


def test_a_message_longer_than_the_limit_is_refused_by_the_service_too():
    listing = ListingFactory()
    conversation, _message = services.conversation_start(listing=listing, buyer=UserFactory(), body="Hej")
    services.message_send(conversation=conversation, sender=conversation.started_by, body="x" * MESSAGE_MAX_LENGTH)
    with translation.override("da"), pytest.raises(InvalidInput) as refused:
        services.message_send(
            conversation=conversation, sender=conversation.started_by, body="x" * (MESSAGE_MAX_LENGTH + 1)
        )
    assert refused.value.errors == {"body": [f"En besked kan højst være på {MESSAGE_MAX_LENGTH} tegn."]}


def test_no_conversation_about_a_draft():
    listing = ListingFactory(status="draft")
    assert start(UserFactory(), listing).status_code == 404


def test_message_emails_are_batched_per_recipient():
    seller = UserFactory(language="en")
    listings = [ListingFactory(seller=seller, title=f"Lampe {i}") for i in range(2)]
    buyers = [UserFactory(), UserFactory()]
    for buyer, listing in zip(buyers, listings, strict=True):
        conversation_id = start(buyer, listing).json()["id"]
        client_for(buyer).post(f"{CONVERSATIONS}{conversation_id}/messages/", {"body": "Og en til"}, format="json")
    # The seller answers one buyer once.
    conversation = Conversation.objects.get(started_by=buyers[0])
    client_for(seller).post(f"{CONVERSATIONS}{conversation.pk}/messages/", {"body": "Hej!"}, format="json")
    assert messages_notify() == 2  # one mail to the seller (2 conversations, 4 messages), one to buyer 0
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {seller.email, buyers[0].email}
    seller_mail = by_recipient[seller.email]
    assert seller_mail.subject == "You have new messages on Kredsløb"
    assert "Lampe 0" in seller_mail.body and "Lampe 1" in seller_mail.body
    assert Notification.objects.filter(user=seller, kind="messages").count() == 1
    mail.outbox.clear()
    assert messages_notify() == 0  # nothing new: nobody is mailed twice
    assert mail.outbox == []


def test_read_messages_are_not_mailed():
    listing = ListingFactory()
    conversation_id = start(UserFactory(), listing).json()["id"]
    client_for(listing.seller).get(f"{CONVERSATIONS}{conversation_id}/messages/")
    assert messages_notify() == 0


def test_notifications_list_and_mark_read():
    user = UserFactory()
    from notifications.services import notification_send

    first = notification_send(user=user, kind="x", title="One", email=False)
    notification_send(user=user, kind="x", title="Two", email=False)
    notification_send(user=UserFactory(), kind="x", title="Not mine", email=False)
    client = client_for(user)
    assert [n["title"] for n in client.get("/api/v1/notifications/").json()["results"]] == ["Two", "One"]
    assert client.post("/api/v1/notifications/read/", {"ids": [first.pk]}, format="json").json() == {"marked_read": 1}
    assert [n["title"] for n in client.get("/api/v1/notifications/?unread=true").json()["results"]] == ["Two"]
    assert client.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked_read": 1}


@pytest.mark.parametrize("page_size", [1, 100])
def test_list_endpoints_cost_constant_queries(django_assert_max_num_queries, page_size):
    user = UserFactory()
    from notifications.services import notification_send

    for i in range(4):
        listing = ListingFactory()
        conversation_id = start(user, listing).json()["id"]
        client_for(listing.seller).post(f"{CONVERSATIONS}{conversation_id}/messages/", {"body": f"svar {i}"})
        notification_send(user=user, kind="x", title=f"n{i}", email=False)
    client = client_for(user)
    for url in (CONVERSATIONS, "/api/v1/notifications/", f"{CONVERSATIONS}{conversation_id}/messages/"):
        with django_assert_max_num_queries(6):
            response = client.get(f"{url}?page_size={page_size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, 4 if "messages" not in url else 2)


def test_a_workshop_listing_is_heard_by_every_current_member_and_not_by_one_who_left():
    from accounts.models import WorkshopMembership
    from marketplace import services as trade

    owner = MembershipFactory()
    workshop = owner.workshop
    staff = MembershipFactory(workshop=workshop, role="staff")
    leaver = MembershipFactory(workshop=workshop, role="staff")
    listing = ListingFactory(seller=leaver.user, workshop=workshop, title="Istandsat cykel")
    WorkshopMembership.objects.filter(pk=leaver.pk).delete()
    buyer = UserFactory()

    trade.reservation_create(listing=listing, buyer=buyer)
    told = set(Notification.objects.filter(kind="reservation_created").values_list("user_id", flat=True))
    assert told == {owner.user_id, staff.user_id}

    conversation_id = start(buyer, listing, "Hvornår kan jeg hente den?").json()["id"]
    assert messages_notify() == 2
    assert {m.to[0] for m in mail.outbox} == {owner.user.email, staff.user.email}
    # A member answers: the buyer hears it, the other members are not mailed about their colleague's answer.
    mail.outbox.clear()
    client_for(staff.user).post(f"{CONVERSATIONS}{conversation_id}/messages/", {"body": "I morgen"}, format="json")
    assert messages_notify() == 1
    assert [m.to[0] for m in mail.outbox] == [buyer.email]


def test_a_failed_mail_is_owed_by_its_notification_and_sent_by_the_sweep(settings, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from config.celery import app
    from notifications.tasks import notifications_sweep_run

    listing = ListingFactory()
    start(UserFactory(), listing)
    settings.EMAIL_BACKEND = "tests.mailbackends.AwayBackend"
    assert messages_notify() == 0
    # The message is dealt with; the seller's email is owed by their in-app notification.
    assert Message.objects.filter(notified_at__isnull=True).count() == 0
    owed = Notification.objects.get(kind="messages", user=listing.seller)
    assert owed.email_wanted and owed.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert messages_notify() == 0  # nothing new: the next run sends nothing twice
    app.conf.task_always_eager = True
    try:
        later = timezone.now() + timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_SECONDS + 1)
        with django_capture_on_commit_callbacks(execute=True):
            notifications_sweep_run(now=later)
    finally:
        app.conf.task_always_eager = False
    assert [m.to[0] for m in mail.outbox] == [listing.seller.email]
    assert "new messages" in mail.outbox[0].subject or "nye beskeder" in mail.outbox[0].subject


def test_seller_side_and_conversation_visibility_agree_in_every_form():
    """`listing_managed_by` (one listing), `listing_managed_by_q` (a filter), `listing_seller_side_users` (who
    hears) and `conversation_visible_to` / `conversations_for` are one rule each: for every person and every
    listing they give the same answer — also for a member who left and the publisher who left."""
    from accounts.models import WorkshopMembership
    from listings.models import Listing
    from listings.selectors import listing_managed_by, listing_managed_by_q, listing_seller_side_users
    from marketplace import services as trade
    from marketplace.selectors import conversation_visible_to, conversations_for

    owner = MembershipFactory()
    leaver = MembershipFactory(workshop=owner.workshop, role="staff")
    workshop_listing = ListingFactory(seller=leaver.user, workshop=owner.workshop)
    personal = ListingFactory(seller=owner.user)
    stranger, buyer = UserFactory(), UserFactory()
    conversations = [
        trade.conversation_start(listing=listing, buyer=buyer, body="Hej")[0]
        for listing in (workshop_listing, personal)
    ]
    WorkshopMembership.objects.filter(pk=leaver.pk).delete()
    people = [owner.user, leaver.user, stranger, buyer]
    for listing in Listing.objects.all():
        side = set(listing_seller_side_users(listing=listing))
        for person in people:
            managed = listing_managed_by(listing=listing, user=person)
            assert managed == Listing.objects.filter(listing_managed_by_q(user=person), pk=listing.pk).exists()
            assert managed == (person in side), (listing, person)
    for person in people:
        visible = set(conversations_for(user=person))
        for conversation in conversations:
            assert conversation_visible_to(conversation=conversation, user=person) == (conversation in visible)
    assert set(conversations_for(user=leaver.user)) == set()
    assert set(conversations_for(user=owner.user)) == set(conversations)


def test_a_member_who_left_can_no_longer_write_in_the_workshops_conversation():
    from accounts.models import WorkshopMembership
    from core.errors import NotFound
    from marketplace import services as trade

    member = MembershipFactory()
    listing = ListingFactory(seller=member.user, workshop=member.workshop)
    conversation, _ = trade.conversation_start(listing=listing, buyer=UserFactory(), body="Hej")
    WorkshopMembership.objects.filter(pk=member.pk).delete()
    with pytest.raises(NotFound):
        trade.message_send(conversation=conversation, sender=member.user, body="Jeg er her stadig")
    assert not Message.objects.filter(sender=member.user).exists()


def test_one_refused_member_neither_blocks_nor_repeats_the_message_mail_of_the_others(
    settings, django_capture_on_commit_callbacks
):
    """One message, three members of the selling workshop, one address refused by the mail server: the others
    are mailed once, never again on the next run; the refused one is left to the notifications' own retry."""
    from tests import mailbackends

    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingBackend"
    owner = MembershipFactory()
    refused = MembershipFactory(workshop=owner.workshop, role="staff")
    third = MembershipFactory(workshop=owner.workshop, role="staff")
    listing = ListingFactory(seller=owner.user, workshop=owner.workshop, title="Istandsat cykel")
    start(UserFactory(), listing, "Hvornår kan jeg hente den?")
    mailbackends.REFUSED.add(refused.user.email)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert messages_notify() == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert messages_notify() == 0
    finally:
        mailbackends.REFUSED.discard(refused.user.email)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.user.email, third.user.email])
    # The refused member still hears about it in the app, and the email is owed there (retried by the sweep).
    owed = Notification.objects.get(user=refused.user, kind="messages")
    assert owed.email_wanted and owed.emailed_at is None


def test_a_broken_address_in_one_batch_does_not_resend_the_others_mail(django_capture_on_commit_callbacks):
    from accounts.models import User

    good_seller, broken_seller = UserFactory(), UserFactory()
    User.objects.filter(pk=broken_seller.pk).update(email="ny@example.dk\nBcc: alle@example.dk")
    for seller in (good_seller, broken_seller):
        start(UserFactory(), ListingFactory(seller=seller), "Er den stadig til salg?")
    with django_capture_on_commit_callbacks(execute=True):
        messages_notify()
    with django_capture_on_commit_callbacks(execute=True):
        messages_notify()
    assert [m.to for m in mail.outbox] == [[good_seller.email]]
    assert Message.objects.filter(notified_at__isnull=True).count() == 0
