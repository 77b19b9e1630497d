"""Donation batches from organisations: devices (each becomes a repair job when a workshop accepts the batch) or
lots of materials, and the chain of custody from offer to receipt."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchKind(models.TextChoices):
    DEVICES = "devices", _("IT equipment")
    MATERIALS = "materials", _("Materials")


class BatchStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    COLLECTED = "collected", _("Collected")
    RECEIVED = "received", _("Received at the workshop")


class MaterialKind(models.TextChoices):
    TEXTILES = "textiles", _("Textiles")
    WOOD = "wood", _("Wood")
    OTHER = "other", _("Other materials")


class DonationBatch(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="batches")
    kind = models.CharField(_("kind"), max_length=10, choices=BatchKind.choices)
    title = models.CharField(_("title"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.OFFERED, db_index=True
    )
    workshop = models.ForeignKey(
        "accounts.Workshop", on_delete=models.PROTECT, null=True, blank=True, related_name="donation_batches"
    )
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collected_by = models.CharField(_("collected by"), max_length=120, blank=True)
    signed_for_by = models.CharField(_("signed for by"), max_length=120, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # The certificate's verification code: random (128 bits), shown only to those who see the batch.
    certificate_code = models.CharField(max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("donation batch")
        verbose_name_plural = _("donation batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in BatchStatus]), name="batch_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=["devices", "materials"]), name="batch_kind_valid"),
            # An offered batch belongs to no workshop; an accepted (or later) one always does.
            models.CheckConstraint(
                condition=models.Q(status="offered", workshop__isnull=True)
                | (~models.Q(status="offered") & models.Q(workshop__isnull=False)),
                name="batch_workshop_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation_id}, {self.status})"

    def get_absolute_url(self) -> str:
        return f"/donations/{self.pk}/"


class Device(models.Model):
    batch = models.ForeignKey(DonationBatch, on_delete=models.CASCADE, related_name="devices")
    serial_number = models.CharField(_("serial number"), max_length=100)
    model = models.CharField(_("model"), max_length=100)
    category = models.ForeignKey("listings.Category", on_delete=models.PROTECT, related_name="+")
    has_storage = models.BooleanField(_("holds storage"), default=True)
    job = models.OneToOneField(
        "repairs.RepairJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="batch_device"
    )

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "serial_number"], name="device_serial_unique_in_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.serial_number}"


class MaterialLot(models.Model):
    batch = models.ForeignKey(DonationBatch, on_delete=models.CASCADE, related_name="lots")
    kind = models.CharField(_("material"), max_length=10, choices=MaterialKind.choices)
    kg = models.DecimalField(_("kg"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Products made from the lot (by the accepting workshop); the lot counts in the impact figures once used.
    listings = models.ManyToManyField("listings.Listing", related_name="material_lots", blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("material lot")
        verbose_name_plural = _("material lots")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kg__gt=0), name="lot_kg_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kg} kg {self.kind}"


class CustodyStep(models.Model):
    """One link of the chain of custody: which step, who, when (and for collection, who signed for it)."""

    batch = models.ForeignKey(DonationBatch, on_delete=models.CASCADE, related_name="custody")
    step = models.CharField(max_length=10, choices=BatchStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    workshop = models.ForeignKey("accounts.Workshop", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("custody step")
        verbose_name_plural = _("custody steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.step} at {self.at}"
