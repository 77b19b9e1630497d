"""GET /me/export/ and DELETE /me/: a person's data out, and their account gone without breaking others."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from listings.models import Listing, ListingStatus
from marketplace.models import Conversation, Message
from repairs.models import RepairJob
from tests.factories import PASSWORD, ListingFactory, RepairJobFactory, ReservationFactory, UserFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_export_holds_my_data_and_nobody_elses(user):
    mine = ListingFactory(seller=user, title="Min egen lampe")
    ListingFactory(title="Naboens cykel")
    ReservationFactory(buyer=user)
    response = client_for(user).get("/api/v1/me/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["profile"]["email"] == user.email
    assert [listing["title"] for listing in data["listings"]] == [mine.title]
    assert len(data["reservations"]) == 1
    assert "Naboens cykel" not in response.content.decode()


def test_export_needs_login(api_client):
    assert api_client.get("/api/v1/me/export/").status_code == 401


def test_deleting_my_account_withdraws_listings_and_keeps_others_messages_and_impact(user):
    active = ListingFactory(seller=user)
    job = RepairJobFactory(listing__seller=user)
    buyer = UserFactory()
    conversation = Conversation.objects.create(listing=active, started_by=buyer)
    Message.objects.create(conversation=conversation, sender=user, body="Den kan hentes i aften")
    Message.objects.create(conversation=conversation, sender=buyer, body="Tak!")
    client = client_for(user)

    assert client.delete("/api/v1/me/").status_code == 204

    active.refresh_from_db()
    assert active.status == ListingStatus.WITHDRAWN
    user.refresh_from_db()
    assert not user.is_active and user.display_name == "" and user.area == ""
    assert user.email.endswith("@deleted.invalid")
    assert authenticate(RequestFactory().post("/login/"), username=user.email, password=PASSWORD) is None
    # The buyer still reads the conversation; the sender carries no name any more.
    texts = list(conversation.messages.values_list("body", "sender__display_name"))
    assert texts == [("Den kan hentes i aften", ""), ("Tak!", buyer.display_name)]
    # The repair job stays (impact), with no personal data on the person.
    assert RepairJob.objects.filter(pk=job.pk).exists()
    # The old token no longer works.
    assert client.get("/api/v1/me/").status_code == 401


def test_deleting_my_account_deletes_the_photos_of_my_withdrawn_listings(
    user, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.core.files.base import ContentFile

    from listings import photos, pipeline
    from listings.models import Photo
    from tests.listings import imagegen

    def photo(listing):  # type: ignore[no-untyped-def]
        made = photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
        pipeline.photo_process(photo_id=made.pk)
        return made

    for_sale = photo(ListingFactory(seller=user))
    sold = photo(ListingFactory(seller=user))  # photographed while for sale, then sold (a sold one is frozen)
    Listing.objects.filter(pk=sold.listing_id).update(status=ListingStatus.SOLD)
    donated = photo(RepairJobFactory(listing__seller=user).listing)
    neighbour = photo(ListingFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(user).delete("/api/v1/me/").status_code == 204
    assert not Photo.objects.filter(pk=for_sale.pk).exists()
    assert set(Photo.objects.values_list("pk", flat=True)) == {sold.pk, donated.pk, neighbour.pk}
    folders = {p.parent.name for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()}
    assert folders == {str(p.listing_id) for p in (sold, donated, neighbour)}


def test_after_deletion_the_email_can_register_again(api_client, user):
    email = user.email
    client_for(user).delete("/api/v1/me/")
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": email, "password": "nyt-liv-i-9220-igen", "display_name": "Ny"},
        format="json",
    )
    assert response.status_code == 201


def test_export_holds_what_i_wrote_for_a_workshop_but_not_the_buyers_words():
    from marketplace import services as trade
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    listing = ListingFactory(seller=MembershipFactory(workshop=membership.workshop).user, workshop=membership.workshop)
    conversation, _ = trade.conversation_start(listing=listing, buyer=UserFactory(), body="Købers hemmelighed")
    trade.message_send(conversation=conversation, sender=membership.user, body="Værkstedets svar")
    data = client_for(membership.user).get("/api/v1/me/export/").json()
    assert [m["body"] for m in data["other_messages_sent"]] == ["Værkstedets svar"]
    assert data["messages_sent"] == 1
    assert "Købers hemmelighed" not in str(data)


# --- What the export holds: the person's data, as far as the rules still let them see it (issue 11, item 3) ---

PICKUP = "Bagdøren, kode 4711"


def _workshop_listing_answered_by(member, *, title="Istandsat cykel", status=ListingStatus.ACTIVE):
    """A listing `member` published for their workshop, a buyer's question and the member's answer."""
    from marketplace import services as trade

    listing = ListingFactory(
        seller=member.user, workshop=member.workshop, title=title, pickup_details=PICKUP, status=status
    )
    buyer = UserFactory()
    conversation, _ = trade.conversation_start(listing=listing, buyer=buyer, body="Købers første spørgsmål")
    trade.message_send(conversation=conversation, sender=member.user, body="Medlemmets svar")
    return listing, conversation, buyer


def test_a_member_who_left_the_workshop_exports_neither_its_conversations_nor_its_pickup_details():
    from accounts.models import WorkshopMembership
    from marketplace import services as trade
    from tests.factories import MembershipFactory

    member = MembershipFactory(role="staff")
    listing, conversation, buyer = _workshop_listing_answered_by(member)
    draft = ListingFactory(
        seller=member.user, workshop=member.workshop, title="Værkstedets kladde", status=ListingStatus.DRAFT
    )
    client = client_for(member.user)
    # While a member, the publisher sees the conversation and the pickup details, and so does the export.
    before = client.get("/api/v1/me/export/").json()
    assert [c["id"] for c in before["conversations"]] == [conversation.pk]
    assert PICKUP in str(before)

    WorkshopMembership.objects.filter(pk=member.pk).delete()
    trade.message_send(conversation=conversation, sender=buyer, body="Købers nye besked efter")

    # The API no longer shows them the conversation: neither does the export, old messages or new.
    assert client.get(f"/api/v1/conversations/{conversation.pk}/messages/").status_code == 404
    assert client.get(f"/api/v1/listings/{draft.pk}/").status_code == 404
    data = client.get("/api/v1/me/export/").json()
    text = str(data)
    assert data["conversations"] == []
    assert "Købers første spørgsmål" not in text
    assert "Købers nye besked efter" not in text
    assert PICKUP not in text
    assert "Værkstedets kladde" not in text  # a listing they may no longer see
    # What they wrote stays theirs, and the export still says which listings they published for the workshop.
    assert [m["body"] for m in data["other_messages_sent"]] == ["Medlemmets svar"]
    assert {row["id"] for row in data["listings_published_for_former_workshops"]} == {listing.pk, draft.pk}
    assert data["listings"] == []


def test_the_export_holds_exactly_the_conversations_of_mine_the_api_shows_me():
    """Buyer, seller of a personal listing, publisher for a workshop: the export's conversations are the ones
    `marketplace.selectors.conversations_for` lets the person see, where they are the buyer or the seller."""
    from marketplace import services as trade
    from tests.factories import MembershipFactory

    member = MembershipFactory()
    _workshop_listing_answered_by(member)
    colleague_listing = ListingFactory(
        seller=MembershipFactory(workshop=member.workshop).user, workshop=member.workshop
    )
    trade.conversation_start(listing=colleague_listing, buyer=UserFactory(), body="Til en kollega")
    own = ListingFactory(seller=member.user)
    trade.conversation_start(listing=own, buyer=UserFactory(), body="Om min egen lampe")
    trade.conversation_start(listing=ListingFactory(), buyer=member.user, body="Jeg køber")

    client = client_for(member.user)
    seen = {c["id"]: c for c in client.get("/api/v1/conversations/").json()["results"]}
    exported = {c["id"] for c in client.get("/api/v1/me/export/").json()["conversations"]}
    # Everything exported is visible to them; what is left out is a colleague's conversation, not theirs.
    assert exported <= set(seen)
    assert set(seen) - exported == {c.pk for c in Conversation.objects.filter(listing=colleague_listing)}


def test_a_reservation_in_the_export_carries_pickup_details_only_once_the_seller_confirmed(user):
    from marketplace import services as trade

    pending = ReservationFactory(buyer=user, listing__pickup_details="Ventende afhentning")
    confirmed = ReservationFactory(buyer=user, listing__pickup_details="Bekræftet afhentning")
    trade.reservation_confirm(reservation=confirmed, actor=confirmed.listing.seller)
    rows = {r["id"]: r for r in client_for(user).get("/api/v1/me/export/").json()["reservations"]}
    assert rows[confirmed.pk]["pickup_details"] == "Bekræftet afhentning"
    assert rows[pending.pk]["pickup_details"] is None


def test_export_holds_my_organisation_memberships_and_not_others(user):
    from tests.donations.helpers import organisation, valid_cvr

    mine = organisation(member=user, name="Nordjysk Revision ApS")
    organisation(name="Andres Boligforening", cvr=valid_cvr(7654321))
    data = client_for(user).get("/api/v1/me/export/").json()
    assert [(row["organisation__slug"], row["role"]) for row in data["organisations"]] == [(mine.slug, "owner")]
    assert "Andres Boligforening" not in str(data)
