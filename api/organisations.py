"""Organisations (issue 13): register, read, change, invite members. Who sees one is
`accounts.organisations.organisations_visible_to` (its members and moderators): anyone else gets 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import organisations as orgs
from accounts.models import Organisation, OrganisationKind, Role
from api.pagination import CursorPagination
from api.schema import paginated


class OrganisationOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    cvr = serializers.CharField()
    address = serializers.CharField()
    kind = serializers.CharField()
    may_be_named = serializers.BooleanField()
    verified = serializers.BooleanField()
    verified_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    member_count = serializers.SerializerMethodField()

    def get_member_count(self, organisation: Organisation) -> int:
        return organisation.memberships.count()


class OrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    cvr = serializers.CharField(max_length=12)
    address = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    may_be_named = serializers.BooleanField(required=False, default=False)


class OrganisationPatchIn(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    cvr = serializers.CharField(max_length=12, required=False)
    address = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    may_be_named = serializers.BooleanField(required=False)


class OrganisationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="v1_organisations_list",
        responses={200: paginated(OrganisationOut, "PaginatedOrganisationList")},
    )
    def get(self, request: Request) -> Response:
        paginator = CursorPagination()
        page = paginator.paginate_queryset(
            orgs.organisations_visible_to(user=request.user).order_by("-created_at", "-pk"), request, view=self
        )
        return paginator.get_paginated_response(OrganisationOut(page, many=True).data)

    @extend_schema(request=OrganisationIn, responses={201: OrganisationOut})
    def post(self, request: Request) -> Response:
        data = OrganisationIn(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = orgs.organisation_create(owner=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(OrganisationOut(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OrganisationOut})
    def get(self, request: Request, slug: str) -> Response:
        return Response(OrganisationOut(orgs.organisation_get(user=request.user, slug=slug)).data)

    @extend_schema(request=OrganisationPatchIn, responses={200: OrganisationOut})
    def patch(self, request: Request, slug: str) -> Response:
        data = OrganisationPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organisation = orgs.organisation_get(user=request.user, slug=slug)
        orgs.organisation_update(organisation=organisation, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(OrganisationOut(orgs.organisation_get(user=request.user, slug=slug)).data)


class OrganisationInviteIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.STAFF)


class OrganisationInvitationOut(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.slug")
    email = serializers.EmailField()
    role = serializers.CharField()
    expires_at = serializers.DateTimeField()


class OrganisationMemberView(APIView):
    """An owner of a verified organisation invites a person by email; they join when they accept the link."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "invite"

    @extend_schema(request=OrganisationInviteIn, responses={202: OrganisationInvitationOut})
    def post(self, request: Request, slug: str) -> Response:
        data = OrganisationInviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = orgs.organisation_invite(
            organisation=orgs.organisation_get(user=request.user, slug=slug),
            actor=request.user,  # type: ignore[arg-type]
            **data.validated_data,
        )
        return Response(OrganisationInvitationOut(invitation).data, status=status.HTTP_202_ACCEPTED)


class MembershipOut(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.slug")
    role = serializers.CharField()


class OrganisationInvitationAcceptView(APIView):
    """The invited person, logged in with the invited address, joins the organisation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: MembershipOut})
    def post(self, request: Request, token: str) -> Response:
        membership = orgs.organisation_invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
        return Response(MembershipOut(membership).data, status=status.HTTP_201_CREATED)


class OrganisationInvitationDeclinedOut(OrganisationInvitationOut):
    declined_at = serializers.DateTimeField()


class OrganisationInvitationDeclineView(APIView):
    """The invited person, logged in with the invited address, declines; the link stops working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OrganisationInvitationDeclinedOut})
    def post(self, request: Request, token: str) -> Response:
        invitation = orgs.organisation_invitation_decline(token=token, user=request.user)  # type: ignore[arg-type]
        return Response(OrganisationInvitationDeclinedOut(invitation).data)
