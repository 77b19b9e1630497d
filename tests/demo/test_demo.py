"""`manage.py load_demo`: a marketplace a newcomer believes, made through the services so it obeys the rules it
demonstrates, with months of history — and loading it again changes nothing.

The demo is loaded once for the module (it takes a few seconds) inside a transaction rolled back at the end;
each test runs in its own savepoint within it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Role, User, Workshop, WorkshopMembership
from demo.demo import DEMO_PASSWORD, PEOPLE, STAMPED_MODELS, demo_load
from demo.stories import NO_STORAGE_TITLES
from donations.models import DonationBatch
from donations.selectors import batch_certificate, batch_custody_visible, batch_processed
from impact.selectors import impact_summary
from listings.models import Category, Kind, Listing, ListingStatus, Photo, PhotoStatus
from marketplace.models import (
    Conversation,
    Favourite,
    Offer,
    OfferStatus,
    Rating,
    RatingSide,
    Report,
    ReportStatus,
    Reservation,
    ReservationStatus,
    SavedSearch,
)
from repairs.models import JobStatus, NistLevel, Outcome, RepairJob, RepairMode, WipeResult
from repairs.services import job_wipe_satisfied

PUBLIC = (ListingStatus.ACTIVE, ListingStatus.RESERVED, ListingStatus.SOLD)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:  # type: ignore[no-untyped-def]
    root: Path = tmp_path_factory.mktemp("demo")
    storages = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root / "media")}},
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": str(root / "private")}},
    }
    with (
        override_settings(STORAGES=storages, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_load()
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _demo_jobs():  # type: ignore[no-untyped-def]
    """The demo's own jobs from residents' donations (not the imported ORDS history, nor the organisation's batch,
    whose jobs have no listing: `test_a_company_batch_is_in_progress`)."""
    return RepairJob.objects.filter(external_id__isnull=True, listing__isnull=False).select_related(
        "category", "listing"
    )


def test_a_newcomer_finds_24_public_listings_over_8_categories_each_with_a_ready_photo():
    public = Listing.objects.filter(status__in=PUBLIC, kind__in=[Kind.SALE, Kind.FREE])
    assert public.filter(status=ListingStatus.ACTIVE).count() >= 24  # what browse shows; the others by their link
    assert public.values("category").distinct().count() >= 8
    assert not public.exclude(photos__status=PhotoStatus.READY).exists()
    assert public.filter(workshop__isnull=False).count() >= 6  # upcycled by the workshops
    assert {*public.values_list("status", flat=True)} == set(PUBLIC)
    # Neighbourhoods of the fixed list (listings/data/areas.csv).
    assert {*public.values_list("area", flat=True)} >= {"Kildeparken", "Øster Uttrup", "Tornhøj", "Grønlandskvarteret"}


def test_photos_are_processed_by_the_pipeline_without_upscaling():
    photos = Photo.objects.all()
    assert photos.count() >= 30
    # A hidden listing's photos are withheld from their public URLs (listings.photos.photos_withhold); all others
    # are ready.
    withheld = photos.filter(listing__status=ListingStatus.HIDDEN)
    assert {*withheld.values_list("status", flat=True)} <= {PhotoStatus.WITHHELD}
    photos = photos.exclude(pk__in=withheld.values("pk"))
    assert {*photos.values_list("status", flat=True)} == {PhotoStatus.READY}
    for photo in photos:
        assert set(photo.variants) == {"w320", "w1024", "w2048", "w2048_jpeg"} and photo.blurhash
        assert (photo.variants["w320"]["width"], photo.variants["w1024"]["width"]) == (320, photo.width)


def test_every_it_job_completed_fixed_or_published_has_verified_wipes_of_real_devices():
    it_jobs = _demo_jobs().filter(category__needs_data_wipe=True)
    fixed_or_published = it_jobs.filter(Q(outcome=Outcome.FIXED) | Q(product_listing__isnull=False)).distinct()
    assert fixed_or_published.count() >= 4
    for job in fixed_or_published:
        assert job_wipe_satisfied(job=job), job.listing.title
        if job.listing.title in NO_STORAGE_TITLES:
            continue
        wipes = job.data_wipes.all()
        assert wipes and all(w.verified and w.result == WipeResult.SUCCESS for w in wipes), job.listing.title
        assert all(w.serial_number and w.tool and w.finished_at >= w.started_at for w in wipes)


def test_only_an_item_without_storage_skips_the_wipe():
    no_storage = _demo_jobs().filter(no_storage=True)
    assert {j.listing.title for j in no_storage} == NO_STORAGE_TITLES
    assert {j.category.slug for j in no_storage} == {"flat-screen"}  # a plain PC monitor
    assert not no_storage.filter(data_wipes__isnull=False).exists()


def test_it_jobs_show_a_laptop_with_several_disks_and_a_destroyed_drive():
    it_jobs = _demo_jobs().filter(category__needs_data_wipe=True).annotate(disks=Count("data_wipes"))
    assert it_jobs.filter(disks__gte=2, outcome=Outcome.FIXED, product_listing__isnull=False).exists()
    destroyed = it_jobs.filter(data_wipes__nist_level=NistLevel.DESTROY)
    assert destroyed.filter(outcome=Outcome.FIXED, product_listing__isnull=False).exists()


def test_repair_jobs_exist_in_every_status_and_outcome():
    jobs = _demo_jobs()
    assert {*jobs.values_list("status", flat=True)} == {s.value for s in JobStatus}
    completed = jobs.filter(status=JobStatus.COMPLETED)
    assert {*completed.values_list("outcome", flat=True)} == {o.value for o in Outcome}
    assert all(j.barrier for j in completed.filter(outcome=Outcome.END_OF_LIFE))
    assert jobs.filter(mode=RepairMode.RETURN).exists()
    assert jobs.filter(status=JobStatus.CANCELLED, listing__status=ListingStatus.WITHDRAWN).exists()
    released = jobs.filter(events__from_status=JobStatus.CLAIMED, events__to_status=JobStatus.OPEN).distinct()
    assert released.filter(status=JobStatus.OPEN).exists()  # released, waiting again
    assert released.exclude(status=JobStatus.OPEN).exists()  # released and claimed again


def test_every_job_went_through_its_transitions_in_order():
    for job in _demo_jobs():
        events = list(job.events.order_by("at", "id"))
        transitions = [(e.from_status, e.to_status) for e in events if e.from_status != e.to_status]
        assert transitions[0] == ("", JobStatus.OPEN), job.listing.title
        assert all(a[1] == b[0] for a, b in pairwise(transitions)), job.listing.title
        assert transitions[-1][1] == job.status
        assert job.created_at <= events[0].at
        if job.completed_at is not None:
            assert abs(job.completed_at - events[-1].at) < timedelta(seconds=1)
    assert RepairJob.objects.filter(workshop__slug="it-vaerkstedet-oest", external_id__isnull=False).count() > 300


def test_upcycled_listings_come_from_fixed_donations_of_their_own_workshop():
    upcycled = Listing.objects.filter(source_job__isnull=False).select_related("source_job", "workshop")
    assert upcycled.count() >= 6
    for listing in upcycled:
        job = listing.source_job
        assert (job.mode, job.outcome, job.workshop_id) == (RepairMode.DONATE, Outcome.FIXED, listing.workshop_id)
        assert WorkshopMembership.objects.filter(workshop=listing.workshop, user=listing.seller).exists()
        assert listing.published_at > job.completed_at


def test_every_workshop_item_on_sale_went_on_sale_with_a_ready_photo():
    """Issue 15: a workshop's item goes on sale only with a ready photo (`listings.selectors.listing_may_go_on_sale`);
    the demo publishes each repaired item as a draft, adds its photo, then puts it on sale."""
    from listings.selectors import listing_may_go_on_sale

    sold_by_workshops = Listing.objects.filter(workshop__isnull=False).exclude(status=ListingStatus.DRAFT)
    assert sold_by_workshops.exists()
    for listing in sold_by_workshops:
        assert listing.published_at is not None
        assert Photo.objects.filter(listing=listing, status__in=[PhotoStatus.READY, PhotoStatus.WITHHELD]).exists()
        if listing.status != ListingStatus.HIDDEN:
            assert listing_may_go_on_sale(listing), listing.title


def test_reservations_drive_the_listings_as_the_service_does():
    for reservation in Reservation.objects.select_related("listing"):
        listing = reservation.listing
        hold = reservation.expires_at - reservation.created_at
        assert abs(hold - timedelta(hours=settings.RESERVATION_HOURS)) < timedelta(seconds=1)  # moved together
        if reservation.status in (ReservationStatus.PENDING, ReservationStatus.CONFIRMED):
            assert listing.status == ListingStatus.RESERVED
        if reservation.status == ReservationStatus.COMPLETED:
            assert listing.status == ListingStatus.SOLD and listing.sold_at == reservation.completed_at
    statuses = {*Reservation.objects.values_list("status", flat=True)}
    assert statuses == {s.value for s in ReservationStatus}
    # Nothing was marked sold or reserved by hand: each has exactly the reservation that made it so.
    for listing in Listing.objects.filter(status=ListingStatus.SOLD):
        assert listing.reservations.filter(status=ReservationStatus.COMPLETED).count() == 1
    for listing in Listing.objects.filter(status=ListingStatus.RESERVED):
        assert listing.reservations.filter(status__in=[ReservationStatus.PENDING, "confirmed"]).count() == 1


def test_conversations_reports_and_saved_searches_are_there_for_the_demo_logins():
    conversations = Conversation.objects.annotate(n=Count("messages"))
    assert conversations.filter(n__gte=2).count() >= 3
    assert conversations.filter(listing__workshop__isnull=False).exists()  # a buyer asked a workshop
    assert Report.objects.filter(status=ReportStatus.OPEN, listing__status=ListingStatus.ACTIVE).exists()
    birgitte = User.objects.get(email="birgitte@example.dk")
    assert SavedSearch.objects.filter(user=birgitte, query__category="cykler").exists()
    assert Reservation.objects.filter(buyer=birgitte, status=ReservationStatus.PENDING).exists()


def test_a_donor_and_the_workshop_that_took_the_job_talk_about_it():
    from marketplace.selectors import job_messages, job_talk_side

    conversation = Conversation.objects.filter(repair_job__isnull=False).select_related("repair_job").get()
    job = conversation.repair_job
    rows = list(job_messages(job=job))
    assert len(rows) >= 3
    assert {job_talk_side(job=job, message=m) for m in rows} == {"donor", "workshop"}
    assert conversation.workshop_id == job.workshop_id
    # The workshop has read the donor's message; the donor has a reply waiting (a badge on My page).
    assert rows[-1].read_at is None and rows[-1].sender_id != job.listing.seller_id


def test_the_impact_page_has_months_of_the_demos_own_history():
    since = timezone.localdate() - timedelta(days=200)
    summary = impact_summary(date_from=since)
    months = [m for m in summary["by_month"] if m["jobs_completed"] and m["hours_worked"]]
    assert len(months) >= 4
    assert len([m for m in summary["by_month"] if m["items_reused"]]) >= 4
    systuen = impact_summary(workshop=Workshop.objects.get(slug="systuen-kildeparken"))
    assert len(systuen["by_month"]) >= 4 and systuen["people_engaged"] == 2
    assert impact_summary()["fixed"] > 100  # with IT-Værkstedet's imported Repair Café history


def test_nothing_happened_in_the_future_but_the_open_reservations_deadlines():
    now = timezone.now()
    for model in STAMPED_MODELS:
        columns = [f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "DateTimeField"]
        for column in columns:
            future = model._default_manager.filter(**{f"{column}__gt": now})
            if (model, column) == (Reservation, "expires_at"):
                future = future.exclude(status__in=[ReservationStatus.PENDING, ReservationStatus.CONFIRMED])
            assert not future.exists(), f"{model.__name__}.{column}"


def test_the_demo_logins_and_workshops_are_as_the_readme_says():
    for person in PEOPLE:
        user = User.objects.get(email=person.email)
        assert user.check_password(DEMO_PASSWORD) and user.is_staff == person.moderator, person.email
    owners = {w.slug: (w.verified, w.memberships.get(role=Role.OWNER).user.email) for w in Workshop.objects.all()}
    assert owners == {
        "it-vaerkstedet-oest": (True, "it@example.dk"),
        "systuen-kildeparken": (True, "sy@example.dk"),
        "cykelsmeden-9220": (False, "cykel@example.dk"),
    }
    assert set(Workshop.objects.get(slug="systuen-kildeparken").categories.values_list("slug", flat=True)) == {
        "clothing-textile",
        "furniture",
        "sewing-machine",
    }


def _snapshot() -> dict[str, object]:
    rows: dict[str, object] = {"categories": Category.objects.count()}
    for model in STAMPED_MODELS:
        columns = [f.attname for f in model._meta.concrete_fields]
        rows[model.__name__] = list(model._default_manager.order_by("pk").values_list(*columns))
    return rows


def test_loading_again_changes_nothing():
    before = _snapshot()
    demo_load()
    assert _snapshot() == before


def test_a_repair_and_hand_back_job_awaits_its_quote_answer():
    """Anna's laptop: IT-Værkstedet's quote waits for her answer on her repair page, which shows the price and the
    buttons; the workshop publishes its opening hours and drop-off instructions."""
    from django.test import Client

    from repairs.models import QuoteStatus

    job = RepairJob.objects.get(listing__title="Bærbar med løst hængsel")
    assert job.mode == RepairMode.RETURN and job.status == JobStatus.CLAIMED
    assert job.quote_status == QuoteStatus.SENT and job.quote_price_dkk == 650
    assert job.workshop is not None and job.workshop.opening_hours and job.workshop.dropoff_instructions
    assert job.listing.seller.notifications.filter(kind="job_quoted").exists()
    client = Client()
    client.force_login(job.listing.seller)
    page = client.get(f"/repairs/{job.pk}/").content.decode()
    assert "650,00" in page and "quote/accept/" in page and "quote/decline/" in page


def test_a_company_batch_is_in_progress():
    lise = User.objects.get(email="lise@example.dk")
    batch = DonationBatch.objects.get(organisation__name="Nordjysk Revision ApS")
    assert batch.organisation.verified
    assert batch.workshop is not None and batch.workshop.name == "IT-Værkstedet Øst"
    assert batch.status == "received" and batch.signed_for_by == "Lise Holm"
    assert batch.devices.count() == 12
    assert [s.step for s in batch.custody.all()] == ["offered", "accepted", "collected", "received"]
    assert not batch_processed(batch=batch)  # in progress
    assert batch_custody_visible(user=lise, batch=batch)
    totals = batch_certificate(batch=batch).totals
    assert totals["wiped"] >= 1 and totals["pending"] >= 1 and totals["no_storage"] == 2
    assert all(step.at <= timezone.now() for step in batch.custody.all())


def test_favourites_an_open_offer_and_ratings_are_there_for_the_demo_logins():
    """Issue 15: Birgitte saved listings and waits for an answer to her offer; finished hand-overs are rated."""
    birgitte = User.objects.get(email="birgitte@example.dk")
    saved = Favourite.objects.filter(user=birgitte, listing__status__in=PUBLIC)
    assert saved.count() >= 2
    offer = Offer.objects.get(buyer=birgitte)
    assert offer.status == OfferStatus.PENDING and offer.expires_at > timezone.now()
    assert 0 < offer.price_dkk < offer.listing.price_dkk
    assert Rating.objects.filter(side=RatingSide.BUYER).exists()
    assert Rating.objects.filter(side=RatingSide.SELLER).exists()
    for rating in Rating.objects.select_related("reservation"):
        assert rating.reservation.status == ReservationStatus.COMPLETED
