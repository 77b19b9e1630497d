"""Image probing (in the request) and rendering (in the worker) for listing photos.

Pure Pillow: no models, no storage. `image_probe` reads headers only and never decodes pixels;
`image_render` decodes once (DCT-domain downscaled for JPEG), orients, converts to sRGB and makes the
derivatives, which carry no metadata at all.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import pillow_heif
from blurhash import _functions as _blurhash
from PIL import Image, ImageCms, UnidentifiedImageError

pillow_heif.register_heif_opener()

# Pillow format names we accept. MPO is how Pillow names multi-picture JPEGs (phones' portrait mode).
ALLOWED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF", "AVIF")
_OPENERS = tuple(f for f in ALLOWED_FORMATS if f != "MPO")  # Pillow's JPEG opener returns MPO files itself
# Derivative name -> long side in pixels (never upscaled). Keys are a contract: see `Photo.variants`.
VARIANT_SIZES = {"w2048": 2048, "w1024": 1024, "w320": 320}
JPEG_FALLBACK = "w2048_jpeg"
WEBP_QUALITY = 80
WEBP_METHOD = 4
JPEG_QUALITY = 85
BLURHASH_COMPONENTS = (4, 3)


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages without needing Django's settings (this module is pure Pillow)."""
    return message


# Reasons are stored untranslated and translated when shown.
REASON_EMPTY = gettext_noop("The file is empty.")
REASON_NOT_IMAGE = gettext_noop(
    "The file is not an image we can read. Please upload a photo as JPEG, PNG, WebP, HEIC, AVIF or GIF."
)
REASON_TRUNCATED = gettext_noop("The image file is incomplete (cut off). Please upload it again.")
REASON_TOO_MANY_PIXELS = gettext_noop("The image has too many pixels. Please upload a smaller photo.")
REASON_BROKEN = gettext_noop("The image could not be processed: the file is damaged.")


class ImageRejected(Exception):
    """The file is not an image we accept. `reason` is one of the REASON_* messages (untranslated)."""

    def __init__(self, reason: str, *, code: str) -> None:
        self.reason = reason
        self.code = code
        super().__init__(reason)


@dataclass(frozen=True)
class Probe:
    format: str
    width: int
    height: int


@dataclass(frozen=True)
class Variant:
    name: str
    data: bytes
    width: int
    height: int
    content_type: str
    extension: str


@dataclass
class Rendered:
    width: int
    height: int
    blurhash: str
    variants: list[Variant] = field(default_factory=list)


# --- Probing (request side): magic bytes, then the header via Pillow, then structural completeness ----------


def _sniff(head: bytes) -> str | None:
    """The format family from the first bytes, or None. Never trusts names or client content types."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":
        brands = {head[i : i + 4] for i in range(8, min(len(head), 48), 4)}
        if brands & {b"avif", b"avis"}:
            return "AVIF"
        if brands & {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}:
            return "HEIF"
    return None


def _family(pillow_format: str) -> str:
    return "JPEG" if pillow_format == "MPO" else pillow_format


def _read_at(fp: IO[bytes], offset: int, length: int) -> bytes:
    fp.seek(offset)
    return fp.read(length)


def _size(fp: IO[bytes]) -> int:
    fp.seek(0, io.SEEK_END)
    return fp.tell()


def _is_complete(family: str, fp: IO[bytes], size: int) -> bool:
    """Cheap structural check that the file was not cut off, without decoding: the end marker or the
    container's declared sizes. The worker's full decode catches the rest."""
    tail = _read_at(fp, max(0, size - 65536), 65536)
    if family == "JPEG":
        return b"\xff\xd9" in tail
    if family == "PNG":
        return b"IEND" in tail[-4096:]
    if family == "GIF":
        return tail.rstrip(b"\x00").endswith(b";")
    if family == "WEBP":
        declared = int.from_bytes(_read_at(fp, 4, 4), "little") + 8
        return declared <= size
    if family in ("HEIF", "AVIF"):
        offset, seen_mdat = 0, False
        while offset < size:
            header = _read_at(fp, offset, 16)
            if len(header) < 8:
                return False
            box_size, box_type = int.from_bytes(header[:4], "big"), header[4:8]
            if box_size == 1:
                if len(header) < 16:
                    return False
                box_size = int.from_bytes(header[8:16], "big")
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8:
                return False
            seen_mdat = seen_mdat or box_type == b"mdat"
            offset += box_size
        return offset == size and seen_mdat
    return False


@contextmanager
def _opened(fp: IO[bytes]) -> Iterator[Image.Image]:
    """Open the header with Pillow, restricted to our formats, mapping every failure to ImageRejected."""
    fp.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(fp, formats=_OPENERS)
    except Image.DecompressionBombError as exc:
        raise ImageRejected(REASON_TOO_MANY_PIXELS, code="too_many_pixels") from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected(REASON_NOT_IMAGE, code="not_an_image") from exc
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError) as exc:
        raise ImageRejected(REASON_BROKEN, code="broken") from exc
    with im:
        yield im


def image_probe(fp: IO[bytes], *, max_pixels: int) -> Probe:
    """Identify an upload from its content and header; reject what we can't or won't process."""
    size = _size(fp)
    if size == 0:
        raise ImageRejected(REASON_EMPTY, code="empty")
    family = _sniff(_read_at(fp, 0, 64))
    if family is None:
        raise ImageRejected(REASON_NOT_IMAGE, code="not_an_image")
    with _opened(fp) as im:
        if _family(im.format or "") != family:
            raise ImageRejected(REASON_NOT_IMAGE, code="not_an_image")
        width, height = im.size
        pillow_format = im.format or family
    if width < 1 or height < 1:
        raise ImageRejected(REASON_BROKEN, code="broken")
    if width * height > max_pixels:
        raise ImageRejected(REASON_TOO_MANY_PIXELS, code="too_many_pixels")
    if not _is_complete(family, fp, size):
        raise ImageRejected(REASON_TRUNCATED, code="truncated")
    fp.seek(0)
    return Probe(format=pillow_format, width=width, height=height)


# --- Rendering (worker side) ---------------------------------------------------------------------------------

_SRGB = ImageCms.createProfile("sRGB")
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def fit(width: int, height: int, long_side: int) -> tuple[int, int]:
    """The size with the long side at most `long_side`, keeping the aspect ratio; never upscaled."""
    longest = max(width, height)
    if longest <= long_side:
        return width, height
    scale = long_side / longest
    if width >= height:
        return long_side, max(1, round(height * scale))
    return max(1, round(width * scale)), long_side


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 — a broken EXIF block is no reason to reject the photo
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _resizable(im: Image.Image) -> Image.Image:
    """Modes that resize correctly: 8-bit L/LA/RGB/RGBA/CMYK. 16-bit is scaled down, palettes expanded."""
    if im.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return im
    if im.mode in ("P", "PA"):
        return im.convert("RGBA" if im.mode == "PA" or "transparency" in im.info else "RGB")
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        # 16-bit greyscale: scale 0..65535 to 0..255 (a plain convert would clip at 255).
        wide = im.convert("I") if im.mode != "F" else im
        return wide.point(lambda v: v * (1 / 257)).convert("L") if im.mode != "F" else wide.convert("L")
    if im.mode == "1":
        return im.convert("L")
    return im.convert("RGBA" if "A" in im.mode else "RGB")


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Colour-manage into sRGB (RGB or RGBA). Done after the first downscale, where it is cheap."""
    alpha = im.getchannel("A") if im.mode in ("RGBA", "LA") else None
    base = im.convert("L" if im.mode == "LA" else "RGB") if alpha is not None else im
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if ImageCms.getProfileDescription(source).strip() != ImageCms.getProfileDescription(_SRGB).strip():
                base = ImageCms.profileToProfile(base, source, _SRGB, outputMode="RGB")  # type: ignore[assignment]
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: fall back to a plain conversion
    if base.mode != "RGB":
        base = base.convert("RGB")
    if alpha is None:
        return base
    if alpha.getextrema()[0] == 255:  # fully opaque: the alpha channel only costs bytes
        return base
    base.putalpha(alpha)
    return base


def _encode(im: Image.Image, fmt: str) -> bytes:
    """Encode with no metadata: nothing of the original's info (EXIF, XMP, ICC, comments) is passed on."""
    im.info = {}
    out = io.BytesIO()
    if fmt == "WEBP":
        im.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, exif=b"", xmp=b"", icc_profile=b"")
    else:
        if im.mode != "RGB":
            flat = Image.new("RGB", im.size, (255, 255, 255))
            flat.paste(im, mask=im.getchannel("A") if "A" in im.mode else None)
            im = flat
        im.save(out, "JPEG", quality=JPEG_QUALITY, exif=b"", icc_profile=None)
    return out.getvalue()


def blurhash_of(im: Image.Image) -> str:
    small = im.convert("RGB")
    small.thumbnail((32, 32), Image.Resampling.BILINEAR)
    width, height = small.size
    pixels = small.tobytes()
    x, y = BLURHASH_COMPONENTS
    destination = _blurhash.ffi.new("char[]", 2 + 4 + (9 * 9 - 1) * 2 + 1)
    result = _blurhash.lib.create_hash_from_pixels(
        x, y, width, height, _blurhash.ffi.from_buffer(pixels), width * 3, destination
    )
    if result == _blurhash.ffi.NULL:
        return ""
    return str(_blurhash.ffi.string(destination).decode())


def image_render(fp: IO[bytes], *, max_pixels: int) -> Rendered:
    """Decode once and make every derivative. Raises ImageRejected for input that can't be processed."""
    with _opened(fp) as im:
        family = _sniff(_read_at(fp, 0, 64))
        fp.seek(0)
        if family is None or _family(im.format or "") != family:
            raise ImageRejected(REASON_NOT_IMAGE, code="not_an_image")
        width, height = im.size
        if width * height > max_pixels:
            raise ImageRejected(REASON_TOO_MANY_PIXELS, code="too_many_pixels")
        orientation = _orientation(im)
        icc = im.info.get("icc_profile")
        largest = fit(width, height, max(VARIANT_SIZES.values()))
        if im.format in ("JPEG", "MPO"):
            im.draft(None, largest)  # DCT-domain downscale to the smallest scale still >= the largest size
        try:
            im.load()
            source = _resizable(im)
        except Image.DecompressionBombError as exc:
            raise ImageRejected(REASON_TOO_MANY_PIXELS, code="too_many_pixels") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            reason = REASON_TRUNCATED if "truncated" in str(exc).lower() else REASON_BROKEN
            raise ImageRejected(reason, code="truncated" if reason is REASON_TRUNCATED else "broken") from exc
        display = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
        return _derive(source, display=display, largest=largest, orientation=orientation, icc=icc)


def _derive(
    source: Image.Image, *, display: tuple[int, int], largest: tuple[int, int], orientation: int, icc: Any
) -> Rendered:
    big = source if source.size == largest else source.resize(largest, Image.Resampling.LANCZOS, reducing_gap=3.0)
    big = _to_srgb(big, icc if isinstance(icc, bytes) else None)
    if orientation in _TRANSPOSE:
        big = big.transpose(_TRANSPOSE[orientation])
    variants: list[Variant] = []
    current = big
    for name, long_side in sorted(VARIANT_SIZES.items(), key=lambda item: -item[1]):
        size = fit(*display, long_side)  # from the original's size, so rounding never compounds
        if current.size != size:
            current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        variants.append(Variant(name, _encode(current.copy(), "WEBP"), *size, "image/webp", "webp"))
        if name == "w2048":
            variants.append(Variant(JPEG_FALLBACK, _encode(current.copy(), "JPEG"), *size, "image/jpeg", "jpg"))
    return Rendered(width=display[0], height=display[1], blurhash=blurhash_of(current), variants=variants)


def image_metadata(data: bytes) -> list[str]:
    """The metadata blocks an encoded JPEG or WebP carries (EXIF, XMP, ICC, IPTC, comments, maker data).
    Our derivatives must give an empty list; used by the tests and the benchmark."""
    found: list[str] = []
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        offset = 12
        while offset + 8 <= len(data):
            chunk, length = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8], "little")
            if chunk in (b"EXIF", b"XMP ", b"ICCP"):
                found.append(chunk.decode().strip())
            offset += 8 + length + (length & 1)
        return found
    if data[:2] == b"\xff\xd8":
        offset = 2
        while offset + 4 <= len(data) and data[offset] == 0xFF:
            marker = data[offset + 1]
            if marker == 0xDA:  # start of scan: no more metadata segments before the image data
                break
            length = int.from_bytes(data[offset + 2 : offset + 4], "big")
            if marker == 0xFE:
                found.append("COM")
            elif 0xE1 <= marker <= 0xEF:  # APP1 (EXIF/XMP) … APP15; APP0 (JFIF) carries no metadata
                found.append(f"APP{marker - 0xE0}")
            offset += 2 + length
        return found
    raise ValueError("not a JPEG or WebP")
