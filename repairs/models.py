"""Repair jobs, their transitions, work logs and data wipes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RepairMode(models.TextChoices):
    DONATE = "donate", _("Donate (the workshop may sell the result)")
    RETURN = "return", _("Repair and hand back")


class JobStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    """ORDS repair status (the export writes the ORDS label)."""

    FIXED = "fixed", _("Fixed")
    REPAIRABLE = "repairable", _("Repairable")
    END_OF_LIFE = "end_of_life", _("End of life")


class Barrier(models.TextChoices):
    """ORDS repair barrier for end-of-life outcomes."""

    SPARE_PARTS_NOT_AVAILABLE = "spare_parts_not_available", _("Spare parts not available")
    SPARE_PARTS_TOO_EXPENSIVE = "spare_parts_too_expensive", _("Spare parts too expensive")
    NO_WAY_TO_OPEN = "no_way_to_open", _("No way to open the product")
    REPAIR_INFO_NOT_AVAILABLE = "repair_info_not_available", _("Repair information not available")
    LACK_OF_EQUIPMENT = "lack_of_equipment", _("Lack of equipment")
    TOO_WORN_OUT = "too_worn_out", _("Item too worn out")


ACTIVE_JOB_STATUSES = (JobStatus.CLAIMED, JobStatus.IN_PROGRESS)


class QuoteStatus(models.TextChoices):
    """A "repair and hand back" job's quote: none yet, sent and awaiting the resident's answer, accepted. A declined
    quote releases the job and clears the quote (the step stays in the job's events)."""

    NONE = "", _("No quote")
    SENT = "sent", _("Awaiting the resident's answer")
    ACCEPTED = "accepted", _("Accepted")


class JobStep(models.TextChoices):
    """What a `JobEvent` records besides a status change, for the resident's history."""

    NONE = "", ""
    QUOTED = "quoted", _("Quote sent")
    QUOTE_ACCEPTED = "quote_accepted", _("Quote accepted")
    QUOTE_DECLINED = "quote_declined", _("Quote declined")
    RECEIVED = "received", _("Received at the workshop")
    HANDED_BACK = "handed_back", _("Handed back")


# Money a workshop may ask or record for one repair: at most this many kroner (a sanity bound, not a price rule).
MAX_REPAIR_DKK = Decimal("100000")
MAX_ESTIMATE_DAYS = 365


class RepairJob(models.Model):
    # The listing the resident donated. Null only for records imported from another ORDS source.
    listing = models.OneToOneField(
        "listings.Listing", on_delete=models.PROTECT, null=True, blank=True, related_name="repair_job"
    )
    category = models.ForeignKey("listings.Category", on_delete=models.PROTECT, related_name="repair_jobs")
    mode = models.CharField(_("mode"), max_length=10, choices=RepairMode.choices, default=RepairMode.DONATE)
    fault_description = models.TextField(_("fault description"), blank=True)
    # What the open data (ORDS `problem`) publishes: the fault description and the completion notes with contact
    # details and the donor's name removed when they were written (`ords.public_text`) — so it never depends on
    # the donor's account still existing.
    public_problem = models.TextField(_("problem as published"), blank=True, default="")
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.OPEN, db_index=True
    )
    workshop = models.ForeignKey(
        "accounts.Workshop", on_delete=models.PROTECT, null=True, blank=True, related_name="repair_jobs"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    barrier = models.CharField(_("repair barrier"), max_length=30, choices=Barrier.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    no_storage = models.BooleanField(
        _("has no storage"), default=False, help_text=_("The workshop recorded that this item holds no data.")
    )
    # ORDS import: the source record's id, for idempotent re-imports.
    external_id = models.CharField(_("external ORDS id"), max_length=80, null=True, blank=True, unique=True)
    # …and who published it, with their own name for the item, so a re-export credits the source (the data is
    # CC BY-SA) instead of presenting it as ours.
    external_provider = models.CharField(_("ORDS data provider"), max_length=80, blank=True, default="")
    external_category = models.CharField(_("provider's product category"), max_length=120, blank=True, default="")
    year_of_manufacture = models.PositiveSmallIntegerField(null=True, blank=True)
    product_age = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # "Repair and hand back" (mode `return`): the claiming workshop's quote, the resident's answer, the item's
    # arrival at the workshop and its hand-back with the amount paid at the counter (`services_return`).
    quote_status = models.CharField(
        _("quote"), max_length=10, choices=QuoteStatus.choices, blank=True, default=QuoteStatus.NONE, db_default=""
    )
    quote_price_dkk = models.DecimalField(_("price (DKK)"), max_digits=9, decimal_places=2, null=True, blank=True)
    quote_parts_dkk = models.DecimalField(_("parts (DKK)"), max_digits=9, decimal_places=2, null=True, blank=True)
    quote_estimate_days = models.PositiveSmallIntegerField(_("expected days"), null=True, blank=True)
    quote_note = models.TextField(_("note to the resident"), blank=True, default="", db_default="")
    quoted_at = models.DateTimeField(null=True, blank=True)
    quote_answered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    handed_back_at = models.DateTimeField(_("handed back"), null=True, blank=True)
    paid_dkk = models.DecimalField(_("paid (DKK)"), max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("repair job")
        verbose_name_plural = _("repair jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "category", "-created_at"], name="job_board"),
            models.Index(fields=["workshop", "status"], name="job_workshop_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in JobStatus]), name="job_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["", *[o.value for o in Outcome]]), name="job_outcome_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(barrier__in=["", *[b.value for b in Barrier]]), name="job_barrier_valid"
            ),
            # A claimed, started or completed job always belongs to a workshop; an open one never does.
            # (A cancelled job keeps whichever workshop it had.)
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=["claimed", "in_progress", "completed"], workshop__isnull=False)
                    | models.Q(status="open", workshop__isnull=True)
                    | models.Q(status="cancelled")
                ),
                name="job_workshop_matches_status",
            ),
            # Outcome only on completed jobs, and every completed job has one.
            models.CheckConstraint(
                condition=(models.Q(status="completed") & ~models.Q(outcome=""))
                | (~models.Q(status="completed") & models.Q(outcome="")),
                name="job_outcome_iff_completed",
            ),
            # A barrier only for end-of-life.
            models.CheckConstraint(
                condition=models.Q(barrier="") | models.Q(outcome="end_of_life"), name="job_barrier_only_end_of_life"
            ),
            models.CheckConstraint(
                condition=models.Q(quote_status__in=[q.value for q in QuoteStatus]), name="job_quote_status_valid"
            ),
            # A quote only on a "repair and hand back" job a workshop holds, with its price.
            models.CheckConstraint(
                condition=models.Q(quote_status="")
                | models.Q(mode="return", workshop__isnull=False, quote_price_dkk__isnull=False),
                name="job_quote_needs_return_and_workshop",
            ),
            models.CheckConstraint(
                condition=models.Q(quote_price_dkk__isnull=True) | models.Q(quote_price_dkk__gte=0),
                name="job_quote_price_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(quote_parts_dkk__isnull=True) | models.Q(quote_parts_dkk__gte=0),
                name="job_quote_parts_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(paid_dkk__isnull=True) | models.Q(paid_dkk__gte=0), name="job_paid_nonnegative"
            ),
            # Received only after an accepted quote; handed back only once received.
            models.CheckConstraint(
                condition=models.Q(received_at__isnull=True) | models.Q(quote_status="accepted"),
                name="job_received_after_accepted_quote",
            ),
            models.CheckConstraint(
                condition=models.Q(handed_back_at__isnull=True)
                | models.Q(received_at__isnull=False, status="completed", paid_dkk__isnull=False),
                name="job_handed_back_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return f"/repairs/{self.pk}/"


class JobEvent(models.Model):
    """One transition of a job: who, when, from, to."""

    job = models.ForeignKey(RepairJob, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    workshop = models.ForeignKey("accounts.Workshop", on_delete=models.SET_NULL, null=True, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    # (a database default too: the ORDS import writes jobs and events with raw INSERTs of the columns it knows)
    step = models.CharField(max_length=20, choices=JobStep.choices, blank=True, default=JobStep.NONE, db_default="")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("job event")
        verbose_name_plural = _("job events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.from_status or '∅'} → {self.to_status}"


class WorkLog(models.Model):
    job = models.ForeignKey(RepairJob, on_delete=models.CASCADE, related_name="work_logs")
    workshop = models.ForeignKey("accounts.Workshop", on_delete=models.PROTECT, related_name="work_logs")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="work_logs"
    )
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="worklog_hours_positive"),
            models.CheckConstraint(condition=models.Q(hours__lte=24), name="worklog_hours_at_most_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on job {self.job_id}"


class NistLevel(models.TextChoices):
    CLEAR = "clear", _("Clear")
    PURGE = "purge", _("Purge")
    DESTROY = "destroy", _("Destroy")


class WipeTechnique(models.TextChoices):
    OVERWRITE_VERIFY = "overwrite_verify", _("Overwrite with verify")
    ATA_SECURE_ERASE = "ata_secure_erase", _("ATA secure erase")
    NVME_SANITIZE = "nvme_sanitize", _("NVMe secure erase / sanitize")
    CRYPTO_ERASE = "crypto_erase", _("Cryptographic erase")
    FACTORY_RESET = "factory_reset", _("Factory reset (encrypted device)")
    DEGAUSS = "degauss", _("Degaussing")
    SHRED = "shred", _("Shredding")
    DISINTEGRATE = "disintegrate", _("Disintegration / drilling")


class WipeResult(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILED = "failed", _("Failed")


class DataWipe(models.Model):
    job = models.ForeignKey(RepairJob, on_delete=models.CASCADE, related_name="data_wipes")
    # The workshop that recorded the wipe: the row is its history (serials, operators), seen by its members only
    # (`selectors.job_history_visible_to`), and counts for the job only while that workshop holds it.
    workshop = models.ForeignKey(
        "accounts.Workshop", on_delete=models.PROTECT, null=True, blank=True, related_name="data_wipes"
    )
    serial_number = models.CharField(_("serial number"), max_length=100)
    model = models.CharField(_("model"), max_length=100)
    size_gb = models.DecimalField(_("size (GB)"), max_digits=10, decimal_places=1, validators=[MinValueValidator(0)])
    nist_level = models.CharField(_("NIST SP 800-88 level"), max_length=10, choices=NistLevel.choices)
    technique = models.CharField(_("technique"), max_length=20, choices=WipeTechnique.choices)
    tool = models.CharField(_("tool and version"), max_length=120)
    verified = models.BooleanField(_("verified"), default=False)
    result = models.CharField(_("result"), max_length=10, choices=WipeResult.choices)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data wipe")
        verbose_name_plural = _("data wipes")
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__gte=models.F("started_at")), name="wipe_finished_after_start"
            ),
            models.CheckConstraint(condition=models.Q(size_gb__gte=0), name="wipe_size_nonnegative"),
            models.CheckConstraint(
                condition=models.Q(nist_level__in=[n.value for n in NistLevel]), name="wipe_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.serial_number} ({self.nist_level})"

    @property
    def is_complete(self) -> bool:
        return self.verified and self.result == WipeResult.SUCCESS
