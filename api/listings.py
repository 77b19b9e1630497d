"""Listings: browse and search, create, detail, change, withdraw, publish, report."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import pagecache
from core.errors import NotAllowed
from impact.selectors import listing_impact
from listings import selectors, services
from listings.models import Category, Condition, Kind, Listing
from listings.search import FILTER_FIELDS, listing_filters_clean, order_key, search_suggestion
from marketplace.models import ReportReason
from marketplace.services import report_create
from repairs.models import RepairMode
from repairs.selectors import listing_provenance
from repairs.services import donation_create

from .keyset import KeysetPagination
from .outputs import DisplayNameOut, IsoDateTimeField, PhotoVariantOut, ProvenanceOut, WorkshopRefOut


class ThumbnailOut(serializers.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    blurhash = serializers.CharField()


class ListingPhotoOut(serializers.Serializer):
    """A ready photo as the public sees it (`listings.selectors.photo_public`): only the derivatives."""

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    blurhash = serializers.CharField()
    variants = serializers.DictField(child=PhotoVariantOut())


class ListingImpactOut(serializers.Serializer):
    """What buying this instead of new saves (`impact.selectors.listing_impact`)."""

    co2e_kg = serializers.DecimalField(max_digits=None, decimal_places=2)
    waste_kg = serializers.DecimalField(max_digits=None, decimal_places=3)


class ListingItemOut(serializers.Serializer):
    """One browse result. The seller's name as `listing_seller_name` gives it without a reader: no query per row."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    condition = serializers.CharField()
    price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2)
    status = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    area = serializers.CharField()
    thumbnail = serializers.SerializerMethodField()
    seller = serializers.SerializerMethodField()
    workshop = WorkshopRefOut(allow_null=True)
    upcycled = serializers.BooleanField()
    created_at = IsoDateTimeField()

    @cached_property
    def _thumbnail_out(self) -> ThumbnailOut:
        # One for the whole page: a serializer made per row costs more than all the rest of a 100-row page.
        return ThumbnailOut()

    @extend_schema_field(ThumbnailOut(allow_null=True))
    def get_thumbnail(self, listing: Listing) -> dict[str, Any] | None:
        thumbnail = selectors.listing_thumbnail(listing)
        return None if thumbnail is None else self._thumbnail_out.to_representation(thumbnail)

    @extend_schema_field(DisplayNameOut)
    def get_seller(self, listing: Listing) -> dict[str, Any]:
        return {"display_name": selectors.listing_seller_name(listing=listing)}


_PRICE = serializers.DecimalField(max_digits=10, decimal_places=2)


def listing_item_rows(listings: list[Listing]) -> list[dict[str, Any]]:
    """A browse page's rows exactly as `ListingItemOut(listings, many=True).data` writes them (the schema stays
    `ListingItemOut`; `tests/api/test_browse_rows.py` compares the two), built as plain dicts: DRF's field
    machinery per row and field was most of a page's Python cost, so a page of 24 cost ~3× a page of 1."""
    price = _PRICE.to_representation
    rows = []
    for listing in listings:
        thumbnail = selectors.listing_thumbnail(listing)
        workshop = listing.workshop
        rows.append(
            {
                "id": listing.pk,
                "title": str(listing.title),
                "kind": str(listing.kind),
                "condition": str(listing.condition),
                "price_dkk": price(listing.price_dkk),
                "status": str(listing.status),
                "category": str(listing.category.slug),
                "area": str(listing.area),
                "thumbnail": None
                if thumbnail is None
                else {
                    "url": str(thumbnail["url"]),
                    "width": int(thumbnail["width"]),
                    "height": int(thumbnail["height"]),
                    "blurhash": str(thumbnail["blurhash"]),
                },
                "seller": {"display_name": str(selectors.listing_seller_name(listing=listing))},
                "workshop": None if workshop is None else {"slug": str(workshop.slug), "name": str(workshop.name)},
                "upcycled": bool(listing.upcycled),
                "created_at": listing.created_at.isoformat(),
            }
        )
    return rows


class ListingDetailOut(ListingItemOut):
    """One listing as the reader (`request` in the context) may see it: the seller's name by
    `listing_seller_name`; `can_edit` and the pickup details only for who manages it (`listing_managed_by`)."""

    description = serializers.CharField()
    category_name = serializers.CharField(source="category.name")
    brand = serializers.CharField()
    model = serializers.CharField()
    weight_kg = serializers.DecimalField(max_digits=8, decimal_places=3, allow_null=True)
    published_at = IsoDateTimeField(allow_null=True)
    photos = serializers.SerializerMethodField()
    provenance = serializers.SerializerMethodField()
    impact = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    pickup_details = serializers.CharField(required=False, help_text="Only for who manages it.")

    def _reader(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(DisplayNameOut)
    def get_seller(self, listing: Listing) -> dict[str, Any]:
        return {"display_name": selectors.listing_seller_name(listing=listing, user=self._reader())}

    @extend_schema_field(ListingPhotoOut(many=True))
    def get_photos(self, listing: Listing) -> list[dict[str, Any]]:
        photos = [selectors.photo_public(p) for p in getattr(listing, "ready_photos", [])]
        return ListingPhotoOut(photos, many=True).data  # type: ignore[return-value]

    @extend_schema_field(ProvenanceOut(allow_null=True))
    def get_provenance(self, listing: Listing) -> dict[str, Any] | None:
        provenance = listing_provenance(listing=listing)
        return None if provenance is None else ProvenanceOut(provenance).data

    @extend_schema_field(ListingImpactOut)
    def get_impact(self, listing: Listing) -> dict[str, Any]:
        return ListingImpactOut(listing_impact(listing=listing)).data

    def _manages(self, listing: Listing) -> bool:
        if getattr(listing, "_reader_manages", None) is None:
            listing._reader_manages = selectors.listing_managed_by(listing=listing, user=self._reader())  # type: ignore[attr-defined]
        return bool(listing._reader_manages)  # type: ignore[attr-defined]

    def get_can_edit(self, listing: Listing) -> bool:
        return self._manages(listing) and not selectors.listing_is_frozen(listing)

    def to_representation(self, instance: Listing) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self._manages(instance):  # `listing_managed_by`, asked once
            del data["pickup_details"]
        return data  # type: ignore[no-any-return]


def _detail(request: Request, pk: int) -> dict[str, Any]:
    listing = selectors.listing_get(pk=pk, user=request.user)
    return ListingDetailOut(listing, context={"request": request}).data  # type: ignore[return-value]


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
# The list's own query parameters (the ones its schema names): only these make an anonymous page worth keeping.
LIST_PARAMETERS = frozenset(parameter.name for parameter in BROWSE_PARAMETERS)


class ListingListView(APIView):
    """Browse and search public listings (GET); create a listing (POST)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="listings_list",
        parameters=BROWSE_PARAMETERS,
        responses={
            200: inline_serializer(
                "PaginatedListingItemList",
                {
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": ListingItemOut(many=True),
                    # "Did you mean …?" for a search text with a typo (`listings.search.search_suggestion`).
                    "suggestion": serializers.CharField(allow_null=True),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        # An anonymous page is the same for everybody: built once per catalogue version (core.pagecache), for the
        # query's own parameters only. Looked up before the query is read: only a query answered before is kept,
        # and under the same version the same query reads the same (the categories are part of the catalogue).
        cache_key = pagecache.key_for(request, "api-listings", params=LIST_PARAMETERS)
        data = pagecache.get(cache_key)
        if data is not None:
            return Response(data)
        filters = listing_filters_clean(request.query_params)
        key = order_key(filters)
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.listing_browse(filters=filters), request, fields=key.fields, descending=key.descending
        )
        response = paginator.get_paginated_response(listing_item_rows(rows))
        response.data["suggestion"] = search_suggestion(filters)
        pagecache.set(cache_key, dict(response.data))
        return response

    @extend_schema(request=ListingIn, responses={201: ListingDetailOut})
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
        return Response(_detail(request, listing.pk), status=status.HTTP_201_CREATED)


class ListingDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: ListingDetailOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, pk))

    @extend_schema(request=ListingPatchIn, responses={200: ListingDetailOut})
    def patch(self, request: Request, pk: int) -> Response:
        listing = selectors.listing_get(pk=pk, user=request.user)
        data = ListingPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.listing_update(listing=listing, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(_detail(request, pk))

    @extend_schema(responses={200: ListingDetailOut})
    def delete(self, request: Request, pk: int) -> Response:
        """Withdraw: the listing leaves the public site; the row (and its history) stays."""
        listing = selectors.listing_get(pk=pk, user=request.user)
        services.listing_withdraw(listing=listing, actor=request.user)  # type: ignore[arg-type]
        return Response(_detail(request, pk))


class ListingPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ListingDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.listing_get(pk=pk, user=request.user)
        services.listing_publish(listing=listing, actor=request.user)  # type: ignore[arg-type]
        return Response(_detail(request, pk))


class ReportIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    listing = serializers.IntegerField(source="listing_id")
    reason = serializers.CharField()
    status = serializers.CharField()


class ListingReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportIn, responses={201: ReportOut})
    def post(self, request: Request, pk: int) -> Response:
        listing = selectors.listing_get(pk=pk, user=request.user)
        if selectors.listing_managed_by(listing=listing, user=request.user):
            raise NotAllowed(_("You cannot report your own listing."))
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_create(listing=listing, reporter=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(ReportOut(report).data, status=status.HTTP_201_CREATED)
