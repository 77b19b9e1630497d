"""Permission matrix of the API: every object endpoint × every persona of `tests.permissions` (anonymous, the
owner, another resident, a buyer with reservations and conversations, the owner and a staff member of the
workshop selling listings of its own, a member of another verified workshop, a member of an unverified
workshop, a moderator).

The rule (docs/API.md): 401 without credentials; 404 for an object the caller may not see (drafts, withdrawn and
hidden listings and their photos, other people's reservations, conversations, saved searches); 403 where the
caller sees the object but the action is not theirs; and a refused request changes nothing — not a row, not a
file. Repair jobs have their own matrix in tests/repairs/test_permissions.py; the lists at the end of this module
prove that list endpoints hold only the caller's rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from listings.models import Photo
from listings.pipeline import photo_process
from tests import factories
from tests.helpers import client_for
from tests.permissions import (
    DONOR_EMAIL,
    DONOR_NAME,
    MESSAGE_SECRET,
    PERSONAS,
    PICKED_UP,
    PICKUP_SECRET,
    Expect,
    World,
    build_world,
    db_state,
    donations,
    expect,
    jpeg,
    leave_workshop,
    no,
    ok,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


Url = Callable[[World], str]
Body = Callable[[World], Any] | dict[str, Any] | None


def photo_ids(world: World, listing_name: str) -> list[int]:
    return list(world.listings[listing_name].photos.order_by("position", "id").values_list("pk", flat=True))


def listing(name: str, action: str = "") -> Url:
    return lambda w: f"{API}/listings/{w.listings[name].pk}/{action + '/' if action else ''}"


def photo(name: str) -> Url:
    return lambda w: f"{API}/photos/{w.photos[name].pk}/"


def reservation(name: str, action: str) -> Url:
    return lambda w: f"{API}/reservations/{w.reservations[name].pk}/{action}/"


def offer(name: str, action: str) -> Url:
    return lambda w: f"{API}/offers/{w.offers[name].pk}/{action}/"


def messages(name: str) -> Url:
    return lambda w: f"{API}/conversations/{w.conversations[name].pk}/messages/"


# Who sees a non-public listing of `owner` (draft, withdrawn, hidden): the owner and moderators. Everybody else:
# 404, as if it did not exist — anonymous readers too (reading listings needs no login).
OWNER_ONLY_READ = {"default": 404, "owner": 200, "moderator": 200}
# Writes on `owner`'s non-public listing: 401 anonymous; 404 to whoever can't see it; moderators see it but it is
# not theirs to change (403).
OWNER_ONLY_WRITE = {"default": 404, "anonymous": 401, "moderator": 403}
# Writes on `owner`'s public listing: everybody sees it, so whoever is not the seller hears 403.
PUBLIC_WRITE = {"default": 403, "anonymous": 401}
WS_SIDE = ("workshop_owner", "workshop_member")


# name: (method, path, body, expectations)
def batch(name: str, action: str = "") -> Url:
    suffix = "" if not action else (action if "." in action else f"{action}/")
    return lambda w: f"{API}/donation-batches/{w.batches[name].pk}/{suffix}"


MATRIX: dict[str, tuple[str, Url, Body, dict[str, Expect]]] = {
    # --- Listings: read ----------------------------------------------------------------------------------------
    **{
        f"listing_{status}_get": ("get", listing(status), None, expect(**OWNER_ONLY_READ))
        for status in ("draft", "withdrawn", "hidden")
    },
    "listing_ws_draft_get": (
        "get",
        listing("ws_draft"),
        None,
        expect(404, workshop_owner=200, workshop_member=200, moderator=200),
    ),
    "listing_active_get": ("get", listing("active"), None, expect(200)),
    # --- Listings: change ----------------------------------------------------------------------------------------
    "listing_draft_patch": (
        "patch",
        listing("draft"),
        {"title": "Ændret", "pickup_details": "x"},
        expect(**OWNER_ONLY_WRITE, owner=ok(200)),
    ),
    "listing_hidden_patch": (
        "patch",
        listing("hidden"),
        {"title": "Ændret"},
        expect(**OWNER_ONLY_WRITE, owner=409),  # hidden by a moderator: frozen
    ),
    "listing_active_patch": (
        "patch",
        listing("active"),
        {"title": "Ændret", "price_dkk": "1"},
        expect(**PUBLIC_WRITE, owner=ok(200)),
    ),
    "listing_ws_draft_patch": (
        "patch",
        listing("ws_draft"),
        {"title": "Ændret"},
        expect(**OWNER_ONLY_WRITE, workshop_owner=ok(200), workshop_member=ok(200)),
    ),
    "listing_ws_active_patch": (
        "patch",
        listing("ws_active"),
        {"title": "Ændret"},
        expect(**PUBLIC_WRITE, workshop_owner=ok(200), workshop_member=ok(200)),
    ),
    "listing_draft_withdraw": (
        "delete",
        listing("draft"),
        None,
        expect(**OWNER_ONLY_WRITE, owner=ok(200)),
    ),
    "listing_active_withdraw": (
        "delete",
        listing("active"),
        None,
        expect(**PUBLIC_WRITE, owner=ok(200)),
    ),
    "listing_reserved_withdraw": (
        "delete",
        listing("reserved"),
        None,
        expect(**PUBLIC_WRITE, owner=409),  # cancel the reservation first
    ),
    "listing_draft_publish": (
        "post",
        listing("draft", "publish"),
        None,
        expect(**OWNER_ONLY_WRITE, owner=ok(200)),
    ),
    "listing_withdrawn_publish": (
        "post",
        listing("withdrawn", "publish"),
        None,
        expect(**OWNER_ONLY_WRITE, owner=409),
    ),
    "listing_hidden_publish": (
        "post",
        listing("hidden", "publish"),
        None,
        expect(**OWNER_ONLY_WRITE, owner=409),  # the owner can't undo a moderator
    ),
    "listing_ws_draft_publish": (
        "post",
        listing("ws_draft", "publish"),
        None,
        expect(**OWNER_ONLY_WRITE, workshop_owner=ok(200), workshop_member=ok(200)),
    ),
    "listing_active_publish": ("post", listing("active", "publish"), None, expect(**PUBLIC_WRITE, owner=409)),
    # --- Listings: report, reserve, start a conversation ---------------------------------------------------------
    "listing_draft_report": (
        "post",
        listing("draft", "reports"),
        {"reason": "scam"},
        # Moderators see drafts and may flag one for the queue; the owner can't report their own.
        expect(**(OWNER_ONLY_WRITE | {"moderator": ok(201)}), owner=403),
    ),
    "listing_active_report": (
        "post",
        listing("active", "reports"),
        {"reason": "scam"},
        expect(ok(201), anonymous=401, owner=403),
    ),
    "listing_ws_active_report": (
        "post",
        listing("ws_active", "reports"),
        {"reason": "scam"},
        expect(ok(201), anonymous=401, workshop_owner=403, workshop_member=403),
    ),
    "listing_draft_reserve": (
        "post",
        listing("draft", "reservations"),
        None,
        # The seller side hears 403 whatever the state; a moderator sees the draft, which is not active (409).
        expect(**(OWNER_ONLY_WRITE | {"moderator": 409}), owner=403),
    ),
    "listing_active_reserve": (
        "post",
        listing("active", "reservations"),
        None,
        expect(ok(201), anonymous=401, owner=403),
    ),
    "listing_ws_active_reserve": (
        "post",
        listing("ws_active", "reservations"),
        None,
        expect(ok(201), anonymous=401, workshop_owner=403, workshop_member=403),
    ),
    "conversation_start_about_draft": (
        "post",
        lambda w: f"{API}/conversations/",
        lambda w: {"listing": w.listings["draft"].pk, "body": "Hej"},
        # A moderator may write to the seller about a listing they can see (e.g. one they hid).
        expect(**(OWNER_ONLY_WRITE | {"moderator": ok(201)}), owner=403),
    ),
    "conversation_start_about_hidden": (
        "post",
        lambda w: f"{API}/conversations/",
        lambda w: {"listing": w.listings["hidden"].pk, "body": "Hej"},
        expect(**(OWNER_ONLY_WRITE | {"moderator": ok(201)}), owner=403),
    ),
    # --- Photos ----------------------------------------------------------------------------------------------------
    "photo_upload_to_draft": (
        "post",
        listing("draft", "photos"),
        lambda w: {"file": jpeg()},
        expect(**OWNER_ONLY_WRITE, owner=ok(201)),
    ),
    "photo_upload_to_active": (
        "post",
        listing("active", "photos"),
        lambda w: {"file": jpeg()},
        expect(**PUBLIC_WRITE, owner=ok(201)),
    ),
    "photo_upload_to_ws_draft": (
        "post",
        listing("ws_draft", "photos"),
        lambda w: {"file": jpeg()},
        expect(**OWNER_ONLY_WRITE, workshop_owner=ok(201), workshop_member=ok(201)),
    ),
    "photo_of_draft_get": ("get", photo("draft_ready"), None, expect(**OWNER_ONLY_READ)),
    "photo_of_hidden_get": ("get", photo("hidden_ready"), None, expect(**OWNER_ONLY_READ)),
    "photo_pending_get": ("get", photo("active_pending"), None, expect(**OWNER_ONLY_READ)),
    "photo_failed_get": ("get", photo("active_failed"), None, expect(**OWNER_ONLY_READ)),
    "photo_ready_of_active_get": ("get", photo("active_ready"), None, expect(200)),
    "photo_of_ws_draft_get": (
        "get",
        photo("ws_draft_ready"),
        None,
        expect(404, workshop_owner=200, workshop_member=200, moderator=200),
    ),
    "photo_of_draft_delete": (
        "delete",
        photo("draft_ready"),
        None,
        expect(**OWNER_ONLY_WRITE, owner=ok(204)),
    ),
    "photo_ready_of_active_delete": (
        "delete",
        photo("active_ready"),
        None,
        expect(**PUBLIC_WRITE, owner=ok(204)),
    ),
    "photo_pending_delete": (
        "delete",
        photo("active_pending"),
        None,
        # A photo nobody else may see is 404 to them, like its GET — even on a public listing.
        expect(**OWNER_ONLY_WRITE, owner=ok(204)),
    ),
    "photo_of_ws_draft_delete": (
        "delete",
        photo("ws_draft_ready"),
        None,
        expect(**OWNER_ONLY_WRITE, workshop_owner=ok(204), workshop_member=ok(204)),
    ),
    # --- Photos: the order and the cover (issue 15): who manages the listing; never a frozen one -------------------
    "photo_order_of_active": (
        "put",
        listing("active", "photos/order"),
        lambda w: {"photos": photo_ids(w, "active")[::-1]},
        expect(**PUBLIC_WRITE, owner=ok(200)),
    ),
    "photo_order_of_draft": (
        "put",
        listing("draft", "photos/order"),
        lambda w: {"photos": photo_ids(w, "draft")},
        expect(**OWNER_ONLY_WRITE, owner=ok(200)),
    ),
    "photo_order_of_hidden": (
        "put",
        listing("hidden", "photos/order"),
        lambda w: {"photos": photo_ids(w, "hidden")},
        expect(**OWNER_ONLY_WRITE, owner=409),  # frozen
    ),
    "photo_order_of_ws_draft": (
        "put",
        listing("ws_draft", "photos/order"),
        lambda w: {"photos": photo_ids(w, "ws_draft")},
        expect(**OWNER_ONLY_WRITE, workshop_owner=ok(200), workshop_member=ok(200)),
    ),
    "photo_cover_of_active": (
        "post",
        lambda w: f"{API}/photos/{w.photos['active_failed'].pk}/cover/",
        None,
        # A photo nobody else may see is 404 to them (moderators see it, and may not change it).
        expect(**OWNER_ONLY_WRITE, owner=ok(200)),
    ),
    "photo_cover_of_ws_draft": (
        "post",
        lambda w: f"{API}/photos/{w.photos['ws_draft_ready'].pk}/cover/",
        None,
        expect(**OWNER_ONLY_WRITE, workshop_owner=ok(200), workshop_member=ok(200)),
    ),
    # --- Reservations: only the two sides find them; only the seller side confirms and completes ----------------
    **{
        f"reservation_{action}": (
            "post",
            reservation("reserved", action),
            None,
            expect(404, anonymous=401, owner=ok(200), buyer=ok(200) if action == "cancel" else 403),
        )
        for action in ("confirm", "complete", "cancel")
    },
    **{
        f"ws_reservation_{action}": (
            "post",
            reservation("ws_reserved", action),
            None,
            expect(
                404,
                anonymous=401,
                workshop_owner=ok(200),
                workshop_member=ok(200),
                buyer=ok(200) if action == "cancel" else 403,
            ),
        )
        for action in ("confirm", "complete", "cancel")
    },
    # --- Conversations: only the buyer and the seller side --------------------------------------------------------
    # Reading marks the other side's messages read: a change only the parties may make.
    "conversation_messages_get": (
        "get",
        messages("active"),
        None,
        expect(404, anonymous=401, owner=ok(200), buyer=ok(200)),
    ),
    "conversation_messages_post": (
        "post",
        messages("active"),
        {"body": "Hej igen"},
        expect(404, anonymous=401, owner=ok(201), buyer=ok(201)),
    ),
    "ws_conversation_messages_get": (
        "get",
        messages("ws_active"),
        None,
        expect(404, anonymous=401, buyer=ok(200), workshop_owner=ok(200), workshop_member=ok(200)),
    ),
    "ws_conversation_messages_post": (
        "post",
        messages("ws_active"),
        {"body": "Hej igen"},
        expect(404, anonymous=401, buyer=ok(201), workshop_owner=ok(201), workshop_member=ok(201)),
    ),
    # --- Notifications and saved searches -------------------------------------------------------------------------
    # Marking someone else's notification read answers 200 with nothing marked: the ids are simply not theirs.
    "notifications_read_owners": (
        "post",
        lambda w: f"{API}/notifications/read/",
        lambda w: {"ids": [w.notifications["owner"].pk]},
        expect(200, anonymous=401, owner=ok(200)),
    ),
    "saved_search_delete": (
        "delete",
        lambda w: f"{API}/saved-searches/{w.saved_searches['owner'].pk}/",
        None,
        expect(404, anonymous=401, owner=ok(204)),
    ),
    # --- Favourites, offers, profiles and ratings (issue 15) -------------------------------------------------------
    # Saving needs a login and a listing the person may see; only a public one can be saved (409 otherwise).
    "listing_active_favourite": (
        "post",
        listing("active", "favourite"),
        None,
        expect(ok(201), anonymous=401, buyer=200),
    ),
    "listing_draft_favourite": (
        "post",
        listing("draft", "favourite"),
        None,
        expect(**(OWNER_ONLY_WRITE | {"moderator": 409}), owner=409),
    ),
    "listing_active_unfavourite": (
        "delete",
        listing("active", "favourite"),
        None,
        expect(204, anonymous=401, buyer=ok(204)),
    ),
    # Offers: not on one's own listing (403), only on an active listing for sale, one open offer per buyer (409).
    "listing_active_offer": (
        "post",
        listing("active", "offers"),
        {"price_dkk": "100"},
        expect(ok(201), anonymous=401, owner=403, buyer=409),
    ),
    "listing_ws_active_offer": (
        "post",
        listing("ws_active", "offers"),
        {"price_dkk": "100"},
        expect(ok(201), anonymous=401, workshop_owner=403, workshop_member=403, buyer=409),
    ),
    "listing_draft_offer": (
        "post",
        listing("draft", "offers"),
        {"price_dkk": "100"},
        expect(**(OWNER_ONLY_WRITE | {"moderator": 409}), owner=403),
    ),
    "listing_reserved_offer": (
        "post",
        listing("reserved", "offers"),
        {"price_dkk": "100"},
        expect(409, anonymous=401, owner=403),
    ),
    # Answering: the seller side accepts, declines or counters a pending offer; the buyer may withdraw it.
    "offer_accept": ("post", offer("active", "accept"), None, expect(404, anonymous=401, owner=ok(200), buyer=409)),
    "offer_decline": (
        "post",
        offer("active", "decline"),
        None,
        expect(404, anonymous=401, owner=ok(200), buyer=ok(200)),
    ),
    "offer_counter": (
        "post",
        offer("active", "counter"),
        {"price_dkk": "120"},
        expect(404, anonymous=401, owner=ok(200), buyer=403),
    ),
    "ws_offer_accept": (
        "post",
        offer("ws_active", "accept"),
        None,
        expect(404, anonymous=401, workshop_owner=ok(200), workshop_member=ok(200), buyer=409),
    ),
    # Profiles are public; a rating waits for the hand-over (409) and is given once per side (409 the second time).
    "profile_get": ("get", lambda w: f"{API}/profiles/{w.people['owner'].pk}/", None, expect(200)),
    "reservation_sold_rating": (
        "post",
        reservation("sold", "rating"),
        {"stars": 4, "text": "Fin køber"},
        expect(404, anonymous=401, owner=ok(201), buyer=409),
    ),
    "reservation_reserved_rating": (
        "post",
        reservation("reserved", "rating"),
        {"stars": 4},
        expect(404, anonymous=401, owner=409, buyer=409),
    ),
    "rating_report": (
        "post",
        lambda w: f"{API}/ratings/{w.ratings['sold'].pk}/reports/",
        {"reason": "offensive"},
        expect(ok(201), anonymous=401, buyer=403),
    ),
    # --- Workshops: only an owner changes the profile, the categories and the members -----------------------------
    "workshop_patch": (
        "patch",
        lambda w: f"{API}/workshops/{w.workshop.slug}/",
        {"description": "Overtaget", "categories": ["bicycle"]},
        expect(403, anonymous=401, workshop_owner=ok(200)),
    ),
    "workshop_members_add": (  # an invitation (202), the same for any address; nobody joins until they accept
        "post",
        lambda w: f"{API}/workshops/{w.workshop.slug}/members/",
        lambda w: {"email": w.people["other_resident"].email, "role": "owner"},
        expect(403, anonymous=401, workshop_owner=ok(202)),
    ),
    # --- An unverified workshop: only its members and moderators see it (accounts.selectors.workshops_visible_to)
    "unverified_workshop_get": (
        "get",
        lambda w: f"{API}/workshops/{w.unverified_workshop.slug}/",
        None,
        expect(404, unverified_member=200, moderator=200),
    ),
    "unverified_workshop_patch": (
        "patch",
        lambda w: f"{API}/workshops/{w.unverified_workshop.slug}/",
        {"categories": ["laptop"]},
        expect(404, anonymous=401, unverified_member=ok(200), moderator=403),
    ),
    "unverified_workshop_members_add": (  # not verified: can't invite (409)
        "post",
        lambda w: f"{API}/workshops/{w.unverified_workshop.slug}/members/",
        lambda w: {"email": w.people["other_resident"].email},
        expect(404, anonymous=401, unverified_member=409, moderator=403),
    ),
    # --- Organisations: their members and moderators see one (accounts.organisations.organisations_visible_to) ---
    "organisations_list": ("get", lambda w: f"{API}/organisations/", None, expect(200, anonymous=401)),
    "organisation_create": (
        "post",
        lambda w: f"{API}/organisations/",
        {"name": "Boligselskabet Øst", "cvr": "10150817", "address": "Vej 1", "kind": "housing_association"},
        expect(ok(201), anonymous=401),
    ),
    "organisation_get": (
        "get",
        lambda w: f"{API}/organisations/{w.organisation.slug}/",  # type: ignore[union-attr]
        None,
        expect(404, anonymous=401, owner=200, moderator=200),
    ),
    "organisation_patch": (
        "patch",
        lambda w: f"{API}/organisations/{w.organisation.slug}/",  # type: ignore[union-attr]
        {"may_be_named": True},
        expect(404, anonymous=401, owner=ok(200), moderator=403),
    ),
    "organisation_members_add": (
        "post",
        lambda w: f"{API}/organisations/{w.organisation.slug}/members/",  # type: ignore[union-attr]
        {"email": "kollega@example.dk"},
        expect(404, anonymous=401, owner=ok(202), moderator=403),
    ),
    "organisation_invitation_accept": (
        "post",
        lambda w: f"{API}/organisation-invitations/no-such-token/accept/",
        None,
        expect(404, anonymous=401),
    ),
    "organisation_invitation_decline": (
        "post",
        lambda w: f"{API}/organisation-invitations/no-such-token/decline/",
        None,
        expect(404, anonymous=401),
    ),
    # --- Donation batches: donations.selectors.batches_visible_to; the custody only for the parties ---------------
    "batches_list": ("get", lambda w: f"{API}/donation-batches/", None, expect(200, anonymous=401)),
    "batch_create": (
        "post",
        lambda w: f"{API}/donation-batches/",
        lambda w: {"organisation": w.organisation.slug, "kind": "devices", "title": "Nyt parti"},
        expect(404, anonymous=401, owner=ok(201), moderator=403),
    ),
    "batch_offered_get": (
        "get",
        batch("offered"),
        None,
        expect(404, anonymous=401, owner=200, moderator=200, other_workshop_member=200, **dict.fromkeys(WS_SIDE, 200)),
    ),
    "batch_held_get": (
        "get",
        batch("held"),
        None,
        expect(404, anonymous=401, owner=200, moderator=200, **dict.fromkeys(WS_SIDE, 200)),
    ),
    "batch_devices_add": (
        "post",
        batch("offered", "devices"),
        {"devices": [{"serial_number": "NY-1", "model": "X", "category": "laptop"}]},
        expect(
            404, anonymous=401, owner=ok(201), moderator=403, other_workshop_member=403, **dict.fromkeys(WS_SIDE, 403)
        ),
    ),
    "batch_devices_csv": (
        "post",
        lambda w: f"{API}/donation-batches/{w.batches['offered'].pk}/devices.csv",
        b"serial_number,model,category,has_storage\nNY-2,X,laptop,ja\n",
        expect(
            404, anonymous=401, owner=ok(201), moderator=403, other_workshop_member=403, **dict.fromkeys(WS_SIDE, 403)
        ),
    ),
    "batch_accept": (
        "post",
        batch("offered", "accept"),
        lambda w: {"workshop": w.workshop.slug},
        expect(
            404, anonymous=401, owner=403, moderator=403, other_workshop_member=403, **{p: ok(200) for p in WS_SIDE}
        ),
    ),
    "batch_held_accept": (  # taken: 409 for a workshop it was offered to, 404 for whoever never saw it
        "post",
        batch("held", "accept"),
        lambda w: {"workshop": w.workshop.slug},
        expect(404, anonymous=401, owner=403, moderator=403, other_workshop_member=403, **dict.fromkeys(WS_SIDE, 409)),
    ),
    "batch_collected": (
        "post",
        batch("held", "collected"),
        {"collected_by": "Ali", "signed_for_by": "Olga"},
        expect(404, anonymous=401, owner=403, moderator=403, **{p: ok(200) for p in WS_SIDE}),
    ),
    "batch_received": (  # not collected yet: 409 for W
        "post",
        batch("held", "received"),
        None,
        expect(404, anonymous=401, owner=403, moderator=403, **dict.fromkeys(WS_SIDE, 409)),
    ),
    "batch_certificate": (
        "get",
        batch("held", "certificate.pdf"),
        None,
        expect(404, anonymous=401, owner=200, moderator=200, **dict.fromkeys(WS_SIDE, 200)),
    ),
    "batch_offered_certificate": (
        "get",
        batch("offered", "certificate.pdf"),
        None,
        expect(404, anonymous=401, owner=409, moderator=409),
    ),
    "batch_lot_use": (  # W's owner makes their own listing from the lot; nobody else can
        "post",
        lambda w: f"{API}/donation-batches/{w.batches['lot'].pk}/lots/{w.batches['lot'].lots.get().pk}/use/",
        lambda w: {"listing": w.listings["ws_active"].pk},
        expect(404, anonymous=401, workshop_owner=ok(200)),
    ),
    # --- Invitations: the link's holder reads; only the invited address (no persona here) answers ----------------
    "invitation_get": ("get", lambda w: f"{API}/invitations/{w.invitation_token}/", None, expect(200)),
    "invitation_accept": (
        "post",
        lambda w: f"{API}/invitations/{w.invitation_token}/accept/",
        None,
        expect(403, anonymous=401),
    ),
    "invitation_decline": (
        "post",
        lambda w: f"{API}/invitations/{w.invitation_token}/decline/",
        None,
        expect(403, anonymous=401),
    ),
}


def check(world: World, row: str, persona: str, want: Expect) -> None:
    method, path, body, _expected = MATRIX[row]
    data = body(world) if callable(body) else body
    multipart = isinstance(data, dict) and any(isinstance(v, SimpleUploadedFile) for v in data.values())
    before = db_state()
    if isinstance(data, bytes):  # a CSV body
        response = world.api(persona).generic(method.upper(), path(world), data, content_type="text/csv")
    else:
        response = getattr(world.api(persona), method)(path(world), data, format="multipart" if multipart else "json")
    assert response.status_code == want.status, (row, persona, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if not want.changes:
        assert db_state() == before, f"{row}: {persona} changed something"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", list(MATRIX))
def test_permission_matrix(row: str, persona: str) -> None:
    check(build_world(), row, persona, MATRIX[row][3][persona])


@pytest.mark.parametrize("row", list(MATRIX))
def test_a_member_who_left_the_workshop_is_anybody_else(row: str) -> None:
    """W's owner published W's listings (they are recorded as its seller). Once they are no longer a member they
    sell nothing as W: every row answers them what it answers any other resident."""
    world = build_world()
    leave_workshop(world, "workshop_owner")
    check(world, row, "workshop_owner", MATRIX[row][3]["other_resident"])


def test_the_matrix_tests_can_fail() -> None:
    """The owner's draft PATCH does change the database: the snapshot sees it (so the equality above means
    something)."""
    world = build_world()
    before = db_state()
    response = world.api("owner").patch(listing("draft")(world), {"title": "Ændret"}, format="json")
    assert response.status_code == 200
    assert db_state() != before
    assert no(404) != ok(404)


# --- Lists: only public listings; otherwise only the caller's own rows ------------------------------------------


def every_result(client: Any, url: str) -> list[dict[str, Any]]:
    """All results of a list endpoint, one row per page (so the cursor is walked too)."""
    results: list[dict[str, Any]] = []
    separator = "&" if "?" in url else "?"
    next_url: str | None = f"{url}{separator}page_size=1"
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        results += body["results"]
        next_url = body["next"]
        assert len(results) < 100, "runaway pagination"
    return results


def body(response: Any) -> str:
    """The text of a response, streamed (the ORDS export) or not."""
    assert response.status_code == 200, response.content[:300]
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def ids(rows: list[dict[str, Any]]) -> set[int]:
    return {row["id"] for row in rows}


ALL_PUBLIC = {"active", "reserved", "sold", "ws_active", "ws_reserved", "stranger"}
BROWSE_QUERIES = {
    "": ALL_PUBLIC,
    "q=lampe": ALL_PUBLIC,
    "q=draft": set(),  # the draft's title word finds nothing, not even for its owner
    "category=furniture&kind=sale&condition=good": ALL_PUBLIC,
    "ordering=-price&min_price=0": ALL_PUBLIC,
    "upcycled=false&area=Kildeparken": ALL_PUBLIC,
    "workshop=WORKSHOP": {"ws_active", "ws_reserved"},
    # Not filters of browse: ignored, so they can't open a way to anybody's drafts.
    "mine=true&status=draft&seller=OWNER": ALL_PUBLIC,
}


@pytest.mark.parametrize("query", list(BROWSE_QUERIES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_browse_and_search_list_public_listings_only_whoever_asks(persona: str, query: str) -> None:
    world = build_world()
    url = f"{API}/listings/?" + query.replace("WORKSHOP", world.workshop.slug).replace(
        "OWNER", str(world.people["owner"].pk)
    )
    found = ids(every_result(world.api(persona), url))
    assert found == {world.listings[name].pk for name in BROWSE_QUERIES[query]}


def test_browse_thumbnails_and_detail_photos_are_ready_derivatives_only() -> None:
    world = build_world()
    rows = {row["id"]: row for row in every_result(world.api("other_resident"), f"{API}/listings/")}
    active = world.listings["active"]
    ready = world.photos["active_ready"]
    assert rows[active.pk]["thumbnail"]["url"].endswith(ready.variants["w320"]["name"])
    detail = world.api("other_resident").get(f"{API}/listings/{active.pk}/").json()
    assert [p["id"] for p in detail["photos"]] == [ready.pk]  # not the pending one, not the failed one
    assert "pickup_details" not in detail


LIST_ENDPOINTS = ("reservations", "conversations", "notifications", "saved-searches", "favourites", "offers")


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_lists_need_a_login(endpoint: str) -> None:
    response = build_world().api("anonymous").get(f"{API}/{endpoint}/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# persona: names of the world's reservations / conversations / saved searches they are a party to.
OWN_ROWS = {
    "owner": {
        "reservations": {"reserved", "sold"},
        "conversations": {"active"},
        "saved-searches": {"owner"},
        "offers": {"active"},
    },
    "buyer": {
        "reservations": {"reserved", "ws_reserved", "sold"},
        "conversations": {"active", "ws_active"},
        "saved-searches": {"buyer"},
        "offers": {"active", "ws_active"},
        "favourites": {"active", "ws_active"},
    },
    "workshop_owner": {"reservations": {"ws_reserved"}, "conversations": {"ws_active"}, "offers": {"ws_active"}},
    "workshop_member": {"reservations": {"ws_reserved"}, "conversations": {"ws_active"}, "offers": {"ws_active"}},
}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_lists_hold_only_the_callers_own_rows(persona: str) -> None:
    world = build_world()
    client = world.api(persona)
    mine = OWN_ROWS.get(persona, {})
    objects = {
        "reservations": world.reservations,
        "conversations": world.conversations,
        "saved-searches": world.saved_searches,
        "offers": world.offers,
    }
    for endpoint, rows in objects.items():
        found = ids(every_result(client, f"{API}/{endpoint}/"))
        assert found == {rows[name].pk for name in mine.get(endpoint, set())}, endpoint
    saved = {row["listing"]["id"] for row in every_result(client, f"{API}/favourites/")}
    assert saved == {world.listings[name].pk for name in mine.get("favourites", set())}
    # Notifications: the persona's own (the world gives each one, and the services add more), nobody else's.
    found = ids(every_result(client, f"{API}/notifications/"))
    user = world.people[persona]
    assert world.notifications[persona].pk in found
    assert found == set(user.notifications.values_list("pk", flat=True))
    others = {n.pk for name, n in world.notifications.items() if name != persona}
    assert not found & others


def test_reservation_actions_are_listed_by_role_and_pickup_details_wait_for_confirmation() -> None:
    world = build_world()
    buyer, owner = world.api("buyer"), world.api("owner")
    reserved = world.reservations["reserved"]

    def buyer_rows() -> dict[int, dict[str, Any]]:
        return {row["id"]: row for row in every_result(buyer, f"{API}/reservations/")}

    sold = world.reservations["sold"].pk  # handed over: the buyer reads its pickup details
    assert {row["role"] for row in buyer_rows().values()} == {"buyer"}
    assert all("pickup_details" not in row for pk, row in buyer_rows().items() if pk != sold)
    assert buyer_rows()[sold]["pickup_details"] == PICKED_UP
    seller_rows = every_result(owner, f"{API}/reservations/")
    assert sorted((row["role"], row["pickup_details"]) for row in seller_rows) == [
        ("seller", PICKED_UP),
        ("seller", PICKUP_SECRET),
    ]

    assert owner.post(f"{API}/reservations/{reserved.pk}/confirm/").status_code == 200
    rows = buyer_rows()
    assert rows[reserved.pk]["pickup_details"] == PICKUP_SECRET
    assert "pickup_details" not in rows[world.reservations["ws_reserved"].pk]  # still pending


def test_secrets_reach_only_the_people_entitled_to_them() -> None:
    """Read everything each persona can read (lists, every world listing, photo, conversation, their export) and
    look for the pickup details (seller side, or a buyer once confirmed: nobody here) and the buyer's message
    (the two parties)."""
    world = build_world()
    pickup_readers = {"owner", "workshop_owner", "workshop_member"}  # of their own listings
    message_readers = {"owner", "buyer", "workshop_owner", "workshop_member"}
    urls = [f"{API}/listings/", f"{API}/me/", f"{API}/me/export/", f"{API}/repair-jobs/", f"{API}/workshops/"]
    urls += [f"{API}/{endpoint}/" for endpoint in LIST_ENDPOINTS]
    urls += [f"{API}/listings/{listing.pk}/" for listing in world.listings.values()]
    urls += [f"{API}/photos/{p.pk}/" for p in world.photos.values()]
    urls += [f"{API}/conversations/{c.pk}/messages/" for c in world.conversations.values()]
    urls += [f"{API}/workshops/{w.slug}/" for w in (world.workshop, world.other_workshop, world.unverified_workshop)]
    for persona in PERSONAS:
        client = world.api(persona)
        bodies = "".join(client.get(url).content.decode() for url in urls)
        assert (PICKUP_SECRET in bodies) == (persona in pickup_readers), persona
        assert (MESSAGE_SECRET in bodies) == (persona in message_readers), persona


# --- Repair jobs: the donor is never named to the workshops, nor to the public ---------------------------------


def test_job_lists_and_details_never_name_the_donor_to_a_workshop() -> None:
    world = donations()
    open_job, held = world["open_job"], world["held_job"]
    for who in ("member", "other_member"):
        client = client_for(world[who])
        rows = every_result(client, f"{API}/repair-jobs/")
        expected = {open_job.pk, held.pk} if who == "member" else {open_job.pk}
        assert ids(rows) == expected, who
        urls = [f"{API}/repair-jobs/?status=open", f"{API}/repair-jobs/?mine=true", f"{API}/repair-jobs/{open_job.pk}/"]
        if who == "member":
            urls += [f"{API}/repair-jobs/{held.pk}/", f"{API}/repair-jobs/{held.pk}/certificate/"]
        bodies = str(rows) + "".join(client.get(u).content.decode() for u in urls)
        assert DONOR_NAME not in bodies and DONOR_EMAIL not in bodies, who
        assert "donor" in client.get(f"{API}/repair-jobs/{open_job.pk}/").json()["events"][0]["actor"]
    # Filters narrow what one may see; they never widen it to another workshop's jobs.
    other = client_for(world["other_member"])
    for query in (f"workshop={world['workshop'].slug}", "status=completed", "mine=true", "category=furniture"):
        assert every_result(other, f"{API}/repair-jobs/?{query}") == [], query
    # Residents see only the jobs of what they donated themselves.
    assert every_result(client_for(world["resident"]), f"{API}/repair-jobs/") == []
    assert ids(every_result(client_for(world["donor"]), f"{API}/repair-jobs/")) == {open_job.pk, held.pk}


@pytest.mark.parametrize("persona", ["anonymous", "resident", "member"])
def test_donated_items_never_name_the_donor_in_public_reads(persona: str) -> None:
    """The donated listings themselves are public (browse shows them for kind=repair): they carry the area, never
    the donor's name — the same promise as the provenance of the upcycled result (docs/repairs.md)."""
    world = donations()
    client = APIClient() if persona == "anonymous" else client_for(world[persona])
    donated = [world["open_job"].listing_id, world["held_job"].listing_id]
    rows = every_result(client, f"{API}/listings/?kind=repair")
    assert ids(rows) == set(donated)
    assert {row["seller"]["display_name"] for row in rows} == {""}
    urls = [f"{API}/listings/{pk}/" for pk in donated] + [
        f"{API}/listings/{world['product'].pk}/",
        f"{API}/listings/?upcycled=true",
        f"{API}/impact/",
        f"{API}/exports/ords.csv",
        f"{API}/workshops/{world['workshop'].slug}/",
    ]
    bodies = str(rows) + "".join(body(client.get(url)) for url in urls)
    assert DONOR_NAME not in bodies and DONOR_EMAIL not in bodies
    detail = client.get(f"{API}/listings/{donated[0]}/").json()
    assert detail["seller"] == {"display_name": ""}
    assert detail["area"] == "Kildeparken"


def test_the_donor_and_moderators_still_see_the_donors_name() -> None:
    world = donations()
    pk = world["open_job"].listing_id
    for user in (world["donor"], factories.UserFactory(is_staff=True)):
        assert client_for(user).get(f"{API}/listings/{pk}/").json()["seller"] == {"display_name": DONOR_NAME}


# --- Photo originals: no URL serves one, no response names one ----------------------------------------------


def uploaded_photo(world: World, listing: str = "active") -> Photo:
    """A photo uploaded through the API by its seller and processed: a private original and public derivatives
    on disk, as in production."""
    response = world.api("owner").post(
        f"{API}/listings/{world.listings[listing].pk}/photos/", {"file": jpeg()}, format="multipart"
    )
    assert response.status_code == 201
    photo = Photo.objects.get(pk=response.json()["id"])
    assert world.api("owner").get(f"{API}/photos/{photo.pk}/").json()["status"] == "pending"
    photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == "ready"
    return photo


def test_no_url_serves_a_photo_original() -> None:
    world = build_world()
    photo = uploaded_photo(world)
    name = photo.original.name
    original = (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes()
    private_root = str(settings.PRIVATE_MEDIA_ROOT).lstrip("/")
    client = Client(raise_request_exception=False)
    # The route itself works: a derivative is served.
    assert client.get(f"/media/{photo.variants['w320']['name']}").status_code == 200
    attempts = {
        f"/media/{name}": 404,  # the storage name, under the public media URL
        f"/{name}": 404,
        f"/private/{name}": 404,
        f"/media//{private_root}/{name}": 404,  # an absolute path stays inside MEDIA_ROOT
        f"/media/..%252Fprivate%252F{name}": 404,  # double-encoded: a (missing) file name, not a path
        f"/media/..\\private\\{name}": 404,
        f"/media/....//private/{name}": 404,
        f"/static/../private/{name}": 404,
        f"/media/photos/{world.listings['active'].pk}/{photo.upload_token}/": 404,  # no directory listings
        f"/media/originals/{world.listings['active'].pk}/": 404,
        # Climbing out of MEDIA_ROOT is refused outright (Django's safe_join: SuspiciousFileOperation → 400).
        f"/media/../private/{name}": 400,
        f"/media/..%2Fprivate%2F{name}": 400,
        f"/media/%2e%2e/private/{name}": 400,
        f"/media/%2e%2e%2fprivate%2f{name}": 400,
        f"/media/photos/../../private/{name}": 400,
    }
    for url, status in attempts.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert original not in response.content, url


def test_no_photo_response_names_the_original() -> None:
    """The upload's answer, the photo, the listing (owner's view and public), browse and the export give the
    derivatives only: never the original's storage name (which also holds the upload token)."""
    world = build_world()
    photo = uploaded_photo(world)
    responses = [
        world.api("owner").post(
            f"{API}/listings/{world.listings['draft'].pk}/photos/", {"file": jpeg()}, format="multipart"
        )
    ]
    for persona in ("owner", "other_resident", "moderator"):
        client = world.api(persona)
        responses += [
            client.get(f"{API}/photos/{photo.pk}/"),
            client.get(f"{API}/listings/{world.listings['active'].pk}/"),
            client.get(f"{API}/listings/"),
            client.get(f"{API}/me/export/"),
        ]
    texts = [body(r) if r.status_code == 200 else r.content.decode() for r in responses]
    assert any(photo.variants["w1024"]["name"] in t for t in texts)  # derivatives are there…
    for text in texts:
        assert "originals/" not in text and photo.original.name not in text  # …the original never


NOT_PUBLIC_PHOTOS = ("draft_ready", "hidden_ready", "ws_draft_ready")


@pytest.mark.parametrize("persona", PERSONAS)
def test_derivatives_of_non_public_listings_are_listed_to_nobody_else(persona: str) -> None:
    world = build_world()
    client = world.api(persona)
    urls = [f"{API}/listings/", f"{API}/listings/?q=lampe", f"{API}/listings/?workshop={world.workshop.slug}"]
    urls += [f"{API}/listings/{listing.pk}/" for listing in world.listings.values()]
    urls += [f"{API}/photos/{p.pk}/" for p in world.photos.values()]
    urls += [f"{API}/{endpoint}/" for endpoint in LIST_ENDPOINTS]
    text = "".join(client.get(url).content.decode() for url in urls)
    assert world.photos["active_ready"].variants["w320"]["name"] in text
    may_see = {
        "owner": {"draft_ready", "hidden_ready"},
        "workshop_owner": {"ws_draft_ready"},
        "workshop_member": {"ws_draft_ready"},
        "moderator": set(NOT_PUBLIC_PHOTOS),
    }.get(persona, set())
    for name in NOT_PUBLIC_PHOTOS:
        derivative = world.photos[name].variants["w320"]["name"]
        assert (derivative in text) == (name in may_see), name


# --- Me: the export holds only the caller's data; deleting an account touches nobody else's ------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_export_holds_the_callers_rows_and_nobody_elses(persona: str) -> None:
    world = build_world()
    user = world.people[persona]
    response = world.api(persona).get(f"{API}/me/export/")
    assert response.status_code == 200
    data = response.json()
    assert data["profile"]["email"] == user.email
    own_listings = {listing.pk for listing in world.listings.values() if listing.seller_id == user.pk}
    assert {row["id"] for row in data["listings"]} == own_listings
    bought = (
        {world.reservations[name].pk for name in ("reserved", "ws_reserved", "sold")} if persona == "buyer" else set()
    )
    assert {row["id"] for row in data["reservations"]} == bought
    mine = OWN_ROWS.get(persona, {})
    assert {row["name"] for row in data["saved_searches"]} == {
        s.name for s in world.saved_searches.values() if s.user_id == user.pk
    }
    assert f"Til {persona}" in {row["title"] for row in data["notifications"]}
    # Conversations: only ones the person is a party to, never the stranger's.
    parties = {world.conversations[n].pk for n in mine.get("conversations", set())}
    assert {row["id"] for row in data["conversations"]} <= parties
    text = response.content.decode()
    for other, someone in {**world.people, "stranger": world.saved_searches["stranger"].user}.items():
        if other != persona:
            assert someone.email not in text, other
            assert f"Til {other}" not in text, other


def _status(obj: Any) -> str:
    obj.refresh_from_db()
    return str(obj.status)


def test_deleting_an_account_needs_a_login_and_deletes_only_the_caller() -> None:
    world = build_world()
    response = world.api("anonymous").delete(f"{API}/me/")
    assert response.status_code == 401
    before = db_state()
    assert world.api("other_resident").delete(f"{API}/me/").status_code == 204
    after = db_state()
    # Only the caller's own rows changed: their user row and their own notification and saved searches (none).
    gone = world.people["other_resident"]
    assert [u for u in after["users"] if u["pk"] != gone.pk] == [u for u in before["users"] if u["pk"] != gone.pk]
    assert after["notifications"] == [n for n in before["notifications"] if n["user_id"] != gone.pk]
    for table in ("listings", "photos", "reservations", "conversations", "messages", "saved_searches", "workshops"):
        assert after[table] == before[table], table


def test_a_buyer_deleting_their_account_frees_what_they_had_reserved() -> None:
    """Their open reservations are cancelled as if they had cancelled them: each listing is active again and its
    seller is told — not left reserved by nobody, which neither the seller nor the expiry could undo."""
    world = build_world()
    assert world.api("buyer").delete(f"{API}/me/").status_code == 204
    for name in ("reserved", "ws_reserved"):
        assert _status(world.reservations[name]) == "cancelled"
        assert _status(world.listings[name]) == "active"
    assert world.people["owner"].notifications.filter(kind="reservation_cancelled").count() == 1
    assert world.people["workshop_owner"].notifications.filter(kind="reservation_cancelled").count() == 1
    # The owner can sell it again.
    assert (
        world.api("other_resident").post(f"{API}/listings/{world.listings['reserved'].pk}/reservations/").status_code
        == 201
    )


def test_a_seller_deleting_their_account_cancels_reservations_of_their_listings() -> None:
    world = build_world()
    assert world.api("owner").delete(f"{API}/me/").status_code == 204
    assert _status(world.reservations["reserved"]) == "cancelled"
    assert _status(world.listings["reserved"]) == "withdrawn"
    assert world.people["buyer"].notifications.filter(kind="reservation_cancelled").count() == 1
    rows = every_result(world.api("buyer"), f"{API}/reservations/")
    assert {row["id"]: row["status"] for row in rows}[world.reservations["reserved"].pk] == "cancelled"


def test_a_workshop_member_deleting_their_account_leaves_the_workshops_listings_alone() -> None:
    """Listings sold by a workshop are the workshop's: the member who published them leaving does not take them
    (nor their reservations) down; the other members still manage them."""
    world = build_world()
    names = ("ws_draft", "ws_active", "ws_reserved")
    before = {name: _status(world.listings[name]) for name in names}
    assert world.api("workshop_owner").delete(f"{API}/me/").status_code == 204
    assert {name: _status(world.listings[name]) for name in names} == before
    assert _status(world.reservations["ws_reserved"]) == "pending"
    response = world.api("workshop_member").patch(
        f"{API}/listings/{world.listings['ws_active'].pk}/", {"title": "Stadig til salg"}, format="json"
    )
    assert response.status_code == 200


# --- Objects that do not exist: 404 to everybody, never a 5xx (ids past 64 bits included) ------------------------

MISSING = [
    ("get", "listings/{i}/"),
    ("patch", "listings/{i}/"),
    ("delete", "listings/{i}/"),
    ("post", "listings/{i}/publish/"),
    ("post", "listings/{i}/reports/"),
    ("post", "listings/{i}/reservations/"),
    ("post", "listings/{i}/photos/"),
    ("get", "photos/{i}/"),
    ("delete", "photos/{i}/"),
    ("post", "reservations/{i}/confirm/"),
    ("post", "reservations/{i}/cancel/"),
    ("post", "reservations/{i}/rating/"),
    ("post", "listings/{i}/favourite/"),
    ("delete", "listings/{i}/favourite/"),
    ("post", "listings/{i}/offers/"),
    ("post", "offers/{i}/accept/"),
    ("post", "offers/{i}/decline/"),
    ("post", "offers/{i}/counter/"),
    ("get", "profiles/{i}/"),
    ("post", "ratings/{i}/reports/"),
    ("get", "conversations/{i}/messages/"),
    ("post", "conversations/{i}/messages/"),
    ("delete", "saved-searches/{i}/"),
    ("get", "repair-jobs/{i}/"),
    ("post", "repair-jobs/{i}/claim/"),
    ("get", "repair-jobs/{i}/certificate/"),
    ("post", "repair-jobs/{i}/quote/"),
    ("post", "repair-jobs/{i}/quote/accept/"),
    ("post", "repair-jobs/{i}/quote/decline/"),
    ("post", "repair-jobs/{i}/received/"),
    ("post", "repair-jobs/{i}/handed-back/"),
    ("get", "repair-jobs/{i}/messages/"),
    ("post", "repair-jobs/{i}/messages/"),
    ("get", "repair-jobs/{i}/certificate.pdf"),
]


@pytest.mark.parametrize("pk", [987654, 2**63])
@pytest.mark.parametrize("persona", ["anonymous", "owner", "workshop_member", "moderator"])
def test_objects_that_do_not_exist_are_404(persona: str, pk: int) -> None:
    world = build_world()
    client = world.api(persona)
    before = db_state()
    for method, path in MISSING:
        url = f"{API}/{path.format(i=pk)}"
        data: dict[str, Any] = {
            "reason": "scam",
            "body": "Hej",
            "workshop": world.workshop.slug,
            "price_dkk": "10",
            "estimate_days": 2,
            "paid_dkk": "100",
            "stars": 3,
        }
        if path.endswith("photos/"):
            response = client.post(url, {"file": jpeg()}, format="multipart")
        else:
            response = getattr(client, method)(url, data if method != "get" else None, format="json")
        anonymous_reads = method == "get" and path.startswith(("listings", "photos", "profiles"))
        expected = 401 if persona == "anonymous" and not anonymous_reads else 404
        assert response.status_code == expected, (persona, method, url, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
    assert db_state() == before


# --- The period report PDF: public figures; a workshop only if the caller may see it ----------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_impact_report_pdf_per_persona(persona: str) -> None:
    """GET /api/v1/impact/report.pdf: everybody gets the platform's and a verified workshop's report; an unverified
    workshop's only its members and moderators (404 to everybody else, as the workshop itself is)."""
    world = build_world()
    client = world.api(persona)
    period = {"from": "2025-01-01", "to": "2025-12-31"}
    for workshop, readers in (
        (None, PERSONAS),
        (world.workshop, PERSONAS),
        (world.unverified_workshop, ("unverified_member", "moderator")),
    ):
        params = {**period, "workshop": workshop.slug} if workshop else period
        response = client.get(f"{API}/impact/report.pdf", params)
        expected = 200 if persona in readers else 404
        assert response.status_code == expected, (persona, workshop, response.content[:200])
        if expected == 200:
            assert response["Content-Type"] == "application/pdf"
        else:
            assert response["Content-Type"] == "application/problem+json"


def test_saved_searches_never_show_their_unsubscribe_token_and_a_wrong_one_changes_nothing() -> None:
    world = build_world()
    tokens = [s.unsubscribe_token for s in world.saved_searches.values()]
    for persona in PERSONAS:
        text = world.api(persona).get(f"{API}/saved-searches/").content.decode()
        assert not any(token in text for token in tokens), persona
    before = db_state()
    client = Client()
    for token in ("nope", tokens[0][:-1], tokens[0].upper()):
        assert client.get(f"/unsubscribe/{token}/").status_code == 404
        assert client.post(f"/unsubscribe/{token}/").status_code == 404
    assert db_state() == before
