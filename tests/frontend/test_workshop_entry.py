"""The way into the workshop pages (issue 15): the board is in the menu, shows open jobs first with the item's
photo; someone who is not (yet) a member of a verified workshop reads what happens next instead of a bare
"403 Forbidden"; anyone may apply as a workshop from the site, and the moderators hear of it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import Role, Workshop, WorkshopMembership
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def danish(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(user)
    return client


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_board_is_in_the_menu_and_shows_the_items_photo():
    workshop = factories.WorkshopFactory()
    staff = factories.MembershipFactory(workshop=workshop, role=Role.STAFF).user
    job = factories.RepairJobFactory(listing__title="Bærbar med foto")
    photo = factories.PhotoFactory(listing=job.listing)
    client = danish(staff)
    assert 'href="/workshop/"' in text(client.get("/"))
    board = text(client.get("/workshop/"))
    assert "Bærbar med foto" in board and photo.variants["w320"]["name"] in board and 'class="job-thumb"' in board


def test_an_unverified_workshops_member_reads_what_happens_next():
    workshop = factories.WorkshopFactory(verified=False, name="Værksted Øst")
    member = factories.MembershipFactory(workshop=workshop, role=Role.OWNER).user
    response = danish(member).get("/workshop/")
    assert response.status_code == 403
    page = text(response)
    assert "Forbidden" not in page and "Værksted Øst venter på at blive godkendt." in page
    resident = danish(factories.UserFactory()).get("/workshop/")
    assert resident.status_code == 403 and 'href="/workshop/apply/"' in text(resident)


def test_apply_as_a_workshop_from_the_site():
    applicant = factories.UserFactory()
    moderator = factories.UserFactory(is_staff=True, is_superuser=True, language="da")  # as `createsuperuser` makes
    client = danish(applicant)
    assert client.get("/workshop/apply/").status_code == 200
    bad = client.post("/workshop/apply/", {"name": "Cykelværkstedet", "cvr": "12", "address": "Vej 1"})
    assert bad.status_code == 400 and not Workshop.objects.filter(name="Cykelværkstedet").exists()
    form = {"name": "Cykelværkstedet", "cvr": "12345678", "address": "Humlebakken 1, 9220 Aalborg Øst"}
    response = client.post("/workshop/apply/", {**form, "categories": ["bicycle"]}, follow=True)
    workshop = Workshop.objects.get(name="Cykelværkstedet")
    assert not workshop.verified and list(workshop.categories.values_list("slug", flat=True)) == ["bicycle"]
    assert WorkshopMembership.objects.get(workshop=workshop).user == applicant
    assert WorkshopMembership.objects.get(workshop=workshop).role == Role.OWNER
    assert "Cykelværkstedet venter på at blive godkendt." in text(response)
    note = Notification.objects.get(user=moderator, kind="workshop_applied")
    assert note.title == "Cykelværkstedet søger om at blive værksted"
    assert note.url == f"/admin/accounts/workshop/{workshop.pk}/change/"
    assert danish(moderator).get(note.url).status_code == 200
    assert not Notification.objects.filter(user=applicant, kind="workshop_applied").exists()
