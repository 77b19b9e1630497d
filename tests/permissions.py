"""The world the permission matrices (tests/api/test_permission_matrix.py, tests/frontend/test_page_permissions.py)
run in: the same people and objects for every row, a snapshot of everything a request could change, and the
expectation helpers.

People ("personas"):
- `owner`: a resident with listings in every status, photos, a saved search and notifications;
- `buyer`: holds a pending reservation of one of `owner`'s listings and one of the workshop's, and started a
  conversation with each seller;
- `other_resident`: a buyer without reservation or conversation;
- `workshop_owner` / `workshop_member`: owner and staff of the verified workshop W that sells listings of its own;
- `other_workshop_member`: owner of another verified workshop handling the same categories;
- `unverified_member`: owner of an unverified workshop;
- `moderator`: staff (`is_staff`), member of nothing.
`buyer` also bought `owner`'s `sold` listing (a completed reservation it rated), saved `active` and `ws_active` and
made an open offer on each.
`owner` also donated two laptops for repair: `job_open`, and `job_claimed` that W claimed.
Every kind of row also exists for two people who are no persona (`stranger_seller`, `stranger_buyer`): lists must
leave those out for everybody.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import organisations
from accounts.models import (
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    Role,
    User,
    Workshop,
    WorkshopInvitation,
    WorkshopMembership,
)
from donations import services as donation_services
from donations.models import CustodyStep, Device, DonationBatch, MaterialLot
from listings.models import Listing, ListingStatus, Photo, PhotoStatus
from marketplace import services as trade_services
from marketplace.models import Conversation, Favourite, Message, Offer, Rating, Report, Reservation, SavedSearch
from notifications.models import Notification
from repairs import returns
from repairs import services as repairs
from repairs.models import DataWipe, JobEvent, RepairJob, WorkLog
from tests import factories
from tests.helpers import client_for, job_publish_on_sale

PERSONAS = (
    "anonymous",
    "owner",
    "other_resident",
    "buyer",
    "workshop_owner",
    "workshop_member",
    "other_workshop_member",
    "unverified_member",
    "moderator",
)

# Texts that only the people entitled to them may ever receive, in any response.
PICKUP_SECRET = "Nøglen ligger under måtten ved opgang 7"
MESSAGE_SECRET = "Mit mobilnummer er 20 30 40 50"
PICKED_UP = "Hentet i carporten"
NON_PUBLIC = ("draft", "withdrawn", "hidden", "ws_draft")
PUBLIC = ("active", "reserved", "sold", "ws_active", "ws_reserved")


@dataclass
class World:
    people: dict[str, User]
    workshop: Workshop
    other_workshop: Workshop
    unverified_workshop: Workshop
    listings: dict[str, Listing]
    photos: dict[str, Photo]
    reservations: dict[str, Reservation]
    conversations: dict[str, Conversation]
    saved_searches: dict[str, SavedSearch]
    notifications: dict[str, Notification] = field(default_factory=dict)
    jobs: dict[str, RepairJob] = field(default_factory=dict)
    offers: dict[str, Offer] = field(default_factory=dict)
    ratings: dict[str, Rating] = field(default_factory=dict)
    # The link token of W's open invitation to an address that is no persona's (so no persona may answer it).
    invitation_token: str = ""
    # `owner`'s organisation and its donation batches: "offered", "held" (accepted by W), "lot" (textiles W received)
    organisation: Organisation | None = None
    batches: dict[str, DonationBatch] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else self.people[persona]

    def api(self, persona: str) -> APIClient:
        user = self.user(persona)
        return APIClient() if user is None else client_for(user)

    def page(self, persona: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["django_language"] = "en"
        user = self.user(persona)
        if user is not None:
            client.force_login(user)
        return client


def _photo(listing: Listing, status: str = PhotoStatus.READY, position: int = 0) -> Photo:
    extra: dict[str, Any] = {} if status == PhotoStatus.READY else {"variants": {}, "width": None, "height": None}
    return factories.PhotoFactory(listing=listing, position=position, status=status, **extra)


def build_world() -> World:
    people = {
        "owner": factories.UserFactory(display_name="Olga Ejer"),
        "other_resident": factories.UserFactory(display_name="Ole Anden"),
        "buyer": factories.UserFactory(display_name="Bente Køber"),
        "moderator": factories.UserFactory(display_name="Mona Moderator", is_staff=True),
    }
    workshop = factories.WorkshopFactory(name="Værkstedet W")
    people["workshop_owner"] = factories.MembershipFactory(workshop=workshop, role=Role.OWNER).user
    people["workshop_member"] = factories.MembershipFactory(workshop=workshop, role=Role.STAFF).user
    other = factories.MembershipFactory(workshop__name="Andet Værksted")
    people["other_workshop_member"] = other.user
    unverified = factories.MembershipFactory(workshop__name="Uverificeret", workshop__verified=False)
    people["unverified_member"] = unverified.user
    stranger_seller = factories.UserFactory(display_name="Fremmed Sælger")
    stranger_buyer = factories.UserFactory(display_name="Fremmed Køber")

    def listing(name: str, status: str, **kw: Any) -> Listing:
        public = status in (ListingStatus.ACTIVE, ListingStatus.RESERVED, ListingStatus.SOLD)
        kw.setdefault("seller", people["owner"])
        kw.setdefault("title", f"Lampe {name}")
        return factories.ListingFactory(
            status=status,
            pickup_details=PICKUP_SECRET,
            published_at=timezone.now() if public or status != ListingStatus.DRAFT else None,
            **kw,
        )

    listings = {
        "draft": listing("draft", ListingStatus.DRAFT),
        "withdrawn": listing("withdrawn", ListingStatus.WITHDRAWN),
        "hidden": listing("hidden", ListingStatus.HIDDEN),
        "active": listing("active", ListingStatus.ACTIVE),
        "reserved": listing("reserved", ListingStatus.ACTIVE),  # reserved by `buyer` below
        "sold": listing("sold", ListingStatus.ACTIVE),  # bought by `buyer` below: completed, rated by `buyer`
        "ws_draft": listing("ws_draft", ListingStatus.DRAFT, seller=people["workshop_owner"], workshop=workshop),
        "ws_active": listing("ws_active", ListingStatus.ACTIVE, seller=people["workshop_owner"], workshop=workshop),
        "ws_reserved": listing("ws_reserved", ListingStatus.ACTIVE, seller=people["workshop_owner"], workshop=workshop),
        "stranger": listing("stranger", ListingStatus.ACTIVE, seller=stranger_seller),
    }
    # `owner` also donated two laptops for repair: one open for every verified workshop handling laptops, one that
    # W claimed.
    for name in ("job_open", "job_claimed"):
        listings[name] = listing(
            name,
            ListingStatus.ACTIVE,
            kind="repair",
            price_dkk=0,
            category=factories.category("laptop"),
            title=f"Bærbar {name}",
        )
    jobs = {
        name: repairs.job_create(listing=listings[name], mode="donate", fault_description="Starter ikke.")
        for name in ("job_open", "job_claimed")
    }
    repairs.job_claim(job=jobs["job_claimed"], workshop=workshop, actor=people["workshop_member"])
    # …and two laptops to be repaired and handed back, both claimed by W: one without a quote yet, one whose
    # quote waits for `owner`'s answer.
    for name in ("ret_claimed", "ret_quoted"):
        listings[name] = listing(
            name,
            ListingStatus.ACTIVE,
            kind="repair",
            price_dkk=0,
            category=factories.category("laptop"),
            title=f"Bærbar {name}",
        )
        jobs[name] = repairs.job_create(listing=listings[name], mode="return", fault_description="Skærmen er død.")
        repairs.job_claim(job=jobs[name], workshop=workshop, actor=people["workshop_member"])
    returns.job_quote(job=jobs["ret_quoted"], actor=people["workshop_member"], price_dkk="450", estimate_days=4)
    photos = {
        "draft_ready": _photo(listings["draft"]),
        "active_ready": _photo(listings["active"]),
        "active_pending": _photo(listings["active"], PhotoStatus.PENDING, position=1),
        "active_failed": _photo(listings["active"], PhotoStatus.FAILED, position=2),
        "ws_draft_ready": _photo(listings["ws_draft"]),
        "hidden_ready": _photo(listings["hidden"]),
    }
    reservations = {
        "reserved": trade_services.reservation_create(listing=listings["reserved"], buyer=people["buyer"]),
        "ws_reserved": trade_services.reservation_create(listing=listings["ws_reserved"], buyer=people["buyer"]),
        "stranger": trade_services.reservation_create(listing=listings["stranger"], buyer=stranger_buyer),
    }
    # Handed over: its pickup details are the buyer's to read now, so they are no secret.
    Listing.objects.filter(pk=listings["sold"].pk).update(pickup_details=PICKED_UP)
    listings["sold"].pickup_details = PICKED_UP
    reservations["sold"] = trade_services.reservation_create(listing=listings["sold"], buyer=people["buyer"])
    trade_services.reservation_complete(reservation=reservations["sold"], actor=people["owner"])
    reservations["sold"].refresh_from_db()
    for name in ("reserved", "ws_reserved", "stranger", "sold"):
        listings[name].refresh_from_db()
    # Favourites, offers and a rating (issue 15): `buyer` saved and made an offer on `owner`'s and W's active
    # listings and rated `owner` after buying `sold`; the stranger did the same with the stranger's listing.
    for name, who in (("active", people["buyer"]), ("ws_active", people["buyer"]), ("stranger", stranger_buyer)):
        Favourite.objects.create(user=who, listing=listings[name])
    offers = {
        name: trade_services.offer_create(listing=listings[name], buyer=people["buyer"], price_dkk=Decimal(90))
        for name in ("active", "ws_active")
    }
    # The stranger offered before reserving (made as the service makes it, without its rules and notifications).
    offers["stranger"] = Offer.objects.create(
        listing=listings["stranger"],
        buyer=stranger_buyer,
        price_dkk=Decimal(90),
        expires_at=timezone.now() + timedelta(hours=48),
    )
    ratings = {
        "sold": trade_services.rating_create(
            reservation=reservations["sold"], rater=people["buyer"], stars=5, text="Fin"
        )
    }
    conversations = {}
    for name, seller in (("active", people["owner"]), ("ws_active", people["workshop_member"])):
        conversation, _message = trade_services.conversation_start(
            listing=listings[name], buyer=people["buyer"], body=MESSAGE_SECRET
        )
        trade_services.message_send(conversation=conversation, sender=seller, body=f"Svar om {name}")
        conversations[name] = conversation
    conversations["stranger"], _m = trade_services.conversation_start(
        listing=listings["stranger"], buyer=stranger_buyer, body=MESSAGE_SECRET
    )
    saved_searches = {
        "owner": trade_services.saved_search_create(user=people["owner"], name="Olgas lamper", query={"q": "lampe"}),
        "buyer": trade_services.saved_search_create(user=people["buyer"], name="Bentes lamper", query={"q": "lampe"}),
        "stranger": trade_services.saved_search_create(user=stranger_buyer, name="Fremmed", query={}),
    }
    notifications = {
        persona: Notification.objects.create(user=user, kind="test", title=f"Til {persona}")
        for persona, user in people.items()
    }
    notifications["stranger"] = Notification.objects.create(user=stranger_buyer, kind="test", title="Fremmed")
    # `owner` also owns a verified organisation that offered a batch of laptops (W and the other workshop handle
    # laptops, so they see the offer), and whose second batch W accepted, and a lot of textiles W received.
    organisation = organisations.organisation_create(
        owner=people["owner"], name="Nordjysk Revision ApS", cvr="10150817", address="Boulevarden 1", kind="company"
    )
    organisations.organisation_verify(organisation=organisation)
    laptops = [{"serial_number": "PM-1", "model": "ThinkPad", "category": "laptop", "has_storage": True}]

    def offer(title: str, **kw: Any) -> DonationBatch:
        return donation_services.batch_create(organisation=organisation, actor=people["owner"], title=title, **kw)

    batches = {
        "offered": offer("Tilbudt", kind="devices", devices=laptops),
        "held": offer("Hos W", kind="devices", devices=laptops),
        "lot": offer("Stof", kind="materials", lots=[{"kind": "textiles", "kg": "12"}]),
    }
    for name in ("held", "lot"):
        donation_services.batch_accept(batch=batches[name], workshop=workshop, actor=people["workshop_member"])
    donation_services.batch_collected(
        batch=batches["lot"], actor=people["workshop_member"], collected_by="W", signed_for_by="Olga"
    )
    donation_services.batch_received(batch=batches["lot"], actor=people["workshop_member"])
    # W's owner invited someone who is no persona (made as the service makes it, without its mail).
    invitation_token = "permission-matrix-invitation-token-0123456789abc"
    WorkshopInvitation.objects.create(
        workshop=workshop,
        email="invited.newcomer@example.dk",
        role=Role.STAFF,
        token_hash=hashlib.sha256(invitation_token.encode()).hexdigest(),
        invited_by=people["workshop_owner"],
        expires_at=timezone.now() + timedelta(days=14),
    )
    return World(
        people=people,
        workshop=workshop,
        other_workshop=other.workshop,
        unverified_workshop=unverified.workshop,
        listings=listings,
        photos=photos,
        reservations=reservations,
        conversations=conversations,
        saved_searches=saved_searches,
        notifications=notifications,
        jobs={name: RepairJob.objects.get(pk=job.pk) for name, job in jobs.items()},
        invitation_token=invitation_token,
        offers=offers,
        ratings=ratings,
        organisation=organisation,
        batches={name: DonationBatch.objects.get(pk=b.pk) for name, b in batches.items()},
    )


def leave_workshop(world: World, persona: str) -> None:
    """The persona stops being a member of W (a moderator removed them, say); what they did as W stays W's."""
    WorkshopMembership.objects.filter(user=world.people[persona], workshop=world.workshop).delete()


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def db_state() -> dict[str, Any]:
    """Every row a request of the matrices could change, and the media files: equal before and after means the
    request changed nothing."""

    def rows(model: Any, **kw: Any) -> list[dict[str, Any]]:
        return list(model.objects.order_by("pk").values(**kw))

    return {
        "users": list(
            User.objects.order_by("pk").values("pk", "email", "display_name", "area", "language", "is_active")
        ),
        "workshops": rows(Workshop),
        "workshop_categories": sorted(Workshop.categories.through.objects.values_list("workshop_id", "category_id")),
        "memberships": list(WorkshopMembership.objects.order_by("pk").values("pk", "workshop_id", "user_id", "role")),
        "invitations": rows(WorkshopInvitation),
        "listings": rows(Listing),
        "photos": rows(Photo),
        "reservations": rows(Reservation),
        "conversations": rows(Conversation),
        "messages": rows(Message),
        "notifications": rows(Notification),
        "saved_searches": rows(SavedSearch),
        "reports": rows(Report),
        "favourites": rows(Favourite),
        "offers": rows(Offer),
        "ratings": rows(Rating),
        "jobs": rows(RepairJob),
        "job_events": rows(JobEvent),
        "work_logs": rows(WorkLog),
        "data_wipes": rows(DataWipe),
        "organisations": rows(Organisation),
        "organisation_memberships": rows(OrganisationMembership),
        "organisation_invitations": rows(OrganisationInvitation),
        "batches": rows(DonationBatch),
        "devices": rows(Device),
        "lots": rows(MaterialLot),
        "lot_listings": sorted(MaterialLot.listings.through.objects.values_list("materiallot_id", "listing_id")),
        "custody": rows(CustodyStep),
        "media": _files(Path(settings.MEDIA_ROOT)),
        "private_media": _files(Path(settings.PRIVATE_MEDIA_ROOT)),
    }


def jpeg() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("lampe.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- Expectations -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    changes: bool  # may the request change the database?


def ok(status: int) -> Expect:
    """The persona may do this: `status`, and the database may change."""
    return Expect(status, True)


def no(status: int) -> Expect:
    """Refused (or a read): `status`, and the database must be exactly as before."""
    return Expect(status, False)


def expect(default: int | Expect, **by_persona: int | Expect) -> dict[str, Expect]:
    """One expectation per persona: `default` for everybody not named. Plain ints mean `no(status)`."""
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"

    def norm(value: int | Expect) -> Expect:
        return value if isinstance(value, Expect) else no(value)

    return {persona: norm(by_persona.get(persona, default)) for persona in PERSONAS}


# --- Donations for repair --------------------------------------------------------------------------------------

DONOR_NAME = "Dorthe Donorsen"
DONOR_EMAIL = "dorthe.donorsen@example.dk"


def donations() -> dict[str, Any]:
    """A donor with an open laptop job and a chair job that a workshop claimed, fixed and published."""
    donor = factories.UserFactory(display_name=DONOR_NAME, email=DONOR_EMAIL, area="Kildeparken")
    member = factories.MembershipFactory(workshop__categories=["laptop", "furniture"]).user
    workshop = member.workshops.get()

    def donate(title: str, category: str) -> Any:
        listing = repairs.donation_create(
            seller=donor,
            title=title,
            category=factories.category(category),
            condition="for_parts",
            publish=True,
            repair_mode="donate",
            fault_description="Starter ikke.",
        )
        return listing.repair_job

    open_job = donate("Bærbar der ikke starter", "laptop")
    held = donate("Vakkelvorn stol", "furniture")
    repairs.job_claim(job=held, workshop=workshop, actor=member)
    repairs.job_start(job=held, actor=member)
    repairs.job_complete(job=held, actor=member, outcome="fixed")
    product = job_publish_on_sale(
        job=held, actor=member, title="Istandsat stol", description="Limet", price_dkk=Decimal(200), condition="good"
    )
    return {
        "donor": donor,
        "member": member,
        "workshop": workshop,
        "other_member": factories.MembershipFactory(workshop__categories=["laptop", "furniture"]).user,
        "resident": factories.UserFactory(),
        "open_job": open_job,
        "held_job": held,
        "product": product,
    }
