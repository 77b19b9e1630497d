"""Reads for categories and listings."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import storages
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import is_member, workshop_ids_of, workshop_members
from core.errors import DomainError, InvalidInput, NotFound
from core.keyset import MAX_ID
from core.precompiled import precompiled_list

from .models import PUBLIC_LISTING_STATUSES, Category, Kind, Listing, ListingStatus, Photo, PhotoStatus
from .search import listing_filters_apply


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


def category_leaves_named(slugs: Iterable[str]) -> list[Category]:
    """The leaf categories named, a parent standing for all its leaves."""
    wanted = sorted(set(slugs))
    found = list(Category.objects.filter(slug__in=wanted))
    missing = sorted(set(wanted) - {c.slug for c in found})
    if missing:
        message = _("Unknown category: %(slugs)s.") % {"slugs": ", ".join(missing)}
        raise InvalidInput(message, errors={"categories": [message]})
    leaves = {c.pk: c for c in found if c.lca_key}
    parents = [c.pk for c in found if not c.lca_key]
    if parents:
        leaves.update({c.pk: c for c in Category.objects.filter(parent__in=parents)})
    return list(leaves.values())


# --- Listings: visibility, browse, detail ------------------------------------------------------------


# What a browse item reads: loading only these keeps a 100-row page cheap to build (no descriptions, no
# password hashes of sellers). Reading any other field of a browse row would cost a query per row.
BROWSE_FIELDS = (
    "id",
    "title",
    "kind",
    "condition",
    "price_dkk",
    "status",
    "area",
    "created_at",
    "published_at",
    "source_job_id",
    "category__id",
    "category__slug",
    "seller__id",
    "seller__display_name",
    "workshop__id",
    "workshop__slug",
    "workshop__name",
)
PHOTO_THUMBNAIL_FIELDS = ("id", "listing_id", "position", "status", "blurhash", "variants")


def _ready_photos() -> QuerySet[Photo]:
    return Photo.objects.filter(status=PhotoStatus.READY).order_by("position", "id")


def ready_photos_prefetch(to_attr: str = "ready_photos", only: tuple[str, ...] = ()) -> Prefetch[Any]:
    """Ready photos of each listing in position order, in one query for a whole page."""
    photos = _ready_photos()
    return Prefetch("photos", queryset=photos.only(*only) if only else photos, to_attr=to_attr)


def listing_managed_by(*, listing: Listing, user: Any) -> bool:
    """Who may change a listing (and acts as its seller side in trade): its seller; for a listing a workshop sells,
    the workshop's members — and only while they are members: the member who published it (recorded as its
    seller) sells as the workshop, and stops when they leave it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if listing.workshop_id is None:
        return bool(listing.seller_id == user.pk)
    return is_member(user=user, workshop=listing.workshop_id, verified_only=False)


def listing_managed_by_q(*, user: Any, prefix: str = "") -> Q:
    """`listing_managed_by` as a filter, for querysets of listings (or, through `prefix` such as `"listing__"`, of
    rows that point at one): the same rule, written next to it so the two cannot drift — the seller of a listing
    no workshop sells, or a current member of the workshop selling it."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(**{f"{prefix}seller": user, f"{prefix}workshop__isnull": True}) | Q(
        **{f"{prefix}workshop_id__in": workshop_ids_of(user=user)}
    )


def listing_seller_side_users(*, listing: Listing) -> list[Any]:
    """Who hears about a listing's reservations and messages: its seller; for a listing a workshop sells, every
    current member of the workshop (the same people `listing_managed_by` lets act on it) — never a member who
    has left, even if they published it."""
    if listing.workshop_id is None:
        return [listing.seller] if listing.seller_id and listing.seller.is_active else []
    return list(workshop_members(workshop_id=listing.workshop_id))


def listing_seller_name(*, listing: Listing, user: Any = None) -> str:
    """The seller's display name as `user` may see it. Whoever donated an item for repair is never named to
    others — not to the public, not to the workshops (docs/repairs.md) —, only to themselves and to moderators:
    for them the name is empty. Without a `user` (browse) this costs no query."""
    if listing.kind == Kind.REPAIR and not (
        getattr(user, "is_staff", False) or listing_managed_by(listing=listing, user=user)
    ):
        return ""
    return listing.seller.display_name


def public_listings() -> QuerySet[Listing]:
    """The listings everybody may see (`Listing.is_public` as a filter): active, reserved, sold — never a draft, a
    withdrawn listing or one a moderator hid. Browse, search and saved-search digests start here."""
    return Listing.objects.filter(status__in=PUBLIC_LISTING_STATUSES)


def listing_is_public(listing_id: int) -> bool:
    """Is this listing public now (one query, by id: `public_listings`)?"""
    return public_listings().filter(pk=listing_id).exists()


def listing_visible_to(*, listing: Listing, user: Any) -> bool:
    """Who may see a listing: everybody while it is public; whatever its status, who manages it and staff."""
    return listing.is_public or getattr(user, "is_staff", False) or listing_managed_by(listing=listing, user=user)


def listing_get(
    *,
    pk: int,
    user: Any,
    select_related: tuple[str, ...] = (),
    prefetch_related: tuple[str | Prefetch[Any], ...] = (),
    annotate: dict[str, Any] | None = None,
) -> Listing:
    """A listing the user may see (`listing_visible_to`), or NotFound — also when it exists but is not theirs to
    see. A face that shows more of it names what else to load in the same queries."""
    annotate = annotate or {}

    def rows(listing_id: Any) -> QuerySet[Listing]:
        return (
            Listing.objects.select_related("category", "category__parent", "seller", "workshop", *select_related)
            .prefetch_related(*prefetch_related)
            .annotate(**annotate)
            .filter(pk=listing_id)
            .order_by()[:1]  # by its key: no sort (`.first()` would order by the model's ordering)
        )

    # Its SQL written once per process (core.precompiled): the shape is named by what is joined and annotated —
    # an annotation's name means one expression (`donations.selectors.material_lot_annotation`).
    shape = f"listing_get:{','.join(select_related)}:{','.join(sorted(annotate))}"
    listing_id = _as_id(pk)
    found = precompiled_list(shape, rows, listing_id) if listing_id is not None else list(rows(pk))
    listing = next(iter(found), None)
    if listing is None or not listing_visible_to(listing=listing, user=user):
        raise NotFound(_("No such listing."))
    # Its ready photos as `ready_photos_prefetch` puts them, asked directly: for one listing, Django's prefetching
    # cost more than the query it runs. Not asked for a listing the user may not see.
    listing.ready_photos = precompiled_list(  # type: ignore[attr-defined]
        "listing_get:photos", lambda listing_id: _ready_photos().filter(listing_id=listing_id), listing.pk
    )
    return listing


def _as_id(pk: Any) -> int | None:
    """The id as the ORM's filter would take it (a digit string from a URL becomes an int), when it is one a row
    could have; None for anything else (not a number, or out of the column's range), which is handed to the plain
    ORM to answer as it always did — an empty result or its own error."""
    try:
        value = Listing._meta.pk.get_prep_value(pk)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None


# --- Which listing states are frozen -------------------------------------------------------------------------

FROZEN_STATUSES = (ListingStatus.SOLD, ListingStatus.WITHDRAWN, ListingStatus.HIDDEN)
# What a buyer reserved on: it stays as it was until the reservation ends.
RESERVED_TERMS = frozenset({"price_dkk", "kind"})


class ListingFrozen(DomainError):
    """Raised by every write a frozen listing refuses (`listing_is_frozen`): 409."""

    code = "listing_frozen"
    title = gettext_lazy("A sold, withdrawn or hidden listing cannot be changed.")


def listing_is_frozen(listing: Listing) -> bool:
    """Is this listing frozen? A sold, withdrawn or hidden listing changes no more: no field, no photo added,
    deleted or reordered. Asked by `services.listing_update`, the photo services, the API's `can_edit` and the
    pages' edit forms and buttons. Only a moderator (the admin) changes a frozen listing."""
    return listing.status in FROZEN_STATUSES


class ListingNeedsPhoto(DomainError):
    """Raised when a workshop's listing is put on sale without a ready photo (`listing_may_go_on_sale`): 409."""

    code = "listing_needs_photo"
    title = gettext_lazy("Add at least one photo, and wait until it is ready, before putting the item on sale.")


def listing_needs_photo_to_go_on_sale(listing: Listing) -> bool:
    """Whether this listing must have a ready photo before it goes on sale: a workshop's listing (a repaired item
    it sells). A resident's listing may be published without one, as before."""
    return listing.workshop_id is not None


def listing_may_go_on_sale(listing: Listing) -> bool:
    """The one rule for "may this draft be put on sale (made active) now, as far as its photos go?": a workshop's
    listing needs at least one ready photo; a resident's listing needs none. Asked by `services.listing_publish`
    (the API's `POST /listings/{id}/publish/`, the pages' publish button) and the workshop job page (the "put on
    sale" button is disabled and explained until it holds). The status check (only a draft) is the service's."""
    if not listing_needs_photo_to_go_on_sale(listing):
        return True
    return Photo.objects.filter(listing_id=listing.pk, status=PhotoStatus.READY).exists()


def listing_frozen_terms(listing: Listing) -> frozenset[str]:
    """The fields of a listing that is not frozen which must not change now: while a reservation is open (the
    listing is `reserved`), the terms the buyer reserved on — price and kind. Asked by `services.listing_update`
    and the pages' edit form."""
    return RESERVED_TERMS if listing.status == ListingStatus.RESERVED else frozenset()


def listing_browse(*, filters: dict[str, Any]) -> QuerySet[Listing]:
    """Public listings matching cleaned filters (`listings.search.listing_filters_clean`), with what a list
    item shows loaded in two queries whatever the page size. Ordering is left to the paginator."""
    qs = (
        public_listings()
        .select_related("category", "seller", "workshop")
        .only(*BROWSE_FIELDS)
        .prefetch_related(ready_photos_prefetch(only=PHOTO_THUMBNAIL_FIELDS))
    )
    return listing_filters_apply(qs, filters)


def listing_thumbnail(listing: Listing) -> dict[str, Any] | None:
    """The first ready photo's small variant (`w320`) as {url, width, height, blurhash}; None without one."""
    for photo in getattr(listing, "ready_photos", []):
        if thumbnail := photo_thumbnail(photo):
            return thumbnail
    return None


def photo_public(photo: Photo) -> dict[str, Any]:
    """A ready photo as the public sees it: only the derivatives, never the original."""
    return {
        "id": photo.pk,
        "position": photo.position,
        "width": photo.width,
        "height": photo.height,
        "blurhash": photo.blurhash,
        "variants": photo_public_variants(photo),
    }


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


def photo_visible(*, photo_id: int, user: Any) -> Photo | None:
    """A photo the user may see: ready photos of listings everybody may see; every photo of a listing for those
    who may see it although it is not public (`listing_visible_to`: who manages it, moderators). None otherwise."""
    photo = Photo.objects.select_related("listing__workshop").filter(pk=photo_id).first()
    if photo is None or not listing_visible_to(listing=photo.listing, user=user):
        return None
    if photo.status == PhotoStatus.READY and photo.listing.is_public:
        return photo
    if getattr(user, "is_staff", False) or listing_managed_by(listing=photo.listing, user=user):
        return photo
    return None


def photo_derivative_served(*, name: str) -> bool:
    """May a file of the public storage be served? A photo derivative (`photos/<listing>/<token>/…`) only while its
    photo is ready under that token: a hidden listing's photos are withheld (their token changed), a deleted
    photo is gone. Object storage answers this by the file being deleted; the development media view asks it too,
    so a file left behind by a failed delete is not served either."""
    parts = posixpath.normpath(name).lstrip("/").split("/")  # as django.views.static.serve resolves it
    if parts[0] != "photos" or len(parts) < 4:
        return True  # not a derivative (a path out of MEDIA_ROOT is the storage's to refuse)
    if len(parts) != 4 or not parts[1].isdigit():
        return False
    return Photo.objects.filter(listing_id=int(parts[1]), upload_token=parts[2], status=PhotoStatus.READY).exists()
