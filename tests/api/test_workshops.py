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


def test_unverified_workshops_are_seen_by_their_members_and_moderators_only(api_client):
    """An application (CVR number and address not yet checked) is not public: list, profile, changes, invitations,
    impact and ORDS filters all answer as if it did not exist — except to its members and moderators."""
    verified = factories.WorkshopFactory(name="Godkendt")
    applicant = factories.MembershipFactory(role="owner", workshop__verified=False, workshop__name="Ansøger")
    unverified = applicant.workshop
    moderator = factories.UserFactory(is_staff=True)
    path = f"{API}{unverified.slug}/"

    def slugs(client):  # type: ignore[no-untyped-def]
        return {w["slug"] for w in client.get(API).json()["results"]}

    assert slugs(api_client) == slugs(client_for(factories.UserFactory())) == {verified.slug}
    assert slugs(client_for(applicant.user)) == slugs(client_for(moderator)) == {verified.slug, unverified.slug}
    for client in (api_client, client_for(factories.UserFactory())):
        assert client.get(path).status_code == 404
        for url in (
            f"/api/v1/impact/?workshop={unverified.slug}",
            f"/api/v1/exports/ords.csv?workshop={unverified.slug}",
        ):
            assert client.get(url).status_code == 400, url
    other = client_for(factories.UserFactory())
    assert other.patch(path, {"description": "x"}, format="json").status_code == 404
    assert other.post(f"{path}members/", {"email": "x@example.dk"}, format="json").status_code == 404
    response = client_for(applicant.user).get(path)
    assert response.status_code == 200
    assert response.json()["cvr"] == unverified.cvr
    assert client_for(moderator).get(path).status_code == 200
    assert client_for(applicant.user).get(f"/api/v1/impact/?workshop={unverified.slug}").status_code == 200
