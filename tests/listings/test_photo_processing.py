"""The processing pipeline: every accepted format, orientation, sRGB, no metadata, idempotence, failures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image

from listings import photos, pipeline
from listings.images import VARIANT_SIZES, image_metadata
from listings.models import Photo, PhotoStatus
from listings.selectors import photo_public_variants
from tests.factories import ListingFactory
from tests.listings import imagegen

pytestmark = pytest.mark.django_db

ACCEPTED = imagegen.accepted()
EXPECTED_KEYS = {"w320", "w1024", "w2048", "w2048_jpeg"}


def _upload(data: bytes, listing=None) -> Photo:
    listing = listing or ListingFactory()
    return photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(data, name="upload"))


def _process(data: bytes) -> Photo:
    photo = _upload(data)
    pipeline.photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    return photo


def _open(name: str) -> tuple[bytes, Image.Image]:
    data = storages["default"].open(name).read()
    im = Image.open(io.BytesIO(data))
    im.load()
    return data, im


def _is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 150 and g < 90 and b < 90


def _is_blue(pixel) -> bool:
    r, _g, b = pixel[:3]
    return b > 150 and r < 90


@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_every_accepted_format_is_processed_without_metadata(kind):
    data, (width, height) = ACCEPTED[kind]
    photo = _process(data)
    assert photo.status == PhotoStatus.READY, photo.failure_reason
    assert (photo.width, photo.height) == (width, height)
    assert photo.blurhash and len(photo.blurhash) >= 6
    assert set(photo.variants) == EXPECTED_KEYS
    for name, variant in photo.variants.items():
        encoded, im = _open(variant["name"])
        # Small originals are never upscaled; all variants keep the original's size and orientation.
        assert im.size == (variant["width"], variant["height"]) == (width, height)
        assert image_metadata(encoded) == [], (name, image_metadata(encoded))
        assert "exif" not in im.info and "icc_profile" not in im.info and "xmp" not in im.info
        assert im.format == ("JPEG" if name == "w2048_jpeg" else "WEBP")
        assert variant["content_type"] == ("image/jpeg" if name == "w2048_jpeg" else "image/webp")
        if kind in ("png_rgba", "webp") and im.format == "JPEG":
            # Translucent pixels are flattened onto white in the JPEG: the red corner turns pale red.
            r, g, b = im.getpixel((2, 2))
            assert r > 240 and g < 235 and b < 235, (r, g, b)
        elif kind not in ("png_16bit_grey", "png_16bit_rgb"):
            assert _is_red(im.convert("RGBA").getpixel((2, 2))), (name, im.getpixel((2, 2)))
            assert _is_blue(im.convert("RGBA").getpixel((width - 3, height - 3)))
        if kind == "png_16bit_rgb":  # 16-bit values are scaled to 8 bits, not clipped
            r, g, b = im.convert("RGB").getpixel((10, 10))
            assert abs(r - 218) < 8 and abs(g - 19) < 8 and abs(b - 19) < 8, (r, g, b)
        if kind == "png_16bit_grey":
            dark, light = im.convert("L").getpixel((1, 1)), im.convert("L").getpixel((78, 48))
            assert dark < 40 and 200 < light < 252, (dark, light)
        if kind == "png_palette":  # the transparent hole stays transparent in WebP, white in the JPEG
            hole = im.convert("RGBA").getpixel((80, 50))
            assert (hole[3] == 0) if im.format == "WEBP" else (min(hole) > 240), (name, hole)


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_exif_orientation_is_applied(orientation):
    photo = _process(imagegen.jpeg(orientation, size=(400, 250)))
    assert (photo.width, photo.height) == (400, 250)
    for name in ("w320", "w2048", "w2048_jpeg"):
        _data, im = _open(photo.variants[name]["name"])
        expected = (320, 200) if name == "w320" else (400, 250)
        assert im.size == expected
        # The red block is top-left in the displayed photo whatever the stored orientation was.
        assert _is_red(im.getpixel((3, 3))), (orientation, name, im.getpixel((3, 3)))
        assert _is_blue(im.getpixel((im.width - 4, im.height - 4)))
        assert _is_blue(im.getpixel((im.width - 4, 3)))


def test_large_photo_gets_every_size_on_the_long_side_and_no_gps():
    photo = _process(imagegen.jpeg(6, size=(2600, 1950), gps=True))
    assert (photo.width, photo.height) == (2600, 1950)
    sizes = {name: (v["width"], v["height"]) for name, v in photo.variants.items()}
    assert sizes == {"w2048": (2048, 1536), "w2048_jpeg": (2048, 1536), "w1024": (1024, 768), "w320": (320, 240)}
    for variant in photo.variants.values():
        encoded, im = _open(variant["name"])
        assert image_metadata(encoded) == []
        assert b"Kredslob Test Phone" not in encoded and b"secret comment" not in encoded
        assert im.size == (variant["width"], variant["height"])
        assert _is_red(im.getpixel((5, 5)))
    assert VARIANT_SIZES == {"w2048": 2048, "w1024": 1024, "w320": 320}


def test_embedded_icc_profile_is_applied_and_not_carried_over():
    swapped = imagegen.rgb_profile_swapping_red_and_green()
    im = Image.new("RGB", (64, 48), (230, 10, 10))
    data = imagegen.encode(im, "PNG", icc_profile=swapped)
    photo = _process(data)
    assert photo.status == PhotoStatus.READY
    encoded, out = _open(photo.variants["w320"]["name"])
    r, g, b = out.getpixel((10, 10))
    assert g > 150 and r < 100, (r, g, b)  # "red" in that colour space is green in sRGB
    assert image_metadata(encoded) == []


def test_processing_twice_changes_nothing_and_makes_no_duplicates(settings):
    photo = _process(ACCEPTED["jpeg"][0])
    before = Photo.objects.get(pk=photo.pk)
    files_before = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    mtimes = [p.stat().st_mtime_ns for p in files_before]
    pipeline.photo_process(photo_id=photo.pk)
    after = Photo.objects.get(pk=photo.pk)
    files_after = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert files_after == files_before and len(files_after) == 4
    assert [p.stat().st_mtime_ns for p in files_after] == mtimes
    assert (after.variants, after.blurhash, after.processed_at, after.updated_at) == (
        before.variants,
        before.blurhash,
        before.processed_at,
        before.updated_at,
    )


def test_rerun_after_a_crash_overwrites_the_same_names(settings):
    """A worker that died after writing files but before saving the row: the retry reuses the names."""
    photo = _process(ACCEPTED["png_rgba"][0])
    names = {v["name"] for v in photo.variants.values()}
    Photo.objects.filter(pk=photo.pk).update(status=PhotoStatus.PENDING, variants={})
    pipeline.photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    assert {v["name"] for v in photo.variants.values()} == names
    assert len([p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]) == 4


def test_a_photo_that_is_gone_is_no_error():
    assert pipeline.photo_process(photo_id=987654) is None


def test_corrupt_pixel_data_ends_failed_with_a_reason():
    good = imagegen.jpeg(size=(300, 200))
    # Keep the headers and the end marker, wreck the compressed data in between.
    corrupt = good[:700] + bytes(len(good) - 702) + good[-2:]
    photo = _upload(corrupt)
    result = pipeline.photo_process(photo_id=photo.pk)
    assert result is not None and result.status == PhotoStatus.FAILED
    assert "damaged" in result.failure_reason
    assert result.variants == {} and not any(Path(storages["default"].location).rglob("*.webp"))


def test_missing_original_ends_failed_with_a_reason():
    photo = _upload(ACCEPTED["jpeg"][0])
    storages["private"].delete(photo.original.name)
    result = pipeline.photo_process(photo_id=photo.pk)
    assert result is not None and result.status == PhotoStatus.FAILED
    assert "upload the photo again" in result.failure_reason


def test_a_file_swapped_for_a_non_image_after_upload_ends_failed():
    photo = _upload(ACCEPTED["jpeg"][0])
    storage = storages["private"]
    storage.delete(photo.original.name)
    storage.save(photo.original.name, ContentFile(b"<svg></svg>"))
    result = pipeline.photo_process(photo_id=photo.pk)
    assert result is not None and result.status == PhotoStatus.FAILED
    assert result.variants == {}


def test_task_runs_the_pipeline_and_is_declared_safe():
    from listings.tasks import photo_process

    assert photo_process.acks_late is True
    assert photo_process.time_limit and photo_process.soft_time_limit
    assert Exception not in photo_process.autoretry_for and OSError not in photo_process.autoretry_for
    photo = _upload(ACCEPTED["heic"][0])
    photo_process.apply(args=(photo.pk,)).get()
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY


def test_public_variants_give_urls_never_the_original():
    photo = _process(ACCEPTED["jpeg"][0])
    public = photo_public_variants(photo)
    assert set(public) == EXPECTED_KEYS
    for variant in public.values():
        assert variant["url"].startswith("/media/photos/")
        assert photo.upload_token in variant["url"]
        assert "original" not in variant["url"]


def test_every_size_is_computed_from_the_original_so_rounding_never_compounds():
    # 2400x1600 -> 2048x1365 (1365.3); halving that would give 682, but 1600 * 1024/2400 = 682.7 -> 683.
    photo = _process(imagegen.encode(imagegen.display_image((2400, 1600)), "PNG"))
    assert (photo.variants["w1024"]["width"], photo.variants["w1024"]["height"]) == (1024, 683)
    assert (photo.variants["w2048"]["width"], photo.variants["w2048"]["height"]) == (2048, 1365)
    _data, im = _open(photo.variants["w1024"]["name"])
    assert im.size == (1024, 683)


def test_heic_with_exif_orientation_is_upright_and_not_rotated_twice():
    stored = imagegen.display_image((160, 100)).transpose(Image.Transpose.ROTATE_90)
    photo = _process(imagegen.encode(stored, "HEIF", quality=90, exif=imagegen.exif_bytes(6)))
    assert (photo.width, photo.height) == (160, 100)
    _data, im = _open(photo.variants["w320"]["name"])
    assert im.size == (160, 100)
    assert _is_red(im.getpixel((3, 3))) and _is_blue(im.getpixel((156, 96)))
