"""Photos: upload to a listing, read and delete one photo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput, NotFound
from core.keyset import MAX_ID
from listings import photos
from listings.models import Photo
from listings.selectors import photo_public_variants, photo_visible

from .outputs import PhotoVariantOut

# Room for the multipart boundaries and headers around the files themselves.
MULTIPART_OVERHEAD = 64 * 1024
# How many photos one upload request may carry (`file` repeated); each is still at most PHOTO_MAX_BYTES.
PHOTOS_PER_REQUEST = 5


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams uploads to a temporary file (never memory) and stops as soon as one file passes PHOTO_MAX_BYTES or
    the files together pass PHOTOS_PER_REQUEST of them, whatever Content-Length said."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_bytes = settings.PHOTO_MAX_BYTES
        self.max_total = settings.PHOTO_MAX_BYTES * PHOTOS_PER_REQUEST
        self.received = 0
        self.file_received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.file_received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        self.file_received += len(raw_data)
        if self.file_received > self.max_bytes or self.received > self.max_total:
            self.file.close()  # a NamedTemporaryFile: closing removes it
            raise photos.PhotoTooLarge()
        return super().receive_data_chunk(raw_data, start)


class PhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    failure_reason = serializers.SerializerMethodField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    blurhash = serializers.CharField()
    variants = serializers.SerializerMethodField()

    def get_failure_reason(self, photo: Photo) -> str:
        # Stored untranslated; shown in the reader's language.
        return gettext(photo.failure_reason) if photo.failure_reason else ""

    @extend_schema_field(serializers.DictField(child=PhotoVariantOut()))
    def get_variants(self, photo: Photo) -> dict[str, Any]:
        return photo_public_variants(photo) if photo.status == "ready" else {}


class PhotoRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class PhotoUploadOut(PhotoRefOut):
    photos = PhotoRefOut(many=True)


class ListingPhotoUploadView(APIView):
    parser_classes = [MultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything (even a CSRF check) reads the body: stream to disk with a hard size limit.
        request.upload_handlers = [LimitedTemporaryFileUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PHOTO_MAX_BYTES * PHOTOS_PER_REQUEST + MULTIPART_OVERHEAD:
            raise photos.PhotoTooLarge()  # refused before a byte of the body is read
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request=inline_serializer("PhotoUploadIn", {"file": serializers.ListField(child=serializers.FileField())}),
        responses={201: PhotoUploadOut},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        """One photo (`file`), or several at once (`file` repeated, at most PHOTOS_PER_REQUEST; all or none). The
        answer names the first photo (`id`, `status`) and lists them all (`photos`), in upload order."""
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        files = request.FILES.getlist("file")
        if not files:
            message = photos.missing_file_message()
            raise InvalidInput(message, errors={"file": [message]})
        if len(files) > PHOTOS_PER_REQUEST:
            message = gettext("Upload at most %(count)d photos at a time.") % {"count": PHOTOS_PER_REQUEST}
            raise InvalidInput(message, errors={"file": [message]})
        if len(files) == 1:
            created = [photos.photo_upload(listing_id=listing_id, user=request.user, file=files[0])]  # type: ignore[arg-type]
        else:
            created = photos.photos_upload_many(listing_id=listing_id, user=request.user, files=files)  # type: ignore[arg-type]
        rows = [{"id": photo.pk, "status": photo.status} for photo in created]
        return Response({**rows[0], "photos": rows}, status=status.HTTP_201_CREATED)


class PhotoOrderIn(serializers.Serializer):
    photos = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=100)


class PhotoOrderOut(serializers.Serializer):
    photos = serializers.ListField(child=serializers.IntegerField())


class ListingPhotoOrderView(APIView):
    """The order of a listing's photos; the first is the cover."""

    @extend_schema(request=PhotoOrderIn, responses={200: PhotoOrderOut})
    def put(self, request: Request, listing_id: int) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        data = PhotoOrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        ordered = photos.photos_reorder(
            listing_id=listing_id,
            user=request.user,  # type: ignore[arg-type]
            photo_ids=data.validated_data["photos"],
        )
        return Response({"photos": [photo.pk for photo in ordered]})


class PhotoCoverView(APIView):
    """Make a photo its listing's cover (first; the others keep their order)."""

    @extend_schema(request=None, responses={200: PhotoOrderOut})
    def post(self, request: Request, photo_id: int) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        ordered = photos.photo_make_cover(photo_id=photo_id, user=request.user)  # type: ignore[arg-type]
        return Response({"photos": [photo.pk for photo in ordered]})


class PhotoDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: PhotoOut})
    def get(self, request: Request, photo_id: int) -> Response:
        photo = photo_visible(photo_id=photo_id, user=request.user)
        if photo is None:
            raise NotFound()
        return Response(PhotoOut(photo).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, photo_id: int) -> Response:
        photos.photo_delete(photo_id=photo_id, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
