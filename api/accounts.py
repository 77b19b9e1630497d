"""Accounts: register, token, me. (The caller's data export: `api/privacy.py`.)"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Language, User
from core.errors import InvalidInput
from privacy import services as privacy_services


class MembershipOut(serializers.Serializer):
    slug = serializers.CharField(source="workshop.slug")
    name = serializers.CharField(source="workshop.name")
    role = serializers.CharField()
    verified = serializers.BooleanField(source="workshop.verified")


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    area = serializers.CharField()
    date_joined = serializers.DateTimeField()


class MeOut(UserOut):
    workshops = serializers.SerializerMethodField()
    is_moderator = serializers.BooleanField(source="is_staff")

    def get_workshops(self, user: User) -> list[dict[str, Any]]:
        return MembershipOut(selectors.user_memberships(user=user), many=True).data  # type: ignore[return-value]


class RegisterIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    display_name = serializers.CharField(max_length=80)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DA)
    area = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class RegisterView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "signup"  # counted with the /signup/ page's (core.throttle)

    @extend_schema(request=RegisterIn, responses={201: UserOut})
    def post(self, request: Request) -> Response:
        data = RegisterIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        return Response(UserOut(user).data, status=status.HTTP_201_CREATED)


class TokenIn(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=128)
    rotate = serializers.BooleanField(required=False, default=False)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_scope = "auth"

    @extend_schema(request=TokenIn, responses={200: inline_serializer("TokenOut", {"token": serializers.CharField()})})
    def post(self, request: Request) -> Response:
        data = TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            message = _("The email address or password is wrong.")
            raise InvalidInput(message, errors={"non_field_errors": [message]})
        token = services.user_token(user=user, rotate=data.validated_data["rotate"])  # type: ignore[arg-type]
        return Response({"token": token.key})


class MeIn(serializers.Serializer):
    display_name = serializers.CharField(max_length=80, required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    area = serializers.CharField(max_length=80, required=False, allow_blank=True)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeOut})
    def get(self, request: Request) -> Response:
        return Response(MeOut(request.user).data)

    @extend_schema(request=MeIn, responses={200: MeOut})
    def patch(self, request: Request) -> Response:
        data = MeIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(MeOut(user).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        privacy_services.user_delete(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
