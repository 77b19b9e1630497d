"""Writes for listing photos in the request: upload and delete. The work itself is `pipeline.photo_process`,
run by the worker (`tasks.photo_process`).

The request only reads headers (`images.image_probe`) and stores the original privately; the worker
decodes once and writes the derivatives to the public storage under deterministic names.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from core.queue import enqueue

from .images import ImageRejected, image_probe
from .models import Listing, Photo, PhotoStatus, original_upload_to
from .pipeline import delete_files, private_storage, public_copy_keep_privately, retained_source_name
from .selectors import ListingFrozen, listing_is_frozen, listing_managed_by, listing_visible_to, photo_visible
from .tasks import photo_process as photo_process_task

logger = logging.getLogger(__name__)


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


def _listing_for_change(*, listing_id: int, user: User, lock: bool = False) -> Listing:
    """The listing whose photos `user` changes, checked (locked, with `lock`) against who manages it and whether it
    is frozen (`selectors.listing_is_frozen`: sold, withdrawn, hidden — no photo added or deleted)."""
    rows = Listing.objects.select_related("workshop").filter(pk=listing_id)
    listing = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if listing is None:
        raise NotFound()
    if not listing_managed_by(listing=listing, user=user):
        # Those who may see the listing learn they may not change it; for the others it does not exist.
        if listing_visible_to(listing=listing, user=user):
            raise NotAllowed(_("Only the seller can add or remove photos of this listing."))
        raise NotFound()
    if listing_is_frozen(listing):
        raise ListingFrozen()
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

    storage = private_storage()
    stored_name = ""
    try:
        with transaction.atomic():
            # Lock the listing: concurrent uploads to one listing count photos one after the other, and a hide or a
            # sale committed since the first check is seen here.
            locked = _listing_for_change(listing_id=listing.pk, user=user, lock=True)
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


def photos_upload_many(*, listing_id: int, user: User, files: list[File]) -> list[Photo]:
    """Several photos at once (the API's repeated `file`), all or none: the count is checked for all of them
    first, and if any file is refused none of the others is kept (their rows roll back, their stored originals are
    deleted; nothing was queued, as the queueing waits for the commit)."""
    if not files:
        message = missing_file_message()
        raise InvalidInput(message, errors={"file": [message]})
    listing = _listing_for_change(listing_id=listing_id, user=user)
    if listing.photos.count() + len(files) > settings.PHOTO_MAX_PER_LISTING:
        raise TooManyPhotos(
            gettext("A listing can have at most %(count)d photos. Delete one to add another.")
            % {"count": settings.PHOTO_MAX_PER_LISTING}
        )
    created: list[Photo] = []
    try:
        with transaction.atomic():
            for file in files:
                created.append(photo_upload(listing_id=listing_id, user=user, file=file))
    except BaseException:
        storage = private_storage()
        for photo in created:
            if photo.original.name:
                storage.delete(photo.original.name)
        raise
    return created


@transaction.atomic
def photos_reorder(*, listing_id: int, user: User, photo_ids: list[int]) -> list[Photo]:
    """Put a listing's photos in the given order; the first is the cover (browse's thumbnail, the page's first
    photo). `photo_ids` must name each of the listing's photos exactly once (else 400). Only who manages the
    listing, and not while it is frozen (`selectors.listing_is_frozen`: 409) — asked of the locked row, so a
    reorder and an upload or a sale at once happen one after the other."""
    listing = _listing_for_change(listing_id=listing_id, user=user, lock=True)
    photos = {photo.pk: photo for photo in Photo.objects.filter(listing=listing)}
    if len(photo_ids) != len(set(photo_ids)) or set(photo_ids) != set(photos):
        error = gettext("List each of the listing's photos exactly once.")
        raise InvalidInput(error, errors={"photos": [error]})
    for position, pk in enumerate(photo_ids):
        if photos[pk].position != position:
            photos[pk].position = position
            Photo.objects.filter(pk=pk).update(position=position)
    return [photos[pk] for pk in photo_ids]


def photo_make_cover(*, photo_id: int, user: User) -> list[Photo]:
    """Make this photo the cover: first, the others keeping their order (`photos_reorder`)."""
    photo = photo_visible(photo_id=photo_id, user=user)
    if photo is None:
        raise NotFound()
    order = list(
        Photo.objects.filter(listing_id=photo.listing_id).order_by("position", "id").values_list("pk", flat=True)
    )
    order.remove(photo.pk)
    return photos_reorder(listing_id=photo.listing_id, user=user, photo_ids=[photo.pk, *order])


def photo_move(*, photo_id: int, user: User, step: int) -> list[Photo]:
    """Move a photo one place earlier (`step=-1`) or later (`step=1`) (`photos_reorder`); at an end it stays."""
    photo = photo_visible(photo_id=photo_id, user=user)
    if photo is None:
        raise NotFound()
    order = list(
        Photo.objects.filter(listing_id=photo.listing_id).order_by("position", "id").values_list("pk", flat=True)
    )
    at = order.index(photo.pk)
    to = min(max(at + step, 0), len(order) - 1)
    order.insert(to, order.pop(at))
    return photos_reorder(listing_id=photo.listing_id, user=user, photo_ids=order)


@transaction.atomic
def photo_delete(*, photo_id: int, user: User) -> None:
    """Delete a photo and, once committed, its original and derivatives. A photo the user may not see (pending
    or failed, or of a listing that is not public) does not exist for them: 404, as for reading it. The photos of
    a frozen listing stay (409)."""
    photo = photo_visible(photo_id=photo_id, user=user)
    if photo is None:
        raise NotFound()
    _listing_for_change(listing_id=photo.listing_id, user=user, lock=True)
    Photo.objects.filter(pk=photo.pk).delete()  # the files go once committed: photo_files_delete_later


def photos_withhold(*, listing_id: int) -> None:
    """Take the photos of a listing a moderator hid off the public storage (in the caller's transaction, with the
    listing locked): each ready or pending photo becomes `withheld` under a new random token, and once committed
    its derivatives are deleted and their URLs purged from a CDN (`pipeline.delete_files`). The private original
    stays, for `photos_release`. A render still running for a pending photo finds the token changed and removes
    what it wrote (`pipeline.photo_process`)."""
    public: list[str] = []
    photos = Photo.objects.select_for_update().filter(
        listing_id=listing_id, status__in=[PhotoStatus.READY, PhotoStatus.PENDING]
    )
    for photo in photos:
        variants = [v for v in (photo.variants or {}).values() if v.get("name")]
        public += [v["name"] for v in variants]
        token = secrets.token_urlsafe(24)
        source = photo.original.name
        if not source and variants:
            # Its original was deleted (storage limitation, `pipeline.photo_originals_expire`): its largest public
            # copy, which has no metadata, is kept privately before the public ones go, for `photos_release`.
            largest = max(variants, key=lambda v: v.get("width") or 0)
            source = retained_source_name(photo, token)
            transaction.on_commit(partial(public_copy_keep_privately, public_name=largest["name"], private_name=source))
        Photo.objects.filter(pk=photo.pk).update(
            status=PhotoStatus.WITHHELD,
            variants={},
            upload_token=token,
            original=source,
            updated_at=timezone.now(),
        )
    if public:
        transaction.on_commit(partial(delete_files, public=public, private=[]))


def photos_release(*, listing_id: int) -> None:
    """Make the withheld photos of a restored listing again (in the caller's transaction): each is `pending` and
    queued after commit; the worker renders it from the private original under its new token, so no URL from
    before the hide works again."""
    ids = list(Photo.objects.filter(listing_id=listing_id, status=PhotoStatus.WITHHELD).values_list("pk", flat=True))
    Photo.objects.filter(pk__in=ids).update(status=PhotoStatus.PENDING, attempts=0, updated_at=timezone.now())
    for photo_id in ids:
        enqueue(photo_process_task, photo_id)


def photo_deleted(sender: Any, instance: Photo, **kwargs: Any) -> None:
    """Photo's post_delete receiver (connected in listings/apps.py)."""
    photo_files_delete_later(photo=instance)


def photo_files_delete_later(*, photo: Photo) -> None:
    """Remove a deleted photo's original and derivatives once the deletion is committed (a rollback keeps them).

    Connected to Photo's post_delete (listings/apps.py), so every way a photo row goes — this service, a
    listing deleted in the admin, a cascade — takes its files along; no orphaned originals stay on disk."""
    transaction.on_commit(
        partial(
            delete_files,
            public=[v.get("name", "") for v in (photo.variants or {}).values() if v.get("name")],
            private=[photo.original.name] if photo.original.name else [],
        )
    )
