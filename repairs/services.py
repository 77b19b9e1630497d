"""Writes for repair jobs: the lifecycle (claim exactly once, release, start, complete), work logs, data wipes,
publishing the result. Every transition is a conditional UPDATE on the job's status plus a `JobEvent` in the
same transaction, so two requests racing for one job can never both succeed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User, Workshop
from accounts.selectors import is_member
from core import pagecache
from core.errors import InvalidInput
from listings.areas import area_normalise
from listings.models import Condition, Kind, Listing, ListingStatus
from listings.services import listing_create
from notifications.services import notification_send
from notifications.texts import text

from .errors import (
    AlreadyPublished,
    DataWipeRequired,
    DonationInRepair,
    JobAlreadyClaimed,
    JobNotFound,
    JobWrongStatus,
    NotJobWorkshopMember,
    NotPublishable,
    NotVerifiedMember,
)
from .models import (
    ACTIVE_JOB_STATUSES,
    Barrier,
    DataWipe,
    JobEvent,
    JobStatus,
    NistLevel,
    Outcome,
    QuoteStatus,
    RepairJob,
    RepairMode,
    WipeResult,
    WipeTechnique,
    WorkLog,
)
from .ords import ords_export_changed, public_text
from .selectors import job_donor, job_is_on_board, job_publishable, member_hours_left, user_acts_for_job


@transaction.atomic
def job_create(
    *, listing: Listing, mode: str = RepairMode.DONATE, fault_description: str = "", actor: User | None = None
) -> RepairJob:
    """Create the repair job for a listing of kind `repair` (called by the listing's creation)."""
    job = RepairJob(
        listing=listing,
        category=listing.category,
        mode=mode,
        fault_description=fault_description,
        public_problem=public_text(fault_description, donor=listing.seller),
        brand=listing.brand,
        status=JobStatus.OPEN,
    )
    job.full_clean()
    job.save()
    JobEvent.objects.create(job=job, actor=actor or listing.seller, from_status="", to_status=JobStatus.OPEN)
    return job


def job_create_held(
    *, workshop: Workshop, category: Any, actor: User, brand: str = "", description: str = "", no_storage: bool = False
) -> RepairJob:
    """A job that a workshop holds from the start, with no listing: one device of an organisation's donation batch
    the workshop accepted (`donations.services.batch_accept` calls it inside its own transaction). Claimed by
    `workshop`; the rest of the lifecycle (start, wipes, complete) is as for any job."""
    now = timezone.now()
    job = RepairJob.objects.create(
        category=category,
        mode=RepairMode.DONATE,
        fault_description=description,
        public_problem=public_text(description, donor=None),
        brand=brand[:80],
        status=JobStatus.CLAIMED,
        workshop=workshop,
        claimed_at=now,
        no_storage=no_storage,
    )
    JobEvent.objects.create(job=job, actor=actor, workshop=workshop, from_status="", to_status=JobStatus.CLAIMED)
    return job


@transaction.atomic
def donation_create(*, seller: User, repair_mode: str, fault_description: str = "", **fields: Any) -> Listing:
    """A resident donates an item for repair: its listing (kind `repair`, no price) and its repair job, together."""
    if not repair_mode:
        message = _("Say whether the workshop may keep the repaired item (donate) or should return it.")
        raise InvalidInput(message, errors={"repair_mode": [message]})
    listing = listing_create(seller=seller, **{**fields, "kind": Kind.REPAIR})
    try:
        job_create(listing=listing, mode=repair_mode, fault_description=fault_description, actor=seller)
    except ValidationError as exc:
        errors: dict[str, list[Any]] = {k: list(v) for k, v in exc.message_dict.items()}
        raise InvalidInput(gettext("Please correct the errors below."), errors=errors) from exc
    return listing


@transaction.atomic
def donation_withdraw(*, listing: Listing, actor: User) -> RepairJob | None:
    """The donor withdrew a donation for repair (the listing is withdrawn in this transaction): a job no workshop
    holds yet is cancelled with it — it leaves every board and can no longer be claimed. While a workshop holds
    the job (claimed or in progress) the withdrawal is refused (409, DonationInRepair): the item may already be
    at the workshop, so the donor has to agree it with the workshop. A completed or cancelled job stays as it is."""
    job = RepairJob.objects.select_for_update(of=("self",)).select_related("workshop").filter(listing=listing).first()
    if job is None:
        return None
    if job.status in ACTIVE_JOB_STATUSES:
        workshop = job.workshop.name if job.workshop else ""
        raise DonationInRepair(
            _(
                "%(workshop)s is already repairing this item, so the donation cannot be withdrawn here. Contact "
                "the workshop to get it back."
            )
            % {"workshop": workshop}
        )
    if job.status == JobStatus.OPEN:
        _transition(
            job=job,
            from_statuses=(JobStatus.OPEN,),
            to=JobStatus.CANCELLED,
            actor=actor,
            event_workshop=None,
            note=gettext("The donor withdrew the donation."),
            updates={},
        )
    return job


def on_listing_withdrawn(sender: Any, *, listing: Listing, actor: User, **kwargs: Any) -> None:
    """Receiver of `listings.signals.listing_withdrawn` (connected in `RepairsConfig.ready`)."""
    if listing.kind == Kind.REPAIR:
        donation_withdraw(listing=listing, actor=actor)


@transaction.atomic
def donor_forget(*, donor: User) -> None:
    """The donor's account is being deleted (`privacy.services.user_delete`, before their name is erased): their
    donations keep no personal data — the fault text they wrote is replaced by its public version, without contact
    details or their name — and a job no workshop holds yet is cancelled, as the donation is withdrawn with the
    account. A job a workshop holds goes on, and completed jobs stay in the impact figures and the open data."""
    for job in RepairJob.objects.select_for_update(of=("self",)).filter(listing__seller=donor).order_by("pk"):
        RepairJob.objects.filter(pk=job.pk).update(
            fault_description=public_text(job.fault_description, donor=donor),
            public_problem=public_text(job.public_problem, donor=donor),
        )
        if job.status == JobStatus.OPEN:
            _transition(
                job=job,
                from_statuses=(JobStatus.OPEN,),
                to=JobStatus.CANCELLED,
                actor=donor,
                event_workshop=None,
                note=gettext("The donor's account was deleted."),
                updates={},
            )
    transaction.on_commit(ords_export_changed)


# --- helpers --------------------------------------------------------------------------------------------------


def _require_verified_member(*, user: User, workshop: Workshop) -> None:
    if not is_member(user=user, workshop=workshop):
        raise NotVerifiedMember(_("Only members of a verified workshop may claim jobs or sell as the workshop."))


def _wrong_status(job: RepairJob, message: Any) -> JobWrongStatus:
    """`message` is a lazy text with `%(status)s`, formatted in the request's language."""
    return JobWrongStatus(str(message) % {"status": str(JobStatus(job.status).label).lower()})


def _transition(
    *,
    job: RepairJob,
    from_statuses: tuple[str, ...],
    to: str,
    actor: User,
    event_workshop: Workshop | None,
    updates: dict[str, Any],
    note: str = "",
    require_workshop: Workshop | None = None,
    step: str = "",
    extra_filter: dict[str, Any] | None = None,
) -> bool:
    """UPDATE the job to `to` only if it is still in one of `from_statuses` (and, when given, still held by
    `require_workshop`); record the event. Returns False when the row no longer matched."""
    now = timezone.now()
    rows = RepairJob.objects.filter(pk=job.pk, status__in=from_statuses)
    if require_workshop is not None:
        rows = rows.filter(workshop=require_workshop)
    if extra_filter:
        rows = rows.filter(**extra_filter)
    if rows.update(status=to, updated_at=now, **updates) != 1:
        return False
    pagecache.catalogue_changed()  # the impact figures count jobs by status
    from_status = from_statuses[0] if len(from_statuses) == 1 else job.status
    job.refresh_from_db()
    JobEvent.objects.create(
        job=job,
        actor=actor,
        workshop=event_workshop,
        from_status=from_status,
        to_status=to,
        step=step,
        note=note[:2000],
    )
    return True


# What releasing a job (by the workshop, or by the resident declining its quote) clears: the workshop, and what was
# that workshop's word — its no-storage record and its quote.
RELEASE_UPDATES: dict[str, Any] = {
    "workshop": None,
    "claimed_at": None,
    "no_storage": False,
    "quote_status": QuoteStatus.NONE,
    "quote_price_dkk": None,
    "quote_parts_dkk": None,
    "quote_estimate_days": None,
    "quote_note": "",
    "quoted_at": None,
    "quote_answered_at": None,
    "received_at": None,
}


def _notify_donor(
    job: RepairJob, kind: str, title: Any, body: Any, params: dict[str, Any] | None = None, url: str = ""
) -> None:
    """Tell the resident who donated the item, in their language (imported jobs have no donor). `title` and
    `body` are lazy messages formatted with `params` (lazy values too) inside the recipient's language."""
    if job.listing_id is None or job.listing is None:
        return
    donor = job.listing.seller
    stored = {"title": _title(job), **(params or {})}
    with translation.override(donor.language):
        values = {"title": _title(job), **{k: str(v) for k, v in (params or {}).items()}}
        notification_send(
            user=donor,
            kind=kind,
            title=str(title) % values,
            body=str(body) % values,
            url=url or job.get_absolute_url(),
            data={"job": job.pk},
            title_text=text(title, **stored),
            body_text=text(body, **stored),
        )


def job_wipe_satisfied(*, job: RepairJob) -> bool:
    """The data-wipe rule: an item that can hold personal data needs at least one device recorded and every
    recorded device wiped successfully and verified — or an explicit record that it has no storage — by the
    workshop that holds the job (what its certificate states; a workshop that released the job vouches for
    nothing any more). Reads prefetched wipes when there are."""
    if not job.category.needs_data_wipe or job.no_storage:
        return True
    wipes = [wipe for wipe in job.data_wipes.all() if job.workshop_id and wipe.workshop_id == job.workshop_id]
    return bool(wipes) and all(wipe.is_complete for wipe in wipes)


def _lock(job: RepairJob) -> RepairJob:
    """Re-read the job holding its row lock (PostgreSQL) so checks and writes on it are serialized."""
    return RepairJob.objects.select_for_update(of=("self",)).select_related("category", "listing").get(pk=job.pk)


def _lock_for_member(job: RepairJob, actor: User) -> RepairJob:
    """Lock the job, then ask who holds it of the LOCKED row: a caller's copy may be stale (the job released and
    claimed by another workshop since it was read), and the old workshop must not act on the new one's job."""
    locked = _lock(job)
    if not user_acts_for_job(user=actor, job=locked):
        raise NotJobWorkshopMember()
    return locked


# --- lifecycle ------------------------------------------------------------------------------------------------


@transaction.atomic
def job_claim(*, job: RepairJob, workshop: Workshop, actor: User) -> RepairJob:
    """A member of a verified workshop claims a job on the board (`selectors.job_on_board_q`: open, and its donation
    published). Exactly one of many concurrent claims wins: the row is locked and the UPDATE only matches while it
    still says `open`; the losers get JobAlreadyClaimed (409). A job whose donation is a draft, withdrawn or hidden
    is not on any board: 404, as for a job one may not see."""
    _require_verified_member(user=actor, workshop=workshop)
    if not workshop.categories.filter(pk=job.category_id).exists():
        raise NotVerifiedMember(
            _("%(workshop)s does not handle this category. The owner can add it to the workshop's categories.")
            % {"workshop": workshop.name}
        )
    locked = _lock(job)
    if locked.status == JobStatus.OPEN and not job_is_on_board(job=locked):
        raise JobNotFound()
    now = timezone.now()
    if not _transition(
        job=locked,
        from_statuses=(JobStatus.OPEN,),
        to=JobStatus.CLAIMED,
        actor=actor,
        event_workshop=workshop,
        updates={"workshop": workshop, "claimed_at": now},
    ):
        if locked.status in (JobStatus.CLAIMED, JobStatus.IN_PROGRESS):
            if locked.workshop_id == workshop.pk:
                raise JobAlreadyClaimed(_("Your workshop has already claimed this job."))
            raise JobAlreadyClaimed(_("This job has already been claimed by another workshop."))
        raise _wrong_status(locked, _("You cannot claim a job that is %(status)s."))
    _notify_donor(
        locked,
        "job_claimed",
        _("%(workshop)s will repair your %(title)s"),
        _("The workshop has claimed the repair job for your donated item."),
        {"workshop": workshop.name},
    )
    return locked


def _title(job: RepairJob) -> str:
    return job.listing.title if job.listing_id and job.listing else job.category.name


@transaction.atomic
def job_release(*, job: RepairJob, actor: User, reason: str) -> RepairJob:
    """The claiming workshop gives the job back: it is open again for every workshop."""
    locked = _lock_for_member(job, actor)
    if not reason.strip():
        raise InvalidInput(_("Please say why you release the job."), errors={"reason": [_("This field is required.")]})
    workshop = locked.workshop
    if not _transition(
        job=locked,
        from_statuses=(JobStatus.CLAIMED,),
        to=JobStatus.OPEN,
        actor=actor,
        event_workshop=workshop,
        note=reason.strip(),
        require_workshop=workshop,
        # The no-storage record and the quote were the releasing workshop's word; the next one gives its own.
        updates=RELEASE_UPDATES,
    ):
        raise _wrong_status(locked, _("You cannot release a job that is %(status)s."))
    return locked


@transaction.atomic
def job_start(*, job: RepairJob, actor: User) -> RepairJob:
    locked = _lock_for_member(job, actor)
    if not _transition(
        job=locked,
        from_statuses=(JobStatus.CLAIMED,),
        to=JobStatus.IN_PROGRESS,
        actor=actor,
        event_workshop=locked.workshop,
        require_workshop=locked.workshop,
        updates={"started_at": timezone.now()},
    ):
        raise _wrong_status(locked, _("You cannot start a job that is %(status)s."))
    return locked


@transaction.atomic
def job_complete(*, job: RepairJob, actor: User, outcome: str, barrier: str = "", notes: str = "") -> RepairJob:
    """Complete with the ORDS outcome; a barrier is required for, and only for, end of life. An item that can
    hold personal data cannot complete as fixed until the data-wipe rule holds."""
    locked = _lock_for_member(job, actor)
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), errors={"outcome": [_("Choose fixed, repairable or end_of_life.")]})
    if outcome == Outcome.END_OF_LIFE and barrier not in Barrier.values:
        message = _("Say what prevented the repair (the repair barrier) for an end-of-life outcome.")
        raise InvalidInput(message, errors={"barrier": [message]})
    if outcome != Outcome.END_OF_LIFE and barrier:
        message = _("A repair barrier is only recorded for an end-of-life outcome.")
        raise InvalidInput(message, errors={"barrier": [message]})
    if locked.status != JobStatus.IN_PROGRESS:
        raise _wrong_status(locked, _("You cannot complete a job that is %(status)s."))
    if outcome == Outcome.FIXED and not job_wipe_satisfied(job=locked):
        raise DataWipeRequired()
    if not _transition(
        job=locked,
        from_statuses=(JobStatus.IN_PROGRESS,),
        to=JobStatus.COMPLETED,
        actor=actor,
        event_workshop=locked.workshop,
        note=notes.strip(),
        require_workshop=locked.workshop,
        updates={
            "outcome": outcome,
            "barrier": barrier,
            "notes": notes.strip(),
            "public_problem": public_text(locked.public_problem, notes.strip(), donor=job_donor(job=locked)),
            "completed_at": timezone.now(),
        },
    ):  # pragma: no cover — the row is locked above
        raise _wrong_status(locked, _("You cannot complete a job that is %(status)s."))
    transaction.on_commit(ords_export_changed)
    if locked.mode == RepairMode.RETURN:
        _notify_donor(
            locked,
            "job_ready",
            _("Your %(title)s is ready for pick-up"),
            _("Result: %(outcome)s. Pick it up at %(workshop)s, %(address)s. Opening hours: %(hours)s"),
            {
                "outcome": Outcome(outcome).label,
                "workshop": locked.workshop.name if locked.workshop else "",
                "address": locked.workshop.address if locked.workshop else "",
                "hours": (locked.workshop.opening_hours if locked.workshop else "") or "–",
            },
        )
        return locked
    _notify_donor(
        locked,
        "job_completed",
        _("The repair of your %(title)s is finished"),
        _("Result: %(outcome)s."),
        {"outcome": Outcome(outcome).label},
    )
    return locked


# --- work and data wipes ----------------------------------------------------------------------------------------


def _require_active(job: RepairJob, action: Any) -> None:
    if job.status not in (JobStatus.CLAIMED, JobStatus.IN_PROGRESS):
        raise _wrong_status(job, action)


@transaction.atomic
def worklog_create(*, job: RepairJob, actor: User, hours: Decimal, date: date, note: str = "") -> WorkLog:
    locked = _lock_for_member(job, actor)
    _require_active(locked, _("You cannot log work on a job that is %(status)s."))
    errors: dict[str, list[Any]] = {}
    if not Decimal(0) < hours <= Decimal(24):
        errors["hours"] = [_("Hours must be more than 0 and at most 24.")]
    if date > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    # At most a day's hours per member and day, across all their entries: the member's row is locked, so entries
    # sent at the same moment are added up one after the other, never side by side.
    User.objects.select_for_update().get(pk=actor.pk)
    left = member_hours_left(member=actor, day=date)
    if hours > left:
        message = _("You can log at most 24 hours a day: %(left)s more on %(date)s.") % {
            "left": f"{left.normalize():f}",
            "date": date.isoformat(),
        }
        raise InvalidInput(message, errors={"hours": [message]})
    log = WorkLog(job=locked, workshop=locked.workshop, member=actor, hours=hours, date=date, note=note.strip())
    log.full_clean()
    log.save()
    return log


@transaction.atomic
def datawipe_create(
    *,
    job: RepairJob,
    actor: User,
    serial_number: str,
    model: str,
    size_gb: Decimal,
    nist_level: str,
    technique: str,
    tool: str,
    verified: bool,
    result: str,
    started_at: datetime,
    finished_at: datetime,
) -> DataWipe:
    """Record one storage device's wipe (NIST SP 800-88 level and technique, tool, verification, operator)."""
    locked = _lock_for_member(job, actor)
    _require_active(locked, _("You cannot record a data wipe on a job that is %(status)s."))
    errors: dict[str, list[Any]] = {}
    if nist_level not in NistLevel.values:
        errors["nist_level"] = [_("Choose clear, purge or destroy.")]
    if technique not in WipeTechnique.values:
        errors["technique"] = [_("Unknown wipe technique.")]
    if result not in WipeResult.values:
        errors["result"] = [_("Choose success or failed.")]
    if finished_at < started_at:
        errors["finished_at"] = [_("The wipe cannot finish before it started.")]
    if finished_at > timezone.now() + timedelta(minutes=5):
        errors["finished_at"] = [_("The wipe cannot finish in the future.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    if locked.no_storage:
        raise JobWrongStatus(_("This job is recorded as having no storage; a data wipe cannot be added."))
    wipe = DataWipe(
        job=locked,
        workshop=locked.workshop,
        serial_number=serial_number.strip(),
        model=model.strip(),
        size_gb=size_gb,
        nist_level=nist_level,
        technique=technique,
        tool=tool.strip(),
        verified=verified,
        result=result,
        operator=actor,
        started_at=started_at,
        finished_at=finished_at,
    )
    wipe.full_clean()
    wipe.save()
    return wipe


@transaction.atomic
def job_mark_no_storage(*, job: RepairJob, actor: User) -> RepairJob:
    """The workshop records explicitly that the item holds no storage (so no data wipe is owed)."""
    locked = _lock_for_member(job, actor)
    _require_active(locked, _("You cannot change a job that is %(status)s."))
    if locked.data_wipes.exists():
        raise JobWrongStatus(_("Storage devices are already recorded for this job, so it has storage."))
    if not locked.no_storage:
        locked.no_storage = True
        locked.save(update_fields=["no_storage", "updated_at"])
        JobEvent.objects.create(
            job=locked,
            actor=actor,
            workshop=locked.workshop,
            from_status=locked.status,
            to_status=locked.status,
            note=gettext("Recorded that the item has no storage."),
        )
    return locked


# --- publishing the result --------------------------------------------------------------------------------------


@transaction.atomic
def job_publish(
    *, job: RepairJob, actor: User, title: str, description: str, price_dkk: Decimal, condition: str
) -> Listing:
    """A donated job completed `fixed` becomes an upcycled listing sold by the workshop, pointing back to the
    job (provenance). Once only: `Listing.source_job` is one-to-one."""
    locked = _lock_for_member(job, actor)
    if not job_publishable(job=locked):
        raise NotPublishable()
    if Listing.objects.filter(source_job=locked).exists():
        raise AlreadyPublished()
    if not job_wipe_satisfied(job=locked):
        raise DataWipeRequired()
    if condition not in Condition.values:
        raise InvalidInput(_("Unknown condition."), errors={"condition": [_("Unknown condition.")]})
    if price_dkk < 0:
        raise InvalidInput(
            _("The price cannot be negative."), errors={"price_dkk": [_("The price cannot be negative.")]}
        )
    donated = locked.listing
    workshop = locked.workshop
    assert workshop is not None
    listing = Listing(
        seller=actor,
        workshop=workshop,
        source_job=locked,
        title=title.strip(),
        description=description.strip(),
        category=locked.category,
        condition=condition,
        kind=Kind.FREE if price_dkk == 0 else Kind.SALE,
        price_dkk=price_dkk,
        area=area_normalise(actor.area or ""),
        brand=locked.brand,
        model=donated.model if donated else "",
        # (an estimate recorded before categories had weight bounds may lie outside them: not carried over)
        weight_kg=donated.weight_kg if donated and locked.category.weight_in_bounds(donated.weight_kg) else None,
        # A workshop draft, not public: the workshop adds photos, then puts it on sale
        # (`listings.services.listing_publish`, which asks `listings.selectors.listing_may_go_on_sale`).
        status=ListingStatus.DRAFT,
        published_at=None,
    )
    listing.full_clean(exclude=["source_job"])
    try:
        with transaction.atomic():
            listing.save()
    except IntegrityError as exc:  # a concurrent publish of the same job
        raise AlreadyPublished() from exc
    return listing


def on_listing_published(sender: Any, listing: Listing, **kwargs: Any) -> None:
    """`listings.signals.listing_published`: a listing made from a repair job went on sale (the workshop put its
    draft on sale once it had a photo) — tell the donor, linking to the now public listing."""
    if listing.source_job_id is None:
        return
    job = RepairJob.objects.select_related("listing__seller", "workshop", "category").get(pk=listing.source_job_id)
    workshop = job.workshop
    _notify_donor(
        job,
        "job_published",
        _("Your donated %(title)s has a new home waiting"),
        _("%(workshop)s repaired it and published it as “%(listing)s”."),
        {"workshop": workshop.name if workshop else "", "listing": listing.title},
        url=listing.get_absolute_url(),
    )
