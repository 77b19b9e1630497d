"""Small test images generated in code: every accepted format, EXIF orientations, and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()

RED = (220, 20, 20)
BLUE = (20, 40, 200)

# Display image -> stored image, so that applying the EXIF orientation gives the display image back.
_INVERSE = {
    1: None,
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


def display_image(size: tuple[int, int] = (160, 100), mode: str = "RGB") -> Image.Image:
    """Blue with a red block in the top-left corner: orientation mistakes move the red block."""
    im = Image.new("RGB", size, BLUE)
    ImageDraw.Draw(im).rectangle((0, 0, size[0] // 3, size[1] // 3), fill=RED)
    if mode == "RGBA":
        im = im.convert("RGBA")
        im.putalpha(Image.linear_gradient("L").resize(size).point(lambda v: max(v, 40)))
    return im


def exif_bytes(orientation: int = 1, gps: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Kredslob Test Phone"  # Make
    exif[0x0110] = "Model X"
    if gps:
        exif[0x8825] = {1: "N", 2: (57.0, 2.0, 30.0), 3: "E", 4: (9.0, 59.0, 10.0)}
    return exif.tobytes()


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def jpeg(orientation: int = 1, *, size: tuple[int, int] = (160, 100), gps: bool = True, **params: object) -> bytes:
    stored = display_image(size)
    if _INVERSE.get(orientation):
        stored = stored.transpose(_INVERSE[orientation])  # type: ignore[arg-type]
    return encode(stored, "JPEG", quality=90, exif=exif_bytes(orientation, gps), comment=b"secret comment", **params)


def png_16bit_rgb(size: tuple[int, int] = (64, 40)) -> bytes:
    """A 48-bit RGB PNG, written by hand (Pillow can't write one)."""
    width, height = size
    raw = b""
    for _y in range(height):
        row = b"".join(struct.pack(">HHH", 56000, 5000, 5000) for _x in range(width))
        raw += b"\x00" + row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims 10 gigapixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


def accepted() -> dict[str, tuple[bytes, tuple[int, int]]]:
    """name -> (file bytes, expected display size)."""
    size = (160, 100)
    base = display_image()
    rgba = display_image(mode="RGBA")
    gif_frames = [base.convert("P"), Image.new("RGB", base.size, (0, 200, 0)).convert("P")]
    holed = base.copy()
    ImageDraw.Draw(holed).rectangle((70, 40, 90, 60), fill=(0, 255, 0))  # becomes a transparent hole
    palette = holed.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = palette.getpixel((80, 50))
    grey16 = Image.linear_gradient("L").resize((80, 50)).convert("I").point(lambda v: v * 257).convert("I;16")
    return {
        "jpeg": (jpeg(), (160, 100)),
        "jpeg_progressive": (jpeg(progressive=True), (160, 100)),
        "jpeg_cmyk": (encode(base.convert("CMYK"), "JPEG", quality=90), (160, 100)),
        "png_rgba": (encode(rgba, "PNG"), (160, 100)),
        "png_16bit_grey": (encode(grey16, "PNG"), (80, 50)),
        "png_16bit_rgb": (png_16bit_rgb(), (64, 40)),
        "png_palette": (encode(palette, "PNG"), (160, 100)),
        "webp": (encode(rgba, "WEBP", quality=90), (160, 100)),
        "heic": (encode(base, "HEIF", quality=90), (160, 100)),
        "avif": (encode(base, "AVIF", quality=90), (160, 100)),
        "gif": (encode(gif_frames[0], "GIF", save_all=True, append_images=gif_frames[1:]), (160, 100)),
        "mpo": (encode(base, "MPO", save_all=True, append_images=[base.transpose(Image.Transpose.ROTATE_180)]), size),
    }


def rejected() -> dict[str, bytes]:
    """name -> file bytes that must be refused with a 400."""
    good_jpeg = jpeg()
    good_png = encode(display_image(), "PNG")
    return {
        "empty": b"",
        "text": b"just some words, not a photo\n",
        "svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "html": b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        "script": b"#!/bin/sh\nrm -rf /\n",
        "gif_polyglot": b"GIF89a/*<script>alert(1)</script>*/=1;",
        "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "bmp": encode(display_image(), "BMP"),
        "tiff": encode(display_image(), "TIFF"),
        "jpeg_truncated": good_jpeg[: len(good_jpeg) // 2],
        "png_truncated": good_png[: len(good_png) // 2],
        "jpeg_header_only": good_jpeg[:200],
        "bomb": png_bomb(),
    }


def rgb_profile_swapping_red_and_green() -> bytes:
    """A minimal ICC v2 RGB display profile whose red and green primaries are sRGB's green and red: an
    image tagged with it must change colour when converted to sRGB (ImageCms can't build such a profile)."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + b"\x00" * 4 + s15(x) + s15(y) + s15(z)

    curve = b"curv" + b"\x00" * 4 + struct.pack(">IH", 1, 0x0233) + b"\x00\x00"  # gamma 2.2
    name = b"Swapped RG\x00"
    desc = b"desc" + b"\x00" * 4 + struct.pack(">I", len(name)) + name + b"\x00" * (4 + 4 + 2 + 1 + 67)
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.3851, 0.7169, 0.0971)),  # sRGB's green
        (b"gXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text" + b"\x00" * 4 + b"none\x00"),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, body = struct.pack(">I", len(tags)), b""
    for sig, data in tags:
        padded = data + b"\x00" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += padded
    size = 128 + table_size + len(body)
    header = (
        struct.pack(">I", size)
        + b"\x00" * 4
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\x00" * 4 * 2
        + b"\x00" * 4 * 2
        + b"\x00" * 8
        + b"\x00" * 4
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\x00" * 4
        + b"\x00" * 16
        + b"\x00" * 28
    )
    assert len(header) == 128, len(header)
    return header + table + body
