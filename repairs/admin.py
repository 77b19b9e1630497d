from django.contrib import admin

from .models import DataWipe, JobEvent, RepairJob, WorkLog


class JobEventInline(admin.TabularInline):
    model = JobEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "workshop", "note", "at"]
    can_delete = False


class WorkLogInline(admin.TabularInline):
    model = WorkLog
    extra = 0
    raw_id_fields = ["member"]


class DataWipeInline(admin.TabularInline):
    model = DataWipe
    extra = 0
    raw_id_fields = ["workshop", "operator"]


@admin.register(RepairJob)
class RepairJobAdmin(admin.ModelAdmin):
    list_display = ["id", "listing", "category", "mode", "status", "workshop", "outcome", "barrier", "created_at"]
    list_filter = ["status", "mode", "outcome", "barrier", "workshop", "category__parent"]
    search_fields = ["id", "listing__title", "fault_description", "external_id", "brand"]
    list_select_related = ["listing", "category", "workshop"]
    raw_id_fields = ["listing"]
    autocomplete_fields = ["category", "workshop"]
    readonly_fields = ["created_at", "updated_at", "claimed_at", "started_at", "completed_at"]
    inlines = [JobEventInline, WorkLogInline, DataWipeInline]


@admin.register(JobEvent)
class JobEventAdmin(admin.ModelAdmin):
    list_display = ["job", "from_status", "to_status", "actor", "workshop", "at"]
    list_filter = ["to_status"]
    search_fields = ["job__id", "note"]
    raw_id_fields = ["job", "actor", "workshop"]


@admin.register(WorkLog)
class WorkLogAdmin(admin.ModelAdmin):
    list_display = ["job", "workshop", "member", "hours", "date"]
    list_filter = ["workshop", "date"]
    search_fields = ["job__id", "member__email", "note"]
    raw_id_fields = ["job", "member"]
    date_hierarchy = "date"


@admin.register(DataWipe)
class DataWipeAdmin(admin.ModelAdmin):
    list_display = [
        "job",
        "workshop",
        "serial_number",
        "model",
        "size_gb",
        "nist_level",
        "technique",
        "verified",
        "result",
        "finished_at",
    ]
    list_filter = ["nist_level", "technique", "verified", "result"]
    search_fields = ["serial_number", "model", "job__id"]
    raw_id_fields = ["job", "workshop", "operator"]
