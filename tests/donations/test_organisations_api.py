"""Organisations API: register (CVR with the modulus-11 check), verify, read, change, invite members."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Organisation, OrganisationInvitation, OrganisationMembership
from accounts.organisations import organisation_invitation_accept
from tests import factories
from tests.donations.helpers import organisation, valid_cvr
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/organisations/"


def register(client, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "name": "Nordjysk Revision ApS",
        "cvr": valid_cvr(),
        "address": "Boulevarden 1, 9000 Aalborg",
        "kind": "company",
        "may_be_named": True,
    }
    body.update(overrides)
    return client.post(API, body, format="json")


def test_registering_makes_an_unverified_organisation_owned_by_the_caller():
    user = factories.UserFactory()
    response = register(client_for(user))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["verified"], body["kind"]) == ("nordjysk-revision-aps", False, "company")
    assert OrganisationMembership.objects.get(organisation__slug=body["slug"]).user == user


@pytest.mark.parametrize("cvr", ["12345678", "1234567", "abcdefgh", "123456789"])
def test_a_cvr_that_fails_the_check_is_refused_in_danish_and_english(cvr):
    user = factories.UserFactory()
    response = register(client_for(user), cvr=cvr)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "cvr" in response.json()["errors"]
    danish = client_for(user).post(
        API, {"name": "X", "cvr": cvr, "address": "Y", "kind": "company"}, format="json", HTTP_ACCEPT_LANGUAGE="da"
    )
    assert "CVR" in danish.json()["errors"]["cvr"][0]
    assert not Organisation.objects.exists()


def test_an_unknown_kind_is_a_400():
    response = register(client_for(factories.UserFactory()), kind="church")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_only_members_and_moderators_see_an_organisation():
    org = organisation()
    url = f"{API}{org.slug}/"
    member = org.members.get()
    assert client_for(member).get(url).status_code == 200
    assert client_for(factories.UserFactory(is_staff=True)).get(url).status_code == 200
    assert client_for(factories.UserFactory()).get(url).status_code == 404
    assert APIClient().get(url).status_code == 401
    assert client_for(factories.UserFactory()).get(API).json()["results"] == []


def test_the_owner_changes_the_consent_and_a_new_cvr_needs_a_new_verification():
    org = organisation()
    owner = org.members.get()
    response = client_for(owner).patch(f"{API}{org.slug}/", {"may_be_named": True}, format="json")
    assert response.status_code == 200
    assert response.json()["may_be_named"] is True
    assert response.json()["verified"] is True
    response = client_for(owner).patch(f"{API}{org.slug}/", {"cvr": valid_cvr(7654321)}, format="json")
    assert response.status_code == 200
    assert response.json()["verified"] is False


def test_a_staff_member_may_not_change_the_organisation():
    org = organisation()
    staff = factories.UserFactory()
    OrganisationMembership.objects.create(organisation=org, user=staff, role="staff")
    response = client_for(staff).patch(f"{API}{org.slug}/", {"name": "Andet"}, format="json")
    assert response.status_code == 403


def test_verify_organisation_command():
    org = organisation(verified=False)
    call_command("verify_organisation", org.slug)
    org.refresh_from_db()
    assert org.verified and org.verified_at is not None


def test_members_join_by_invitation_only_once_verified():
    org = organisation(verified=False)
    owner = org.members.get()
    url = f"{API}{org.slug}/members/"
    response = client_for(owner).post(url, {"email": "kollega@example.dk"}, format="json")
    assert response.status_code == 409
    assert response.json()["type"].endswith("organisation_not_verified")
    call_command("verify_organisation", org.slug)
    response = client_for(owner).post(url, {"email": "Kollega@example.dk"}, format="json")
    assert response.status_code == 202, response.content
    assert len(mail.outbox) == 1
    token = mail.outbox[0].body.split("/organisations/invitations/")[1].split("/")[0]
    someone_else = factories.UserFactory()
    assert client_for(someone_else).post(f"/api/v1/organisation-invitations/{token}/accept/").status_code == 403
    colleague = factories.UserFactory(email="kollega@example.dk")
    response = client_for(colleague).post(f"/api/v1/organisation-invitations/{token}/accept/")
    assert response.status_code == 201
    assert org.members.filter(pk=colleague.pk).exists()
    assert client_for(colleague).post(f"/api/v1/organisation-invitations/{token}/accept/").status_code == 409
    with pytest.raises(Exception):  # noqa: B017 - the link works once
        organisation_invitation_accept(token=token, user=colleague)


def test_an_invitation_can_be_declined_by_the_invited_address_only_once():
    org = organisation()
    owner = org.members.get()
    invite = client_for(owner).post(f"{API}{org.slug}/members/", {"email": "nej@example.dk"}, format="json")
    assert invite.status_code == 202
    token = mail.outbox[-1].body.split("/organisations/invitations/")[1].split("/")[0]
    url = f"/api/v1/organisation-invitations/{token}/decline/"
    assert client_for(factories.UserFactory()).post(url).status_code == 403
    invited = factories.UserFactory(email="nej@example.dk")
    response = client_for(invited).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["organisation"] == org.slug and response.json()["declined_at"]
    assert not org.members.filter(pk=invited.pk).exists()
    assert client_for(invited).post(url).status_code == 409  # answered: the link stops working
    assert client_for(invited).post(f"/api/v1/organisation-invitations/{token}/accept/").status_code == 409
    # Invited again, the new link works.
    client_for(owner).post(f"{API}{org.slug}/members/", {"email": "nej@example.dk"}, format="json")
    again = mail.outbox[-1].body.split("/organisations/invitations/")[1].split("/")[0]
    assert client_for(invited).post(f"/api/v1/organisation-invitations/{again}/accept/").status_code == 201


def test_the_invitation_page_declines():
    from django.test import Client

    org = organisation()
    client_for(org.members.get()).post(f"{API}{org.slug}/members/", {"email": "nej@example.dk"}, format="json")
    token = mail.outbox[-1].body.split("/organisations/invitations/")[1].split("/")[0]
    invited = factories.UserFactory(email="nej@example.dk")
    page = Client(HTTP_ACCEPT_LANGUAGE="da")
    page.force_login(invited)
    assert "Nej tak" in page.get(f"/organisations/invitations/{token}/").content.decode()
    response = page.post(f"/organisations/invitations/{token}/", {"action": "decline"})
    assert response.status_code == 302
    assert not org.members.filter(pk=invited.pk).exists()
    assert OrganisationInvitation.objects.get(email="nej@example.dk").declined_at is not None
