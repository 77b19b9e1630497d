"""Donation batches from organisations (issue 13): offer, add devices (JSON or a CSV body), accept (exactly one
workshop wins), collected, received, the certificate PDF. Who sees a batch is `donations.selectors.batches_visible_to`;
anyone else gets 404, and the chain of custody is only in the answer for `batch_custody_visible`."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.organisations import organisation_get
from accounts.selectors import workshop_get
from api.pagination import CursorPagination
from api.schema import paginated
from core.errors import DomainError, InvalidInput
from donations import selectors, services
from donations.certificate import certificate_filename, certificate_pdf
from donations.models import BatchKind, DonationBatch, MaterialKind


class CsvTooLarge(DomainError):
    status = 413
    code = "file_too_large"
    title = "The file is larger than 5 MB. / Filen er større end 5 MB."


class CsvParser(BaseParser):
    """A `text/csv` body, read as UTF-8 text (the services parse it)."""

    media_type = "text/csv"
    max_bytes = 5_000_000  # 2000 rows are well under 1 MB

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read(self.max_bytes + 1) if stream is not None else b""
        if len(raw) > self.max_bytes:
            raise CsvTooLarge()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = "The file must be UTF-8 text. / Filen skal være UTF-8-tekst."
            raise InvalidInput(message, errors={"file": [message]}, code="invalid_csv") from None


class DeviceIn(serializers.Serializer):
    serial_number = serializers.CharField(max_length=100, allow_blank=True)
    model = serializers.CharField(max_length=100, allow_blank=True)
    category = serializers.CharField(max_length=60)
    has_storage = serializers.BooleanField(default=True)


class LotIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    kg = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BatchIn(serializers.Serializer):
    organisation = serializers.SlugField()
    kind = serializers.ChoiceField(choices=BatchKind.choices)
    title = serializers.CharField(max_length=120)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    # Kept as plain dicts: the service checks every row and reports them all by number.
    devices = serializers.ListField(child=serializers.DictField(), required=False, default=list, max_length=2000)
    lots = serializers.ListField(child=serializers.DictField(), required=False, default=list, max_length=100)


class DevicesIn(serializers.Serializer):
    devices = serializers.ListField(child=serializers.DictField(), max_length=2000)


class DeviceOut(serializers.Serializer):
    serial_number = serializers.CharField()
    model = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    has_storage = serializers.BooleanField()
    job = serializers.IntegerField(source="job_id", allow_null=True)
    job_status = serializers.SerializerMethodField()

    def get_job_status(self, device: Any) -> str | None:
        return device.job.status if device.job_id else None


class LotOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kg = serializers.DecimalField(max_digits=9, decimal_places=2)
    description = serializers.CharField()
    used = serializers.SerializerMethodField()

    def get_used(self, lot: Any) -> bool:
        return lot.used_at is not None


class CustodyStepOut(serializers.Serializer):
    step = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    workshop = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_by(self, step: Any) -> str:
        return step.actor.display_name if step.actor else ""

    def get_workshop(self, step: Any) -> str | None:
        return step.workshop.slug if step.workshop else None


class BatchOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.name")
    organisation_slug = serializers.CharField(source="organisation.slug")
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    workshop = serializers.SerializerMethodField()
    device_count = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_workshop(self, batch: DonationBatch) -> str | None:
        return batch.workshop.slug if batch.workshop else None

    def get_device_count(self, batch: DonationBatch) -> int:
        return batch.devices.count()


class BatchDetailOut(BatchOut):
    note = serializers.CharField()
    processed = serializers.SerializerMethodField()
    devices = serializers.SerializerMethodField()
    lots = serializers.SerializerMethodField()
    custody = serializers.SerializerMethodField()
    collected_at = serializers.DateTimeField(allow_null=True)
    collected_by = serializers.CharField()
    signed_for_by = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    certificate_code = serializers.SerializerMethodField()

    def get_processed(self, batch: DonationBatch) -> bool:
        return selectors.batch_processed(batch=batch)

    @extend_schema_field(DeviceOut(many=True))
    def get_devices(self, batch: DonationBatch) -> list[dict[str, Any]]:
        return list(DeviceOut(batch.devices.select_related("category", "job"), many=True).data)

    @extend_schema_field(LotOut(many=True))
    def get_lots(self, batch: DonationBatch) -> list[dict[str, Any]]:
        return list(LotOut(batch.lots.all(), many=True).data)

    def _party(self, batch: DonationBatch) -> bool:
        return selectors.batch_custody_visible(user=self.context["request"].user, batch=batch)

    @extend_schema_field(CustodyStepOut(many=True, allow_null=True))
    def get_custody(self, batch: DonationBatch) -> list[dict[str, Any]] | None:
        if not self._party(batch):
            return None
        return list(CustodyStepOut(selectors.batch_custody(batch=batch), many=True).data)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_certificate_code(self, batch: DonationBatch) -> str | None:
        return batch.certificate_code if self._party(batch) and batch.workshop_id else None


def _detail(request: Request, batch_id: int, code: int = status.HTTP_200_OK) -> Response:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return Response(BatchDetailOut(batch, context={"request": request}).data, status=code)


class BatchListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="v1_donation_batches_list", responses={200: paginated(BatchOut, "PaginatedBatchList")})
    def get(self, request: Request) -> Response:
        paginator = CursorPagination()
        batches = selectors.batches_visible_to(user=request.user)
        if status_filter := request.query_params.get("status"):
            batches = batches.filter(status=status_filter[:12])
        page = paginator.paginate_queryset(batches, request, view=self)
        return paginator.get_paginated_response(BatchOut(page, many=True).data)

    @extend_schema(request=BatchIn, responses={201: BatchDetailOut})
    def post(self, request: Request) -> Response:
        data = BatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = organisation_get(user=request.user, slug=fields.pop("organisation"))
        batch = services.batch_create(organisation=organisation, actor=request.user, **fields)  # type: ignore[arg-type]
        return _detail(request, batch.pk, status.HTTP_201_CREATED)


class BatchDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: BatchDetailOut})
    def get(self, request: Request, batch_id: int) -> Response:
        return _detail(request, batch_id)


class BatchDevicesView(APIView):
    """More devices for an offered batch, as JSON `{devices: [...]}`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DevicesIn, responses={201: BatchDetailOut})
    def post(self, request: Request, batch_id: int) -> Response:
        data = DevicesIn(data=request.data)
        data.is_valid(raise_exception=True)
        batch = selectors.batch_get(user=request.user, batch_id=batch_id)
        services.batch_add_devices(batch=batch, actor=request.user, devices=data.validated_data["devices"])  # type: ignore[arg-type]
        return _detail(request, batch_id, status.HTTP_201_CREATED)


class BatchDevicesCsvView(APIView):
    """Devices from a `text/csv` body: all rows or none, with every bad row reported by its line."""

    permission_classes = [IsAuthenticated]
    parser_classes = [CsvParser]

    @extend_schema(request={"text/csv": OpenApiTypes.STR}, responses={201: BatchDetailOut})
    def post(self, request: Request, batch_id: int) -> Response:
        batch = selectors.batch_get(user=request.user, batch_id=batch_id)
        text = request.data if isinstance(request.data, str) else ""
        services.batch_add_devices_csv(batch=batch, actor=request.user, text=text)  # type: ignore[arg-type]
        return _detail(request, batch_id, status.HTTP_201_CREATED)


class AcceptIn(serializers.Serializer):
    workshop = serializers.SlugField()


class BatchAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AcceptIn, responses={200: BatchDetailOut})
    def post(self, request: Request, batch_id: int) -> Response:
        data = AcceptIn(data=request.data)
        data.is_valid(raise_exception=True)
        batch = selectors.batch_get(user=request.user, batch_id=batch_id, to_accept=True)
        workshop = workshop_get(user=request.user, slug=data.validated_data["workshop"])
        services.batch_accept(batch=batch, workshop=workshop, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, batch_id)


class CollectedIn(serializers.Serializer):
    collected_by = serializers.CharField(max_length=120, allow_blank=True)
    signed_for_by = serializers.CharField(max_length=120, allow_blank=True)
    at = serializers.DateTimeField(required=False, allow_null=True)


class BatchCollectedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CollectedIn, responses={200: BatchDetailOut})
    def post(self, request: Request, batch_id: int) -> Response:
        data = CollectedIn(data=request.data)
        data.is_valid(raise_exception=True)
        batch = selectors.batch_get(user=request.user, batch_id=batch_id)
        services.batch_collected(batch=batch, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, batch_id)


class BatchReceivedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: BatchDetailOut})
    def post(self, request: Request, batch_id: int) -> Response:
        batch = selectors.batch_get(user=request.user, batch_id=batch_id)
        services.batch_received(batch=batch, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, batch_id)


class BatchCertificateView(APIView):
    """The batch certificate as PDF: for the organisation's and the accepting workshop's members."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, batch_id: int) -> HttpResponse:
        batch = selectors.batch_get(user=request.user, batch_id=batch_id)
        certificate = selectors.batch_certificate_for(user=request.user, batch=batch)
        response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{certificate_filename(batch)}"'
        return response


class LotUseIn(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)


class LotUseView(APIView):
    """A member of the accepting workshop records that one of their listings is made from a lot: the listing's page
    says so, and the lot's kg count in the impact figures."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=LotUseIn, responses={200: LotOut})
    def post(self, request: Request, batch_id: int, lot_id: int) -> Response:
        data = LotUseIn(data=request.data)
        data.is_valid(raise_exception=True)
        batch = selectors.batch_get(user=request.user, batch_id=batch_id)
        lot = selectors.batch_lot(batch=batch, lot_id=lot_id)
        listing = selectors.own_listing(user=request.user, listing_id=data.validated_data["listing"])
        lot = services.lot_use(lot=lot, listing=listing, actor=request.user)  # type: ignore[arg-type]
        return Response(LotOut(lot).data)
