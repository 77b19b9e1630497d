from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "user",
        "kind",
        "title",
        "created_at",
        "read_at",
        "emailed_at",
        "email_attempts",
        "email_failed_at",
    ]
    list_filter = ["kind", "email_wanted", ("email_failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "title"]
    raw_id_fields = ["user"]
