"""The pages' one way with a service's refusal (`frontend/refusals.py`): a message above the page the action came
from, the 404 page for what the person may not see, or the form again with the refusal beside its field."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import Role, WorkshopMembership
from listings.models import Listing, ListingStatus
from marketplace.models import Reservation
from tests import factories

pytestmark = pytest.mark.django_db


def english(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_refused_action_says_why_above_the_page_it_came_from():
    listing = factories.ListingFactory(status=ListingStatus.SOLD)
    client = english(listing.seller)
    response = client.post(f"/listings/{listing.pk}/withdraw/")
    assert response.status_code == 302
    assert response["Location"] == f"/listings/{listing.pk}/edit/"
    assert "A sold or hidden listing cannot be withdrawn." in text(client.get(response["Location"]))
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.SOLD


def test_a_refused_reservation_action_goes_back_where_it_was_asked_for():
    reservation = factories.ReservationFactory()
    client = english(reservation.buyer)  # only the seller side may record the hand-over
    from_my_page = client.post(f"/reservations/{reservation.pk}/complete/", {"next": "my-page"})
    assert from_my_page["Location"] == "/profile/"
    from_the_listing = client.post(f"/reservations/{reservation.pk}/complete/")
    assert from_the_listing["Location"] == reservation.listing.get_absolute_url()
    assert Reservation.objects.get(pk=reservation.pk).status == reservation.status


def test_what_the_person_may_not_see_is_the_404_page_not_a_message():
    reservation = factories.ReservationFactory()
    client = english(factories.UserFactory())
    assert client.post(f"/reservations/{reservation.pk}/cancel/").status_code == 404
    draft = factories.ListingFactory(status=ListingStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    search = factories.UserFactory().saved_searches.create(name="Cykler", query={"q": "cykel"})
    assert client.post(f"/saved-searches/{search.pk}/delete/").status_code == 404


def test_a_form_shows_the_services_refusal_beside_its_field():
    workshop = factories.WorkshopFactory()
    owner = factories.MembershipFactory(workshop=workshop, role=Role.OWNER).user
    member = factories.MembershipFactory(workshop=workshop).user
    response = english(owner).post(
        f"/workshop/{workshop.slug}/manage/", {"form": "member", "email": member.email, "role": "staff"}
    )
    assert response.status_code == 400
    assert list(response.context["member_form"].errors) == ["email"]
    error = response.context["member_form"].errors["email"][0]
    assert "already a member" in error and member.display_name not in error  # nobody's name for an email
    assert WorkshopMembership.objects.filter(workshop=workshop, user=member).count() == 1
