"""A person's data export (`privacy.export.user_export`), typed field by field so the schema documents it.

The rows are the export's own: the model fields under their lookup names (`workshop__slug`, `listing_id`), times
in UTC written "…Z" and amounts as JSON numbers — as the export has always been written (DRF's JSON encoder).
"""

from __future__ import annotations

from datetime import UTC

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy.export import user_export

from .outputs import IsoDateTimeField


class UtcDateTimeField(serializers.DateTimeField):
    """A time in UTC, "…Z" (the export's rows; `IsoDateTimeField` is the profile's "…+00:00")."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(default_timezone=UTC, **kwargs)  # type: ignore[arg-type]


class ExportProfileOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    area = serializers.CharField()
    date_joined = IsoDateTimeField()
    last_login = IsoDateTimeField(allow_null=True)


class ExportOrganisationMembershipOut(serializers.Serializer):
    organisation__slug = serializers.CharField()
    organisation__name = serializers.CharField()
    role = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportMembershipOut(serializers.Serializer):
    workshop__slug = serializers.CharField()
    workshop__name = serializers.CharField()
    role = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportListingOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    category__slug = serializers.CharField()
    condition = serializers.CharField()
    kind = serializers.CharField()
    price_dkk = serializers.FloatField()
    area = serializers.CharField()
    brand = serializers.CharField()
    model = serializers.CharField()
    weight_kg = serializers.FloatField(allow_null=True)
    status = serializers.CharField()
    pickup_details = serializers.CharField()
    workshop__slug = serializers.CharField(allow_null=True)
    created_at = UtcDateTimeField()
    published_at = UtcDateTimeField(allow_null=True)


class ExportFormerWorkshopListingOut(serializers.Serializer):
    id = serializers.IntegerField()
    workshop__slug = serializers.CharField()
    created_at = UtcDateTimeField()
    published_at = UtcDateTimeField(allow_null=True)


class ExportPhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    listing_id = serializers.IntegerField()
    status = serializers.CharField()
    original_sha256 = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportRepairJobOut(serializers.Serializer):
    id = serializers.IntegerField()
    listing_id = serializers.IntegerField(allow_null=True)
    mode = serializers.CharField()
    fault_description = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    created_at = UtcDateTimeField()
    completed_at = UtcDateTimeField(allow_null=True)


class ExportWorkLogOut(serializers.Serializer):
    job_id = serializers.IntegerField()
    hours = serializers.FloatField()
    date = serializers.DateField()
    note = serializers.CharField()


class ExportDataWipeOut(serializers.Serializer):
    job_id = serializers.IntegerField()
    serial_number = serializers.CharField()
    started_at = UtcDateTimeField()
    finished_at = UtcDateTimeField()


class ExportReservationOut(serializers.Serializer):
    id = serializers.IntegerField()
    listing_id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = UtcDateTimeField()
    expires_at = UtcDateTimeField()
    pickup_details = serializers.CharField(
        allow_null=True,
        help_text="Only once the seller has confirmed (marketplace.selectors.reservation_pickup_details).",
    )


class ExportMessageOut(serializers.Serializer):
    sender_id = serializers.IntegerField(allow_null=True)
    body = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportConversationOut(serializers.Serializer):
    id = serializers.IntegerField()
    listing = serializers.IntegerField(allow_null=True)
    repair_job = serializers.IntegerField(allow_null=True)
    messages = ExportMessageOut(many=True)


class ExportMessageSentOut(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    body = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportReportOut(serializers.Serializer):
    listing_id = serializers.IntegerField()
    reason = serializers.CharField()
    details = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportNotificationOut(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    created_at = UtcDateTimeField()
    read_at = UtcDateTimeField(allow_null=True)


class ExportSavedSearchOut(serializers.Serializer):
    name = serializers.CharField()
    query = serializers.DictField()
    email_digest = serializers.BooleanField()
    created_at = UtcDateTimeField()


class ExportFavouriteOut(serializers.Serializer):
    listing_id = serializers.IntegerField()
    created_at = UtcDateTimeField()


class ExportOfferOut(serializers.Serializer):
    listing_id = serializers.IntegerField()
    price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2)
    counter_price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    status = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportRatingOut(serializers.Serializer):
    reservation_id = serializers.IntegerField()
    side = serializers.CharField(help_text="The side of who rated: buyer or seller.")
    stars = serializers.IntegerField()
    text = serializers.CharField()
    created_at = UtcDateTimeField()


class ExportOut(serializers.Serializer):
    """Everything Kredsløb holds about the caller (GDPR art. 15 and 20)."""

    profile = ExportProfileOut()
    workshops = ExportMembershipOut(many=True)
    organisations = ExportOrganisationMembershipOut(many=True, help_text="The organisations they belong to.")
    listings = ExportListingOut(many=True)
    listings_published_for_former_workshops = ExportFormerWorkshopListingOut(
        many=True, help_text="Published for a workshop they have left: the listing is the workshop's now."
    )
    photos = ExportPhotoOut(many=True)
    repair_jobs = ExportRepairJobOut(many=True)
    work_logs = ExportWorkLogOut(many=True)
    data_wipes_operated = ExportDataWipeOut(many=True)
    reservations = ExportReservationOut(many=True)
    conversations = ExportConversationOut(many=True)
    other_messages_sent = ExportMessageSentOut(many=True, help_text="Written for a workshop, elsewhere.")
    messages_sent = serializers.IntegerField()
    reports = ExportReportOut(many=True)
    notifications = ExportNotificationOut(many=True)
    saved_searches = ExportSavedSearchOut(many=True)
    favourites = ExportFavouriteOut(many=True)
    offers = ExportOfferOut(many=True, help_text="Offers they made.")
    ratings_given = ExportRatingOut(many=True)
    ratings_received = ExportRatingOut(many=True, help_text="Ratings of them (not of a workshop).")


class MeExportView(APIView):
    """All the caller's data as one JSON document (a download)."""

    permission_classes = [IsAuthenticated]
    # Each one builds the whole export: counted per account, together with My page's download (POST /profile/data/).
    throttle_scope = "data_export"

    @extend_schema(responses={200: ExportOut})
    def get(self, request: Request) -> Response:
        data = ExportOut(user_export(user=request.user)).data  # type: ignore[arg-type]
        return Response(data, headers={"Content-Disposition": 'attachment; filename="kredslob-data.json"'})
