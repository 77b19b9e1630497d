"""Trade: reservations, conversations and messages, notifications, saved searches."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.errors import NotFound
from listings.models import Listing
from listings.selectors import listing_get
from marketplace import selectors, services
from marketplace.models import Conversation, Message, Reservation, SavedSearch
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.models import Notification

from .keyset import KeysetPagination

# Ids are 64-bit (BigAutoField): a bigger number can name nothing, and the database driver would choke on it.
MAX_ID = 2**63 - 1


def _user_id(request: Request) -> int:
    return request.user.pk  # type: ignore[return-value]


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _listing_brief(listing: Listing) -> dict[str, Any]:
    return {"id": listing.pk, "title": listing.title, "status": listing.status, "price_dkk": str(listing.price_dkk)}


def reservation_out(reservation: Reservation, *, user: User) -> dict[str, Any]:
    role = "buyer" if reservation.buyer_id == user.pk else "seller"
    data = {
        "id": reservation.pk,
        "listing": _listing_brief(reservation.listing),
        "buyer": {"display_name": reservation.buyer.display_name},
        "seller": {"display_name": reservation.listing.seller.display_name},
        "role": role,
        "status": reservation.status,
        "expires_at": reservation.expires_at.isoformat(),
        "created_at": reservation.created_at.isoformat(),
        "confirmed_at": reservation.confirmed_at.isoformat() if reservation.confirmed_at else None,
        "completed_at": reservation.completed_at.isoformat() if reservation.completed_at else None,
        "cancelled_at": reservation.cancelled_at.isoformat() if reservation.cancelled_at else None,
    }
    pickup_details = selectors.reservation_pickup_details(reservation=reservation, user=user)
    if pickup_details is not None:
        data["pickup_details"] = pickup_details
    return data


class ListingReservationView(APIView):
    """Reserve an active listing. 409 when it is not active or already reserved; 403 for its own seller (or a
    member of the workshop selling it) — a rule about who asks, not about the listing's state."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        listing = listing_get(pk=pk, user=request.user)
        reservation = services.reservation_create(listing=listing, buyer=request.user)  # type: ignore[arg-type]
        reservation = selectors.reservation_get(pk=reservation.pk, user=request.user)  # type: ignore[arg-type]
        return Response(reservation_out(reservation, user=_user(request)), status=status.HTTP_201_CREATED)


class ReservationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="reservations_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.reservations_for(user=request.user),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response([reservation_out(r, user=_user(request)) for r in rows])


class ReservationActionView(APIView):
    permission_classes = [IsAuthenticated]
    action: str = ""

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        reservation = selectors.reservation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        service = {
            "confirm": services.reservation_confirm,
            "complete": services.reservation_complete,
            "cancel": services.reservation_cancel,
        }[self.action]
        service(reservation=reservation, actor=request.user)  # type: ignore[arg-type]
        reservation = selectors.reservation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        return Response(reservation_out(reservation, user=_user(request)))


# --- Conversations -----------------------------------------------------------------------------------


def conversation_out(conversation: Conversation, *, user_id: int) -> dict[str, Any]:
    listing = conversation.listing
    assert listing is not None
    buyer = conversation.started_by
    return {
        "id": conversation.pk,
        "listing": _listing_brief(listing),
        "role": "buyer" if conversation.started_by_id == user_id else "seller",
        "buyer": {"display_name": buyer.display_name if buyer else ""},
        "seller": {"display_name": listing.seller.display_name},
        "workshop": {"slug": listing.workshop.slug, "name": listing.workshop.name} if listing.workshop else None,
        "unread": getattr(conversation, "unread", 0),
        "last_message_at": conversation.last_message_at.isoformat() if conversation.last_message_at else None,
        "created_at": conversation.created_at.isoformat(),
    }


def message_out(message: Message, *, user_id: int) -> dict[str, Any]:
    return {
        "id": message.pk,
        "body": message.body,
        "sender": {"display_name": message.sender.display_name if message.sender else ""},
        "mine": message.sender_id == user_id,
        "created_at": message.created_at.isoformat(),
        "read_at": message.read_at.isoformat() if message.read_at else None,
    }


class ConversationIn(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    body = serializers.CharField(max_length=4000)


class MessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class ConversationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="conversations_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.conversations_for(user=request.user),  # type: ignore[arg-type]
            request,
            fields=("last_message_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response([conversation_out(c, user_id=_user_id(request)) for c in rows])

    @extend_schema(request=ConversationIn, responses={201: dict})
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
        return Response(conversation_out(conversation, user_id=_user_id(request)), status=status.HTTP_201_CREATED)


class ConversationMessagesView(APIView):
    """Messages oldest first. Reading them marks the other party's messages read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="conversation_messages_list", responses={200: dict})
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
        return paginator.get_paginated_response([message_out(m, user_id=_user_id(request)) for m in rows])

    @extend_schema(request=MessageIn, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        conversation = selectors.conversation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send(
            conversation=conversation,
            sender=request.user,  # type: ignore[arg-type]
            body=data.validated_data["body"],
        )
        return Response(message_out(message, user_id=_user_id(request)), status=status.HTTP_201_CREATED)


# --- Notifications -----------------------------------------------------------------------------------


def notification_out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "data": notification.data,
        "created_at": notification.created_at.isoformat(),
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
    }


class NotificationListView(APIView):
    """The caller's notifications, newest first; `?unread=true` for unread only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="notifications_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        unread_only = request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        paginator = KeysetPagination()
        rows = paginator.paginate(
            notification_selectors.notifications_for(user=request.user, unread_only=unread_only),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response([notification_out(n) for n in rows])


class NotificationReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=500
    )


class NotificationReadView(APIView):
    """Mark notifications read: the given `ids`, or all of the caller's when none are given."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=NotificationReadIn, responses={200: dict})
    def post(self, request: Request) -> Response:
        data = NotificationReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        count = notification_services.notifications_mark_read(
            user=request.user,  # type: ignore[arg-type]
            ids=data.validated_data.get("ids"),
        )
        return Response({"marked_read": count})


# --- Saved searches ----------------------------------------------------------------------------------


def saved_search_out(saved_search: SavedSearch) -> dict[str, Any]:
    return {
        "id": saved_search.pk,
        "name": saved_search.name,
        "query": saved_search.query,
        "email_digest": saved_search.email_digest,
        "last_notified_at": saved_search.last_notified_at.isoformat() if saved_search.last_notified_at else None,
        "created_at": saved_search.created_at.isoformat(),
    }


class SavedSearchIn(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    query = serializers.DictField(required=False, default=dict)
    email_digest = serializers.BooleanField(required=False, default=True)


class SavedSearchListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="saved_searches_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.saved_searches_for(user=request.user),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response([saved_search_out(s) for s in rows])

    @extend_schema(request=SavedSearchIn, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = SavedSearchIn(data=request.data)
        data.is_valid(raise_exception=True)
        saved_search = services.saved_search_create(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(saved_search_out(saved_search), status=status.HTTP_201_CREATED)


class SavedSearchDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        saved_search = selectors.saved_searches_for(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
        if saved_search is None:
            raise NotFound(_("No such saved search."))
        services.saved_search_delete(saved_search=saved_search, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
