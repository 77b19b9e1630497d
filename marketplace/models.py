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
    # The price agreed through an accepted offer (`Offer`); empty: the listing's asking price.
    agreed_price_dkk = models.DecimalField(
        _("agreed price (DKK)"), max_digits=10, decimal_places=2, null=True, blank=True
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
    # A report of a rating's text (abuse on a profile) names the rating; the listing is the one it was about.
    rating = models.ForeignKey("trade.Rating", on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
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


# --- Favourites, offers and ratings (issue 15) ----------------------------------------------------------------


class Favourite(models.Model):
    """A listing someone saved ("Gem"). Shown only while the listing is public (`selectors.favourites_for`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites")
    listing = models.ForeignKey("listings.Listing", on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved listing")
        verbose_name_plural = _("saved listings")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "listing"], name="favourite_once_per_user")]

    def __str__(self) -> str:
        return f"Favourite {self.pk} of listing {self.listing_id}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the seller")
    COUNTERED = "countered", _("Counter-offer from the seller")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


OPEN_OFFER_STATUSES = (OfferStatus.PENDING, OfferStatus.COUNTERED)


class Offer(models.Model):
    """A buyer's price for a listing for sale ("Giv et bud"); the seller accepts, declines or counters."""

    listing = models.ForeignKey("listings.Listing", on_delete=models.CASCADE, related_name="offers")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers")
    price_dkk = models.DecimalField(_("offered price (DKK)"), max_digits=10, decimal_places=2)
    counter_price_dkk = models.DecimalField(
        _("counter-offer (DKK)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reservation = models.OneToOneField(
        Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="offer"
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="offer_expiry")]
        constraints = [
            # One open offer per buyer and listing.
            models.UniqueConstraint(
                fields=["listing", "buyer"],
                condition=models.Q(status__in=["pending", "countered"]),
                name="offer_one_open_per_buyer_listing",
            ),
            models.CheckConstraint(condition=models.Q(price_dkk__gt=0), name="offer_price_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in OfferStatus]), name="offer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk} on listing {self.listing_id} ({self.status})"


class RatingSide(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


RATING_TEXT_MAX_LENGTH = 500


class Rating(models.Model):
    """After a completed hand-over each side rates the other once: `side` is the side of who rated. The buyer rates
    the seller (the workshop, for a workshop's listing); the seller side rates the buyer."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="ratings")
    side = models.CharField(_("rated by"), max_length=6, choices=RatingSide.choices)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="ratings_given"
    )
    rated_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="ratings_received"
    )
    rated_workshop = models.ForeignKey(
        "accounts.Workshop", on_delete=models.CASCADE, null=True, blank=True, related_name="ratings_received"
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    text = models.CharField(_("text"), max_length=RATING_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reservation", "side"], name="rating_once_per_side"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"),
            models.CheckConstraint(
                condition=models.Q(rated_user__isnull=False, rated_workshop__isnull=True)
                | models.Q(rated_user__isnull=True, rated_workshop__isnull=False),
                name="rating_rates_one",
            ),
        ]

    def __str__(self) -> str:
        return f"Rating {self.pk} ({self.stars})"
