"""Writes for listing photos: upload (in the request), process (in the worker), delete, and the sweep.

The request only reads headers (`images.image_probe`) and stores the original privately; the worker
decodes once and writes the derivatives to the public storage under deterministic names.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import User
from marketplace.errors import DomainError, InvalidInput, NotAllowed, NotFound
from marketplace.queue import enqueue

from .images import ImageRejected, image_probe, image_render
from .models import Listing, Photo, PhotoStatus, original_upload_to
from .selectors import listing_managed_by, photo_visible

logger = logging.getLogger(__name__)

REASON_ORIGINAL_MISSING = gettext_noop("The uploaded file is gone. Please upload the photo again.")
REASON_GAVE_UP = gettext_noop("The photo could not be processed after several attempts. Please upload it again.")


def too_large_message() -> str:
    limit_mb = max(1, round(settings.PHOTO_MAX_BYTES / (1024 * 1024)))
    return gettext("The photo is too large. The limit is %(mb)d MB.") % {"mb": limit_mb}


def missing_file_message() -> str:
    return gettext("Choose a photo to upload.")


class PhotoRejected(InvalidInput):
    code = "invalid_image"
    title = _("The file is not a photo we can use.")


class PhotoTooLarge(DomainError):
    status = 413
    code = "too_large"
    title = _("The upload is too large.")

    def __init__(self) -> None:
        super().__init__(too_large_message())


class TooManyPhotos(DomainError):
    code = "too_many_photos"
    title = _("This listing already has as many photos as it can have.")


# Storages are looked up on every use (not bound when the model class is loaded), so configuration and
# test overrides apply.
def public_storage() -> Storage:
    return storages["default"]


def private_storage() -> Storage:
    return storages["private"]


def derivative_name(photo: Photo, variant: str, extension: str) -> str:
    """Deterministic, so processing twice overwrites instead of duplicating. The upload token is random:
    names can't be guessed from ids."""
    return f"photos/{photo.listing_id}/{photo.upload_token}/{variant}.{extension}"


def _listing_for_change(*, listing_id: int, user: User) -> Listing:
    listing = Listing.objects.select_related("workshop").filter(pk=listing_id).first()
    if listing is None:
        raise NotFound()
    if not listing_managed_by(listing=listing, user=user):
        # Those who may see the listing learn they may not change it; for the others it does not exist.
        if listing.is_public or user.is_staff:
            raise NotAllowed(_("Only the seller can add or remove photos of this listing."))
        raise NotFound()
    return listing


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def photo_upload(*, listing_id: int, user: User, file: File) -> Photo:
    """Check an upload from its content (headers only), store the original privately, save the photo
    `pending` and queue its processing after commit. On any rejection nothing is left behind."""
    listing = _listing_for_change(listing_id=listing_id, user=user)
    if file.size is not None and file.size > settings.PHOTO_MAX_BYTES:
        raise PhotoTooLarge()  # the API stops earlier, while streaming; this covers every other caller
    try:
        probe = image_probe(file, max_pixels=settings.PHOTO_MAX_PIXELS)  # type: ignore[arg-type]
    except ImageRejected as exc:
        message = gettext(exc.reason)
        raise PhotoRejected(message, errors={"file": [message]}, code=exc.code) from exc
    sha256 = _sha256(file)

    from .tasks import photo_process as photo_process_task

    storage = private_storage()
    stored_name = ""
    try:
        with transaction.atomic():
            # Lock the listing: concurrent uploads to one listing count photos one after the other.
            locked = Listing.objects.select_for_update().get(pk=listing.pk)
            existing = list(locked.photos.values_list("position", flat=True))
            if len(existing) >= settings.PHOTO_MAX_PER_LISTING:
                raise TooManyPhotos(
                    gettext("A listing can have at most %(count)d photos. Delete one to add another.")
                    % {"count": settings.PHOTO_MAX_PER_LISTING}
                )
            photo = Photo(
                listing=locked,
                position=max(existing, default=-1) + 1,
                upload_token=secrets.token_urlsafe(24),
                original_format=probe.format,
                original_sha256=sha256,
                status=PhotoStatus.PENDING,
            )
            # Through the configured storage (looked up now, not when the model class was loaded).
            stored_name = storage.save(original_upload_to(photo, ""), file)
            photo.original.name = stored_name
            photo.save()
            enqueue(photo_process_task, photo.pk)
    except BaseException:
        if stored_name:
            storage.delete(stored_name)
        raise
    return photo


def _mark_failed(photo_id: int, reason: str) -> None:
    Photo.objects.filter(pk=photo_id, status=PhotoStatus.PENDING).update(
        status=PhotoStatus.FAILED, failure_reason=reason, updated_at=timezone.now()
    )


def photo_process(*, photo_id: int) -> Photo | None:
    """Make the derivatives of a pending photo. Idempotent: a photo that is gone, ready or failed is left
    alone, and derivative names are deterministic. Bad input ends `failed` with a readable reason."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or photo.status != PhotoStatus.PENDING:
        return photo
    # Count the attempt before decoding: a file that crashes the worker (acks_late redelivers it) stops
    # being retried once it has used up its attempts, instead of taking the worker down again and again.
    started = Photo.objects.filter(
        pk=photo.pk, status=PhotoStatus.PENDING, attempts__lt=settings.PHOTO_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not started:
        _mark_failed(photo.pk, REASON_GAVE_UP)
        return Photo.objects.filter(pk=photo_id).first()
    try:
        with private_storage().open(photo.original.name or "", "rb") as original:
            rendered = image_render(original, max_pixels=settings.PHOTO_MAX_PIXELS)  # type: ignore[arg-type]
    except FileNotFoundError:
        _mark_failed(photo.pk, REASON_ORIGINAL_MISSING)
        return Photo.objects.filter(pk=photo_id).first()
    except ImageRejected as exc:
        logger.info("Photo %s failed: %s", photo.pk, exc.code)
        _mark_failed(photo.pk, exc.reason)
        return Photo.objects.filter(pk=photo_id).first()

    storage = public_storage()
    variants: dict[str, dict[str, Any]] = {}
    for variant in rendered.variants:
        name = derivative_name(photo, variant.name, variant.extension)
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(variant.data))
        variants[variant.name] = {
            "name": saved,
            "width": variant.width,
            "height": variant.height,
            "content_type": variant.content_type,
        }
    now = timezone.now()
    updated = Photo.objects.filter(pk=photo.pk, status=PhotoStatus.PENDING).update(
        status=PhotoStatus.READY,
        failure_reason="",
        width=rendered.width,
        height=rendered.height,
        blurhash=rendered.blurhash,
        variants=variants,
        processed_at=now,
        updated_at=now,
    )
    if not updated and not Photo.objects.filter(pk=photo.pk).exists():
        # Deleted while we worked: don't leave its derivatives behind.
        _delete_files(public=[v["name"] for v in variants.values()], private=[])
    return Photo.objects.filter(pk=photo_id).first()


def _delete_files(*, public: list[str], private: list[str]) -> None:
    for storage, names in ((public_storage(), public), (private_storage(), private)):
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete %s", name, exc_info=True)


def photo_delete(*, photo_id: int, user: User) -> None:
    """Delete a photo and, once committed, its original and derivatives. A photo the user may not see (pending
    or failed, or of a listing that is not public) does not exist for them: 404, as for reading it."""
    photo = photo_visible(photo_id=photo_id, user=user)
    if photo is None:
        raise NotFound()
    _listing_for_change(listing_id=photo.listing_id, user=user)
    Photo.objects.filter(pk=photo.pk).delete()  # the files go once committed: photo_files_delete_later


def photo_files_delete_later(*, photo: Photo) -> None:
    """Remove a deleted photo's original and derivatives once the deletion is committed (a rollback keeps them).

    Connected to Photo's post_delete (listings/apps.py), so every way a photo row goes — this service, a
    listing deleted in the admin, a cascade — takes its files along; no orphaned originals stay on disk."""
    transaction.on_commit(
        partial(
            _delete_files,
            public=[v.get("name", "") for v in (photo.variants or {}).values() if v.get("name")],
            private=[photo.original.name] if photo.original.name else [],
        )
    )


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    failed: int


def photos_sweep(*, now: datetime | None = None) -> SweepResult:
    """Re-queue photos left `pending` too long (a lost message, a broker outage, a killed worker) and fail
    those whose processing was started too often without finishing (a file that kills the worker).

    A re-queue is not an attempt: during a broker outage the message may never reach a worker, and a long
    outage must not turn good photos into failed ones. Only `photo_process` counts attempts."""
    from .tasks import photo_process as photo_process_task

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.PHOTO_PENDING_REQUEUE_SECONDS)
    stale = Photo.objects.filter(status=PhotoStatus.PENDING, updated_at__lt=cutoff)
    with transaction.atomic():
        failed = stale.filter(attempts__gte=settings.PHOTO_MAX_ATTEMPTS).update(
            status=PhotoStatus.FAILED, failure_reason=REASON_GAVE_UP, updated_at=now
        )
        ids = list(
            stale.filter(attempts__lt=settings.PHOTO_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True)
            .order_by("updated_at")
            .values_list("pk", flat=True)[:500]
        )
        requeued = Photo.objects.filter(pk__in=ids, status=PhotoStatus.PENDING).update(updated_at=now)
        for photo_id in ids:
            enqueue(photo_process_task, photo_id)
    if requeued or failed:
        logger.info("Photo sweep: %d re-queued, %d failed", requeued, failed)
    return SweepResult(requeued=requeued, failed=failed)
