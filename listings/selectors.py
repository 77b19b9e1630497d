"""Reads for categories and listings."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import storages
from django.db.models import QuerySet

from .models import Category, Photo, PhotoStatus


def category_tree() -> list[Category]:
    """Every category, depth-first: each root followed by its children in position order."""
    nodes = list(Category.objects.select_related("parent").order_by("position", "slug"))
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Category] = []

    def walk(parent_id: int | None) -> None:
        for node in children.get(parent_id, []):
            ordered.append(node)
            walk(node.pk)

    walk(None)
    return ordered


def category_leaves() -> QuerySet[Category]:
    return Category.objects.exclude(lca_key="")


# --- Photos ---------------------------------------------------------------------------------------------


def photo_public_variants(photo: Photo) -> dict[str, dict[str, Any]]:
    """The derivatives of a photo as `{name: {url, width, height}}` (never the original)."""
    storage = storages["default"]
    return {
        name: {"url": storage.url(variant["name"]), "width": variant["width"], "height": variant["height"]}
        for name, variant in (photo.variants or {}).items()
        if variant.get("name")
    }


def photo_thumbnail(photo: Photo | None) -> dict[str, Any] | None:
    """`{url, width, height, blurhash}` of a ready photo's smallest derivative, for listing cards."""
    if photo is None or photo.status != PhotoStatus.READY:
        return None
    variant = (photo.variants or {}).get("w320")
    if not variant:
        return None
    return {
        "url": storages["default"].url(variant["name"]),
        "width": variant["width"],
        "height": variant["height"],
        "blurhash": photo.blurhash,
    }


def listing_thumbnails(*, listing_ids: list[int]) -> dict[int, dict[str, Any]]:
    """listing id -> thumbnail of its first ready photo, in one query (for listing pages and cards)."""
    thumbnails: dict[int, dict[str, Any]] = {}
    ready = Photo.objects.filter(listing_id__in=listing_ids, status=PhotoStatus.READY).order_by(
        "listing_id", "position", "id"
    )
    for photo in ready.only("id", "listing_id", "position", "status", "variants", "blurhash"):
        if photo.listing_id not in thumbnails and (thumbnail := photo_thumbnail(photo)):
            thumbnails[photo.listing_id] = thumbnail
    return thumbnails


def photo_visible(*, photo_id: int, user: Any) -> Photo | None:
    """A photo the user may see: ready photos of public listings for everybody; every photo of a listing
    for its seller, the workshop's members and moderators. None otherwise."""
    from .photos import listing_editable_by

    photo = Photo.objects.select_related("listing__workshop").filter(pk=photo_id).first()
    if photo is None:
        return None
    if getattr(user, "is_staff", False) or listing_editable_by(listing=photo.listing, user=user):
        return photo
    if photo.status == PhotoStatus.READY and photo.listing.is_public:
        return photo
    return None
