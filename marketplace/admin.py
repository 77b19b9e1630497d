from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from listings.services import listing_hide

from .models import Conversation, Favourite, Message, Offer, Rating, Report, ReportStatus, Reservation, SavedSearch


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["id", "listing", "buyer", "status", "expires_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["listing__title", "buyer__email"]
    raw_id_fields = ["listing", "buyer", "cancelled_by"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    raw_id_fields = ["sender"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "listing", "repair_job", "started_by", "last_message_at"]
    search_fields = ["listing__title", "started_by__email"]
    raw_id_fields = ["listing", "repair_job", "started_by"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "sender", "created_at", "read_at"]
    search_fields = ["body", "sender__email"]
    raw_id_fields = ["conversation", "sender"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "listing", "rating", "reason", "status", "reporter", "created_at", "handled_by"]
    list_filter = ["status", "reason"]
    search_fields = ["listing__title", "details", "reporter__email"]
    raw_id_fields = ["listing", "rating", "reporter", "handled_by"]
    actions = ["hide_listing", "dismiss"]

    @admin.action(description=_("Hide the reported listings"))
    def hide_listing(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        for report in queryset.select_related("listing"):
            listing_hide(listing=report.listing, actor=request.user)  # type: ignore[arg-type]
        queryset.update(status=ReportStatus.ACTIONED, handled_by=request.user, handled_at=timezone.now())
        self.message_user(request, _("Listings hidden."), messages.SUCCESS)

    @admin.action(description=_("Dismiss the selected reports"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        queryset.update(status=ReportStatus.DISMISSED, handled_by=request.user, handled_at=timezone.now())


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "name", "email_digest", "last_notified_at"]
    list_filter = ["email_digest"]
    search_fields = ["user__email", "name"]
    raw_id_fields = ["user"]


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "listing", "created_at"]
    search_fields = ["user__email", "listing__title"]
    raw_id_fields = ["user", "listing"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["id", "listing", "buyer", "price_dkk", "counter_price_dkk", "status", "expires_at"]
    list_filter = ["status"]
    search_fields = ["listing__title", "buyer__email"]
    raw_id_fields = ["listing", "buyer", "reservation"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """A rating reported as abusive (Reports, with its rating) is deleted here by a moderator."""

    list_display = ["id", "reservation", "side", "stars", "rater", "rated_user", "rated_workshop", "created_at"]
    list_filter = ["stars", "side"]
    search_fields = ["text", "rater__email", "rated_user__email", "rated_workshop__name"]
    raw_id_fields = ["reservation", "rater", "rated_user", "rated_workshop"]
