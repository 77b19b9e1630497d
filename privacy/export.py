"""Everything Kredsløb holds about one person, as JSON-ready data (GDPR art. 15 and 20)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from listings.models import Listing, Photo
from marketplace.models import Conversation, Message, Report, Reservation, SavedSearch
from notifications.models import Notification
from repairs.models import DataWipe, RepairJob, WorkLog


def _rows(queryset: Any, *fields: str) -> list[dict[str, Any]]:
    # DRF's JSON encoder writes dates as ISO 8601 and decimals as strings.
    return list(queryset.values(*fields))


def user_export(*, user: User) -> dict[str, Any]:
    conversations = Conversation.objects.filter(
        Q(started_by=user) | Q(listing__seller=user) | Q(repair_job__listing__seller=user)
    ).distinct()
    return {
        "profile": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "area": user.area,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "workshops": _rows(user.memberships.all(), "workshop__slug", "workshop__name", "role", "created_at"),
        "listings": _rows(
            Listing.objects.filter(seller=user),
            "id",
            "title",
            "description",
            "category__slug",
            "condition",
            "kind",
            "price_dkk",
            "area",
            "brand",
            "model",
            "weight_kg",
            "status",
            "pickup_details",
            "created_at",
            "published_at",
        ),
        "photos": _rows(
            Photo.objects.filter(listing__seller=user), "id", "listing_id", "status", "original_sha256", "created_at"
        ),
        "repair_jobs": _rows(
            RepairJob.objects.filter(listing__seller=user),
            "id",
            "listing_id",
            "mode",
            "fault_description",
            "status",
            "outcome",
            "created_at",
            "completed_at",
        ),
        "work_logs": _rows(WorkLog.objects.filter(member=user), "job_id", "hours", "date", "note"),
        "data_wipes_operated": _rows(
            DataWipe.objects.filter(operator=user), "job_id", "serial_number", "started_at", "finished_at"
        ),
        "reservations": _rows(
            Reservation.objects.filter(buyer=user), "id", "listing_id", "status", "created_at", "expires_at"
        ),
        "conversations": [
            {
                "id": c.pk,
                "listing": c.listing_id,
                "repair_job": c.repair_job_id,
                "messages": _rows(Message.objects.filter(conversation=c), "sender_id", "body", "created_at"),
            }
            for c in conversations
        ],
        # Messages they wrote elsewhere (answering for a workshop): theirs, without the other side's words.
        "other_messages_sent": _rows(
            Message.objects.filter(sender=user).exclude(conversation__in=conversations).order_by("created_at", "id"),
            "conversation_id",
            "body",
            "created_at",
        ),
        "messages_sent": Message.objects.filter(sender=user).count(),
        "reports": _rows(Report.objects.filter(reporter=user), "listing_id", "reason", "details", "created_at"),
        "notifications": _rows(
            Notification.objects.filter(user=user), "kind", "title", "body", "created_at", "read_at"
        ),
        "saved_searches": _rows(SavedSearch.objects.filter(user=user), "name", "query", "email_digest", "created_at"),
    }
