"""Trade between people: reservations, conversations, reports and saved searches."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReservationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


OPEN_RESERVATION_STATUSES = (ReservationStatus.PENDING, ReservationStatus.CONFIRMED)


class Reservation(models.Model):
    listing = models.ForeignKey("listings.Listing", on_delete=models.CASCADE, related_name="reservations")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservations")
    status = models.CharField(
        _("status"), max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.PENDING
    )
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="reservation_expiry")]
        constraints = [
            # At most one open reservation per listing, held by the database itself.
            models.UniqueConstraint(
                fields=["listing"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="reservation_one_open_per_listing",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ReservationStatus]), name="reservation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Reservation {self.pk} of listing {self.listing_id} ({self.status})"


class Conversation(models.Model):
    """Between a buyer and the seller about one listing, or a resident and the workshop about one job."""

    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
    repair_job = models.ForeignKey(
        "repairs.RepairJob", on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="started_conversations"
    )
    # A job's conversation is between its donor and one workshop: the one that held the job when it was opened.
    # Another workshop that claims the job after a release gets a conversation of its own and never reads this one.
    workshop = models.ForeignKey(
        "accounts.Workshop", on_delete=models.CASCADE, null=True, blank=True, related_name="job_conversations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(listing__isnull=False, repair_job__isnull=True))
                | (models.Q(listing__isnull=True, repair_job__isnull=False)),
                name="conversation_about_one_thing",
            ),
            models.UniqueConstraint(
                fields=["listing", "started_by"],
                condition=models.Q(listing__isnull=False),
                name="conversation_one_per_buyer_listing",
            ),
            models.UniqueConstraint(
                fields=["repair_job", "workshop"],
                condition=models.Q(repair_job__isnull=False),
                name="conversation_one_per_job_workshop",
            ),
            models.CheckConstraint(
                condition=models.Q(repair_job__isnull=True) | models.Q(workshop__isnull=False),
                name="conversation_job_has_workshop",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


# The longest message one person may send another, for every face (API, pages) and the service.
MESSAGE_MAX_LENGTH = 4000


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # Kept when the sender deletes their account: the other party can still read it, without a name.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="sent_messages"
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.conversation_id}"


class ReportReason(models.TextChoices):
    PROHIBITED = "prohibited", _("Prohibited or dangerous item")
    SCAM = "scam", _("Scam or fraud")
    WRONG_CATEGORY = "wrong_category", _("Wrong category or misleading")
    OFFENSIVE = "offensive", _("Offensive content")
    PERSONAL_DATA = "personal_data", _("Shows personal data")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIONED = "actioned", _("Listing hidden")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    listing = models.ForeignKey("listings.Listing", on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reports_made"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports_handled"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ReportStatus]), name="report_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on listing {self.listing_id}"


def new_unsubscribe_token() -> str:
    return secrets.token_urlsafe(24)


class AlertFrequency(models.TextChoices):
    """How a saved search tells about new matches: at once (email and in-app, when a listing goes public) or in
    the daily digest email."""

    INSTANT = "instant", _("At once")
    DAILY = "daily", _("Daily")


class SavedSearch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=80)
    query = models.JSONField(_("filters"), default=dict)
    email_digest = models.BooleanField(_("email digest"), default=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=AlertFrequency.choices, default=AlertFrequency.DAILY
    )
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_unsubscribe_token)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
