"""Workshops: the list, applying to register one, the profile with impact, inviting members, categories.

Who sees a workshop is `accounts.selectors.workshops_visible_to` (verified ones for everybody; an unverified one
for its members and moderators): the list, the profile and every action below go through it, so a workshop
someone may not see answers 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import invitations, services
from accounts.models import Role, Workshop, cvr_validator
from accounts.selectors import workshop_get, workshops_visible_to
from api.pagination import CursorPagination
from api.repairs import ImpactOut
from api.schema import paginated
from impact.selectors import impact_summary
from listings.selectors import category_leaves_named


class WorkshopOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    verified = serializers.BooleanField()
    categories = serializers.SerializerMethodField()

    def get_categories(self, workshop: Workshop) -> list[str]:
        return sorted(c.slug for c in workshop.categories.all())


class WorkshopDetailOut(WorkshopOut):
    cvr = serializers.CharField()
    address = serializers.CharField()
    description = serializers.CharField()
    opening_hours = serializers.CharField()
    dropoff_instructions = serializers.CharField()
    created_at = serializers.DateTimeField()
    verified_at = serializers.DateTimeField(allow_null=True)
    member_count = serializers.SerializerMethodField()
    impact = serializers.SerializerMethodField()

    def get_member_count(self, workshop: Workshop) -> int:
        return workshop.memberships.count()

    @extend_schema_field(ImpactOut)
    def get_impact(self, workshop: Workshop) -> dict[str, Any]:
        return ImpactOut(impact_summary(workshop=workshop)).data


class WorkshopIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    cvr = serializers.CharField(max_length=8, validators=[cvr_validator])
    address = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    categories = serializers.ListField(child=serializers.SlugField(), required=False, default=list)


class WorkshopPatchIn(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    address = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    categories = serializers.ListField(child=serializers.SlugField(), required=False)
    opening_hours = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    dropoff_instructions = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WorkshopListView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(operation_id="v1_workshops_list", responses={200: paginated(WorkshopOut, "PaginatedWorkshopList")})
    def get(self, request: Request) -> Response:
        paginator = CursorPagination()
        workshops = workshops_visible_to(user=request.user).prefetch_related("categories")
        page = paginator.paginate_queryset(workshops, request, view=self)
        return paginator.get_paginated_response(WorkshopOut(page, many=True).data)

    @extend_schema(request=WorkshopIn, responses={201: WorkshopDetailOut})
    def post(self, request: Request) -> Response:
        data = WorkshopIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {**data.validated_data, "categories": category_leaves_named(data.validated_data.get("categories", ()))}
        workshop = services.workshop_create(owner=request.user, **fields)  # type: ignore[arg-type]
        workshop = workshop_get(user=request.user, slug=workshop.slug)
        return Response(WorkshopDetailOut(workshop).data, status=status.HTTP_201_CREATED)


class WorkshopDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: WorkshopDetailOut})
    def get(self, request: Request, slug: str) -> Response:
        return Response(WorkshopDetailOut(workshop_get(user=request.user, slug=slug)).data)

    @extend_schema(request=WorkshopPatchIn, responses={200: WorkshopDetailOut})
    def patch(self, request: Request, slug: str) -> Response:
        """The owner changes the profile and sets the categories the workshop handles."""
        data = WorkshopPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "categories" in fields:
            fields["categories"] = category_leaves_named(fields["categories"])
        workshop = workshop_get(user=request.user, slug=slug)
        services.workshop_update(workshop=workshop, actor=request.user, **fields)  # type: ignore[arg-type]
        return Response(WorkshopDetailOut(workshop_get(user=request.user, slug=slug)).data)


class InviteIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.STAFF)


class InvitationSentOut(serializers.Serializer):
    """The same answer whether or not the address has an account: nothing about the person."""

    workshop = serializers.CharField(source="workshop.slug")
    email = serializers.EmailField()
    role = serializers.CharField()
    expires_at = serializers.DateTimeField()


class WorkshopMemberView(APIView):
    """An owner of a verified workshop invites a person by email; they join when they accept the mailed link."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_scope = "invite"

    @extend_schema(request=InviteIn, responses={202: InvitationSentOut})
    def post(self, request: Request, slug: str) -> Response:
        data = InviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        sent = invitations.workshop_invite(
            workshop=workshop_get(user=request.user, slug=slug),
            actor=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(InvitationSentOut(sent.invitation).data, status=status.HTTP_202_ACCEPTED)
