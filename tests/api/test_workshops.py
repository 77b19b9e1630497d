"""Workshops API: public list, apply (unverified, caller owner), profile with impact, members, categories."""

from __future__ import annotations

import pytest

from accounts.models import Workshop, WorkshopMembership
from tests import factories
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/workshops/"


def apply(client, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "name": "Cykelværkstedet Øst",
        "cvr": "12345678",
        "address": "Tornhøjcentret 1, 9220 Aalborg Øst",
        "description": "Vi reparerer cykler.",
        "categories": ["bicycle"],
    }
    body.update(overrides)
    return client.post(API, body, format="json")


def test_applying_creates_an_unverified_workshop_owned_by_the_caller(user):
    response = apply(client_for(user))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verified"] is False
    assert body["slug"] == "cykelvaerkstedet-oest"
    assert body["categories"] == ["bicycle"]
    assert body["impact"]["jobs_completed"] == 0
    membership = WorkshopMembership.objects.get(workshop__slug=body["slug"])
    assert (membership.user, membership.role) == (user, "owner")


def test_slugs_stay_unique_for_equal_names(user):
    first = apply(client_for(user)).json()["slug"]
    second = apply(client_for(user)).json()["slug"]
    assert (first, second) == ("cykelvaerkstedet-oest", "cykelvaerkstedet-oest-2")


@pytest.mark.parametrize("cvr", ["1234567", "123456789", "1234567a", ""])
def test_cvr_must_be_eight_digits(user, cvr):
    response = apply(client_for(user), cvr=cvr)
    assert response.status_code == 400
    assert "cvr" in response.json()["errors"]
    assert not Workshop.objects.exists()


def test_unknown_category_is_a_400(user):
    response = apply(client_for(user), categories=["bicycle", "rocket"])
    assert response.status_code == 400
    assert "rocket" in response.json()["errors"]["categories"][0]
    assert not Workshop.objects.exists()


def test_a_parent_category_stands_for_its_leaves(user):
    body = apply(client_for(user), categories=["cykler", "moebler"]).json()
    assert body["categories"] == ["bicycle", "furniture"]


def test_applying_needs_authentication(api_client):
    assert apply(api_client).status_code == 401


def test_public_list_and_profile(api_client):
    workshop = factories.WorkshopFactory(categories=["bicycle"])
    listing = api_client.get(API).json()
    assert listing["results"] == [
        {"slug": workshop.slug, "name": workshop.name, "verified": True, "categories": ["bicycle"]}
    ]
    profile = api_client.get(f"{API}{workshop.slug}/").json()
    assert profile["cvr"] == workshop.cvr
    assert set(profile["impact"]) >= {"jobs_completed", "waste_prevented_kg", "co2e_avoided_kg", "hours_worked"}
    assert api_client.get(f"{API}nope/").status_code == 404


def test_owner_sets_the_categories_handled_and_staff_cannot():
    owner = factories.MembershipFactory(role="owner")
    staff = factories.MembershipFactory(workshop=owner.workshop, role="staff")
    path = f"{API}{owner.workshop.slug}/"
    response = client_for(owner.user).patch(path, {"categories": ["tablet", "laptop"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["categories"] == ["laptop", "tablet"]
    response = client_for(staff.user).patch(path, {"categories": []}, format="json")
    assert response.status_code == 403
    assert owner.workshop.categories.count() == 2


def test_owner_adds_a_member_by_email():
    owner = factories.MembershipFactory(role="owner")
    newcomer = factories.UserFactory(email="ny@example.dk")
    path = f"{API}{owner.workshop.slug}/members/"
    response = client_for(owner.user).post(path, {"email": "NY@example.dk", "role": "staff"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "staff"
    assert WorkshopMembership.objects.filter(workshop=owner.workshop, user=newcomer, role="staff").exists()
    response = client_for(owner.user).post(path, {"email": "ny@example.dk", "role": "owner"}, format="json")
    assert response.status_code == 409
    assert "allerede medlem" in response.json()["detail"]


def test_adding_an_unknown_email_is_a_clear_404():
    owner = factories.MembershipFactory(role="owner")
    path = f"{API}{owner.workshop.slug}/members/"
    response = client_for(owner.user).post(
        path, {"email": "ingen@example.dk"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert "register first" in response.json()["detail"]


def test_only_owners_add_members():
    staff = factories.MembershipFactory(role="staff")
    other = factories.UserFactory()
    path = f"{API}{staff.workshop.slug}/members/"
    assert client_for(staff.user).post(path, {"email": other.email}, format="json").status_code == 403
    assert client_for(other).post(path, {"email": other.email}, format="json").status_code == 403
    assert not WorkshopMembership.objects.filter(user=other).exists()
