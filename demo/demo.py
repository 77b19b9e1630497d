"""Demo data for `make run` (`manage.py load_demo`): the people, workshops and five months of stories of
`demo.stories`, played through the same services the site calls when a person acts — so the demo obeys every
rule it demonstrates (data wipes before a fixed IT job is sold, one reservation per listing, claims only by
verified workshops handling the category…).

The one thing a service cannot express is *when*: services stamp the present. Each step therefore runs inside
`_Clock.at(moment)`, and the timestamps written during the step are then moved back to that moment —
timestamps only, never a status — so the impact page has months of history.

Idempotent: a story whose listing exists (same seller, same title) is not played again, and people, workshops,
memberships, the ORDS history and saved searches are looked up before they are made."""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.invitations import invitation_accept, workshop_invite
from accounts.models import Organisation, OrganisationMembership, Role, User, Workshop, WorkshopMembership
from accounts.organisations import organisation_create, organisation_verify
from accounts.selectors import user_verified_workshops
from accounts.services import user_register, workshop_create, workshop_update, workshop_verify
from donations import services as donations
from donations.models import CustodyStep, DonationBatch
from listings.categories import categories_load
from listings.models import Category, Kind, Listing, ListingStatus, Photo
from listings.photos import photo_upload
from listings.pipeline import photo_process
from listings.selectors import listing_managed_by, listing_seller_side_users, public_listings
from listings.services import listing_create, listing_hide, listing_publish, listing_withdraw
from marketplace.models import (
    Conversation,
    Message,
    Offer,
    Rating,
    RatingSide,
    Reservation,
    ReservationStatus,
    SavedSearch,
)
from marketplace.models import Report as ListingReport
from marketplace.services import (
    conversation_mark_read,
    conversation_start,
    favourite_add,
    job_message_send,
    job_messages_mark_read,
    message_send,
    offer_create,
    rating_create,
    report_create,
    reservation_cancel,
    reservation_complete,
    reservation_confirm,
    reservation_create,
    reservation_expire,
    saved_search_create,
)
from notifications.models import Notification
from repairs.models import DataWipe, JobEvent, RepairJob, WipeResult, WorkLog
from repairs.ords import ords_import
from repairs.returns import job_quote, job_quote_accept, job_quote_decline
from repairs.services import (
    datawipe_create,
    donation_create,
    job_claim,
    job_complete,
    job_mark_no_storage,
    job_publish,
    job_release,
    job_start,
    worklog_create,
)

from .drawings import drawing
from .steps import (
    AnswerQuote,
    Ask,
    Cancel,
    Claim,
    Colour,
    Complete,
    Confirm,
    Donation,
    Expire,
    HandOver,
    Hide,
    Item,
    JobTalk,
    NoStorage,
    Publish,
    Quote,
    Release,
    Reply,
    Report,
    Reserve,
    Start,
    Step,
    Story,
    Wipe,
    Withdraw,
    WithdrawDonation,
    Work,
)
from .stories import (
    BATCH_DONE,
    BATCH_LAPTOPS,
    BIRGITTE,
    DEMO_PASSWORD,
    IT,
    LISE,
    MIKKEL,
    ORDS_IMPORT,
    ORGANISATION,
    PEOPLE,
    SAVED_SEARCHES,
    STORIES,
    WORKSHOPS,
)

__all__ = ["DEMO_PASSWORD", "PEOPLE", "demo_load"]

ORDS_SAMPLE = Path(__file__).resolve().parent.parent / "repairs" / "data" / "ords" / "RepairCafeDenmark_202210.csv"


@transaction.atomic
def demo_load() -> None:
    categories_load()
    clock = _Clock()
    people = _people(clock)
    workshops = _workshops(people, clock)
    _ords_history(workshops, clock)
    for story in STORIES:
        _story_play(story, people, clock)
    _saved_searches(people, clock)
    _organisation_batch(people, workshops, clock)
    clock.settle()
    _social(people)


# --- When things happened --------------------------------------------------------------------------------------

# Every model a demo step can write (their DateTimeFields are what `_Clock` moves).
STAMPED_MODELS: list[type[models.Model]] = [
    User,
    Workshop,
    WorkshopMembership,
    Listing,
    Photo,
    RepairJob,
    JobEvent,
    WorkLog,
    DataWipe,
    Reservation,
    Conversation,
    Message,
    ListingReport,
    SavedSearch,
    Notification,
    Organisation,
    OrganisationMembership,
    DonationBatch,
    CustodyStep,
]


@dataclass(frozen=True)
class _Block:
    start: datetime
    end: datetime
    shift: timedelta


class _Clock:
    """When things happened. The services stamp the present, so each step runs in `at(moment)`, which notes the
    real time the step took; `settle()` then moves every timestamp written during a step back by
    (moment − real start of the step). On the rows a step made, a stamp in the future it set (a reservation's
    `expires_at`) moves with the row, so it keeps its 48 hours. Timestamps given in the past (a wipe's start and
    end, an ORDS record's date) and rows no step wrote are left as they are. Only DateTimeFields change, never a
    status."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        start = timezone.now()
        yield
        self.blocks.append(_Block(start, timezone.now(), moment - start))

    def _block_of(self, value: datetime, starts: list[datetime]) -> _Block | None:
        i = bisect_right(starts, value) - 1
        return self.blocks[i] if i >= 0 and value <= self.blocks[i].end else None

    def settle(self) -> None:
        """Move what the steps since the last `settle()` wrote to when they happened."""
        if not self.blocks:
            return
        starts = [b.start for b in self.blocks]
        first, last = starts[0], self.blocks[-1].end
        for model in STAMPED_MODELS:
            columns = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
            written = reduce(or_, (Q(**{f"{c}__gte": first}) for c in columns))
            moved = []
            for pk, *values in model._default_manager.filter(written).values_list("pk", *columns):
                made = self._block_of(min(v for v in values if v is not None), starts)  # the step that made it
                new = [
                    v + block.shift
                    if v is not None and (block := self._block_of(v, starts) or (made if v > last else None))
                    else v
                    for v in values
                ]
                if new != values:
                    moved.append(model(pk=pk, **dict(zip(columns, new, strict=True))))
            model._default_manager.bulk_update(moved, columns, batch_size=200)
        self.blocks.clear()


def _moment(day: int, hour: int) -> datetime:
    """`day` days ago at `hour` o'clock, Danish time."""
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=day), time(hour)))


def _story_moments(story: Story) -> list[datetime]:
    """When the item was posted and when each step happened: in order, a few minutes apart on a busy day."""
    moments: list[datetime] = []
    for day, hour in [(story.posted.day, story.posted.hour), *((s.day, s.hour) for s in story.steps)]:
        moment = _moment(day, hour)
        if moments and moment <= moments[-1]:
            moment = moments[-1] + timedelta(minutes=10)
        moments.append(moment)
    if moments[-1] >= timezone.now():
        raise ValueError(f"The story of “{story.posted.title}” ends in the future: {moments[-1]:%Y-%m-%d %H:%M}.")
    return moments


# --- People, workshops, history ----------------------------------------------------------------------------------


def _people(clock: _Clock) -> dict[str, User]:
    people = {}
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            with clock.at(_moment(person.day, 9)):
                if person.moderator:
                    # Moderators are made by `manage.py createsuperuser`, which calls this manager method.
                    user = User.objects.create_superuser(
                        email=person.email, password=DEMO_PASSWORD, display_name=person.name, area=person.area
                    )
                else:
                    user = user_register(
                        email=person.email,
                        password=DEMO_PASSWORD,
                        display_name=person.name,
                        language=person.language,
                        area=person.area,
                    )
        people[person.email] = user
    return people


def _workshops(people: dict[str, User], clock: _Clock) -> dict[str, Workshop]:
    """Each workshop applies (its owner registers it), a moderator verifies it, the owner adds the staff."""
    workshops = {}
    for spec in WORKSHOPS:
        owner = people[spec.owner]
        workshop = Workshop.objects.filter(name=spec.name).first()
        if workshop is None:
            with clock.at(_moment(spec.day, 10)):
                workshop = workshop_create(
                    owner=owner,
                    name=spec.name,
                    cvr=spec.cvr,
                    address=spec.address,
                    description=spec.description,
                    categories=Category.objects.filter(slug__in=spec.categories),
                )
            if spec.verified_day is not None:
                with clock.at(_moment(spec.verified_day, 11)):
                    workshop_verify(workshop=workshop)  # the moderator's admin action
            if spec.opening_hours or spec.dropoff_instructions:
                with clock.at(_moment(spec.day, 10)):
                    workshop_update(
                        workshop=workshop,
                        actor=owner,
                        opening_hours=spec.opening_hours,
                        dropoff_instructions=spec.dropoff_instructions,
                    )
        for email in spec.staff:
            if not WorkshopMembership.objects.filter(workshop=workshop, user=people[email]).exists():
                # The owner invites them (a mail with a link), they accept the next morning.
                with clock.at(_moment((spec.verified_day or spec.day) - 1, 12)):
                    sent = workshop_invite(workshop=workshop, actor=owner, email=email, role=Role.STAFF)
                with clock.at(_moment((spec.verified_day or spec.day) - 2, 9)):
                    invitation_accept(token=sent.token, user=people[email])
        workshops[workshop.slug] = workshop
    return workshops


def _organisation_batch(people: dict[str, User], workshops: dict[str, Workshop], clock: _Clock) -> None:
    """Lise registers her company, a moderator verifies it, she offers twelve laptops; IT-Værkstedet Øst accepts,
    collects and receives them, and has wiped and completed the first few (the batch is in progress)."""
    if Organisation.objects.filter(name=ORGANISATION["name"]).exists():
        return
    lise, it, mikkel = people[LISE], people[IT], people[MIKKEL]
    workshop = next(w for w in workshops.values() if w.name == "IT-Værkstedet Øst")
    with clock.at(_moment(30, 9)):
        organisation = organisation_create(owner=lise, **ORGANISATION)  # type: ignore[arg-type]
    with clock.at(_moment(29, 11)):
        organisation_verify(organisation=organisation)  # the moderator's admin action
    with clock.at(_moment(28, 10)):
        batch = donations.batch_create(
            organisation=organisation,
            actor=lise,
            kind="devices",
            title="Bærbare fra revisionskontoret",
            note="Udskiftet ved årsskiftet. Diskene er ikke slettet.",
            devices=BATCH_LAPTOPS,
        )
    with clock.at(_moment(27, 13)):
        donations.batch_accept(batch=batch, workshop=workshop, actor=it)
    with clock.at(_moment(25, 10)):
        donations.batch_collected(batch=batch, actor=mikkel, collected_by="Mikkel", signed_for_by="Lise Holm")
    with clock.at(_moment(25, 14)):
        donations.batch_received(batch=batch, actor=mikkel)
    for n, device in enumerate(batch.devices.select_related("job").order_by("pk")[:BATCH_DONE]):
        job = device.job
        assert job is not None
        with clock.at(_moment(20 - n, 10)):
            job_start(job=job, actor=mikkel)
            if device.has_storage:
                finished = _moment(20 - n, 9)
                datawipe_create(
                    job=job,
                    actor=mikkel,
                    serial_number=f"S4EW{n:04d}",
                    model="Samsung PM981 256 GB",
                    size_gb=Decimal(256),
                    nist_level="purge",
                    technique="nvme_sanitize",
                    tool="nwipe 0.35",
                    verified=True,
                    result=WipeResult.SUCCESS,
                    started_at=finished - timedelta(hours=1),
                    finished_at=finished,
                )
            job_complete(job=job, actor=mikkel, outcome="fixed")


def _ords_history(workshops: dict[str, Workshop], clock: _Clock) -> None:
    slug, rows, day = ORDS_IMPORT
    lines = ORDS_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    with clock.at(_moment(day, 14)):
        ords_import(file=io.StringIO("".join(lines[:1] + lines[-rows:])), workshop=workshops[slug])  # idempotent


def _saved_searches(people: dict[str, User], clock: _Clock) -> None:
    for email, name, query, day in SAVED_SEARCHES:
        user = people[email]
        if not SavedSearch.objects.filter(user=user, name=name).exists():
            with clock.at(_moment(day, 20)):
                saved_search_create(user=user, name=name, query=query, email_digest=True)


def _social(people: dict[str, User]) -> None:
    """Favourites, an open offer and ratings (issue 15), made through the services, now (after the stories): Birgitte
    saved listings and has an open offer waiting for its seller; both sides of finished hand-overs rated each other.
    Idempotent: each is made only where it is missing."""
    birgitte = people[BIRGITTE]
    active = list(
        public_listings()
        .filter(status=ListingStatus.ACTIVE, kind=Kind.SALE, price_dkk__gt=1)
        .exclude(seller=birgitte)
        .order_by("published_at", "pk")
    )
    for listing in active[:3]:
        if not listing_managed_by(listing=listing, user=birgitte):
            favourite_add(listing=listing, user=birgitte)
    if not Offer.objects.filter(buyer=birgitte).exists():
        target = next((x for x in active if not listing_managed_by(listing=x, user=birgitte)), None)
        if target is not None:
            offer_create(listing=target, buyer=birgitte, price_dkk=(target.price_dkk * 8 / 10).quantize(Decimal(1)))
    texts = {
        RatingSide.BUYER: (5, "Venlig sælger, og tingen var som beskrevet."),
        RatingSide.SELLER: (5, "Kom til tiden. Tak for handlen!"),
    }
    completed = Reservation.objects.filter(status=ReservationStatus.COMPLETED).select_related("listing", "buyer")
    for reservation in completed.order_by("completed_at", "pk")[:6]:
        seller_side = listing_seller_side_users(listing=reservation.listing)
        for side, rater in (
            (RatingSide.BUYER, reservation.buyer),
            (RatingSide.SELLER, seller_side[0] if seller_side else None),
        ):
            if rater is None or Rating.objects.filter(reservation=reservation, side=side).exists():
                continue
            stars, text = texts[side]
            rating_create(reservation=reservation, rater=rater, stars=stars, text=text)


# --- Stories ---------------------------------------------------------------------------------------------------


@dataclass
class _Scene:
    """What a story's steps act on: the listing being traded (the resident's, or the workshop's once it has
    published the repaired item), the repair job, the current reservation and conversation."""

    listing: Listing
    job: RepairJob | None = None
    reservation: Reservation | None = None
    conversation: Conversation | None = None


def _story_play(story: Story, people: dict[str, User], clock: _Clock) -> None:
    posted = story.posted
    owner = people[posted.seller if isinstance(posted, Item) else posted.donor]
    if Listing.objects.filter(seller=owner, title=posted.title).exists():
        return  # played already
    first, *rest = _story_moments(story)
    with clock.at(first):
        scene = _post(posted, owner)
    for step, moment in zip(story.steps, rest, strict=True):
        with clock.at(moment):
            _act(step, scene, people, moment, clock)


def _photo(listing: Listing, user: User, kind: str, background: Colour) -> None:
    if not kind:
        return
    photo = photo_upload(
        listing_id=listing.pk, user=user, file=ContentFile(drawing(kind, background), name=f"{kind}.jpg")
    )
    photo_process(photo_id=photo.pk)  # at once, not by the worker: the demo shows finished photos


def _post(posted: Item | Donation, owner: User) -> _Scene:
    """A draft with its photo, then published — as the posting page does it."""
    common: dict[str, Any] = {
        "title": posted.title,
        "category": Category.objects.get(slug=posted.category),
        "condition": posted.condition,
        "description": posted.description,
        "brand": posted.brand,
        "model": posted.model,
    }
    job = None
    if isinstance(posted, Item):
        kind = Kind.SALE if posted.price else Kind.FREE
        listing = listing_create(
            seller=owner, kind=kind, price_dkk=Decimal(posted.price), pickup_details=posted.pickup, **common
        )
        publish = posted.publish
    else:
        listing = donation_create(seller=owner, repair_mode=posted.mode, fault_description=posted.fault, **common)
        job = RepairJob.objects.get(listing=listing)
        publish = True
    _photo(listing, owner, posted.drawing, posted.background)
    if publish:
        listing = listing_publish(listing=listing, actor=owner)
    return _Scene(listing=listing, job=job)


def _act(step: Step, scene: _Scene, people: dict[str, User], moment: datetime, clock: _Clock) -> None:
    """Carry out one step through the service the site calls for it."""
    if isinstance(
        step,
        (
            Claim,
            Release,
            Quote,
            AnswerQuote,
            Start,
            Work,
            Wipe,
            NoStorage,
            Complete,
            Publish,
            WithdrawDonation,
            JobTalk,
        ),
    ):
        _act_on_job(step, scene, people, moment)
    else:
        _act_on_listing(step, scene, people, clock)


def _act_on_job(step: Step, scene: _Scene, people: dict[str, User], moment: datetime) -> None:
    assert scene.job is not None, f"{scene.listing.title}: a repair step in a story without a repair job"
    job = RepairJob.objects.get(pk=scene.job.pk)
    match step:
        case Claim(by=by):
            workshop = user_verified_workshops(user=people[by]).get()
            scene.job = job_claim(job=job, workshop=workshop, actor=people[by])
        case Release(by=by, reason=reason):
            scene.job = job_release(job=job, actor=people[by], reason=reason)
        case Quote(by=by, price=price, days=days, parts=parts, note=note):
            scene.job = job_quote(
                job=job,
                actor=people[by],
                price_dkk=Decimal(price),
                parts_dkk=None if parts is None else Decimal(parts),
                estimate_days=days,
                note=note,
            )
        case AnswerQuote(accept=accept):
            answer = job_quote_accept if accept else job_quote_decline
            scene.job = answer(job=job, actor=scene.listing.seller)
        case Start(by=by):
            scene.job = job_start(job=job, actor=people[by])
        case Work(by=by, hours=hours, note=note):
            worklog_create(job=job, actor=people[by], hours=hours, date=timezone.localdate(moment), note=note)
        case Wipe() as wipe:
            datawipe_create(
                job=job,
                actor=people[wipe.by],
                serial_number=wipe.serial,
                model=wipe.model,
                size_gb=Decimal(wipe.size_gb),
                nist_level=wipe.level,
                technique=wipe.technique,
                tool=wipe.tool,
                verified=True,
                result=WipeResult.SUCCESS,
                started_at=moment - timedelta(minutes=wipe.minutes),
                finished_at=moment,
            )
        case NoStorage(by=by):
            scene.job = job_mark_no_storage(job=job, actor=people[by])
        case Complete(by=by, outcome=outcome, barrier=barrier, notes=notes):
            scene.job = job_complete(job=job, actor=people[by], outcome=outcome, barrier=barrier, notes=notes)
        case Publish() as publish:
            actor = people[publish.by]
            listing = job_publish(
                job=job,
                actor=actor,
                title=publish.title,
                description=publish.description,
                price_dkk=Decimal(publish.price),
                condition=publish.condition,
            )
            # A workshop draft: its photo first, then on sale (refused without a ready photo:
            # `listings.selectors.listing_may_go_on_sale`).
            _photo(listing, actor, publish.drawing, publish.background)
            listing = listing_publish(listing=listing, actor=actor)
            scene.listing, scene.reservation, scene.conversation = listing, None, None
        case JobTalk(by=by, body=body):
            donor = scene.job.listing.seller if scene.job.listing else None
            sender = people[by] if by else donor
            assert sender is not None
            job_messages_mark_read(job=job, reader=sender)
            job_message_send(job=job, sender=sender, body=body)
        case WithdrawDonation():
            scene.listing = listing_withdraw(listing=scene.listing, actor=scene.listing.seller)
        case _:
            raise TypeError(f"Not a repair step: {step!r}")


def _act_on_listing(step: Step, scene: _Scene, people: dict[str, User], clock: _Clock) -> None:
    listing = Listing.objects.select_related("seller", "workshop").get(pk=scene.listing.pk)
    seller_side = listing.seller

    def person(email: str) -> User:
        return people[email] if email else seller_side

    match step:
        case Ask(buyer=buyer, body=body):
            scene.conversation, _message = conversation_start(listing=listing, buyer=people[buyer], body=body)
        case Reply(by=by, body=body):
            assert scene.conversation is not None, f"{listing.title}: a reply before anyone asked"
            conversation_mark_read(conversation=scene.conversation, reader=person(by))
            message_send(conversation=scene.conversation, sender=person(by), body=body)
        case Reserve(buyer=buyer):
            scene.reservation = reservation_create(listing=listing, buyer=people[buyer])
        case Confirm(by=by):
            assert scene.reservation is not None
            scene.reservation = reservation_confirm(reservation=scene.reservation, actor=person(by))
        case HandOver(by=by):
            assert scene.reservation is not None
            scene.reservation = reservation_complete(reservation=scene.reservation, actor=person(by))
        case Cancel(by=by):
            assert scene.reservation is not None
            scene.reservation = reservation_cancel(reservation=scene.reservation, actor=person(by))
        case Expire():
            assert scene.reservation is not None
            clock.settle()  # the reservation's 48 hours must lie in the past for the expiry task to see them
            if not reservation_expire(reservation_id=scene.reservation.pk):
                raise ValueError(f"{listing.title}: the reservation was not due to expire yet")
        case Withdraw():
            scene.listing = listing_withdraw(listing=listing, actor=seller_side)
        case Report(by=by, reason=reason, details=details):
            report_create(listing=listing, reporter=people[by], reason=reason, details=details)
        case Hide():
            scene.listing = listing_hide(listing=listing)  # the moderators' "hide" action in the admin
        case _:
            raise TypeError(f"Not a listing step: {step!r}")
