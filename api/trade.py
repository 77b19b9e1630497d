"""Trade: reservations, conversations and messages, notifications, saved searches."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from core.keyset import MAX_ID
from listings.selectors import listing_get
from marketplace import selectors, services
from marketplace.models import MESSAGE_MAX_LENGTH, AlertFrequency, Conversation, Message, Reservation
from notifications import selectors as notification_selectors
from notifications import services as notification_services

from .keyset import KeysetPagination
from .outputs import DisplayNameOut, IsoDateTimeField, WorkshopRefOut
from .schema import paginated


def _reader_id(serializer: serializers.Serializer) -> int:
    return serializer.context["request"].user.pk  # type: ignore[no-any-return]


class ListingBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2)


ROLE = serializers.ChoiceField(choices=["buyer", "seller"])


class ReservationOut(serializers.Serializer):
    """A reservation as one of its two sides (`request` in the context) sees it."""

    id = serializers.IntegerField()
    listing = ListingBriefOut()
    buyer = DisplayNameOut()
    seller = DisplayNameOut(source="listing.seller")
    role = serializers.SerializerMethodField()
    status = serializers.CharField()
    expires_at = IsoDateTimeField()
    created_at = IsoDateTimeField()
    confirmed_at = IsoDateTimeField(allow_null=True)
    completed_at = IsoDateTimeField(allow_null=True)
    cancelled_at = IsoDateTimeField(allow_null=True)
    pickup_details = serializers.CharField(
        source="listing.pickup_details",
        required=False,
        help_text="For the seller; for the buyer once the seller has confirmed.",
    )

    @extend_schema_field(ROLE)
    def get_role(self, reservation: Reservation) -> str:
        return "buyer" if reservation.buyer_id == _reader_id(self) else "seller"

    def to_representation(self, instance: Reservation) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Who reads the pickup details is `marketplace.selectors.reservation_pickup_details`'s rule.
        request = self.context.get("request")
        pickup = selectors.reservation_pickup_details(reservation=instance, user=request.user) if request else None
        if pickup is None:
            data.pop("pickup_details", None)
        else:
            data["pickup_details"] = pickup
        return data  # type: ignore[no-any-return]


class ListingReservationView(APIView):
    """Reserve an active listing. 409 when it is not active or already reserved; 403 for its own seller (or a
    member of the workshop selling it) — a rule about who asks, not about the listing's state."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: ReservationOut})
    def post(self, request: Request, pk: int) -> Response:
        listing = listing_get(pk=pk, user=request.user)
        reservation = services.reservation_create(listing=listing, buyer=request.user)  # type: ignore[arg-type]
        reservation = selectors.reservation_get(pk=reservation.pk, user=request.user)  # type: ignore[arg-type]
        return Response(ReservationOut(reservation, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ReservationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reservations_list", responses={200: paginated(ReservationOut, "PaginatedReservationList")}
    )
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.reservations_for(user=request.user),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response(ReservationOut(rows, many=True, context={"request": request}).data)


class ReservationActionView(APIView):
    permission_classes = [IsAuthenticated]
    action: str = ""

    @extend_schema(request=None, responses={200: ReservationOut})
    def post(self, request: Request, pk: int) -> Response:
        reservation = selectors.reservation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        service = {
            "confirm": services.reservation_confirm,
            "complete": services.reservation_complete,
            "cancel": services.reservation_cancel,
        }[self.action]
        service(reservation=reservation, actor=request.user)  # type: ignore[arg-type]
        reservation = selectors.reservation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        return Response(ReservationOut(reservation, context={"request": request}).data)


# --- Conversations -----------------------------------------------------------------------------------


class ConversationOut(serializers.Serializer):
    """A listing conversation as one of its parties (`request` in the context) sees it; `unread` counts the other
    side's unread messages (annotated by `conversations_for`)."""

    id = serializers.IntegerField()
    listing = ListingBriefOut()
    role = serializers.SerializerMethodField()
    buyer = serializers.SerializerMethodField()
    seller = DisplayNameOut(source="listing.seller")
    workshop = WorkshopRefOut(source="listing.workshop", allow_null=True)
    unread = serializers.IntegerField()
    last_message_at = IsoDateTimeField(allow_null=True)
    created_at = IsoDateTimeField()

    @extend_schema_field(ROLE)
    def get_role(self, conversation: Conversation) -> str:
        return "buyer" if conversation.started_by_id == _reader_id(self) else "seller"

    @extend_schema_field(DisplayNameOut)
    def get_buyer(self, conversation: Conversation) -> dict[str, str]:
        # Empty once the buyer has deleted their account.
        buyer = conversation.started_by
        return {"display_name": buyer.display_name if buyer else ""}


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    sender = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    created_at = IsoDateTimeField()
    read_at = IsoDateTimeField(allow_null=True)

    @extend_schema_field(DisplayNameOut)
    def get_sender(self, message: Message) -> dict[str, str]:
        # Empty once the sender has deleted their account.
        return {"display_name": message.sender.display_name if message.sender else ""}

    def get_mine(self, message: Message) -> bool:
        return message.sender_id == _reader_id(self)


class ConversationIn(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)


class MessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)


class ConversationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="conversations_list", responses={200: paginated(ConversationOut, "PaginatedConversationList")}
    )
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.conversations_for(user=request.user),  # type: ignore[arg-type]
            request,
            fields=("last_message_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response(ConversationOut(rows, many=True, context={"request": request}).data)

    @extend_schema(request=ConversationIn, responses={201: ConversationOut})
    def post(self, request: Request) -> Response:
        data = ConversationIn(data=request.data)
        data.is_valid(raise_exception=True)
        listing = listing_get(pk=data.validated_data["listing"], user=request.user)
        conversation, _message = services.conversation_start(
            listing=listing,
            buyer=request.user,  # type: ignore[arg-type]
            body=data.validated_data["body"],
        )
        conversation = selectors.conversation_get(pk=conversation.pk, user=request.user)  # type: ignore[arg-type]
        return Response(
            ConversationOut(conversation, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ConversationMessagesView(APIView):
    """Messages oldest first. Reading them marks the other party's messages read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="conversation_messages_list", responses={200: paginated(MessageOut, "PaginatedMessageList")}
    )
    def get(self, request: Request, pk: int) -> Response:
        conversation = selectors.conversation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        services.conversation_mark_read(conversation=conversation, reader=request.user)  # type: ignore[arg-type]
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.conversation_messages(conversation=conversation),
            request,
            fields=("created_at", "id"),
            descending=False,
        )
        return paginator.get_paginated_response(MessageOut(rows, many=True, context={"request": request}).data)

    @extend_schema(request=MessageIn, responses={201: MessageOut})
    def post(self, request: Request, pk: int) -> Response:
        conversation = selectors.conversation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send(
            conversation=conversation,
            sender=request.user,  # type: ignore[arg-type]
            body=data.validated_data["body"],
        )
        return Response(MessageOut(message, context={"request": request}).data, status=status.HTTP_201_CREATED)


# --- Notifications -----------------------------------------------------------------------------------


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField(source="shown_title", help_text="In the caller's language (Accept-Language).")
    body = serializers.CharField(source="shown_body")
    url = serializers.CharField()
    data = serializers.DictField(  # type: ignore[assignment]  # DRF pops declared fields: `.data` stays
        help_text="What the notification is about, by kind (ids of the listing, job…)."
    )
    created_at = IsoDateTimeField()
    read_at = IsoDateTimeField(allow_null=True)


class NotificationListView(APIView):
    """The caller's notifications, newest first; `?unread=true` for unread only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_list", responses={200: paginated(NotificationOut, "PaginatedNotificationList")}
    )
    def get(self, request: Request) -> Response:
        unread_only = request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        paginator = KeysetPagination()
        rows = paginator.paginate(
            notification_selectors.notifications_for(user=request.user, unread_only=unread_only),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response(NotificationOut(rows, many=True).data)


class NotificationReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=500
    )


class NotificationReadOut(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many notifications this marked read.")


class NotificationReadView(APIView):
    """Mark notifications read: the given `ids`, or all of the caller's when none are given."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=NotificationReadIn, responses={200: NotificationReadOut})
    def post(self, request: Request) -> Response:
        data = NotificationReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        count = notification_services.notifications_mark_read(
            user=request.user,  # type: ignore[arg-type]
            ids=data.validated_data.get("ids"),
        )
        return Response(NotificationReadOut({"marked_read": count}).data)


# --- Saved searches ----------------------------------------------------------------------------------


class SavedSearchOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    query = serializers.DictField(help_text="Listing filters, as `GET /api/v1/listings/` takes them.")
    email_digest = serializers.BooleanField()
    frequency = serializers.ChoiceField(choices=AlertFrequency.choices)
    last_notified_at = IsoDateTimeField(allow_null=True)
    created_at = IsoDateTimeField()


class SavedSearchIn(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    query = serializers.DictField(required=False, default=dict)
    email_digest = serializers.BooleanField(required=False, default=True)
    frequency = serializers.ChoiceField(
        choices=AlertFrequency.choices,
        required=False,
        default=AlertFrequency.DAILY,
        help_text="`instant`: in-app and email as soon as a matching listing goes public; `daily`: the daily digest.",
    )


class SavedSearchListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="saved_searches_list", responses={200: paginated(SavedSearchOut, "PaginatedSavedSearchList")}
    )
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.saved_searches_for(user=request.user),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response(SavedSearchOut(rows, many=True).data)

    @extend_schema(request=SavedSearchIn, responses={201: SavedSearchOut})
    def post(self, request: Request) -> Response:
        data = SavedSearchIn(data=request.data)
        data.is_valid(raise_exception=True)
        saved_search = services.saved_search_create(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(SavedSearchOut(saved_search).data, status=status.HTTP_201_CREATED)


class SavedSearchDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        saved_search = selectors.saved_searches_for(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
        if saved_search is None:
            raise NotFound(_("No such saved search."))
        services.saved_search_delete(saved_search=saved_search, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
