from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CustodyStep, Device, DonationBatch, MaterialLot


class DeviceInline(admin.TabularInline):
    model = Device
    extra = 0
    fields = readonly_fields = ("serial_number", "model", "category", "has_storage", "job")


class LotInline(admin.TabularInline):
    model = MaterialLot
    extra = 0
    fields = readonly_fields = ("kind", "kg", "description", "used_at")


class CustodyInline(admin.TabularInline):
    model = CustodyStep
    extra = 0
    fields = readonly_fields = ("step", "at", "actor", "workshop", "note")


@admin.register(DonationBatch)
class DonationBatchAdmin(admin.ModelAdmin):
    """Read-only: batches change through donations.services (offer, accept, collected, received)."""

    list_display = ["title", "organisation", "kind", "status", "workshop", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "organisation__name", "workshop__name"]
    exclude = ["certificate_code"]
    inlines = [DeviceInline, LotInline, CustodyInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
