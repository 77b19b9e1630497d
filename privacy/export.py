"""Everything Kredsløb holds about one person, as JSON-ready data (GDPR art. 15 and 20)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from listings.models import Listing, Photo
from listings.selectors import listing_managed_by_q
from marketplace.models import Conversation, Favourite, Message, Offer, Rating, Report, SavedSearch
from marketplace.selectors import (
    conversation_messages,
    conversations_for,
    job_talk_q,
    reservation_pickup_details,
    reservations_for,
)
from notifications.selectors import notifications_for
from repairs.models import DataWipe, RepairJob, WorkLog
from repairs.selectors import job_visibility_q


def _rows(queryset: Any, *fields: str) -> list[dict[str, Any]]:
    # DRF's JSON encoder writes dates as ISO 8601 and decimals as strings.
    return list(queryset.values(*fields))


def user_export(*, user: User) -> dict[str, Any]:
    """What a person's export contains — their data, as far as the rules still let them see it. Each section
    asks the function that holds its rule rather than filtering for itself, so the export can never show more
    than the API and the pages do:

    - listings they are the seller of and still manage (`listings.selectors.listing_managed_by_q`), with the
      pickup details; those they published for a workshop they have left only as "published by you, then";
    - conversations that `marketplace.selectors.conversations_for` shows them and in which they are the buyer
      or the seller — a colleague's conversation, or one of a workshop they left, is not theirs to take;
    - every message they wrote, wherever: their own words stay theirs;
    - their reservations as buyer (`reservations_for`), with the pickup details only where
      `reservation_pickup_details` shows them;
    - the workshops and the organisations they belong to, with their role and since when;
    - the repair jobs they donated (`repairs.selectors.job_visibility_q`), the hours they logged and the data
      wipes they ran; their reports, notifications (`notifications_for`) and saved searches."""
    managed = Listing.objects.filter(listing_managed_by_q(user=user), seller=user)
    left_behind = Listing.objects.filter(seller=user).exclude(pk__in=managed.values("pk"))
    conversations = list(
        conversations_for(user=user).filter(Q(started_by=user) | Q(listing__seller=user)).order_by("created_at", "pk")
    )
    # The conversations about the repair jobs of what they donated, as `job_talk_q` shows them to the donor.
    conversations += list(
        Conversation.objects.filter(job_talk_q(user=user), repair_job__listing__seller=user).order_by(
            "created_at", "pk"
        )
    )
    reservations = reservations_for(user=user).filter(buyer=user).order_by("created_at", "pk")
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
        "organisations": _rows(
            user.org_memberships.order_by("created_at", "pk"),
            "organisation__slug",
            "organisation__name",
            "role",
            "created_at",
        ),
        "listings": _rows(
            managed.order_by("created_at", "pk"),
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
            "workshop__slug",
            "created_at",
            "published_at",
        ),
        # The listing is the workshop's now: that they published it is theirs, what it says is not.
        "listings_published_for_former_workshops": _rows(
            left_behind.order_by("created_at", "pk"), "id", "workshop__slug", "created_at", "published_at"
        ),
        "photos": _rows(
            Photo.objects.filter(listing__in=managed.values("pk")),
            "id",
            "listing_id",
            "status",
            "original_sha256",
            "created_at",
        ),
        "repair_jobs": _rows(
            RepairJob.objects.filter(job_visibility_q(user=user), listing__seller=user),
            "id",
            "listing_id",
            "mode",
            "fault_description",
            "status",
            "outcome",
            "created_at",
            "completed_at",
            # repair and hand back: the quote they answered, when the item was received and handed back, and what
            # they paid at the counter
            "quote_status",
            "quote_price_dkk",
            "quote_parts_dkk",
            "quote_answered_at",
            "received_at",
            "handed_back_at",
            "paid_dkk",
        ),
        "work_logs": _rows(WorkLog.objects.filter(member=user), "job_id", "hours", "date", "note"),
        "data_wipes_operated": _rows(
            DataWipe.objects.filter(operator=user), "job_id", "serial_number", "started_at", "finished_at"
        ),
        "reservations": [
            {
                "id": r.pk,
                "listing_id": r.listing_id,
                "status": r.status,
                "created_at": r.created_at,
                "expires_at": r.expires_at,
                "pickup_details": reservation_pickup_details(reservation=r, user=user),
            }
            for r in reservations
        ],
        "conversations": [
            {
                "id": c.pk,
                "listing": c.listing_id,
                "repair_job": c.repair_job_id,
                "messages": _rows(conversation_messages(conversation=c), "sender_id", "body", "created_at"),
            }
            for c in conversations
        ],
        # Messages they wrote elsewhere (answering for a workshop, also one they have left): theirs, without the
        # other side's words.
        "other_messages_sent": _rows(
            Message.objects.filter(sender=user)
            .exclude(conversation__in=[c.pk for c in conversations])
            .order_by("created_at", "id"),
            "conversation_id",
            "body",
            "created_at",
        ),
        "messages_sent": Message.objects.filter(sender=user).count(),
        "reports": _rows(Report.objects.filter(reporter=user), "listing_id", "reason", "details", "created_at"),
        "notifications": _rows(notifications_for(user=user), "kind", "title", "body", "created_at", "read_at"),
        "saved_searches": _rows(SavedSearch.objects.filter(user=user), "name", "query", "email_digest", "created_at"),
        "favourites": _rows(
            Favourite.objects.filter(user=user).order_by("created_at", "id"), "listing_id", "created_at"
        ),
        "offers": _rows(
            Offer.objects.filter(buyer=user).order_by("created_at", "id"),
            "listing_id",
            "price_dkk",
            "counter_price_dkk",
            "status",
            "created_at",
        ),
        "ratings_given": _rows(
            Rating.objects.filter(rater=user).order_by("created_at", "id"),
            "reservation_id",
            "side",
            "stars",
            "text",
            "created_at",
        ),
        "ratings_received": _rows(
            Rating.objects.filter(rated_user=user).order_by("created_at", "id"),
            "reservation_id",
            "side",
            "stars",
            "text",
            "created_at",
        ),
    }
