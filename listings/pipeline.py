"""The photo pipeline's work, done by the worker: make a pending photo's derivatives, and find the photos a lost
message left pending. Nothing here queues work: `tasks` does, after these return."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from core import pagecache

from .images import ImageRejected, image_render
from .models import Photo, PhotoStatus
from .selectors import listing_is_public

logger = logging.getLogger(__name__)

REASON_ORIGINAL_MISSING = gettext_noop("The uploaded file is gone. Please upload the photo again.")
REASON_GAVE_UP = gettext_noop("The photo could not be processed after several attempts. Please upload it again.")


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
    # Under the token it was rendered for: a photo withheld meanwhile (its listing hidden, perhaps restored since)
    # has a new token, and these files are not its derivatives.
    updated = Photo.objects.filter(pk=photo.pk, status=PhotoStatus.PENDING, upload_token=photo.upload_token).update(
        status=PhotoStatus.READY,
        failure_reason="",
        width=rendered.width,
        height=rendered.height,
        blurhash=rendered.blurhash,
        variants=variants,
        processed_at=now,
        updated_at=now,
    )
    if updated and listing_is_public(photo.listing_id):
        pagecache.catalogue_changed()  # its listing's card and page show it now
    current = Photo.objects.filter(pk=photo.pk).values_list("upload_token", flat=True).first()
    if not updated and current != photo.upload_token:
        # Deleted or withheld while we worked: don't leave public copies behind.
        delete_files(public=[v["name"] for v in variants.values()], private=[])
    return Photo.objects.filter(pk=photo_id).first()


def delete_files(*, public: list[str], private: list[str]) -> None:
    """Delete files of the public and the private storage; then have a CDN forget the public ones' URLs
    (`cdn_purge`). Every deletion of public copies comes here: a deleted photo, a hidden listing's photos."""
    urls = [public_storage().url(name) for name in public]
    for storage, names in ((public_storage(), public), (private_storage(), private)):
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete %s", name, exc_info=True)
    cdn_purge(urls)


def cdn_purge(urls: list[str]) -> None:
    """Call the hook `MEDIA_CDN_PURGE` names (a dotted path to a callable taking a list of URLs, as the public
    storage makes them) so a CDN stops serving files that were deleted; nothing without one (docs/operations.md).
    A failing hook is logged and never undoes the deletion."""
    if not urls or not settings.MEDIA_CDN_PURGE:
        return
    try:
        import_string(settings.MEDIA_CDN_PURGE)(urls)
    except Exception:  # a hook of the deployment's own: whatever it raises, the files are gone
        logger.exception("The CDN purge hook failed for %d URL(s)", len(urls))


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    failed: int
    ids: list[int] = field(default_factory=list, compare=False, repr=False)


def photos_stale_claim(*, now: datetime | None = None) -> SweepResult:
    """Photos left `pending` too long (a lost message, a broker outage, a killed worker): fail those whose
    processing was started too often without finishing (a file that kills the worker), and mark the others
    re-queued now, returning their ids for the caller to queue (`tasks.photos_sweep`, in the same transaction).

    A re-queue is not an attempt: during a broker outage the message may never reach a worker, and a long
    outage must not turn good photos into failed ones. Only `photo_process` counts attempts."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.PHOTO_PENDING_REQUEUE_SECONDS)
    stale = Photo.objects.filter(status=PhotoStatus.PENDING, updated_at__lt=cutoff)
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
    if requeued or failed:
        logger.info("Photo sweep: %d re-queued, %d failed", requeued, failed)
    return SweepResult(requeued=requeued, failed=failed, ids=ids)


def retained_source_name(photo: Photo, token: str) -> str:
    """Where a withheld photo whose original is gone keeps its largest public copy privately (under its new token)."""
    return f"originals/retained/{photo.listing_id}/{token}.webp"


def public_copy_keep_privately(*, public_name: str, private_name: str) -> None:
    """Copy a public derivative into the private storage (before the public one is deleted): it has no metadata, and
    `photo_process` can make the photo again from it when its listing is restored."""
    try:
        with public_storage().open(public_name, "rb") as source:
            private_storage().save(private_name, ContentFile(source.read()))
    except OSError:
        logger.warning("Could not keep %s privately", public_name, exc_info=True)


def _originals_expired_q(cutoff: datetime) -> Q:
    # Ready: counted from when its public copies were made. Failed: it will never have any; the person is asked to
    # upload again, and the file goes the same time after it failed.
    return Q(status=PhotoStatus.READY, processed_at__lt=cutoff) | Q(status=PhotoStatus.FAILED, updated_at__lt=cutoff)


def photo_originals_expire(*, now: datetime | None = None, batch: int | None = None) -> int:
    """Storage limitation: delete the private originals (they can carry GPS) of photos whose public copies have been
    ready for PHOTO_ORIGINAL_RETENTION_DAYS, or that failed that long ago — at most `batch` (RETENTION_BATCH) per
    call, oldest first. Idempotent: each row is cleared by a conditional UPDATE (a photo withheld, re-made or
    deleted meanwhile is left alone), and its file deleted only once that UPDATE committed.

    The public copies stay. A photo whose listing a moderator hides later is kept, privately, as its largest
    public copy (`listings.photos.photos_withhold`), so restoring the listing still works; a withheld photo keeps
    its original while the listing is hidden. Returns how many originals were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PHOTO_ORIGINAL_RETENTION_DAYS)
    expired = _originals_expired_q(cutoff)
    rows = list(
        Photo.objects.filter(expired)
        .exclude(original="")
        .order_by("pk")
        .values_list("pk", "original")[: batch or settings.RETENTION_BATCH]
    )
    gone: list[str] = []
    for pk, name in rows:
        if Photo.objects.filter(expired, pk=pk, original=name).update(original=""):
            gone.append(name)
    if gone:
        transaction.on_commit(partial(delete_files, public=[], private=gone))
        logger.info("Retention: %d photo original(s) deleted", len(gone))
    return len(gone)
