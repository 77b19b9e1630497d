"""Repair jobs: the job board, the lifecycle (claim exactly once, release, start, complete), work logs, data
wipes and their certificate, publishing the result; impact figures and the ORDS open-data export."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import workshop_get, workshops_visible_to
from api.keyset import KeysetPagination
from api.outputs import DisplayNameOut, IsoDateTimeField, ProvenanceOut, WorkshopRefOut
from api.pagination import CursorPagination
from api.renderers import PdfRenderer
from api.schema import paginated
from core.errors import InvalidInput, NotAllowed
from impact.report import report_pdf, report_period
from impact.selectors import impact_summary
from listings.models import Condition, Listing
from listings.selectors import listing_visible_to
from marketplace import selectors as trade_selectors
from marketplace import services as trade_services
from marketplace.models import MESSAGE_MAX_LENGTH, Message
from repairs import ords, returns, selectors, services
from repairs.certificate import certificate_for, certificate_pdf
from repairs.errors import JobNotFound
from repairs.models import (
    Barrier,
    DataWipe,
    JobStatus,
    NistLevel,
    Outcome,
    RepairJob,
    WipeResult,
    WipeTechnique,
    WorkLog,
)

# --- output -----------------------------------------------------------------------------------------------------


class JobListingOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    area = serializers.CharField()


class QuoteOut(serializers.Serializer):
    status = serializers.CharField(source="quote_status", help_text='"sent" (awaiting the answer) or "accepted".')
    price_dkk = serializers.DecimalField(source="quote_price_dkk", max_digits=9, decimal_places=2)
    parts_dkk = serializers.DecimalField(source="quote_parts_dkk", max_digits=9, decimal_places=2, allow_null=True)
    estimate_days = serializers.IntegerField(source="quote_estimate_days")
    note = serializers.CharField(source="quote_note")
    quoted_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(source="quote_answered_at", allow_null=True)


class JobOut(serializers.Serializer):
    id = serializers.IntegerField()
    listing = JobListingOut(allow_null=True)
    status = serializers.CharField()
    repair_mode = serializers.CharField(source="mode")
    fault_description = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    category_name = serializers.CharField(source="category.name")
    needs_data_wipe = serializers.BooleanField(source="category.needs_data_wipe")
    brand = serializers.CharField()
    workshop = WorkshopRefOut(allow_null=True)
    outcome = serializers.CharField()
    barrier = serializers.CharField()
    no_storage = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    claimed_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    quote = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField(allow_null=True)
    handed_back_at = serializers.DateTimeField(allow_null=True)
    paid_dkk = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)

    @extend_schema_field(QuoteOut(allow_null=True))
    def get_quote(self, job: RepairJob) -> dict[str, Any] | None:
        """The quote of a "repair and hand back" job (null before one is sent, and after a decline)."""
        return QuoteOut(job).data if job.quote_status else None


class EventOut(serializers.Serializer):
    """A `repairs.selectors.EventEntry`: names and notes only where the viewer may read them."""

    from_status = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()
    workshop = WorkshopRefOut(allow_null=True)
    actor = serializers.CharField(allow_null=True)
    step = serializers.CharField(help_text="quoted, quote_accepted, quote_declined, received, handed_back or empty")


class WorkLogOut(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.CharField(source="member.display_name", allow_null=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    date = serializers.DateField()
    note = serializers.CharField()


class DataWipeOut(serializers.Serializer):
    id = serializers.IntegerField()
    serial_number = serializers.CharField()
    model = serializers.CharField()
    size_gb = serializers.DecimalField(max_digits=10, decimal_places=1)
    nist_level = serializers.CharField()
    technique = serializers.CharField()
    tool = serializers.CharField()
    verified = serializers.BooleanField()
    result = serializers.CharField()
    operator = serializers.CharField(source="operator.display_name", allow_null=True)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()


class JobDetailOut(JobOut):
    """A job with its history as the viewer may see it: pass `context={"history": job_history_visible_to(…)}`."""

    notes = serializers.CharField()
    events = serializers.SerializerMethodField()
    work_logs = serializers.SerializerMethodField()
    data_wipes = serializers.SerializerMethodField()
    data_wipe_satisfied = serializers.SerializerMethodField()
    published_listing = serializers.SerializerMethodField()

    @extend_schema_field(EventOut(many=True))
    def get_events(self, job: RepairJob) -> Any:
        return EventOut(self.context["history"].events, many=True).data

    @extend_schema_field(WorkLogOut(many=True))
    def get_work_logs(self, job: RepairJob) -> Any:
        return WorkLogOut(self.context["history"].work_logs, many=True).data

    @extend_schema_field(DataWipeOut(many=True))
    def get_data_wipes(self, job: RepairJob) -> Any:
        return DataWipeOut(self.context["history"].data_wipes, many=True).data

    def get_data_wipe_satisfied(self, job: RepairJob) -> bool:
        return services.job_wipe_satisfied(job=job)

    def get_published_listing(self, job: RepairJob) -> int | None:
        """The listing made from this job, if the viewer may see it (`listings.selectors.listing_visible_to`): a
        workshop draft waiting for its photo is its workshop's only — the donor sees it once it is on sale."""
        listing = Listing.objects.filter(source_job=job).first()
        user = self.context.get("user")
        if listing is None or (user is not None and not listing_visible_to(listing=listing, user=user)):
            return None
        return listing.pk


def _detail(request: Request, job_id: int) -> Response:
    job = selectors.job_get(user=request.user, job_id=job_id, detail=True)
    history = selectors.job_history_visible_to(job=job, user=request.user)
    return Response(JobDetailOut(job, context={"history": history, "user": request.user}).data)


# --- the board and one job ----------------------------------------------------------------------------------------


class JobFilterIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobStatus.choices, required=False)
    category = serializers.SlugField(required=False)
    workshop = serializers.SlugField(required=False)
    mine = serializers.BooleanField(required=False, default=False)


class JobListView(APIView):
    """Workshop members: open jobs in their verified workshops' categories plus their workshops' jobs.
    Residents: the jobs of the items they donated. Newest first, cursor-paginated."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="v1_repair_jobs_list",
        parameters=[JobFilterIn],
        responses={200: paginated(JobOut, "PaginatedJobList")},
    )
    def get(self, request: Request) -> Response:
        filters = JobFilterIn(data=request.query_params)
        filters.is_valid(raise_exception=True)
        jobs = selectors.job_list(user=request.user, **filters.validated_data)
        paginator = CursorPagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        return paginator.get_paginated_response(JobOut(page, many=True).data)


class JobDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: JobDetailOut})
    def get(self, request: Request, job_id: int) -> Response:
        return _detail(request, job_id)


# --- lifecycle ----------------------------------------------------------------------------------------------------


class ClaimIn(serializers.Serializer):
    workshop = serializers.SlugField()


class ClaimView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ClaimIn, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = ClaimIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id, to_claim=True)
        workshop = workshops_visible_to(user=request.user).filter(slug=data.validated_data["workshop"]).first()
        if workshop is None:
            message = _("There is no workshop with that name.")
            raise InvalidInput(message, errors={"workshop": [message]})
        services.job_claim(job=job, workshop=workshop, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, job_id)


class ReleaseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReleaseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReleaseIn, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = ReleaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id)
        services.job_release(job=job, actor=request.user, reason=data.validated_data["reason"])  # type: ignore[arg-type]
        return _detail(request, job_id)


class StartView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get(user=request.user, job_id=job_id)
        services.job_start(job=job, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, job_id)


class CompleteIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    barrier = serializers.ChoiceField(choices=Barrier.choices, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CompleteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CompleteIn, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = CompleteIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id)
        services.job_complete(job=job, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, job_id)


class NoStorageView(APIView):
    """Record that the item holds no storage, so no data wipe is owed (IT categories)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get(user=request.user, job_id=job_id)
        services.job_mark_no_storage(job=job, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, job_id)


# --- repair and hand back: quote, answer, received, handed back ----------------------------------------------------


class QuoteIn(serializers.Serializer):
    # Amounts are checked by `repairs.returns.money_checked` (0 … 100000, two decimals); "299.50" or a number.
    price_dkk = serializers.DecimalField(max_digits=9, decimal_places=2)
    parts_dkk = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    estimate_days = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class QuoteView(APIView):
    """The claiming workshop sends its quote on a "repair and hand back" job."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=QuoteIn, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = QuoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id)
        returns.job_quote(job=job, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, job_id)


class QuoteAcceptView(APIView):
    """The resident accepts the quote (409 when it is no longer waiting for an answer)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get(user=request.user, job_id=job_id)
        returns.job_quote_accept(job=job, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, job_id)


class QuoteDeclineView(APIView):
    """The resident declines the quote: the job is released (open again, no workshop)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get(user=request.user, job_id=job_id)
        returns.job_quote_decline(job=job, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, job_id)


class ReceivedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.job_get(user=request.user, job_id=job_id)
        returns.job_receive(job=job, actor=request.user)  # type: ignore[arg-type]
        return _detail(request, job_id)


class HandedBackIn(serializers.Serializer):
    paid_dkk = serializers.DecimalField(max_digits=9, decimal_places=2)


class HandedBackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=HandedBackIn, responses={200: JobDetailOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = HandedBackIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id)
        returns.job_hand_back(job=job, actor=request.user, paid_dkk=data.validated_data["paid_dkk"])  # type: ignore[arg-type]
        return _detail(request, job_id)


# --- work logs, data wipes, certificate ---------------------------------------------------------------------------


class WorkLogIn(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class WorkLogCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=WorkLogIn, responses={201: WorkLogOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = WorkLogIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id)
        log: WorkLog = services.worklog_create(job=job, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(WorkLogOut(log).data, status=status.HTTP_201_CREATED)


class DataWipeIn(serializers.Serializer):
    serial_number = serializers.CharField(max_length=100)
    model = serializers.CharField(max_length=100)
    size_gb = serializers.DecimalField(max_digits=10, decimal_places=1, min_value=0)  # type: ignore[arg-type]
    nist_level = serializers.ChoiceField(choices=NistLevel.choices)
    technique = serializers.ChoiceField(choices=WipeTechnique.choices)
    tool = serializers.CharField(max_length=120)
    verified = serializers.BooleanField()
    result = serializers.ChoiceField(choices=WipeResult.choices)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()


class DataWipeCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=DataWipeIn, responses={201: DataWipeOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = DataWipeIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id)
        wipe: DataWipe = services.datawipe_create(job=job, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(DataWipeOut(wipe).data, status=status.HTTP_201_CREATED)


def _certificate(request: Request, job_id: int) -> Any:
    job = selectors.job_get(user=request.user, job_id=job_id, detail=True)
    if not selectors.user_may_view_certificate(user=request.user, job=job):
        raise JobNotFound()
    return certificate_for(job=job, user=request.user)


class CertificateView(APIView):
    """A printable data-erasure certificate (HTML, Danish and English) for the donor and the workshop."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "text/html"): OpenApiTypes.STR})
    def get(self, request: Request, job_id: int) -> HttpResponse:
        certificate = _certificate(request, job_id)
        html = render_to_string(
            "repairs/certificate.html",
            {
                "job": certificate.job,
                "wipes": certificate.wipes,
                "satisfied": certificate.satisfied,
                "issued_at": certificate.issued_at,
                "ready": certificate.ready,
            },
        )
        return HttpResponse(html, content_type="text/html; charset=utf-8")


class CertificatePdfView(APIView):
    """The data-erasure certificate as a PDF: the same content as the HTML page, for the same people; 409
    `certificate_not_ready` until the workshop has recorded a wipe or that the item has no storage."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (409, "application/problem+json"): {"$ref": "#/components/schemas/Problem"},  # certificate_not_ready
        }
    )
    def get(self, request: Request, job_id: int) -> HttpResponse:
        data = certificate_pdf(_certificate(request, job_id))
        response = HttpResponse(data, content_type=PdfRenderer.media_type)
        response["Content-Disposition"] = f'inline; filename="kredslob-certificate-{job_id}.pdf"'
        return response


# --- the donor and the workshop talking about the job -------------------------------------------------------------


class JobMessageOut(serializers.Serializer):
    """One message of a job's conversation as a party reads it: `side` says who wrote it ("donor" or
    "workshop"); a workshop member signs with their name, the donor never (as on the job's timeline)."""

    id = serializers.IntegerField()
    body = serializers.CharField()
    side = serializers.SerializerMethodField()
    sender = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    created_at = IsoDateTimeField()
    read_at = IsoDateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=["donor", "workshop"]))
    def get_side(self, message: Message) -> str:
        return trade_selectors.job_talk_side(job=self.context["job"], message=message)

    @extend_schema_field(DisplayNameOut)
    def get_sender(self, message: Message) -> dict[str, str]:
        if self.get_side(message) == "donor" or message.sender is None:
            return {"display_name": ""}
        return {"display_name": message.sender.display_name}

    def get_mine(self, message: Message) -> bool:
        return bool(message.sender_id is not None and message.sender_id == self.context["request"].user.pk)


class JobMessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)


def _job_for_talk(request: Request, job_id: int) -> RepairJob:
    """The job, if the person may see it (404 otherwise) and talk about it (`job_talk_allowed`; 403 otherwise —
    a workshop that only sees the job on its board, a member of the workshop that released it). The donor of a
    job no workshop holds yet reads an empty conversation."""
    job = selectors.job_get(user=request.user, job_id=job_id)
    if job.workshop_id is None and selectors.job_donor(job=job) == request.user:
        return job
    if not trade_selectors.job_talk_allowed(job=job, user=request.user):  # type: ignore[arg-type]
        raise NotAllowed(_("Only the donor and the workshop repairing the item can write here."), code="not_a_party")
    return job


class JobMessagesView(APIView):
    """The conversation between a job's donor and the workshop that holds it, oldest first. Reading it marks the
    other side's messages read; writing opens it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="repair_job_messages_list", responses={200: paginated(JobMessageOut, "PaginatedJobMessageList")}
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = _job_for_talk(request, job_id)
        trade_services.job_messages_mark_read(job=job, reader=request.user)  # type: ignore[arg-type]
        paginator = KeysetPagination()
        rows = paginator.paginate(
            trade_selectors.job_messages(job=job), request, fields=("created_at", "id"), descending=False
        )
        context = {"request": request, "job": job}
        return paginator.get_paginated_response(JobMessageOut(rows, many=True, context=context).data)

    @extend_schema(request=JobMessageIn, responses={201: JobMessageOut})
    def post(self, request: Request, job_id: int) -> Response:
        job = _job_for_talk(request, job_id)
        data = JobMessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = trade_services.job_message_send(
            job=job,
            sender=request.user,  # type: ignore[arg-type]
            body=data.validated_data["body"],
        )
        return Response(
            JobMessageOut(message, context={"request": request, "job": job}).data, status=status.HTTP_201_CREATED
        )


# --- publishing ---------------------------------------------------------------------------------------------------


class PublishIn(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, max_length=5000)
    price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)  # type: ignore[arg-type]
    condition = serializers.ChoiceField(choices=Condition.choices)


class PublishedListingOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField()
    condition = serializers.CharField()
    price_dkk = serializers.DecimalField(max_digits=10, decimal_places=2)
    status = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    area = serializers.CharField()
    workshop = WorkshopRefOut()
    seller = serializers.SerializerMethodField()
    upcycled = serializers.BooleanField()
    provenance = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(DisplayNameOut)
    def get_seller(self, listing: Listing) -> dict[str, str]:
        return {"display_name": listing.seller.display_name}

    @extend_schema_field(ProvenanceOut(allow_null=True))
    def get_provenance(self, listing: Listing) -> dict[str, Any] | None:
        provenance = selectors.listing_provenance(listing=listing)
        return None if provenance is None else ProvenanceOut(provenance).data


class PublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PublishIn, responses={201: PublishedListingOut})
    def post(self, request: Request, job_id: int) -> Response:
        data = PublishIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(user=request.user, job_id=job_id)
        listing = services.job_publish(job=job, actor=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(PublishedListingOut(listing).data, status=status.HTTP_201_CREATED)


# --- impact -------------------------------------------------------------------------------------------------------


class ImpactIn(serializers.Serializer):
    workshop = serializers.SlugField(required=False)
    # `from` is a Python keyword: the query parameters `from` and `to` are read by their names below.
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


def _impact_params(request: Request) -> dict[str, Any]:
    raw = {k: v for k, v in request.query_params.items() if k in ("workshop",)}
    if "from" in request.query_params:
        raw["date_from"] = request.query_params["from"]
    if "to" in request.query_params:
        raw["date_to"] = request.query_params["to"]
    data = ImpactIn(data=raw)
    if not data.is_valid():
        errors = {{"date_from": "from", "date_to": "to"}.get(k, k): [str(m) for m in v] for k, v in data.errors.items()}
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)  # type: ignore[arg-type]
    params = dict(data.validated_data)
    if "workshop" in params:
        workshop = workshops_visible_to(user=request.user).filter(slug=params["workshop"]).first()
        if workshop is None:
            message = _("There is no workshop with that name.")
            raise InvalidInput(message, errors={"workshop": [message]})
        params["workshop"] = workshop
    return params


class ImpactFiguresOut(serializers.Serializer):
    """The figures of `impact.selectors.impact_summary`: kg and hours as JSON numbers, so clients can chart them."""

    jobs_completed = serializers.IntegerField()
    fixed = serializers.IntegerField()
    repairable = serializers.IntegerField()
    end_of_life = serializers.IntegerField()
    items_reused = serializers.IntegerField()
    items_sold = serializers.IntegerField()
    items_given_away = serializers.IntegerField()
    waste_prevented_kg = serializers.FloatField()
    co2e_avoided_kg = serializers.FloatField()
    repair_waste_prevented_kg = serializers.FloatField()
    repair_co2e_avoided_kg = serializers.FloatField()
    reuse_kg = serializers.FloatField()
    reuse_co2e_avoided_kg = serializers.FloatField()
    upcycled_kg = serializers.FloatField(help_text="kg of organisations' surplus materials made into products.")
    hours_worked = serializers.FloatField()
    people_engaged = serializers.IntegerField()


class ImpactCategoryOut(serializers.Serializer):
    category = serializers.CharField(help_text="category slug")
    name_da = serializers.CharField()
    name_en = serializers.CharField()
    jobs_completed = serializers.IntegerField()
    fixed = serializers.IntegerField()
    repairable = serializers.IntegerField()
    end_of_life = serializers.IntegerField()
    waste_prevented_kg = serializers.FloatField()
    co2e_avoided_kg = serializers.FloatField()


class ImpactMonthOut(ImpactFiguresOut):
    month = serializers.CharField(help_text='"YYYY-MM", or "unknown".')


class ImpactOut(ImpactFiguresOut):
    by_month = ImpactMonthOut(many=True)
    # GET /api/v1/impact/ only (not a workshop's page): the jobs per category.
    by_category = ImpactCategoryOut(many=True, required=False)


IMPACT_PARAMETERS = [
    OpenApiParameter("workshop", str, description="workshop slug"),
    OpenApiParameter("from", OpenApiTypes.DATE),
    OpenApiParameter("to", OpenApiTypes.DATE),
]


class ImpactView(APIView):
    """Public impact figures (PRODUCT.md "Impact"), in total or for one workshop, with a monthly breakdown."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=IMPACT_PARAMETERS, responses={200: ImpactOut})
    def get(self, request: Request) -> Response:
        return Response(ImpactOut(impact_summary(**_impact_params(request), details=True)).data)


class ImpactReportView(APIView):
    """The period report (PDF, in the reader's language) for one workshop or the whole platform: the figures of
    `GET /api/v1/impact/` for the same period, with charts and the method."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, PdfRenderer]
    throttle_scope = "impact_report"

    @extend_schema(
        parameters=[
            OpenApiParameter("workshop", str, description="workshop slug (none: the whole platform)"),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        date_from, date_to = report_period(date_from=params.get("from"), date_to=params.get("to"))
        slug = params.get("workshop")
        workshop = workshop_get(user=request.user, slug=slug) if slug else None
        data = report_pdf(workshop=workshop, date_from=date_from, date_to=date_to)
        name = f"kredslob-{workshop.slug if workshop else 'all'}-{date_from.isoformat()}-{date_to.isoformat()}.pdf"
        response = HttpResponse(data, content_type=PdfRenderer.media_type)
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


# --- ORDS open-data export ----------------------------------------------------------------------------------------


class OrdsExportView(APIView):
    """Completed repair records as ORDS v0.3 CSV (open data: no personal data), by completion date."""

    permission_classes = [AllowAny]
    throttle_scope = "ords_export"

    @extend_schema(parameters=IMPACT_PARAMETERS, responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request) -> StreamingHttpResponse:
        params = _impact_params(request)
        lines = ords.ords_csv_cached(
            date_from=params.get("date_from"), date_to=params.get("date_to"), workshop=params.get("workshop")
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kredslob-ords.csv"'
        return response
