"""Demo data for `make run`: people, workshops, listings of every kind and state, repair jobs in every state.

Idempotent: running it again changes nothing. Later features extend `demo_load` with their own data.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Role, User, Workshop, WorkshopMembership
from listings.categories import categories_load
from listings.models import Category, Listing, ListingStatus
from listings.photos import photo_upload
from listings.pipeline import photo_process
from listings.selectors import listing_is_frozen
from marketplace.models import Conversation, Message, Reservation, ReservationStatus, SavedSearch
from repairs.models import (
    DataWipe,
    JobEvent,
    JobStatus,
    NistLevel,
    Outcome,
    RepairJob,
    RepairMode,
    WipeResult,
    WipeTechnique,
    WorkLog,
)
from repairs.ords import ords_import
from repairs.services import job_publish

DEMO_PASSWORD = "kredslob-demo"  # noqa: S105 — published demo logins, demo data only

# (email, display name, area, staff)
PEOPLE = [
    ("moderator@kredslob.dk", "Mette Moderator", "Aalborg Øst", True),
    ("anna@example.dk", "Anna Jensen", "Kildeparken", False),
    ("omar@example.dk", "Omar Hassan", "Ring Syd", False),
    ("birgitte@example.dk", "Birgitte Køber", "Smedegård", False),
    ("it@example.dk", "Jonas (IT-Værkstedet)", "Aalborg Øst", False),
    ("sy@example.dk", "Amina (Systuen)", "Kildeparken", False),
    ("cykel@example.dk", "Lars (Cykelsmeden)", "Aalborg Øst", False),
]

WORKSHOPS = [
    # (slug, name, cvr, verified, owner email, category slugs handled)
    (
        "it-vaerkstedet-oest",
        "IT-Værkstedet Øst",
        "12345678",
        True,
        "it@example.dk",
        [
            "laptop",
            "desktop-computer",
            "tablet",
            "mobile",
            "flat-screen",
            "pc-accessory",
            "printer-scanner",
            "games-console",
        ],
    ),
    (
        "systuen-kildeparken",
        "Systuen Kildeparken",
        "23456789",
        True,
        "sy@example.dk",
        ["clothing-textile", "furniture", "sewing-machine"],
    ),
    ("cykelsmeden-9220", "Cykelsmeden 9220", "34567890", False, "cykel@example.dk", ["bicycle"]),
]


def _people() -> dict[str, User]:
    users = {}
    for email, name, area, staff in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, display_name=name, area=area, is_staff=staff, is_superuser=staff)
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[email] = user
    return users


def _workshops(users: dict[str, User]) -> dict[str, Workshop]:
    workshops = {}
    for slug, name, cvr, verified, owner, cats in WORKSHOPS:
        workshop, created = Workshop.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "cvr": cvr,
                "verified": verified,
                "address": "Tornhøjcentret, 9220 Aalborg Øst",
                "verified_at": timezone.now() if verified else None,
                "description": f"{name} er en social virksomhed i Aalborg Øst.",
            },
        )
        if created:
            workshop.categories.set(Category.objects.filter(slug__in=cats))
            WorkshopMembership.objects.create(workshop=workshop, user=users[owner], role=Role.OWNER)
        workshops[slug] = workshop
    return workshops


def _listing(seller: User, title: str, category: str, kind: str, status: str, **extra: Any) -> Listing:
    listing, _ = Listing.objects.get_or_create(
        seller=seller,
        title=title,
        defaults={
            "category": Category.objects.get(slug=category),
            "kind": kind,
            "status": status,
            "condition": extra.pop("condition", "good"),
            "area": seller.area,
            "description": extra.pop("description", f"{title}. Afhentes i 9220."),
            "published_at": None if status == ListingStatus.DRAFT else timezone.now(),
            **extra,
        },
    )
    return listing


def _job(
    listing: Listing,
    status: str,
    workshop: Workshop | None,
    actor: User,
    *,
    mode: str = RepairMode.DONATE,
    fault: str = "",
    outcome: str = "",
    barrier: str = "",
    hours: str | None = None,
) -> RepairJob:
    existing = RepairJob.objects.filter(listing=listing).first()
    if existing:
        return existing
    now = timezone.now()
    path = {
        JobStatus.OPEN: [JobStatus.OPEN],
        JobStatus.CLAIMED: [JobStatus.OPEN, JobStatus.CLAIMED],
        JobStatus.IN_PROGRESS: [JobStatus.OPEN, JobStatus.CLAIMED, JobStatus.IN_PROGRESS],
        JobStatus.COMPLETED: [JobStatus.OPEN, JobStatus.CLAIMED, JobStatus.IN_PROGRESS, JobStatus.COMPLETED],
        JobStatus.CANCELLED: [JobStatus.OPEN, JobStatus.CANCELLED],
    }[JobStatus(status)]
    job = RepairJob.objects.create(
        listing=listing,
        category=listing.category,
        mode=mode,
        fault_description=fault,
        status=status,
        workshop=workshop if status != JobStatus.CANCELLED else None,
        outcome=outcome,
        barrier=barrier,
        no_storage=True,
        claimed_at=now if JobStatus.CLAIMED in path else None,
        started_at=now if JobStatus.IN_PROGRESS in path else None,
        completed_at=now if status == JobStatus.COMPLETED else None,
    )
    previous = ""
    for step in path:
        JobEvent.objects.create(
            job=job,
            actor=listing.seller if step in ("open", "cancelled") else actor,
            workshop=workshop if step not in ("open", "cancelled") else None,
            from_status=previous,
            to_status=step,
        )
        previous = step
    if hours and workshop:
        WorkLog.objects.create(
            job=job,
            workshop=workshop,
            member=actor,
            hours=Decimal(hours),
            date=now.date(),
            note="Fejlfinding og reparation",
        )
    return job


@transaction.atomic
def demo_load() -> None:
    categories_load()
    users = _people()
    workshops = _workshops(users)
    anna, omar, birgitte = users["anna@example.dk"], users["omar@example.dk"], users["birgitte@example.dk"]
    it_member, sy_member = users["it@example.dk"], users["sy@example.dk"]
    it, systuen = workshops["it-vaerkstedet-oest"], workshops["systuen-kildeparken"]

    # Listings of every kind and state.
    _listing(
        anna,
        "Spisebordsstol i eg",
        "furniture",
        "sale",
        ListingStatus.ACTIVE,
        price_dkk=Decimal(150),
        weight_kg=Decimal("6.5"),
    )
    _listing(anna, "Børnecykel 16 tommer", "bicycle", "sale", ListingStatus.ACTIVE, price_dkk=Decimal(300))
    _listing(omar, "Elkedel, virker fint", "kettle", "free", ListingStatus.ACTIVE, condition="fair")
    _listing(omar, "Vinterjakke str. M", "clothing-textile", "sale", ListingStatus.DRAFT, price_dkk=Decimal(100))
    _listing(anna, "Reol i fyrretræ", "furniture", "free", ListingStatus.WITHDRAWN)
    _listing(omar, "Lampe med skærm", "lamp", "sale", ListingStatus.SOLD, price_dkk=Decimal(80))
    _listing(anna, "Støvsuger, mangler slange", "vacuum", "sale", ListingStatus.HIDDEN, price_dkk=Decimal(50))
    reserved = _listing(omar, "Brødrister", "toaster", "sale", ListingStatus.RESERVED, price_dkk=Decimal(60))
    if not reserved.reservations.exists():
        Reservation.objects.create(
            listing=reserved,
            buyer=birgitte,
            status=ReservationStatus.PENDING,
            expires_at=timezone.now() + timedelta(hours=48),
        )

    # Repair jobs in every state (each from a listing of kind `repair`).
    def donated(owner: User, title: str, cat: str, status: str) -> Listing:
        return _listing(owner, title, cat, "repair", status, condition="for_parts")

    _job(
        donated(anna, "Bærbar computer der ikke starter", "laptop", ListingStatus.ACTIVE),
        JobStatus.OPEN,
        None,
        anna,
        fault="Tænder ikke. Måske strømstikket.",
    )
    _job(
        donated(omar, "Gammel mobiltelefon", "mobile", ListingStatus.ACTIVE),
        JobStatus.OPEN,
        None,
        omar,
        mode=RepairMode.RETURN,
        fault="Skærmen er revnet.",
    )
    _job(
        donated(anna, "Stationær PC fra kontoret", "desktop-computer", ListingStatus.ACTIVE),
        JobStatus.CLAIMED,
        it,
        it_member,
        fault="Langsom og larmer.",
    )
    _job(
        donated(omar, "Gardiner i hør", "clothing-textile", ListingStatus.ACTIVE),
        JobStatus.IN_PROGRESS,
        systuen,
        sy_member,
        fault="Kan blive til puder.",
        hours="2.5",
    )
    _job(
        donated(anna, "Tablet med dødt batteri", "tablet", ListingStatus.SOLD),
        JobStatus.COMPLETED,
        it,
        it_member,
        fault="Batteriet holder ikke.",
        outcome=Outcome.FIXED,
        hours="3",
    )
    _job(
        donated(omar, "Symaskine der hakker", "sewing-machine", ListingStatus.SOLD),
        JobStatus.COMPLETED,
        systuen,
        sy_member,
        mode=RepairMode.RETURN,
        fault="Tråden springer.",
        outcome=Outcome.REPAIRABLE,
        hours="1.5",
    )
    _job(
        donated(anna, "Printer med papirstop", "printer-scanner", ListingStatus.SOLD),
        JobStatus.COMPLETED,
        it,
        it_member,
        fault="Papirstop hele tiden.",
        outcome=Outcome.END_OF_LIFE,
        barrier="spare_parts_not_available",
        hours="1",
    )
    _job(
        donated(omar, "Skrivebordsstol", "furniture", ListingStatus.WITHDRAWN),
        JobStatus.CANCELLED,
        None,
        omar,
        fault="Hjul mangler.",
    )
    _demo_repairs(it, it_member)
    _marketplace_demo(users)
    _demo_photos()


def _demo_repairs(it: Workshop, it_member: User) -> None:
    """Repairs: IT-Værkstedet's history from a slice of the real Repair Café Denmark ORDS file (so impact and the
    ORDS export are not trivial), a verified data wipe on the completed tablet job, and its upcycled listing."""

    source = Path(__file__).resolve().parent.parent / "repairs" / "data" / "ords" / "RepairCafeDenmark_202210.csv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    ords_import(file=io.StringIO("".join(lines[:1] + lines[-400:])), workshop=it)  # idempotent by record id

    tablet = RepairJob.objects.filter(listing__title="Tablet med dødt batteri", workshop=it).first()
    if tablet is None:
        return
    if not tablet.data_wipes.exists():
        now = timezone.now()
        DataWipe.objects.create(
            job=tablet,
            serial_number="DMPXK2Y9JF8J",
            model="Apple iPad (6th gen) 32 GB",
            size_gb=Decimal(32),
            nist_level=NistLevel.PURGE,
            technique=WipeTechnique.CRYPTO_ERASE,
            tool="Apple Configurator 2.17 (Erase All Content)",
            verified=True,
            result=WipeResult.SUCCESS,
            operator=it_member,
            started_at=now - timedelta(minutes=25),
            finished_at=now - timedelta(minutes=5),
        )
        RepairJob.objects.filter(pk=tablet.pk).update(no_storage=False)
        tablet.refresh_from_db()
    if not Listing.objects.filter(source_job=tablet).exists():
        job_publish(
            job=tablet,
            actor=it_member,
            title="iPad 6. generation med nyt batteri",
            description=(
                "Nyt batteri, data slettet efter NIST SP 800-88 (certifikat findes). Istandsat af IT-Værkstedet."
            ),
            price_dkk=Decimal(650),
            condition="good",
        )


def _marketplace_demo(users: dict[str, User]) -> None:
    """Marketplace (issue 5): a conversation about the chair and a saved search with an email digest."""

    anna, birgitte = users["anna@example.dk"], users["birgitte@example.dk"]
    chair = Listing.objects.filter(seller=anna, title="Spisebordsstol i eg").first()
    if chair is not None:
        conversation, created = Conversation.objects.get_or_create(listing=chair, started_by=birgitte)
        if created:
            first = Message.objects.create(
                conversation=conversation, sender=birgitte, body="Er stolen stadig til salg?"
            )
            last = Message.objects.create(conversation=conversation, sender=anna, body="Ja! Du kan hente den i aften.")
            Conversation.objects.filter(pk=conversation.pk).update(last_message_at=last.created_at or first.created_at)
    SavedSearch.objects.get_or_create(
        user=birgitte, name="Cykler under 500 kr.", defaults={"query": {"category": "cykler", "max_price": "500"}}
    )


# --- Photos: generated drawings, processed synchronously so `make run` shows them at once ----------------

DEMO_PHOTOS = [
    # (listing title, drawing, background colour)
    ("Spisebordsstol i eg", "chair", (236, 226, 208)),
    ("Børnecykel 16 tommer", "bicycle", (214, 234, 248)),
    ("Elkedel, virker fint", "kettle", (245, 238, 228)),
    ("Lampe med skærm", "lamp", (250, 244, 220)),
    ("Brødrister", "toaster", (232, 240, 232)),
    ("Bærbar computer der ikke starter", "laptop", (228, 228, 240)),
    ("Gardiner i hør", "curtains", (240, 232, 236)),
]


def _drawing(kind: str, background: tuple[int, int, int]) -> bytes:
    """A simple picture drawn with Pillow (no downloads): a few shapes on a soft floor."""

    im = Image.new("RGB", (1200, 900), background)
    d = ImageDraw.Draw(im)
    d.rectangle((0, 700, 1200, 900), fill=tuple(max(0, c - 40) for c in background))
    wood, metal, dark = (150, 100, 55), (170, 175, 185), (60, 60, 70)
    if kind == "chair":
        d.rectangle((420, 180, 460, 700), fill=wood)
        d.rectangle((420, 180, 700, 230), fill=wood)
        d.rectangle((420, 460, 780, 510), fill=wood)
        d.rectangle((740, 500, 780, 700), fill=wood)
        d.rectangle((660, 230, 700, 460), fill=wood)
    elif kind == "bicycle":
        for x in (380, 820):
            d.ellipse((x - 150, 430, x + 150, 730), outline=dark, width=18)
        d.line((380, 580, 560, 400, 820, 580, 600, 580, 380, 580), fill=(200, 40, 40), width=16)
        d.line((560, 400, 540, 340, 600, 340), fill=dark, width=12)
        d.line((760, 420, 820, 580), fill=dark, width=12)
    elif kind == "kettle":
        d.ellipse((420, 300, 780, 700), fill=metal, outline=dark, width=6)
        d.polygon([(780, 480), (900, 380), (910, 400), (790, 540)], fill=metal)
        d.arc((470, 200, 730, 420), 180, 360, fill=dark, width=20)
    elif kind == "lamp":
        d.polygon([(480, 200), (720, 200), (800, 400), (400, 400)], fill=(250, 210, 120), outline=dark)
        d.rectangle((590, 400, 610, 660), fill=dark)
        d.ellipse((500, 640, 700, 700), fill=dark)
    elif kind == "toaster":
        d.rounded_rectangle((380, 380, 820, 700), radius=40, fill=metal, outline=dark, width=6)
        for x in (480, 640):
            d.rectangle((x, 390, x + 80, 410), fill=dark)
        d.rectangle((800, 480, 860, 500), fill=dark)
    elif kind == "laptop":
        d.rectangle((400, 250, 800, 520), fill=dark)
        d.rectangle((420, 270, 780, 500), fill=(90, 140, 200))
        d.polygon([(360, 540), (840, 540), (880, 600), (320, 600)], fill=metal)
    else:  # curtains
        for i, x in enumerate(range(300, 900, 60)):
            d.rectangle((x, 120, x + 50, 700), fill=(200 - i * 6, 180, 150 + i * 5))
        d.rectangle((260, 100, 940, 130), fill=wood)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88)
    return out.getvalue()


def _demo_photos() -> None:
    """Give several demo listings a processed photo. Idempotent: listings that have photos are skipped."""

    for title, kind, background in DEMO_PHOTOS:
        listing = Listing.objects.filter(title=title).select_related("seller").first()
        if listing is None or listing.photos.exists():
            continue
        # A sold listing is frozen (listings.selectors.listing_is_frozen): its photo was taken while it was for
        # sale. The demo writes states directly (`_listing`), so it steps back to active for the upload.
        frozen = listing.status if listing_is_frozen(listing) else ""
        if frozen:
            Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.ACTIVE)
        photo = photo_upload(
            listing_id=listing.pk, user=listing.seller, file=ContentFile(_drawing(kind, background), name=kind)
        )
        photo_process(photo_id=photo.pk)  # synchronously: the demo shows finished photos at once
        if frozen:
            Listing.objects.filter(pk=listing.pk).update(status=frozen)
