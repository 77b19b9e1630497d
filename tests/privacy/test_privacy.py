"""GET /me/export/ and DELETE /me/: a person's data out, and their account gone without breaking others."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from listings.models import Listing, ListingStatus
from marketplace.models import Conversation, Message
from repairs.models import RepairJob
from tests.conftest import client_for
from tests.factories import PASSWORD, ListingFactory, RepairJobFactory, ReservationFactory, UserFactory

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
