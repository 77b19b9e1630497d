"""Reads for repair jobs: who may see which job, the job board, provenance of upcycled listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import User, Workshop
from accounts.selectors import is_member, workshop_ids_of
from listings.models import PUBLIC_LISTING_STATUSES, Category, Kind, Listing, ListingStatus

from .errors import JobNotFound
from .models import DataWipe, JobEvent, JobStatus, JobStep, Outcome, QuoteStatus, RepairJob, RepairMode, WorkLog


def job_on_board_q() -> Q:
    """Jobs on the workshops' boards, open for claims: open, and the donation published. A job exists for the
    workshops only while its donation does: not while the listing is a draft, nor once it is withdrawn or hidden."""
    return Q(status=JobStatus.OPEN, listing__status__in=PUBLIC_LISTING_STATUSES)


def job_is_on_board(*, job: RepairJob) -> bool:
    """`job_on_board_q` for one job (ask it of the locked row when acting on the answer). No query for a job that
    is not open."""
    return job.status == JobStatus.OPEN and RepairJob.objects.filter(job_on_board_q(), pk=job.pk).exists()


def job_visibility_q(*, user: User | AnonymousUser, to_claim: bool = False) -> Q:
    """The one rule for which jobs a person may see and which a workshop may claim: their own donations, their
    workshops' jobs, and the jobs on the board (`job_on_board_q`) in the categories of the verified workshops they
    belong to. `to_claim` adds the jobs of those categories that are no longer open (claimed, completed,
    cancelled), so a workshop that lost a race hears 409 "already claimed" rather than 404 — never a draft's."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    verified_categories = _claimable_categories(user)
    visible = (
        Q(listing__seller=user)
        | Q(workshop_id__in=workshop_ids_of(user=user))
        | (job_on_board_q() & Q(category_id__in=verified_categories))
    )
    if to_claim:
        visible |= Q(category_id__in=verified_categories) & ~Q(status=JobStatus.OPEN)
    return visible


def _claimable_categories(user: User) -> QuerySet[Any]:
    """The categories handled by the verified workshops `user` belongs to (`accounts.selectors.workshop_ids_of`)."""
    return Category.objects.filter(workshops__pk__in=workshop_ids_of(user=user, verified_only=True)).values("pk")


def job_list(
    *,
    user: User | AnonymousUser,
    status: str | None = None,
    category: str | None = None,
    workshop: str | None = None,
    mine: bool = False,
) -> QuerySet[RepairJob]:
    """The job board, newest first. `category` matches a leaf or a parent slug; `mine` keeps the jobs the user
    donated or their workshops hold."""
    jobs = RepairJob.objects.filter(job_visibility_q(user=user))
    if status:
        jobs = jobs.filter(status=status)
    if category:
        jobs = jobs.filter(Q(category__slug=category) | Q(category__parent__slug=category))
    if workshop:
        jobs = jobs.filter(workshop__slug=workshop)
    if mine and user.is_authenticated:
        jobs = jobs.filter(Q(listing__seller=user) | Q(workshop_id__in=workshop_ids_of(user=user)))
    return jobs.select_related("listing", "category", "workshop").order_by("-created_at", "-id")


def job_get(*, user: User | AnonymousUser, job_id: int, detail: bool = False, to_claim: bool = False) -> RepairJob:
    """One job the user may see, or JobNotFound (404) — also when it exists but is not theirs to see.
    `to_claim`: members of verified workshops also find jobs in their categories that are no longer open, so
    a workshop that lost a race for a job hears 409 "already claimed" rather than 404."""
    jobs = RepairJob.objects.filter(job_visibility_q(user=user, to_claim=to_claim)).select_related(
        "listing", "listing__seller", "category", "workshop"
    )
    if detail:
        jobs = jobs.prefetch_related(
            Prefetch("events", queryset=JobEvent.objects.select_related("actor", "workshop")),
            Prefetch("work_logs", queryset=WorkLog.objects.select_related("member")),
            Prefetch("data_wipes", queryset=DataWipe.objects.select_related("operator")),
        )
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise JobNotFound()
    return job


def job_publishable(*, job: RepairJob) -> bool:
    """Whether a job's result may be published for sale: a donated job completed `fixed` (once only — the
    listing it becomes points back to it, see `services.job_publish`)."""
    return job.mode == RepairMode.DONATE and job.status == JobStatus.COMPLETED and job.outcome == Outcome.FIXED


@dataclass(frozen=True)
class EventEntry:
    """One line of a job's timeline as the viewer may read it. `actor` is a workshop member's display name only
    for the viewer's own workshop, "donor" for the donor's own steps (never their name), else None."""

    from_status: str
    to_status: str
    at: datetime
    workshop: Workshop | None
    actor: str | None
    note: str
    step: str = ""

    @property
    def step_label(self) -> Any:
        return JobStep(self.step).label if self.step else ""


@dataclass(frozen=True)
class JobHistory:
    events: list[EventEntry]
    work_logs: list[WorkLog]
    data_wipes: list[DataWipe]


def job_history_visible_to(*, job: RepairJob, user: User | AnonymousUser) -> JobHistory:
    """The one rule for "may this person see this job's history?": a job's work logs, data wipes (serial numbers,
    operators) and the names and notes on its timeline belong to the workshop that wrote them, so a workshop that
    claims a job another one released sees none of the first one's.

    - staff: everything;
    - a member of a workshop: the rows that workshop wrote, and the timeline with names and notes on its own steps —
      other workshops' steps show as status changes only (with the workshop), their note-only entries not at all;
    - the donor: the status changes (their own steps as "donor"), and the data wipes of the workshop that holds
      the job — what its data-erasure certificate states; no work logs.
    Reads the prefetched rows of `job_get(detail=True)`; the API, the job page and the certificate all call it."""
    is_staff = bool(getattr(user, "is_staff", False))
    own: set[int] = set()
    if user.is_authenticated:
        own = set(workshop_ids_of(user=user).values_list("workshop_id", flat=True))
    is_donor = bool(user.is_authenticated and job.listing_id and job.listing and job.listing.seller_id == user.pk)

    def mine(workshop_id: int | None) -> bool:
        return is_staff or (workshop_id is not None and workshop_id in own)

    events = []
    for event in job.events.all():
        if event.workshop_id is None:  # the donor's steps: donated, withdrawn
            actor = "donor" if event.actor_id else None
            events.append(EventEntry(event.from_status, event.to_status, event.at, None, actor, event.note, event.step))
        elif mine(event.workshop_id):
            name = event.actor.display_name if event.actor else None
            events.append(
                EventEntry(event.from_status, event.to_status, event.at, event.workshop, name, event.note, event.step)
            )
        elif event.from_status != event.to_status or event.step:
            # A step of the "repair and hand back" loop (quote, received, handed back) is the resident's business
            # too: shown to the donor with its note (the quote's note is written to them), to others without.
            note = event.note if is_donor and event.step else ""
            events.append(
                EventEntry(event.from_status, event.to_status, event.at, event.workshop, None, note, event.step)
            )
    return JobHistory(
        events=events,
        work_logs=[log for log in job.work_logs.all() if mine(log.workshop_id)],
        data_wipes=[
            wipe
            for wipe in job.data_wipes.all()
            if mine(wipe.workshop_id)
            or (is_donor and wipe.workshop_id is not None and wipe.workshop_id == job.workshop_id)
        ],
    )


def job_donor(*, job: RepairJob) -> User | None:
    return job.listing.seller if job.listing_id and job.listing else None


HOURS_A_DAY = Decimal(24)


def member_hours_left(*, member: User, day: date) -> Decimal:
    """How many more hours this member may log on `day`: a day has 24, whatever the jobs and workshops the entries
    are for. (`worklog_create` asks it with the member's row locked.)"""
    logged = WorkLog.objects.filter(member=member, date=day).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return max(HOURS_A_DAY - logged, Decimal(0))


def user_acts_for_job(*, user: User | AnonymousUser, job: RepairJob) -> bool:
    """May this person act on the job — release, start, log work, record wipes, complete, publish? Only a member
    of the verified workshop that holds it. The services ask it of the job's LOCKED row, never of a copy read
    earlier: a job released and claimed by another workshop in between belongs to the new one."""
    if not user.is_authenticated or job.workshop_id is None:
        return False
    return is_member(user=user, workshop=job.workshop_id)


def job_pickup_note(*, job: RepairJob, user: User | AnonymousUser, acts: bool | None = None) -> str | None:
    """The donor's pickup note (where and when to fetch the item) as `user` may read it on the job, or None: the
    members of the verified workshop that holds the job (`user_acts_for_job`) — not a workshop that only sees it
    on its board. The donor wrote it on the donated listing; nobody buys that listing."""
    if job.listing is None or not job.listing.pickup_details:
        return None
    if acts is None:  # (`acts`: `user_acts_for_job`, when the caller has asked it already)
        acts = user_acts_for_job(user=user, job=job)
    return job.listing.pickup_details if acts else None


def user_may_view_certificate(*, user: User | AnonymousUser, job: RepairJob) -> bool:
    """The donor and the members of the workshop that holds the job."""
    if not user.is_authenticated:
        return False
    if job.listing_id and job.listing and job.listing.seller_id == user.pk:
        return True
    return is_member(user=user, workshop=job.workshop_id, verified_only=False)


def listing_provenance(*, listing: Listing) -> dict[str, Any] | None:
    """Where an upcycled listing came from — never the donor's name. None for ordinary listings.

    Shape: {"job": id, "category": slug, "category_name": str, "donor_area": str,
            "workshop": {"slug", "name"}, "outcome": str, "mode": str, "donated_at", "completed_at",
            "timeline": [{"status": str, "at": iso datetime}, …]}"""
    if listing.source_job_id is None:
        return None
    job = listing.source_job
    if job is None:
        return None
    donor = job.listing.seller if job.listing_id and job.listing else None
    # The donated listing's area (or the donor's neighbourhood) — an area, never a name or an address.
    donor_area = (job.listing.area if job.listing else "") or (donor.area if donor else "")
    return {
        "job": job.pk,
        "category": job.category.slug,
        "category_name": job.category.name,
        "donor_area": donor_area,
        "workshop": {"slug": job.workshop.slug, "name": job.workshop.name} if job.workshop else None,
        "outcome": job.outcome,
        "mode": job.mode,
        "donated_at": job.created_at.isoformat(),
        "completed_at": job.completed_at.isoformat() if job.completed_at else None,
        "timeline": [
            {"status": e.to_status, "at": e.at.isoformat()}
            for e in job.events.all()
            if e.from_status != e.to_status  # transitions only, not notes
        ],
    }


# --- repair and hand back: the resident's words, the workshop's intake queue ---------------------------------------


def job_stage_for_resident(*, job: RepairJob) -> tuple[str, Any]:
    """Where the resident's item is, in words meant for them (never the workshops' board words "Åben"/"Taget"): a
    stage code for styling and its label. The one place a donor or resident reads their repair's status — the
    resident's page, My page, and beside the listing (`listing_status_for_owner`) all call it. A "repair and hand
    back" job walks through its quote, drop-off and pick-up; a donation says how its repair ended."""
    returning = job.mode == RepairMode.RETURN
    if job.status == JobStatus.CANCELLED:
        return "withdrawn", _("Withdrawn")
    if job.status == JobStatus.OPEN:
        return "waiting", _("Waiting for a workshop")
    if job.status == JobStatus.COMPLETED:
        if returning and job.handed_back_at:
            return "handed_back", _("Handed back to you")
        if returning:
            return "ready", _("Ready for pick-up")
        return "repaired", _DONOR_DONE.get(job.outcome, _("Repair finished"))  # type: ignore[call-overload]
    if returning and job.quote_status == QuoteStatus.NONE:
        return "quote_coming", _("The workshop is preparing a quote")
    if returning and job.quote_status == QuoteStatus.SENT:
        return "quote_waiting", _("A quote is waiting for your answer")
    if returning and job.received_at is None:
        return "bring", _("Bring the item to the workshop")
    if job.status == JobStatus.IN_PROGRESS or (returning and job.received_at):
        return "repairing", _("Being repaired")
    return "taken", _("A workshop has taken it on")


# How a donation's repair ended, as its donor reads it.
_DONOR_DONE = {
    Outcome.FIXED: _("Repaired"),
    Outcome.REPAIRABLE: _("Looked at: repairable"),
    Outcome.END_OF_LIFE: _("Could not be repaired"),
}


class _HistoryLine(Protocol):
    @property
    def from_status(self) -> str: ...
    @property
    def to_status(self) -> str: ...
    @property
    def step(self) -> str: ...
    @property
    def note(self) -> str: ...


def event_words_for_resident(*, entry: _HistoryLine, mode: str = "") -> Any:
    """One line of the job's history in words meant for the resident (an `EventEntry` or a `JobEvent`): the
    first line says the item was handed in to be repaired and returned, or donated (`mode`)."""
    if entry.step:
        return JobStep(entry.step).label
    if entry.to_status == entry.from_status:
        return entry.note
    if not entry.from_status:
        return _("Handed in for repair") if mode == RepairMode.RETURN else _("Donated")
    return {
        JobStatus.OPEN: _("The workshop gave the job back; it is open for other workshops"),
        JobStatus.CLAIMED: _("A workshop has taken it on"),
        JobStatus.IN_PROGRESS: _("Being repaired"),
        JobStatus.COMPLETED: _("The repair is finished"),
        JobStatus.CANCELLED: _("Withdrawn"),
    }.get(JobStatus(entry.to_status), entry.to_status)


@dataclass(frozen=True)
class IntakeQueue:
    """A workshop's counter: items to come in, quotes awaiting the resident's answer, items ready for pick-up."""

    to_receive: list[RepairJob]
    awaiting_answer: list[RepairJob]
    ready_for_pickup: list[RepairJob]
    to_quote: list[RepairJob]


def intake_queue(*, user: User) -> IntakeQueue:
    """The "repair and hand back" jobs of the verified workshops `user` belongs to, by what the counter does next."""
    jobs = (
        RepairJob.objects.filter(mode=RepairMode.RETURN, workshop_id__in=workshop_ids_of(user=user, verified_only=True))
        .select_related("listing", "listing__seller", "category", "workshop")
        .order_by("claimed_at", "id")
    )
    active = jobs.filter(status__in=(JobStatus.CLAIMED, JobStatus.IN_PROGRESS))
    return IntakeQueue(
        to_receive=list(active.filter(quote_status=QuoteStatus.ACCEPTED, received_at__isnull=True)[:200]),
        awaiting_answer=list(active.filter(quote_status=QuoteStatus.SENT)[:200]),
        ready_for_pickup=list(
            jobs.filter(status=JobStatus.COMPLETED, received_at__isnull=False, handed_back_at__isnull=True)[:200]
        ),
        to_quote=list(active.filter(status=JobStatus.CLAIMED, quote_status=QuoteStatus.NONE)[:200]),
    )


def user_is_job_donor(*, user: User | AnonymousUser, job: RepairJob) -> bool:
    """Is this person the resident who asked for the repair (who answers its quote, reads its resident page)?"""
    return bool(user.is_authenticated and job.listing_id and job.listing and job.listing.seller_id == user.pk)


def listing_status_for_owner(*, listing: Listing) -> str:
    """The status its seller reads beside a listing: a donation for repair says where its repair is (a donated
    laptop is not "Active" once it is repaired), any other listing its own status. Reads `listing.repair_job`
    (select it with the listing)."""
    job = getattr(listing, "repair_job", None) if listing.kind == Kind.REPAIR else None
    if job is None or listing.status in (ListingStatus.DRAFT, ListingStatus.HIDDEN):
        return str(listing.get_status_display())
    return str(job_stage_for_resident(job=job)[1])
