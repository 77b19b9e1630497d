"""Listings: browse and search, create, detail, change, withdraw, publish, report."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotAllowed
from impact.selectors import listing_impact
from listings import selectors, services
from listings.models import Category, Condition, Kind, Listing
from listings.search import FILTER_FIELDS, listing_filters_clean, order_key
from marketplace.models import ReportReason
from marketplace.services import report_create
from repairs.models import RepairMode
from repairs.selectors import listing_provenance
from repairs.services import donation_create

from .keyset import KeysetPagination


def listing_item(listing: Listing) -> dict[str, Any]:
    """One browse result. Plain dicts: this runs for up to 100 rows per request."""
    return {
        "id": listing.pk,
        "title": listing.title,
        "kind": listing.kind,
        "condition": listing.condition,
        "price_dkk": str(listing.price_dkk),
        "status": listing.status,
        "category": listing.category.slug,
        "area": listing.area,
        "thumbnail": selectors.listing_thumbnail(listing),
        "seller": {"display_name": selectors.listing_seller_name(listing=listing)},
        "workshop": {"slug": listing.workshop.slug, "name": listing.workshop.name} if listing.workshop else None,
        "upcycled": listing.upcycled,
        "created_at": listing.created_at.isoformat(),
    }


def listing_detail(listing: Listing, *, user: Any) -> dict[str, Any]:
    data = listing_item(listing)
    manages = selectors.listing_managed_by(listing=listing, user=user)
    data.update(
        {
            "seller": {"display_name": selectors.listing_seller_name(listing=listing, user=user)},
            "description": listing.description,
            "category_name": listing.category.name,
            "brand": listing.brand,
            "model": listing.model,
            "weight_kg": None if listing.weight_kg is None else str(listing.weight_kg),
            "published_at": listing.published_at.isoformat() if listing.published_at else None,
            "photos": [selectors.photo_public(p) for p in getattr(listing, "ready_photos", [])],
            "provenance": listing_provenance(listing=listing),
            "impact": {k: str(v) for k, v in listing_impact(listing=listing).items()},
            "can_edit": manages and not selectors.listing_is_frozen(listing),
        }
    )
    if manages:
        data["pickup_details"] = listing.pickup_details
    return data


class CategoryField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("Unknown category “{value}”."),
        "invalid": _("Give the category's slug."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Category.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Category:
        # No slug holds a NUL character, and PostgreSQL refuses one in a query: answer "unknown", not a 5xx.
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ListingIn(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    category = CategoryField()
    condition = serializers.ChoiceField(choices=Condition.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    area = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    brand = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    weight_kg = serializers.DecimalField(max_digits=8, decimal_places=3, min_value=0, required=False, allow_null=True)
    pickup_details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    publish = serializers.BooleanField(required=False, default=False)
    repair_mode = serializers.ChoiceField(choices=RepairMode.choices, required=False, allow_blank=True, default="")
    fault_description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ListingPatchIn(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    category = CategoryField(required=False)
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    area = serializers.CharField(max_length=80, required=False, allow_blank=True)
    brand = serializers.CharField(max_length=80, required=False, allow_blank=True)
    model = serializers.CharField(max_length=80, required=False, allow_blank=True)
    weight_kg = serializers.DecimalField(max_digits=8, decimal_places=3, min_value=0, required=False, allow_null=True)
    pickup_details = serializers.CharField(max_length=2000, required=False, allow_blank=True)


BROWSE_PARAMETERS = [OpenApiParameter(name, str, required=False) for name in FILTER_FIELDS] + [
    OpenApiParameter("cursor", str, required=False),
    OpenApiParameter("page_size", int, required=False),
]


class ListingListView(APIView):
    """Browse and search public listings (GET); create a listing (POST)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(operation_id="listings_list", parameters=BROWSE_PARAMETERS, responses={200: dict})
    def get(self, request: Request) -> Response:
        filters = listing_filters_clean(request.query_params)
        key = order_key(filters)
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.listing_browse(filters=filters), request, fields=key.fields, descending=key.descending
        )
        return paginator.get_paginated_response([listing_item(row) for row in rows])

    @extend_schema(request=ListingIn, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = ListingIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields["kind"] == Kind.REPAIR:
            listing = donation_create(seller=request.user, **fields)  # type: ignore[arg-type]
        else:
            for name in ("repair_mode", "fault_description"):
                fields.pop(name, None)
            listing = services.listing_create(seller=request.user, **fields)  # type: ignore[arg-type]
        listing = selectors.listing_get(pk=listing.pk, user=request.user)
        return Response(listing_detail(listing, user=request.user), status=status.HTTP_201_CREATED)


class ListingDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        listing = selectors.listing_get(pk=pk, user=request.user)
        return Response(listing_detail(listing, user=request.user))

    @extend_schema(request=ListingPatchIn, responses={200: dict})
    def patch(self, request: Request, pk: int) -> Response:
        listing = selectors.listing_get(pk=pk, user=request.user)
        data = ListingPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.listing_update(listing=listing, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        listing = selectors.listing_get(pk=pk, user=request.user)
        return Response(listing_detail(listing, user=request.user))

    @extend_schema(responses={200: dict})
    def delete(self, request: Request, pk: int) -> Response:
        """Withdraw: the listing leaves the public site; the row (and its history) stays."""
        listing = selectors.listing_get(pk=pk, user=request.user)
        services.listing_withdraw(listing=listing, actor=request.user)  # type: ignore[arg-type]
        listing = selectors.listing_get(pk=pk, user=request.user)
        return Response(listing_detail(listing, user=request.user))


class ListingPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.listing_get(pk=pk, user=request.user)
        services.listing_publish(listing=listing, actor=request.user)  # type: ignore[arg-type]
        listing = selectors.listing_get(pk=pk, user=request.user)
        return Response(listing_detail(listing, user=request.user))


class ReportIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ListingReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportIn, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.listing_get(pk=pk, user=request.user)
        if selectors.listing_managed_by(listing=listing, user=request.user):
            raise NotAllowed(_("You cannot report your own listing."))
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_create(listing=listing, reporter=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(
            {"id": report.pk, "listing": listing.pk, "reason": report.reason, "status": report.status},
            status=status.HTTP_201_CREATED,
        )
