"""Writes for "repair and hand back" (mode `return`): the claiming workshop's quote, the resident's answer, the
item received at the workshop and handed back with the amount paid at the counter.

Every step is a conditional UPDATE of the locked job row plus a `JobEvent` with its `step`, so two answers sent at
the same moment (accept and decline) can never both succeed: one wins, the other hears 409. The resident hears of
every step by email and in-app in their own language (`services._notify_donor`), the workshop's members of the
resident's answer in theirs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import workshop_members
from core.errors import InvalidInput
from notifications.services import notification_send
from notifications.texts import text

from .errors import JobWrongStatus, NotJobDonor, NotReturnJob, QuoteNotAnswerable
from .models import MAX_ESTIMATE_DAYS, MAX_REPAIR_DKK, JobStatus, JobStep, QuoteStatus, RepairJob, RepairMode
from .selectors import job_donor
from .services import RELEASE_UPDATES, _lock, _lock_for_member, _notify_donor, _transition, _wrong_status


def money_checked(value: Any, *, field: str, required: bool = True) -> Decimal | None:
    """The one check of an amount of kroner a workshop types (quote price, parts, paid at the counter): a Decimal
    with at most two decimals, 0 or more, at most `MAX_REPAIR_DKK`. The pages read Danish input ("1.299,50")
    into a Decimal before calling the services; the API takes "1299.50" or a JSON number."""
    if value is None or value == "":
        if not required:
            return None
        message = _("This field is required.")
        raise InvalidInput(message, errors={field: [message]})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        message = _("Enter an amount in kroner, such as 450 or 299.50.")
        raise InvalidInput(message, errors={field: [message]}) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_REPAIR_DKK:
        bounds = _("The amount must be between 0 and %(max)s kr.") % {
            "max": number_format(MAX_REPAIR_DKK, decimal_pos=0, use_l10n=True, force_grouping=True)
        }
        raise InvalidInput(bounds, errors={field: [bounds]})
    if amount != amount.quantize(Decimal("0.01")):
        message = _("Use at most two decimals (øre).")
        raise InvalidInput(message, errors={field: [message]})
    return amount.quantize(Decimal("0.01"))


def _require_return(job: RepairJob) -> None:
    if job.mode != RepairMode.RETURN:
        raise NotReturnJob()


def _require_donor(job: RepairJob, actor: User) -> None:
    donor = job_donor(job=job)
    if donor is None or donor.pk != actor.pk:
        raise NotJobDonor()


def _notify_workshop(job: RepairJob, workshop_id: int, kind: str, title: Any, body: Any) -> None:
    """Tell the members of the workshop, each in their own language."""
    for member in workshop_members(workshop_id=workshop_id):
        with translation.override(member.language):
            values = {"title": job.listing.title if job.listing else job.category.name, "job": job.pk}
            notification_send(
                user=member,
                kind=kind,
                title=str(title) % values,
                body=str(body) % values,
                url=f"/workshop/jobs/{job.pk}/",
                data={"job": job.pk},
                title_text=text(title, **values),
                body_text=text(body, **values),
            )


def _kr(amount: Decimal | None) -> str:
    """An amount for a message, in the language active at the moment (decimal comma in Danish)."""
    return number_format(amount or Decimal(0), decimal_pos=2, use_l10n=True, force_grouping=True)


@transaction.atomic
def job_quote(
    *,
    job: RepairJob,
    actor: User,
    price_dkk: Any,
    estimate_days: Any,
    parts_dkk: Any = None,
    note: str = "",
) -> RepairJob:
    """The claiming workshop sends its quote on a "repair and hand back" job it holds (claimed, no quote yet)."""
    locked = _lock_for_member(job, actor)
    _require_return(locked)
    price = money_checked(price_dkk, field="price_dkk")
    parts = money_checked(parts_dkk, field="parts_dkk", required=False)
    try:
        days = int(estimate_days)
    except (TypeError, ValueError):
        days = -1
    if not 1 <= days <= MAX_ESTIMATE_DAYS:
        message = _("Expected days must be a whole number from 1 to %(max)s.") % {"max": MAX_ESTIMATE_DAYS}
        raise InvalidInput(message, errors={"estimate_days": [message]})
    if locked.status != JobStatus.CLAIMED:
        raise _wrong_status(locked, _("You cannot send a quote on a job that is %(status)s."))
    if locked.quote_status != QuoteStatus.NONE:
        raise QuoteNotAnswerable(_("A quote has already been sent for this job."))
    now = timezone.now()
    if not _transition(
        job=locked,
        from_statuses=(JobStatus.CLAIMED,),
        to=JobStatus.CLAIMED,
        actor=actor,
        event_workshop=locked.workshop,
        require_workshop=locked.workshop,
        extra_filter={"quote_status": QuoteStatus.NONE},
        step=JobStep.QUOTED,
        note=note.strip(),
        updates={
            "quote_status": QuoteStatus.SENT,
            "quote_price_dkk": price,
            "quote_parts_dkk": parts,
            "quote_estimate_days": days,
            "quote_note": note.strip()[:2000],
            "quoted_at": now,
        },
    ):  # pragma: no cover — the row is locked above
        raise QuoteNotAnswerable(_("A quote has already been sent for this job."))
    workshop = locked.workshop
    assert workshop is not None
    _notify_donor(
        locked,
        "job_quoted",
        _("%(workshop)s sent a quote for your %(title)s"),
        _("Price: %(price)s kr., about %(days)s days. Accept or decline it on the repair's page."),
        {"workshop": workshop.name, "price": _Lazy(lambda: _kr(price)), "days": days},
    )
    return locked


class _Lazy:
    """A value formatted when the notification's language is active (`_notify_donor` calls str() inside it)."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def __str__(self) -> str:
        return str(self.make())


@transaction.atomic
def job_quote_accept(*, job: RepairJob, actor: User) -> RepairJob:
    """The resident accepts the quote. Exactly one of accept and decline sent at once wins; the other: 409."""
    locked = _lock(job)
    _require_donor(locked, actor)
    _require_return(locked)
    if not _transition(
        job=locked,
        from_statuses=(JobStatus.CLAIMED,),
        to=JobStatus.CLAIMED,
        actor=actor,
        event_workshop=None,
        extra_filter={"quote_status": QuoteStatus.SENT},
        step=JobStep.QUOTE_ACCEPTED,
        updates={"quote_status": QuoteStatus.ACCEPTED, "quote_answered_at": timezone.now()},
    ):
        raise QuoteNotAnswerable()
    workshop = locked.workshop
    assert workshop is not None
    _notify_workshop(
        locked,
        workshop.pk,
        "quote_accepted",
        _("The quote for %(title)s was accepted"),
        _("The resident accepted your quote and will bring the item. Mark it received when it arrives."),
    )
    _notify_donor(
        locked,
        "job_bring",
        _("Bring your %(title)s to %(workshop)s"),
        _("Address: %(address)s. Opening hours: %(hours)s. %(instructions)s"),
        {
            "workshop": workshop.name,
            "address": workshop.address,
            "hours": workshop.opening_hours or "–",
            "instructions": workshop.dropoff_instructions,
        },
    )
    return locked


@transaction.atomic
def job_quote_decline(*, job: RepairJob, actor: User) -> RepairJob:
    """The resident declines the quote: the job is released — open on the board again, no workshop, no quote."""
    locked = _lock(job)
    _require_donor(locked, actor)
    _require_return(locked)
    workshop = locked.workshop
    if workshop is None or not _transition(
        job=locked,
        from_statuses=(JobStatus.CLAIMED,),
        to=JobStatus.OPEN,
        actor=actor,
        event_workshop=None,
        extra_filter={"quote_status": QuoteStatus.SENT},
        step=JobStep.QUOTE_DECLINED,
        updates=RELEASE_UPDATES,
    ):
        raise QuoteNotAnswerable()
    _notify_workshop(
        locked,
        workshop.pk,
        "quote_declined",
        _("The quote for %(title)s was declined"),
        _("The resident declined your quote. The job is open for every workshop again."),
    )
    _notify_donor(
        locked,
        "job_quote_declined",
        _("You declined the quote for your %(title)s"),
        _("The repair is open again, so another workshop can claim it and send its own quote."),
    )
    return locked


@transaction.atomic
def job_receive(*, job: RepairJob, actor: User) -> RepairJob:
    """The workshop marks the item received, once the resident accepted its quote."""
    locked = _lock_for_member(job, actor)
    _require_return(locked)
    if locked.status not in (JobStatus.CLAIMED, JobStatus.IN_PROGRESS):
        raise _wrong_status(locked, _("You cannot mark a job that is %(status)s as received."))
    if locked.quote_status != QuoteStatus.ACCEPTED:
        raise JobWrongStatus(_("The item can be marked received only after the resident accepted the quote."))
    if locked.received_at is not None:
        raise JobWrongStatus(_("The item is already marked received."))
    if not _transition(
        job=locked,
        from_statuses=(locked.status,),
        to=locked.status,
        actor=actor,
        event_workshop=locked.workshop,
        require_workshop=locked.workshop,
        extra_filter={"received_at__isnull": True, "quote_status": QuoteStatus.ACCEPTED},
        step=JobStep.RECEIVED,
        updates={"received_at": timezone.now()},
    ):  # pragma: no cover — the row is locked above
        raise JobWrongStatus(_("The item is already marked received."))
    _notify_donor(
        locked,
        "job_received",
        _("%(workshop)s has received your %(title)s"),
        _("The repair can begin. You will hear from us when it is ready for pick-up."),
        {"workshop": locked.workshop.name if locked.workshop else ""},
    )
    return locked


@transaction.atomic
def job_hand_back(*, job: RepairJob, actor: User, paid_dkk: Any) -> RepairJob:
    """The workshop hands the repaired item back and records what was paid at the counter (payment itself is not
    handled here). Once only, on a completed job that was received."""
    locked = _lock_for_member(job, actor)
    _require_return(locked)
    paid = money_checked(paid_dkk, field="paid_dkk")
    if locked.status != JobStatus.COMPLETED:
        raise _wrong_status(locked, _("You cannot hand back a job that is %(status)s."))
    if locked.received_at is None:
        raise JobWrongStatus(_("The item was never marked received, so it cannot be handed back."))
    if locked.handed_back_at is not None:
        raise JobWrongStatus(_("The item is already handed back."))
    if not _transition(
        job=locked,
        from_statuses=(JobStatus.COMPLETED,),
        to=JobStatus.COMPLETED,
        actor=actor,
        event_workshop=locked.workshop,
        require_workshop=locked.workshop,
        extra_filter={"handed_back_at__isnull": True},
        step=JobStep.HANDED_BACK,
        updates={"handed_back_at": timezone.now(), "paid_dkk": paid},
    ):  # pragma: no cover — the row is locked above
        raise JobWrongStatus(_("The item is already handed back."))
    _notify_donor(
        locked,
        "job_handed_back",
        _("You have your %(title)s back"),
        _("%(workshop)s handed it back. Paid at the counter: %(paid)s kr. Thank you for repairing!"),
        {"workshop": locked.workshop.name if locked.workshop else "", "paid": _Lazy(lambda: _kr(paid))},
    )
    return locked
