"""Workshops: the public list, applying to register one, the profile with impact, members and categories."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import Role, Workshop, WorkshopMembership, cvr_validator
from api.pagination import CursorPagination
from api.repairs import ImpactOut
from api.schema import paginated
from core.errors import NotFound
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


def _workshop(slug: str) -> Workshop:
    workshop = Workshop.objects.filter(slug=slug).prefetch_related("categories").first()
    if workshop is None:
        raise NotFound()
    return workshop


class WorkshopListView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(operation_id="v1_workshops_list", responses={200: paginated(WorkshopOut, "PaginatedWorkshopList")})
    def get(self, request: Request) -> Response:
        paginator = CursorPagination()
        page = paginator.paginate_queryset(Workshop.objects.prefetch_related("categories"), request, view=self)
        return paginator.get_paginated_response(WorkshopOut(page, many=True).data)

    @extend_schema(request=WorkshopIn, responses={201: WorkshopDetailOut})
    def post(self, request: Request) -> Response:
        data = WorkshopIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {**data.validated_data, "categories": category_leaves_named(data.validated_data.get("categories", ()))}
        workshop = services.workshop_create(owner=request.user, **fields)  # type: ignore[arg-type]
        return Response(WorkshopDetailOut(_workshop(workshop.slug)).data, status=status.HTTP_201_CREATED)


class WorkshopDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: WorkshopDetailOut})
    def get(self, request: Request, slug: str) -> Response:
        return Response(WorkshopDetailOut(_workshop(slug)).data)

    @extend_schema(request=WorkshopPatchIn, responses={200: WorkshopDetailOut})
    def patch(self, request: Request, slug: str) -> Response:
        """The owner changes the profile and sets the categories the workshop handles."""
        data = WorkshopPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "categories" in fields:
            fields["categories"] = category_leaves_named(fields["categories"])
        services.workshop_update(workshop=_workshop(slug), actor=request.user, **fields)  # type: ignore[arg-type]
        return Response(WorkshopDetailOut(_workshop(slug)).data)


class MemberIn(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.STAFF)


class MemberOut(serializers.Serializer):
    email = serializers.EmailField(source="user.email")
    display_name = serializers.CharField(source="user.display_name")
    role = serializers.CharField()
    workshop = serializers.CharField(source="workshop.slug")


class WorkshopMemberView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=MemberIn, responses={201: MemberOut})
    def post(self, request: Request, slug: str) -> Response:
        data = MemberIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership: WorkshopMembership = services.workshop_member_add(
            workshop=_workshop(slug),
            actor=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(MemberOut(membership).data, status=status.HTTP_201_CREATED)
