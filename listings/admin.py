from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError

from .models import Category, Listing, Photo
from .services import listing_hide, listing_restore


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name_da",
        "name_en",
        "parent",
        "lca_key",
        "ords_category_id",
        "weight_kg",
        "footprint_kg_co2e",
        "needs_data_wipe",
    ]
    list_filter = ["parent", "powered", "needs_data_wipe"]
    search_fields = ["slug", "name_da", "name_en", "lca_key"]


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["position", "status", "failure_reason", "width", "height", "processed_at"]
    readonly_fields = ["status", "failure_reason", "width", "height", "processed_at"]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "kind", "status", "price_dkk", "category", "seller", "workshop", "created_at"]
    list_filter = ["status", "kind", "condition", "category__parent", "workshop"]
    search_fields = ["id", "title", "description", "seller__email", "seller__display_name"]
    list_select_related = ["category", "seller", "workshop"]
    autocomplete_fields = ["seller", "workshop", "category", "source_job"]
    # The status moves only through the services (the trade, and the actions below): a status typed into the form
    # would skip what a hide and a restore do (photos withheld or made again, the trade status kept under the hide).
    readonly_fields = [
        "status",
        "hidden_at",
        "hidden_by",
        "restore_status",
        "created_at",
        "updated_at",
        "published_at",
        "sold_at",
    ]
    date_hierarchy = "created_at"
    inlines = [PhotoInline]
    actions = ["hide", "restore"]

    @admin.action(description=_("Hide the selected listings"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Listing]) -> None:
        for listing in queryset:
            listing_hide(listing=listing, actor=request.user)  # type: ignore[arg-type]
        n = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d listing hidden.", "%(count)d listings hidden.", n) % {"count": n},
            messages.SUCCESS,
        )

    @admin.action(description=_("Show the selected hidden listings again"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Listing]) -> None:
        restored = 0
        for listing in queryset:
            try:
                listing_restore(listing=listing, actor=request.user)  # type: ignore[arg-type]
            except DomainError as error:
                self.message_user(request, f"{listing}: {error.detail}", messages.WARNING)
            else:
                restored += 1
        self.message_user(
            request,
            ngettext("%(count)d listing shown again.", "%(count)d listings shown again.", restored)
            % {"count": restored},
            messages.SUCCESS,
        )


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "listing",
        "position",
        "status",
        "original_format",
        "width",
        "height",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "original_format"]
    search_fields = ["listing__title", "original_sha256"]
    raw_id_fields = ["listing"]
    # The original can carry GPS data: moderators see its metadata, never a link to the file itself.
    exclude = ["original"]
    # The status too: a photo is withheld and made again only with its listing's hide and restore.
    readonly_fields = [
        "status",
        "upload_token",
        "original_sha256",
        "variants",
        "created_at",
        "updated_at",
        "processed_at",
    ]
