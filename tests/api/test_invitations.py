"""Joining a workshop is an invitation the person accepts (accounts.invitations): inviting reveals nothing about
accounts, only owners of verified workshops invite, and only the invited address accepts — once, in time."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User, WorkshopInvitation, WorkshopMembership
from tests import factories
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"


def invite(owner, workshop, email: str, role: str = "staff", **extra):  # type: ignore[no-untyped-def]
    return client_for(owner).post(
        f"{API}/workshops/{workshop.slug}/members/", {"email": email, "role": role}, format="json", **extra
    )


def token_from(message) -> str:  # type: ignore[no-untyped-def]
    """The token of the invitation link in a mail."""
    match = re.search(r"https?://[^/\s]+/invitations/([A-Za-z0-9_-]+)/", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def owner():  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(role="owner", workshop__name="Cykelsmeden")


def test_inviting_answers_the_same_whether_or_not_the_address_has_an_account(owner):
    factories.UserFactory(email="nina@example.dk", display_name="Nina Nabo")
    known = invite(owner.user, owner.workshop, "Nina@Example.dk")
    unknown = invite(owner.user, owner.workshop, "ingen@example.dk")
    assert (known.status_code, unknown.status_code) == (202, 202)
    strip = {"email", "expires_at"}
    assert {k: v for k, v in known.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }
    assert "Nina Nabo" not in known.content.decode()
    assert set(known.json()) == {"workshop", "email", "role", "expires_at"}
    # Nobody joined; each address got its link by mail.
    assert not WorkshopMembership.objects.filter(user__email="nina@example.dk").exists()
    assert [m.to for m in mail.outbox] == [["nina@example.dk"], ["ingen@example.dk"]]
    assert all("Cykelsmeden" in m.body and "\n" not in m.subject for m in mail.outbox)
    assert token_from(mail.outbox[0]) != token_from(mail.outbox[1])


def test_the_invited_person_accepts_logged_in_with_that_address(owner):
    invitee = factories.UserFactory(email="nina@example.dk")
    invite(owner.user, owner.workshop, "nina@example.dk", role="owner")
    token = token_from(mail.outbox[0])
    accept = f"{API}/invitations/{token}/accept/"
    assert APIClient().post(accept).status_code == 401
    someone = client_for(factories.UserFactory())
    response = someone.post(accept, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "another email address" in response.json()["detail"]
    assert APIClient().get(f"{API}/invitations/{token}/").json()["status"] == "open"
    response = client_for(invitee).post(accept)
    assert response.status_code == 200, response.content
    assert response.json() == {"workshop": {"slug": owner.workshop.slug, "name": "Cykelsmeden"}, "role": "owner"}
    assert WorkshopMembership.objects.filter(workshop=owner.workshop, user=invitee, role="owner").exists()
    # A link works once.
    assert client_for(invitee).post(accept).status_code == 409
    assert client_for(invitee).post(f"{API}/invitations/{token}/decline/").status_code == 409
    assert APIClient().get(f"{API}/invitations/{token}/").json()["status"] == "accepted"


def test_someone_without_an_account_signs_up_with_the_address_and_accepts(owner):
    invite(owner.user, owner.workshop, "ny@example.dk")
    token = token_from(mail.outbox[0])
    response = APIClient().post(
        f"{API}/auth/register/",
        {"email": "ny@example.dk", "password": "en-lang-adgangskode-9220", "display_name": "Ny"},
        format="json",
    )
    assert response.status_code == 201
    newcomer = User.objects.get(email="ny@example.dk")
    assert client_for(newcomer).post(f"{API}/invitations/{token}/accept/").status_code == 200
    assert WorkshopMembership.objects.filter(workshop=owner.workshop, user=newcomer, role="staff").exists()


@pytest.mark.parametrize(("language", "text"), [("da", "godkendt"), ("en", "verified")])
def test_an_unverified_workshop_cannot_invite(language, text):
    owner = factories.MembershipFactory(role="owner", workshop__verified=False)
    response = invite(owner.user, owner.workshop, "nina@example.dk", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert text in response.json()["detail"]
    assert not WorkshopInvitation.objects.exists()
    assert mail.outbox == []


def test_only_owners_invite(owner):
    staff = factories.MembershipFactory(workshop=owner.workshop, role="staff")
    for user in (staff.user, factories.UserFactory()):
        assert invite(user, owner.workshop, "nina@example.dk").status_code == 403
    assert (
        APIClient().post(f"{API}/workshops/{owner.workshop.slug}/members/", {"email": "n@example.dk"}).status_code
        == 401
    )
    assert not WorkshopInvitation.objects.exists()
    assert mail.outbox == []


def test_a_member_is_not_invited_again(owner):
    member = factories.MembershipFactory(workshop=owner.workshop, role="staff")
    response = invite(owner.user, owner.workshop, member.user.email.upper())
    assert response.status_code == 409
    assert mail.outbox == []


def test_an_expired_or_declined_invitation_is_refused(owner):
    invitee = factories.UserFactory(email="nina@example.dk")
    invite(owner.user, owner.workshop, "nina@example.dk")
    token = token_from(mail.outbox[-1])
    WorkshopInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_for(invitee).post(f"{API}/invitations/{token}/accept/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "expired" in response.json()["detail"]
    invite(owner.user, owner.workshop, "nina@example.dk")  # a new invitation replaces the old one…
    assert client_for(invitee).post(f"{API}/invitations/{token}/accept/").status_code == 404  # …and its link
    token = token_from(mail.outbox[-1])
    decline = f"{API}/invitations/{token}/decline/"
    assert APIClient().post(decline).status_code == 401
    assert client_for(factories.UserFactory()).post(decline).status_code == 403  # only the invited address answers
    assert client_for(invitee).post(decline).json()["status"] == "declined"
    assert client_for(invitee).post(f"{API}/invitations/{token}/accept/").status_code == 409
    assert not WorkshopMembership.objects.filter(user=invitee).exists()


def test_the_token_is_stored_only_as_a_hash(owner):
    invite(owner.user, owner.workshop, "nina@example.dk")
    token = token_from(mail.outbox[0])
    invitation = WorkshopInvitation.objects.get()
    assert token not in str(list(WorkshopInvitation.objects.values()))
    assert len(token) >= 40 and invitation.token_hash != token


def test_an_unknown_link_is_404():
    user = factories.UserFactory()
    assert APIClient().get(f"{API}/invitations/nope/").status_code == 404
    assert client_for(user).post(f"{API}/invitations/{'x' * 43}/accept/").status_code == 404


def test_a_mail_that_cannot_be_sent_leaves_no_invitation(monkeypatch, owner):
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise SMTPException("mail server down")

    monkeypatch.setattr("accounts.invitations.send_mail", refuse)
    response = invite(owner.user, owner.workshop, "nina@example.dk")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert not WorkshopInvitation.objects.exists()


def test_invitations_are_throttled_per_owner(settings, owner):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "invite": "2/hour"},
    }
    statuses = [invite(owner.user, owner.workshop, f"p{i}@example.dk").status_code for i in range(3)]
    assert statuses == [202, 202, 429]
    assert len(mail.outbox) == 2


@pytest.mark.postgres
def test_postgres_one_invitation_accepted_at_once_makes_one_membership(transactional_db):
    owner = factories.MembershipFactory(role="owner")
    invitee = factories.UserFactory(email="nina@example.dk")
    invite(owner.user, owner.workshop, "nina@example.dk")
    token = token_from(mail.outbox[0])
    clients = [client_for(invitee) for _ in range(8)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(client):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            status = client.post(f"{API}/invitations/{token}/accept/").status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [200] + [409] * 7
    assert WorkshopMembership.objects.filter(user=invitee).count() == 1


def test_deleting_an_account_deletes_the_invitations_to_its_address(owner):
    invitee = factories.UserFactory(email="nina@example.dk")
    invite(owner.user, owner.workshop, "nina@example.dk")
    assert client_for(invitee).delete(f"{API}/me/").status_code == 204
    assert not WorkshopInvitation.objects.filter(email="nina@example.dk").exists()
