"""Invitations to join a workshop: read one by its link's token (whoever holds the mailed link), accept or decline
it (only logged in with the invited address). Services: `accounts.invitations`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import invitations


class InvitationWorkshopOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class InvitationOut(serializers.Serializer):
    workshop = InvitationWorkshopOut()
    email = serializers.EmailField()
    role = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "accepted", "declined", "expired"])
    expires_at = serializers.DateTimeField()


class MembershipJoinedOut(serializers.Serializer):
    workshop = InvitationWorkshopOut()
    role = serializers.CharField()


class InvitationDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: InvitationOut})
    def get(self, request: Request, token: str) -> Response:
        return Response(InvitationOut(invitations.invitation_get(token=token)).data)


class InvitationAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: MembershipJoinedOut})
    def post(self, request: Request, token: str) -> Response:
        membership = invitations.invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
        return Response(MembershipJoinedOut(membership).data)


class InvitationDeclineView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: InvitationOut})
    def post(self, request: Request, token: str) -> Response:
        invitation = invitations.invitation_decline(token=token, user=request.user)  # type: ignore[arg-type]
        return Response(InvitationOut(invitation).data)
