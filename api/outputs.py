"""Output pieces several endpoints share: a time field, references to a workshop and a person, a listing's
provenance. Each endpoint module keeps its own output serializers; these are the parts they have in common."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.DATETIME)
class IsoDateTimeField(serializers.Field):
    """A time as `datetime.isoformat()` writes it — in UTC as the database holds it, "…+00:00" — which is how the
    listing and trade endpoints have always answered. (DRF's `DateTimeField` would move it to the current time
    zone.) A selector that already wrote the string (`listing_provenance`) hands it over as it is."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: datetime | str) -> str:
        return value if isinstance(value, str) else value.isoformat()


class WorkshopRefOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class DisplayNameOut(serializers.Serializer):
    """A person as others see them: a display name (empty where they are not to be named)."""

    display_name = serializers.CharField()


class PhotoVariantOut(serializers.Serializer):
    """One public derivative of a photo (`listings.selectors.photo_public_variants`)."""

    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ProvenanceStepOut(serializers.Serializer):
    status = serializers.CharField()
    at = IsoDateTimeField()


class ProvenanceOut(serializers.Serializer):
    """Where an upcycled listing came from (`repairs.selectors.listing_provenance`): never the donor's name."""

    job = serializers.IntegerField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    donor_area = serializers.CharField()
    workshop = WorkshopRefOut(allow_null=True)
    outcome = serializers.CharField()
    mode = serializers.CharField()
    donated_at = IsoDateTimeField()
    completed_at = IsoDateTimeField(allow_null=True)
    timeline = ProvenanceStepOut(many=True)
