"""Permission matrix of the pages: every object page × every persona of `tests.permissions`.

Pages answer like the API where they can — 404 for what the visitor may not see, 403 on the workshop pages for
who is no member of a verified workshop — and send anonymous visitors to the login page. A form that the service
refuses (a buyer confirming their own reservation, say) comes back as a redirect with the reason as a message:
there the status alone proves nothing, so every refused row also asserts that no row and no file changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import PASSWORD
from tests.permissions import (
    DONOR_EMAIL,
    DONOR_NAME,
    MESSAGE_SECRET,
    NON_PUBLIC,
    PERSONAS,
    PICKUP_SECRET,
    PUBLIC,
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


def signed_in(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["anonymous", "resident", "member", "donor"])
def test_the_page_of_a_donated_item_names_the_donor_to_the_donor_only(persona: str) -> None:
    world = donations()
    client = signed_in(world.get(persona))
    response = client.get(f"/listings/{world['open_job'].listing_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (DONOR_NAME in html) == (persona == "donor")
    assert DONOR_EMAIL not in html


def test_the_workshop_pages_never_name_the_donor() -> None:
    world = donations()
    client = signed_in(world["member"])
    for url in ("/workshop/", f"/workshop/jobs/{world['open_job'].pk}/", f"/workshop/jobs/{world['held_job'].pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert DONOR_NAME not in html and DONOR_EMAIL not in html, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_report_form_offers_an_unverified_workshop_to_its_members_and_moderators_only(persona: str) -> None:
    world = build_world()
    client = world.page(persona)
    slug = world.unverified_workshop.slug
    response = client.get("/impact/report/", {"workshop": slug, "period": "year", "year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    may = persona in ("unverified_member", "moderator")
    link = f"/api/v1/impact/report.pdf?from=2025-01-01&amp;to=2025-12-31&amp;workshop={slug}"
    assert (link in html) == may, persona
    assert (world.unverified_workshop.name in html) == may, persona


# --- The matrix -------------------------------------------------------------------------------------------------

WS = ("workshop_owner", "workshop_member")
# Anonymous visitors of a page that needs a login are sent to the login page (checked below for every 302).
LOGIN = no(302)

Url = Callable[[World], str]
Data = Callable[[World], dict[str, Any]] | dict[str, Any] | None


def listing(name: str, action: str = "") -> Url:
    return lambda w: f"/listings/{w.listings[name].pk}/{action + '/' if action else ''}"


def job(name: str, action: str = "") -> Url:
    return lambda w: f"/workshop/jobs/{w.jobs[name].pk}/{action + '/' if action else ''}"


def repair(name: str, action: str = "") -> Url:
    return lambda w: f"/repairs/{w.jobs[name].pk}/{action + '/' if action else ''}"


def talk(name: str) -> Url:
    return lambda w: f"/repairs/{w.jobs[name].pk}/messages/"


def batch_page(name: str, action: str = "") -> Url:
    suffix = "" if not action else (action if "." in action else f"{action}/")
    return lambda w: f"/donations/{w.batches[name].pk}/{suffix}"


def edit_form(**extra: str) -> dict[str, Any]:
    return {
        "title": "Overtaget",
        "category": "furniture",
        "condition": "good",
        "price_dkk": "1",
        "description": "",
        "area": "Kildeparken",
        "pickup_details": "",
        **extra,
    }


# Non-public listing of `owner`: its page for the owner and moderators; every form about it 404 to all others.
OWNER_PAGE = {"default": 404, "owner": 200, "moderator": 200}
# The seller's own forms (edit, photos, publish, withdraw): 404 to everybody else — moderators too (they use the
# admin) — and the login page for anonymous visitors.
SELLER_FORM = {"default": 404, "anonymous": LOGIN}
# The workshop pages: members of a verified workshop only. Residents, unverified members, moderators: 403.
NOT_WORKSHOP = {
    "anonymous": LOGIN,
    "owner": 403,
    "other_resident": 403,
    "buyer": 403,
    "unverified_member": 403,
    "moderator": 403,
}

# name: (method, url, form data, expectations)
MATRIX: dict[str, tuple[str, Url, Data, dict[str, Expect]]] = {
    # --- A listing's page -----------------------------------------------------------------------------------------
    **{
        f"listing_{status}_page": ("get", listing(status), None, expect(**OWNER_PAGE))
        for status in ("draft", "withdrawn", "hidden")
    },
    "listing_ws_draft_page": (
        "get",
        listing("ws_draft"),
        None,
        expect(404, workshop_owner=200, workshop_member=200, moderator=200),
    ),
    "listing_active_page": ("get", listing("active"), None, expect(200)),
    # --- The period report's form: public, like the impact figures (an unverified workshop: see below) ------------
    "impact_report_page": ("get", lambda w: "/impact/report/", None, expect(200)),
    "impact_report_page_workshop": (
        "get",
        lambda w: f"/impact/report/?workshop={w.workshop.slug}&period=year&year=2025",
        None,
        expect(200),
    ),
    # --- The seller's forms ---------------------------------------------------------------------------------------
    "listing_draft_edit_page": ("get", listing("draft", "edit"), None, expect(**SELLER_FORM, owner=200)),
    # After posting: what was created and what happens next (issue 15) — the seller's, like the edit page.
    "listing_draft_created_page": ("get", listing("draft", "created"), None, expect(**SELLER_FORM, owner=200)),
    "listing_ws_draft_created_page": (
        "get",
        listing("ws_draft", "created"),
        None,
        expect(**SELLER_FORM, workshop_owner=200, workshop_member=200),
    ),
    "listing_active_edit_page": ("get", listing("active", "edit"), None, expect(**SELLER_FORM, owner=200)),
    "listing_ws_draft_edit_page": (
        "get",
        listing("ws_draft", "edit"),
        None,
        expect(**SELLER_FORM, workshop_owner=200, workshop_member=200),
    ),
    "listing_draft_edit": ("post", listing("draft", "edit"), edit_form(), expect(**SELLER_FORM, owner=ok(302))),
    "listing_active_edit": ("post", listing("active", "edit"), edit_form(), expect(**SELLER_FORM, owner=ok(302))),
    "listing_ws_active_edit": (
        "post",
        listing("ws_active", "edit"),
        edit_form(),
        expect(**SELLER_FORM, workshop_owner=ok(302), workshop_member=ok(302)),
    ),
    "listing_draft_photo_list": ("get", listing("draft", "photos"), None, expect(**SELLER_FORM, owner=200)),
    "listing_draft_photos_add": (
        "post",
        listing("draft", "photos/add"),
        lambda w: {"photos": jpeg()},
        expect(**SELLER_FORM, owner=ok(302)),
    ),
    "listing_active_photos_add": (
        "post",
        listing("active", "photos/add"),
        lambda w: {"photos": jpeg()},
        expect(**SELLER_FORM, owner=ok(302)),
    ),
    "listing_draft_publish": ("post", listing("draft", "publish"), {}, expect(**SELLER_FORM, owner=ok(302))),
    # The owner can't undo a moderator: the service refuses and the page says why (nothing changes).
    "listing_hidden_publish": ("post", listing("hidden", "publish"), {}, expect(**SELLER_FORM, owner=302)),
    "listing_ws_draft_publish": (
        "post",
        listing("ws_draft", "publish"),
        {},
        expect(**SELLER_FORM, workshop_owner=ok(302), workshop_member=ok(302)),
    ),
    "listing_active_withdraw": ("post", listing("active", "withdraw"), {}, expect(**SELLER_FORM, owner=ok(302))),
    "listing_draft_withdraw": ("post", listing("draft", "withdraw"), {}, expect(**SELLER_FORM, owner=ok(302))),
    "photo_of_draft_delete": (
        "post",
        lambda w: f"/photos/{w.photos['draft_ready'].pk}/delete/",
        {},
        expect(**SELLER_FORM, owner=ok(302)),
    ),
    "photo_pending_delete": (
        "post",
        lambda w: f"/photos/{w.photos['active_pending'].pk}/delete/",
        {},
        expect(**SELLER_FORM, owner=ok(302)),
    ),
    "photo_of_ws_draft_delete": (
        "post",
        lambda w: f"/photos/{w.photos['ws_draft_ready'].pk}/delete/",
        {},
        expect(**SELLER_FORM, workshop_owner=ok(302), workshop_member=ok(302)),
    ),
    # --- Photos: the cover and the order (issue 15) ----------------------------------------------------------------
    "photo_of_draft_cover": (
        "post",
        lambda w: f"/photos/{w.photos['draft_ready'].pk}/cover/",
        {},
        expect(**SELLER_FORM, owner=ok(302)),
    ),
    "photo_of_active_later": (
        "post",
        lambda w: f"/photos/{w.photos['active_pending'].pk}/later/",
        {},
        expect(**SELLER_FORM, owner=ok(302)),
    ),
    "photo_of_ws_draft_earlier": (
        "post",
        lambda w: f"/photos/{w.photos['ws_draft_ready'].pk}/earlier/",
        {},
        expect(**SELLER_FORM, workshop_owner=ok(302), workshop_member=ok(302)),
    ),
    # --- Reserve, write, report: public listings only (the page's forms; drafts are 404 even to their owner) -----
    **{
        f"listing_draft_{action}": ("post", listing("draft", action), data, expect(404, anonymous=LOGIN))
        for action, data in (("reserve", {}), ("message", {"body": "Hej"}), ("report", {"reason": "scam"}))
    },
    "listing_active_reserve": (
        "post",
        listing("active", "reserve"),
        {},
        expect(ok(302), anonymous=LOGIN, owner=302),  # the seller is told they can't reserve their own
    ),
    "listing_active_message": (
        "post",
        listing("active", "message"),
        {"body": "Hej"},
        expect(ok(302), anonymous=LOGIN, owner=302),
    ),
    "listing_ws_active_reserve": (
        "post",
        listing("ws_active", "reserve"),
        {},
        expect(ok(302), anonymous=LOGIN, workshop_owner=302, workshop_member=302),
    ),
    # --- Reservations: the two sides only; the buyer can't confirm or complete --------------------------------------
    **{
        f"reservation_{action}": (
            "post",
            (lambda a: lambda w: f"/reservations/{w.reservations['reserved'].pk}/{a}/")(action),
            {},
            expect(404, anonymous=LOGIN, owner=ok(302), buyer=ok(302) if action == "cancel" else 302),
        )
        for action in ("confirm", "complete", "cancel")
    },
    **{
        f"ws_reservation_{action}": (
            "post",
            (lambda a: lambda w: f"/reservations/{w.reservations['ws_reserved'].pk}/{a}/")(action),
            {},
            expect(
                404,
                anonymous=LOGIN,
                workshop_owner=ok(302),
                workshop_member=ok(302),
                buyer=ok(302) if action == "cancel" else 302,
            ),
        )
        for action in ("confirm", "cancel")
    },
    "reservation_unknown_action": (
        "post",
        lambda w: f"/reservations/{w.reservations['reserved'].pk}/delete/",
        {},
        expect(404, anonymous=LOGIN),
    ),
    # --- Conversations --------------------------------------------------------------------------------------------
    "conversation_page": (
        "get",
        lambda w: f"/conversations/{w.conversations['active'].pk}/",
        None,
        expect(404, anonymous=LOGIN, owner=ok(200), buyer=ok(200)),  # reading marks the other side's read
    ),
    "conversation_reply": (
        "post",
        lambda w: f"/conversations/{w.conversations['active'].pk}/",
        {"body": "Hej igen"},
        expect(404, anonymous=LOGIN, owner=ok(302), buyer=ok(302)),
    ),
    "ws_conversation_page": (
        "get",
        lambda w: f"/conversations/{w.conversations['ws_active'].pk}/",
        None,
        expect(404, anonymous=LOGIN, buyer=ok(200), workshop_owner=ok(200), workshop_member=ok(200)),
    ),
    # --- Favourites, offers, profiles and ratings (issue 15) -------------------------------------------------------
    # A refusal (own listing, not public, not active, already rated) is a message on the page it came from (302).
    "listing_active_favourite": ("post", listing("active", "favourite"), {}, expect(ok(302), anonymous=LOGIN)),
    "listing_draft_favourite": (
        "post",
        listing("draft", "favourite"),
        {},
        expect(404, anonymous=LOGIN, owner=302, moderator=302),
    ),
    "listing_active_offer": (
        "post",
        listing("active", "offer"),
        {"price_dkk": "100"},
        expect(ok(302), anonymous=LOGIN, owner=302, buyer=302),
    ),
    "listing_draft_offer": (
        "post",
        listing("draft", "offer"),
        {"price_dkk": "100"},
        expect(404, anonymous=LOGIN, owner=302, moderator=302),
    ),
    "offer_accept": (
        "post",
        lambda w: f"/offers/{w.offers['active'].pk}/accept/",
        {},
        expect(404, anonymous=LOGIN, owner=ok(302), buyer=302),
    ),
    "offer_decline": (
        "post",
        lambda w: f"/offers/{w.offers['active'].pk}/decline/",
        {},
        expect(404, anonymous=LOGIN, owner=ok(302), buyer=ok(302)),
    ),
    "offer_counter": (
        "post",
        lambda w: f"/offers/{w.offers['active'].pk}/counter/",
        {"price_dkk": "120"},
        expect(404, anonymous=LOGIN, owner=ok(302), buyer=302),
    ),
    "ws_offer_accept": (
        "post",
        lambda w: f"/offers/{w.offers['ws_active'].pk}/accept/",
        {},
        expect(404, anonymous=LOGIN, workshop_owner=ok(302), workshop_member=ok(302), buyer=302),
    ),
    "offer_unknown_action": (
        "post",
        lambda w: f"/offers/{w.offers['active'].pk}/delete/",
        {},
        expect(404, anonymous=LOGIN),
    ),
    "public_profile": ("get", lambda w: f"/people/{w.people['owner'].pk}/", None, expect(200)),
    "reservation_sold_rate": (
        "post",
        lambda w: f"/reservations/{w.reservations['sold'].pk}/rating/",
        {"stars": "4", "text": "Fin køber"},
        expect(404, anonymous=LOGIN, owner=ok(302), buyer=302),
    ),
    "rating_report": (
        "post",
        lambda w: f"/ratings/{w.ratings['sold'].pk}/report/",
        {"reason": "offensive"},
        expect(ok(302), anonymous=LOGIN, buyer=302),
    ),
    # --- My page: notifications, saved searches -------------------------------------------------------------------
    "notification_read_owners": (
        "post",
        "/notifications/read/",
        lambda w: {"id": str(w.notifications["owner"].pk)},
        expect(302, anonymous=LOGIN, owner=ok(302)),  # someone else's id: marks nothing
    ),
    "saved_search_delete": (
        "post",
        lambda w: f"/saved-searches/{w.saved_searches['owner'].pk}/delete/",
        {},
        expect(404, anonymous=LOGIN, owner=ok(302)),
    ),
    # --- Your data and your account (My page), and the pages about the site ------------------------------------------
    **{f"{page}_page": ("get", f"/{page}/", None, expect(200)) for page in ("privacy", "terms", "about")},
    # Each visitor downloads their own data only (there is no id to ask for someone else's): a read.
    "data_download": ("post", "/profile/data/", {}, expect(200, anonymous=LOGIN)),
    "data_download_get": ("get", "/profile/data/", None, expect(405, anonymous=LOGIN)),
    "account_delete_page": ("get", "/profile/delete/", None, expect(200, anonymous=LOGIN)),
    # Only with the account's own password: a wrong one (or no confirmation) deletes nothing.
    "account_delete_wrong_password": (
        "post",
        "/profile/delete/",
        {"password": "ikke-min-kode-9220", "confirm": "on"},
        expect(400, anonymous=LOGIN),
    ),
    "account_delete_unconfirmed": ("post", "/profile/delete/", {"password": PASSWORD}, expect(400, anonymous=LOGIN)),
    "account_delete": (
        "post",
        "/profile/delete/",
        {"password": PASSWORD, "confirm": "on"},
        expect(ok(302), anonymous=LOGIN),
    ),
    # --- Workshop settings: owners only; 404 to whoever is no member ----------------------------------------------
    "workshop_manage_page": (
        "get",
        lambda w: f"/workshop/{w.workshop.slug}/manage/",
        None,
        expect(404, anonymous=LOGIN, workshop_owner=200, workshop_member=403),
    ),
    "workshop_manage_add_member": (
        "post",
        lambda w: f"/workshop/{w.workshop.slug}/manage/",
        lambda w: {"form": "member", "email": w.people["other_resident"].email, "role": "owner"},
        expect(404, anonymous=LOGIN, workshop_owner=ok(302), workshop_member=403),
    ),
    "workshop_manage_categories": (
        "post",
        lambda w: f"/workshop/{w.workshop.slug}/manage/",
        {"form": "categories", "categories": ["bicycle"]},
        expect(404, anonymous=LOGIN, workshop_owner=ok(302), workshop_member=403),
    ),
    "unverified_workshop_manage_page": (
        "get",
        lambda w: f"/workshop/{w.unverified_workshop.slug}/manage/",
        None,
        expect(404, anonymous=LOGIN, unverified_member=200),
    ),
    "unverified_workshop_manage_add_member": (  # not verified: the invitation is refused (400), nothing changes
        "post",
        lambda w: f"/workshop/{w.unverified_workshop.slug}/manage/",
        lambda w: {"form": "member", "email": w.people["other_resident"].email, "role": "staff"},
        expect(404, anonymous=LOGIN, unverified_member=400),
    ),
    "workshop_profile": ("get", lambda w: f"/workshops/{w.workshop.slug}/", None, expect(200)),
    # An application is seen by its members and moderators only (accounts.selectors.workshops_visible_to).
    "unverified_workshop_profile": (
        "get",
        lambda w: f"/workshops/{w.unverified_workshop.slug}/",
        None,
        expect(404, unverified_member=200, moderator=200),
    ),
    # --- An invitation's page: whoever holds the link reads it; only the invited address (no persona) answers ---
    "invitation_page": ("get", lambda w: f"/invitations/{w.invitation_token}/", None, expect(200)),
    # Refused with a message, back to the invitation's page: nothing changes.
    "invitation_accept": (
        "post",
        lambda w: f"/invitations/{w.invitation_token}/",
        {"action": "accept"},
        expect(302, anonymous=LOGIN),
    ),
    "invitation_decline": (
        "post",
        lambda w: f"/invitations/{w.invitation_token}/",
        {"action": "decline"},
        expect(302, anonymous=LOGIN),
    ),
    # --- Applying as a workshop: anyone logged in; it creates an unverified workshop (issue 15) -----------------
    "workshop_apply_page": ("get", lambda w: "/workshop/apply/", None, expect(200, anonymous=LOGIN)),
    "workshop_apply": (
        "post",
        lambda w: "/workshop/apply/",
        {"name": "Nyt værksted", "cvr": "87654321", "address": "Humlebakken 2, 9220 Aalborg Øst"},
        expect(ok(302), anonymous=LOGIN),
    ),
    # --- Workshop job pages (the API's job rules: tests/repairs/test_permissions.py) -----------------------------
    "job_board": (
        "get",
        lambda w: "/workshop/",
        None,
        expect(200, **NOT_WORKSHOP),
    ),
    "job_open_page": ("get", job("job_open"), None, expect(200, **NOT_WORKSHOP)),
    "job_claimed_page": ("get", job("job_claimed"), None, expect(404, **NOT_WORKSHOP, **dict.fromkeys(WS, 200))),
    "job_open_claim": ("post", job("job_open", "claim"), {}, expect(ok(302), **NOT_WORKSHOP)),
    "job_claimed_claim": (
        "post",
        job("job_claimed", "claim"),
        {},
        # Members of a verified workshop of the category hear "already claimed" (a message, nothing changes).
        expect(302, **NOT_WORKSHOP),
    ),
    **{
        f"job_claimed_{action}": (
            "post",
            job("job_claimed", action),
            data,
            expect(404, **NOT_WORKSHOP, **{w: ok(302) for w in WS}),
        )
        for action, data in (
            ("start", {}),
            ("release", {"reason": "Ingen dele"}),
            ("work-logs", {"date": "2026-01-05", "hours": "2"}),
            ("no-storage", {}),
        )
    },
    "job_claimed_publish": (
        "post",
        job("job_claimed", "publish"),
        {"title": "Istandsat", "description": "", "price_dkk": "100", "condition": "good"},
        expect(404, **NOT_WORKSHOP, **dict.fromkeys(WS, 302)),  # not completed: refused with a message
    ),
    # --- Repair and hand back: the resident's page of a repair, its answers; the workshop's steps and intake ------
    # The donor reads it; W's members are sent to W's page of the job; everybody else: 404.
    **{
        f"repair_{name}_page": (
            "get",
            repair(name),
            None,
            expect(404, anonymous=LOGIN, owner=200, **dict.fromkeys(WS, 302)),
        )
        for name in ("job_claimed", "ret_quoted")
    },
    **{
        f"repair_ret_quoted_{answer}": (
            "post",
            repair("ret_quoted", f"quote/{answer}"),
            {},
            expect(404, anonymous=LOGIN, owner=ok(302)),
        )
        for answer in ("accept", "decline")
    },
    # Nothing waits for an answer on a job without a quote: refused with a message, nothing changes.
    "repair_ret_claimed_accept": (
        "post",
        repair("ret_claimed", "quote/accept"),
        {},
        expect(404, anonymous=LOGIN, owner=302),
    ),
    "job_ret_claimed_quote": (
        "post",
        job("ret_claimed", "quote"),
        {"price_dkk": "1299.50", "estimate_days": "3", "note": "Ny skærm"},
        expect(404, **NOT_WORKSHOP, **{w: ok(302) for w in WS}),
    ),
    # Not accepted yet: the workshop's "received" is refused with a message.
    "job_ret_quoted_received": (
        "post",
        job("ret_quoted", "received"),
        {},
        expect(404, **NOT_WORKSHOP, **dict.fromkeys(WS, 302)),
    ),
    # Not completed: refused with a message.
    "job_ret_quoted_handed_back": (
        "post",
        job("ret_quoted", "handed-back"),
        {"paid_dkk": "450"},
        expect(404, **NOT_WORKSHOP, **dict.fromkeys(WS, 302)),
    ),
    "workshop_intake": ("get", lambda w: "/workshop/intake/", None, expect(200, **NOT_WORKSHOP)),
    # --- The donor and the workshop talking about a job (`marketplace.selectors.job_talk_allowed`) ----------------
    # The donor's page for it; the holding workshop's members write from the job page and are sent back there.
    "job_claimed_talk_page": (
        "get",
        talk("job_claimed"),
        None,
        expect(404, anonymous=LOGIN, owner=200, **dict.fromkeys(WS, 302)),
    ),
    # A workshop that sees the open job on its board may not talk about it (403); the donor reads an empty page.
    "job_open_talk_page": (
        "get",
        talk("job_open"),
        None,
        expect(404, anonymous=LOGIN, owner=200, other_workshop_member=403, **dict.fromkeys(WS, 403)),
    ),
    "job_claimed_talk_write": (
        "post",
        talk("job_claimed"),
        {"body": "Hvornår kan I hente den?"},
        expect(404, anonymous=LOGIN, owner=ok(302), **{w: ok(302) for w in WS}),
    ),
    "job_open_talk_write": (
        "post",
        talk("job_open"),
        {"body": "Hej"},
        # No workshop holds it: the donor hears why (a message), nothing is written.
        expect(404, anonymous=LOGIN, owner=302, other_workshop_member=403, **dict.fromkeys(WS, 403)),
    ),
    "job_claimed_photo": (
        "post",
        job("job_claimed", "photos"),
        lambda w: {"file": jpeg()},
        # Nothing published yet to add a photo to: the form comes back with the reason (400), nothing is stored.
        expect(404, **NOT_WORKSHOP, **dict.fromkeys(WS, 400)),
    ),
    "job_claimed_on_sale": (
        "post",
        job("job_claimed", "on-sale"),
        {},
        # Nothing published yet to put on sale: the job page says why (a message), nothing changes.
        expect(404, **NOT_WORKSHOP, **dict.fromkeys(WS, 302)),
    ),
    # --- Organisations and donation batches (frontend/views_donations.py) ----------------------------------------
    "verify_page": ("get", lambda w: f"/verify/{w.batches['held'].certificate_code}/", None, expect(200)),
    "verify_offered_page": ("get", lambda w: f"/verify/{w.batches['offered'].certificate_code}/", None, expect(404)),
    "verify_unknown_page": ("get", "/verify/" + "0" * 32 + "/", None, expect(404)),
    "batches_page": ("get", "/donations/", None, expect(200, anonymous=LOGIN)),
    "organisation_new_page": ("get", "/organisations/new/", None, expect(200, anonymous=LOGIN)),
    "organisation_page": (
        "get",
        lambda w: f"/organisations/{w.organisation.slug}/",  # type: ignore[union-attr]
        None,
        expect(404, anonymous=LOGIN, owner=200, moderator=200),
    ),
    "organisation_invite": (
        "post",
        lambda w: f"/organisations/{w.organisation.slug}/invite/",  # type: ignore[union-attr]
        {"email": "kollega@example.dk"},
        expect(404, anonymous=LOGIN, owner=ok(302), moderator=302),
    ),
    # An organisation's invitation: an unknown link refuses every answer (a message on the page; nothing changes).
    "organisation_invitation_page": (
        "get",
        "/organisations/invitations/no-such-token/",
        None,
        expect(200, anonymous=LOGIN),
    ),
    "organisation_invitation_accept": (
        "post",
        "/organisations/invitations/no-such-token/",
        {"action": "accept"},
        expect(200, anonymous=LOGIN),
    ),
    "organisation_invitation_decline": (
        "post",
        "/organisations/invitations/no-such-token/",
        {"action": "decline"},
        expect(200, anonymous=LOGIN),
    ),
    "batch_offered_page": (
        "get",
        batch_page("offered"),
        None,
        expect(404, anonymous=LOGIN, owner=200, moderator=200, other_workshop_member=200, **dict.fromkeys(WS, 200)),
    ),
    "batch_held_page": (
        "get",
        batch_page("held"),
        None,
        expect(404, anonymous=LOGIN, owner=200, moderator=200, **dict.fromkeys(WS, 200)),
    ),
    "batch_offered_csv": (
        "post",
        batch_page("offered", "devices.csv"),
        lambda w: {"file": SimpleUploadedFile("d.csv", b"serial_number,model,category\nNY-3,X,laptop\n")},
        expect(404, anonymous=LOGIN, owner=ok(302), moderator=302, other_workshop_member=302, **dict.fromkeys(WS, 302)),
    ),
    "batch_offered_accept": (
        "post",
        batch_page("offered", "accept"),
        lambda w: {"workshop": w.workshop.slug},
        expect(404, anonymous=LOGIN, **{p: ok(302) for p in WS}),
    ),
    "batch_held_collected": (
        "post",
        batch_page("held", "collected"),
        {"collected_by": "Ali", "signed_for_by": "Olga"},
        expect(404, anonymous=LOGIN, owner=302, moderator=302, **{p: ok(302) for p in WS}),
    ),
    "batch_held_received": (  # not collected yet: refused with a message, for W too
        "post",
        batch_page("held", "received"),
        {},
        expect(404, anonymous=LOGIN, owner=302, moderator=302, **dict.fromkeys(WS, 302)),
    ),
    "batch_held_certificate": (
        "get",
        batch_page("held", "certificate.pdf"),
        None,
        expect(404, anonymous=LOGIN, owner=200, moderator=200, **dict.fromkeys(WS, 200)),
    ),
}


def check(world: World, row: str, persona: str, want: Expect) -> None:
    method, url, data, _expected = MATRIX[row]
    form = data(world) if callable(data) else data
    address = url(world) if callable(url) else url
    before = db_state()
    client = world.page(persona)
    response = client.get(address) if method == "get" else client.post(address, form or {})
    assert response.status_code == want.status, (row, persona, response.content[:300])
    if persona == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith("/login/?next="), response["Location"]
    if not want.changes:
        assert db_state() == before, f"{row}: {persona} changed something"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", list(MATRIX))
def test_page_permission_matrix(row: str, persona: str) -> None:
    check(build_world(), row, persona, MATRIX[row][3][persona])


@pytest.mark.parametrize("row", list(MATRIX))
def test_a_member_who_left_the_workshop_is_anybody_else_on_pages(row: str) -> None:
    """W's owner, who published W's listings, removed from W: every page answers them what it answers another
    resident (W's listings are no longer theirs to change, its reservations and conversations no longer theirs
    to read, the workshop pages closed)."""
    world = build_world()
    leave_workshop(world, "workshop_owner")
    check(world, row, "workshop_owner", MATRIX[row][3]["other_resident"])


# --- Lists on pages: only public listings; on My page only the visitor's own rows --------------------------------

NON_PUBLIC_TITLES = [f"Lampe {name}" for name in NON_PUBLIC]


@pytest.mark.parametrize("persona", PERSONAS)
def test_browse_and_workshop_pages_list_public_listings_only(persona: str) -> None:
    world = build_world()
    client = world.page(persona)
    pages = {
        "/": "Lampe active",
        "/?q=lampe": "Lampe active",
        "/?q=draft": None,
        "/?category=furniture&condition=good": "Lampe active",
        f"/workshops/{world.workshop.slug}/": "Lampe ws_active",
    }
    for url, shown in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        if shown:
            assert shown in html, url
        for title in NON_PUBLIC_TITLES:
            assert title not in html, (url, title)
        for name in ("draft_ready", "hidden_ready", "ws_draft_ready"):
            assert world.photos[name].variants["w320"]["name"] not in html, (url, name)


# What My page shows of the world to each persona: their notification, their saved search, the listings they sell
# and the listings of their reservations, conversations, saved listings and offers.
MY_PAGE = {
    "owner": {"Til owner", "Olgas lamper"}
    | {f"Lampe {name}" for name in ("draft", "withdrawn", "hidden", "active", "reserved", "sold")},
    # The buyer's own: their reservations (also the handed-over `sold`), conversations, saved listings and offers.
    "buyer": {"Til buyer", "Bentes lamper", "Lampe reserved", "Lampe active", "Lampe ws_reserved", "Lampe ws_active"}
    | {"Lampe sold"},
    # The workshop's owner published its listings (My page lists what one sells oneself, drafts too)…
    "workshop_owner": {"Til workshop_owner", "Lampe ws_draft", "Lampe ws_active", "Lampe ws_reserved"},
    # …its staff member sees the workshop's reservation and the conversation they answered.
    "workshop_member": {"Til workshop_member", "Lampe ws_reserved", "Lampe ws_active"},
}
EVERYTHING = (
    {f"Til {p}" for p in PERSONAS}
    | {"Olgas lamper", "Bentes lamper", "Fremmed"}
    | {f"Lampe {name}" for name in (*NON_PUBLIC, *PUBLIC, "stranger")}
)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_my_page_shows_only_the_visitors_own_rows(persona: str) -> None:
    world = build_world()
    response = world.page(persona).get("/profile/")
    assert response.status_code == 200
    html = response.content.decode()
    mine = MY_PAGE.get(persona, {f"Til {persona}"})
    assert {text for text in EVERYTHING if text in html} == mine
    assert PICKUP_SECRET not in html and MESSAGE_SECRET not in html


def test_my_page_of_a_member_who_left_lists_none_of_the_workshops_rows() -> None:
    world = build_world()
    leave_workshop(world, "workshop_owner")
    html = world.page("workshop_owner").get("/profile/").content.decode()
    # Left: W's listings, its reservation and its conversation. What stays is theirs: the notification they got
    # (as the listing's seller) when `buyer` reserved one of W's listings, and made an offer on another, while they
    # were a member.
    assert {text for text in EVERYTHING if text in html} == {
        "Til workshop_owner",
        "Lampe ws_reserved",
        "Lampe ws_active",
    }
    assert "Nyt bud på “Lampe ws_active”" in html or "New offer on “Lampe ws_active”" in html
    assert "“Lampe ws_reserved”" in html
    assert f"/listings/{world.listings['ws_draft'].pk}/edit/" not in html


def test_my_page_needs_a_login() -> None:
    response = build_world().page("anonymous").get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_pickup_details_and_messages_reach_only_who_may_read_them_on_pages() -> None:
    world = build_world()
    urls = ["/", "/profile/", f"/workshops/{world.workshop.slug}/"]
    urls += [f"/listings/{listing.pk}/" for listing in world.listings.values()]
    urls += [f"/conversations/{c.pk}/" for c in world.conversations.values()]
    message_readers = {"owner", "buyer", "workshop_owner", "workshop_member"}
    for persona in PERSONAS:
        client = world.page(persona)
        html = "".join(client.get(url).content.decode() for url in urls)
        assert PICKUP_SECRET not in html, persona  # pages show it to a buyer once confirmed, to nobody else
        assert (MESSAGE_SECRET in html) == (persona in message_readers), persona
    # Confirmed: now the buyer — and only the buyer — reads it on the listing's page.
    world.page("owner").post(f"/reservations/{world.reservations['reserved'].pk}/confirm/")
    reserved = f"/listings/{world.listings['reserved'].pk}/"
    assert {p for p in PERSONAS if PICKUP_SECRET in world.page(p).get(reserved).content.decode()} == {"buyer"}


def test_the_sellers_photo_pages_never_name_an_original() -> None:
    world = build_world()
    client = world.page("owner")
    client.post(f"/listings/{world.listings['draft'].pk}/photos/add/", {"photos": jpeg()})
    photo = world.listings["draft"].photos.order_by("-pk").first()
    assert photo is not None and photo.original.name.startswith("originals/")
    for url in (f"/listings/{world.listings['draft'].pk}/edit/", f"/listings/{world.listings['draft'].pk}/photos/"):
        html = client.get(url).content.decode()
        assert "originals/" not in html and photo.upload_token not in html, url
