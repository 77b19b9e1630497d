from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import TokenProxy

from .models import Organisation, OrganisationMembership, User, Workshop, WorkshopInvitation, WorkshopMembership
from .organisations import organisation_verify
from .services import workshop_verify


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "language", "area", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language", "area")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = WorkshopMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "cvr", "verified", "verified_at", "created_at"]
    list_filter = ["verified", "categories"]
    search_fields = ["name", "slug", "cvr", "address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["categories"]
    readonly_fields = ["verified_at", "created_at"]
    inlines = [MembershipInline]
    actions = ["verify"]

    @admin.action(description=_("Verify the selected workshops"))
    def verify(self, request: HttpRequest, queryset: QuerySet[Workshop]) -> None:
        for workshop in queryset:
            workshop_verify(workshop=workshop)
        n = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d workshop verified.", "%(count)d workshops verified.", n) % {"count": n},
            messages.SUCCESS,
        )


@admin.register(WorkshopMembership)
class WorkshopMembershipAdmin(admin.ModelAdmin):
    list_display = ["workshop", "user", "role", "created_at"]
    list_filter = ["role", "workshop__verified"]
    search_fields = ["workshop__name", "user__email", "user__display_name"]
    autocomplete_fields = ["workshop", "user"]


def _unregister_token_proxy() -> None:
    # DRF registers its own token admin; keep it, but searchable by our email field.
    admin.site.unregister(TokenProxy)

    @admin.register(TokenProxy)
    class TokenAdmin(admin.ModelAdmin):
        list_display = ["key", "user", "created"]
        search_fields = ["user__email"]
        autocomplete_fields = ["user"]

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False


_unregister_token_proxy()


@admin.register(WorkshopInvitation)
class WorkshopInvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made and answered through accounts.invitations (the token never shows)."""

    list_display = ["email", "workshop", "role", "invited_by", "created_at", "expires_at", "accepted_at", "declined_at"]
    fields = ["email", "workshop", "role", "invited_by", "created_at", "expires_at", "accepted_at", "declined_at"]
    list_filter = ["role"]
    search_fields = ["email", "workshop__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrganisationMembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "cvr", "kind", "verified", "verified_at", "created_at"]
    list_filter = ["verified", "kind"]
    search_fields = ["name", "slug", "cvr", "address"]
    readonly_fields = ["verified_at", "created_at"]
    inlines = [OrganisationMembershipInline]
    actions = ["verify"]

    @admin.action(description=_("Verify the selected organisations"))
    def verify(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            organisation_verify(organisation=organisation)
        self.message_user(
            request, _("%(count)d organisation(s) verified.") % {"count": queryset.count()}, messages.SUCCESS
        )
