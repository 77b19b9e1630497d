"""The category tree."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from listings.models import Category
from listings.selectors import category_tree


class CategoryOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_da = serializers.CharField()
    name_en = serializers.CharField()
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]  # DRF pops declared fields
    lca_key = serializers.CharField()
    ords_category_id = serializers.IntegerField(allow_null=True)
    powered = serializers.BooleanField()
    weight_kg = serializers.DecimalField(max_digits=8, decimal_places=3)
    footprint_kg_co2e = serializers.DecimalField(max_digits=10, decimal_places=3)
    needs_data_wipe = serializers.BooleanField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent(self, category: Category) -> str | None:
        return category.parent.slug if category.parent else None


class CategoryListView(APIView):
    """All categories, parents before their children; `parent` is the parent's slug (null for a root)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: CategoryOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(CategoryOut(category_tree(), many=True).data)
