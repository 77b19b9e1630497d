"""Photos on the pages: the `<img>` attributes of a photo the public may see (`listings.selectors` decides which
photo and which variants), and the average colour of its blurhash as the placeholder while it loads."""

from __future__ import annotations

from dataclasses import dataclass

from listings import selectors as listing_selectors
from listings.models import Photo

SRCSET = ("w320", "w1024")  # the public variants a browser chooses from for a card or a listing page

_BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"


def blurhash_average_colour(blurhash: str) -> str:
    """The average colour a blurhash encodes (its DC component, characters 3–6), as `#rrggbb`; grey if unreadable.

    Painted as the image's background, it is the placeholder while the photo loads — no script needed."""
    value = 0
    try:
        for char in blurhash[2:6]:
            value = value * 83 + _BASE83.index(char)
    except ValueError:
        return "#d9d6cf"
    if len(blurhash) < 6:
        return "#d9d6cf"
    return f"#{value:06x}"


@dataclass(frozen=True)
class Image:
    src: str
    srcset: str
    width: int
    height: int
    colour: str


def photo_image(photo: Photo) -> Image | None:
    """The `<img>` attributes for a photo the public may see: `listings.selectors.photo_thumbnail` (a ready photo's
    small variant) as `src`, and the small and large public variants in `srcset`. None before it is ready."""
    thumbnail = listing_selectors.photo_thumbnail(photo)
    if thumbnail is None:
        return None
    variants = listing_selectors.photo_public_variants(photo)
    srcset = ", ".join(f"{variants[key]['url']} {int(variants[key]['width'])}w" for key in SRCSET if key in variants)
    return Image(
        src=thumbnail["url"],
        srcset=srcset,
        width=int(thumbnail["width"]),
        height=int(thumbnail["height"]),
        colour=blurhash_average_colour(thumbnail["blurhash"]),
    )
