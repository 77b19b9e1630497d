"""Favourites ("Gem"), offers ("Giv et bud"), public profiles and ratings (issue 15)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotAllowed, NotFound
from listings.selectors import listing_get, ready_photos_prefetch
from marketplace import selectors, services
from marketplace.models import RATING_TEXT_MAX_LENGTH, Offer, Rating, RatingSide, ReportReason

from .keyset import KeysetPagination
from .listings import ListingItemOut
from .outputs import DisplayNameOut, IsoDateTimeField
from .schema import paginated
from .trade import ROLE, ListingBriefOut

PRICE: dict[str, Any] = {"max_digits": 10, "decimal_places": 2}


# --- Favourites ----------------------------------------------------------------------------------------------


# Each saved listing's ready photos (for its thumbnail), in one query for a whole page.
_READY_PHOTOS = Prefetch("listing__photos", queryset=ready_photos_prefetch().queryset, to_attr="ready_photos")


class FavouriteOut(serializers.Serializer):
    id = serializers.IntegerField()
    listing = ListingItemOut()
    created_at = IsoDateTimeField()


class ListingFavouriteView(APIView):
    """Save (POST: 201 the first time, 200 after) or unsave (DELETE: 204) a public listing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: FavouriteOut, 201: FavouriteOut})
    def post(self, request: Request, pk: int) -> Response:
        listing = listing_get(pk=pk, user=request.user)
        favourite, created = services.favourite_add(listing=listing, user=request.user)  # type: ignore[arg-type]
        favourite = (
            selectors.favourites_for(user=request.user)  # type: ignore[arg-type]
            .prefetch_related(_READY_PHOTOS)
            .get(pk=favourite.pk)
        )
        return Response(FavouriteOut(favourite).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        listing = listing_get(pk=pk, user=request.user)
        services.favourite_remove(listing=listing, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class FavouriteListView(APIView):
    """The caller's saved listings that are public now, newest saved first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="favourites_list", responses={200: paginated(FavouriteOut, "PaginatedFavouriteList")})
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.favourites_for(user=request.user).prefetch_related(_READY_PHOTOS),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response(FavouriteOut(rows, many=True).data)


# --- Offers --------------------------------------------------------------------------------------------------


class OfferOut(serializers.Serializer):
    """An offer as its buyer or the listing's seller side (`request` in the context) sees it."""

    id = serializers.IntegerField()
    listing = ListingBriefOut()
    buyer = DisplayNameOut()
    role = serializers.SerializerMethodField()
    price_dkk = serializers.DecimalField(**PRICE)
    counter_price_dkk = serializers.DecimalField(**PRICE, allow_null=True)
    status = serializers.ChoiceField(
        choices=["pending", "countered", "accepted", "declined", "expired"],
        source="effective_status",
        help_text="An open offer past `expires_at` reads `expired`.",
    )
    expires_at = IsoDateTimeField()
    created_at = IsoDateTimeField()
    reservation = serializers.IntegerField(source="reservation_id", allow_null=True)

    @extend_schema_field(ROLE)
    def get_role(self, offer: Offer) -> str:
        return "buyer" if offer.buyer_id == self.context["request"].user.pk else "seller"


class OfferIn(serializers.Serializer):
    price_dkk = serializers.DecimalField(**PRICE, help_text='Kroner, a decimal point: "250" or "249.50".')


def _offer_out(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    offer = selectors.offer_get(pk=pk, user=request.user)  # type: ignore[arg-type]
    return Response(OfferOut(offer, context={"request": request}).data, status=code)


class ListingOfferView(APIView):
    """Make an offer below the asking price of an active listing for sale."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=OfferIn, responses={201: OfferOut})
    def post(self, request: Request, pk: int) -> Response:
        listing = listing_get(pk=pk, user=request.user)
        data = OfferIn(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_create(
            listing=listing,
            buyer=request.user,  # type: ignore[arg-type]
            price_dkk=data.validated_data["price_dkk"],
        )
        return _offer_out(request, offer.pk, status.HTTP_201_CREATED)


class OfferListView(APIView):
    """Offers the caller made and offers on listings they sell, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="offers_list", responses={200: paginated(OfferOut, "PaginatedOfferList")})
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        rows = paginator.paginate(
            selectors.offers_for(user=request.user),  # type: ignore[arg-type]
            request,
            fields=("created_at", "id"),
            descending=True,
        )
        return paginator.get_paginated_response(OfferOut(rows, many=True, context={"request": request}).data)


class OfferActionView(APIView):
    """accept · decline · counter (`{price_dkk}`)."""

    permission_classes = [IsAuthenticated]
    action: str = ""

    @extend_schema(request=OfferIn, responses={200: OfferOut})
    def post(self, request: Request, pk: int) -> Response:
        offer = selectors.offer_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        if self.action == "counter":
            data = OfferIn(data=request.data)
            data.is_valid(raise_exception=True)
            services.offer_counter(offer=offer, actor=request.user, price_dkk=data.validated_data["price_dkk"])  # type: ignore[arg-type]
        elif self.action == "accept":
            services.offer_accept(offer=offer, actor=request.user)  # type: ignore[arg-type]
        else:
            services.offer_decline(offer=offer, actor=request.user)  # type: ignore[arg-type]
        return _offer_out(request, pk)


# --- Profiles and ratings ------------------------------------------------------------------------------------


class RatingOut(serializers.Serializer):
    id = serializers.IntegerField()
    stars = serializers.IntegerField()
    text = serializers.CharField()
    side = serializers.ChoiceField(choices=RatingSide.choices, help_text="The side of who rated.")
    rater = serializers.SerializerMethodField()
    created_at = IsoDateTimeField()

    @extend_schema_field(DisplayNameOut)
    def get_rater(self, rating: Rating) -> dict[str, str]:
        return {"display_name": selectors.rating_rater_name(rating)}


class RatingSummaryOut(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)


class ProfileOut(serializers.Serializer):
    """What anybody may read about a person: no email, no area, nothing private; never what they donated."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()
    member_since = IsoDateTimeField(source="date_joined")
    listings = ListingItemOut(many=True)
    rating = RatingSummaryOut()
    ratings = RatingOut(many=True)


class ProfileView(APIView):
    """A person's public profile: name, since when, public listings, ratings received."""

    permission_classes: list[Any] = []

    @extend_schema(responses={200: ProfileOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProfileOut(selectors.profile_public(pk=pk)).data)


class RatingIn(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=RATING_TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class ReservationRatingView(APIView):
    """After a completed hand-over each side rates the other once (409 the second time)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RatingIn, responses={201: RatingOut})
    def post(self, request: Request, pk: int) -> Response:
        reservation = selectors.reservation_get(pk=pk, user=request.user)  # type: ignore[arg-type]
        data = RatingIn(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.rating_create(reservation=reservation, rater=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(RatingOut(rating).data, status=status.HTTP_201_CREATED)


class RatingReportIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RatingReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(source="rating_id")
    reason = serializers.CharField()
    status = serializers.CharField()


class RatingReportView(APIView):
    """Report a rating's text as abusive (the moderators' Reports queue). Not your own rating."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RatingReportIn, responses={201: RatingReportOut})
    def post(self, request: Request, pk: int) -> Response:
        rating = Rating.objects.select_related("reservation").filter(pk=pk).first()
        if rating is None:
            raise NotFound(_("No such rating."))
        if rating.rater_id == request.user.pk:
            raise NotAllowed(_("You cannot report your own rating."))
        data = RatingReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.rating_report(rating=rating, reporter=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(RatingReportOut(report).data, status=status.HTTP_201_CREATED)
