"""`make bench-images`: our photo pipeline against naive Pillow and libvips, single-threaded, same outputs.

Run as `python -m benchmarks.images [--repeats N]`. It generates phone-like images (a 12 MP JPEG with EXIF
orientation 6 and GPS, a progressive JPEG, a 12 MP HEIC, a PNG with alpha), then runs each pipeline on each
image in a fresh subprocess (so peak RSS, which also sees libvips' and libheif's C allocations, belongs to
one pipeline and one image), and prints the median time per image, peak memory and the ratios. In the same
run it checks our outputs: exact dimensions, orientation, no metadata, SSIM >= 0.98 at 1024 px against a
full-quality reference.

Every pipeline makes the same derivatives: WebP (quality 80, method/effort 4) at 2048, 1024 and 320 px on
the long side, and a JPEG (quality 85) at 2048 px, all in memory (no disk writes are timed).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Single-threaded, for every library, before any of them is imported.
os.environ.setdefault("VIPS_CONCURRENCY", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SIZES = (2048, 1024, 320)
WEBP = {"quality": 80, "method": 4}
JPEG_Q = 85
MAX_PIXELS = 50_000_000
SSIM_TARGET = 0.98
RED = (210, 30, 30)


# --- Test images -----------------------------------------------------------------------------------------


def _scene(size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """Something photo-like: soft gradients, shapes with edges, sensor-like noise, a red marker top-left."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    width, height = size
    sky = Image.linear_gradient("L").resize(size).convert("RGB")
    sky = ImageChops.multiply(sky, Image.new("RGB", size, (170, 200, 255)))
    scene = ImageChops.screen(sky, Image.new("RGB", size, (40, 60, 30)))
    draw = ImageDraw.Draw(scene)
    for i in range(40):
        x, y = (i * 7919) % width, (i * 104729) % height
        r = 30 + (i * 37) % (min(size) // 6)
        colour = ((i * 53) % 256, (i * 97) % 256, (i * 151) % 256)
        (draw.ellipse if i % 2 else draw.rectangle)((x - r, y - r, x + r, y + r), fill=colour, outline=(20, 20, 20))
    for i in range(0, width, max(8, width // 120)):
        draw.line((i, height * 0.8, i + 20, height), fill=(90, 70 + i % 60, 40), width=3)
    draw.rectangle((0, 0, width // 6, height // 6), fill=RED)
    scene = scene.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise(size, 6).convert("RGB")
    return ImageChops.add(scene, noise, scale=1.0, offset=-128)  # mild sensor noise around 0


def _exif(orientation: int, gps: bool) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "BenchPhone"
    exif[0x0110] = "12 Pro"
    if gps:
        exif[0x8825] = {1: "N", 2: (57.0, 2.0, 30.5), 3: "E", 4: (9.0, 59.0, 10.2)}
    return exif.tobytes()


INPUTS_VERSION = "1"  # bump when the generated inputs change


def make_images(folder: Path) -> dict[str, dict[str, Any]]:
    """name -> {path, display size}. The display image has the red marker top-left. Generated once and
    kept in `folder` (encoding a 12 MP HEIC takes a while), so later runs start at once."""
    import pillow_heif
    from PIL import Image, ImageDraw

    pillow_heif.register_heif_opener()
    folder.mkdir(parents=True, exist_ok=True)
    specs = {
        "jpeg_12mp_o6": ("phone_12mp_orient6_gps.jpg", (4032, 3024)),
        "jpeg_progressive_8mp": ("progressive_8mp.jpg", (3264, 2448)),
        "heic_12mp": ("iphone_12mp.heic", (4032, 3024)),
        "png_alpha": ("screenshot_alpha.png", (2400, 1600)),
    }
    images: dict[str, dict[str, Any]] = {
        name: {"path": folder / file, "size": size} for name, (file, size) in specs.items()
    }
    if all(Path(info["path"]).exists() for info in images.values()):
        return images

    display = _scene((4032, 3024))
    stored = display.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    stored.save(images["jpeg_12mp_o6"]["path"], "JPEG", quality=92, exif=_exif(6, gps=True))
    # x265's "ultrafast" preset: the default takes minutes for 12 MP; decoding cost is what we measure.
    display.save(images["heic_12mp"]["path"], "HEIF", quality=80, enc_params={"preset": "ultrafast"})
    progressive = display.resize((3264, 2448), Image.Resampling.LANCZOS)
    progressive.save(images["jpeg_progressive_8mp"]["path"], "JPEG", quality=90, progressive=True, exif=_exif(1, True))
    shot = display.resize((2400, 1600), Image.Resampling.LANCZOS).convert("RGBA")
    alpha = Image.new("L", shot.size, 255)
    ImageDraw.Draw(alpha).ellipse((600, 300, 1800, 1300), fill=90)
    shot.putalpha(alpha)
    shot.save(images["png_alpha"]["path"], "PNG", compress_level=3)
    return images


# --- The three pipelines (each returns {name: encoded bytes}) ----------------------------------------------


def naive_pillow(path: Path) -> dict[str, bytes]:
    """How most projects do it: per size, open, exif_transpose, thumbnail(LANCZOS), save."""
    from PIL import Image, ImageOps

    out: dict[str, bytes] = {}
    for size in SIZES:
        with Image.open(path) as opened:
            im = ImageOps.exif_transpose(opened)
            im.thumbnail((size, size), Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            im.save(buf, "WEBP", **WEBP)
            out[f"w{size}"] = buf.getvalue()
            if size == 2048:
                buf = io.BytesIO()
                im.convert("RGB").save(buf, "JPEG", quality=JPEG_Q)
                out["w2048_jpeg"] = buf.getvalue()
    return out


def ours(path: Path) -> dict[str, bytes]:
    from listings.images import image_render

    with open(path, "rb") as fp:
        rendered = image_render(fp, max_pixels=MAX_PIXELS)
    return {variant.name: variant.data for variant in rendered.variants}


def libvips(path: Path) -> dict[str, bytes]:
    """pyvips `thumbnail` per size (shrink-on-load, autorotate), the 2048 one kept in memory for both saves."""
    import pyvips

    out: dict[str, bytes] = {}
    for size in SIZES:
        im = pyvips.Image.thumbnail(str(path), size, height=size, size="down")
        if size == 2048:
            im = im.copy_memory()
        out[f"w{size}"] = im.webpsave_buffer(Q=WEBP["quality"], effort=WEBP["method"], keep=0)
        if size == 2048:
            flat = im.flatten(background=[255, 255, 255]) if im.hasalpha() else im
            out["w2048_jpeg"] = flat.jpegsave_buffer(Q=JPEG_Q, keep=0)
    return out


PIPELINES = {"naive": naive_pillow, "ours": ours, "pyvips": libvips}


def _rss_kb() -> int:
    """Peak resident memory of this process (VmHWM). Not ru_maxrss: Linux carries that over from the parent
    across fork and exec, so a child would report the driver's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker(pipeline: str, path: Path, repeats: int, out_dir: Path) -> None:
    """One pipeline on one image in this (fresh) process: prints JSON with times and peak RSS."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    pillow_heif.options.DECODE_THREADS = 1
    if pipeline == "ours":
        import django

        django.setup()
    if pipeline == "pyvips":
        import pyvips

        pyvips.cache_set_max(0)  # no operation cache: every run decodes again, like the others
    import PIL.Image  # noqa: F401 — imported before the baseline is taken, like the pipeline's own libraries

    run = PIPELINES[pipeline]
    baseline = _rss_kb()
    times, outputs = [], {}
    for _ in range(repeats):  # the median discards the cold first run
        start = time.perf_counter()
        outputs = run(path)
        times.append((time.perf_counter() - start) * 1000)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        (out_dir / name).write_bytes(data)
    print(json.dumps({"times_ms": times, "baseline_kb": baseline, "peak_kb": _rss_kb()}))


# --- Checks -------------------------------------------------------------------------------------------------


def ssim(a, b) -> float:  # type: ignore[no-untyped-def]
    """Mean SSIM of the luminance of two same-size images, with 8x8 windows (Pillow only, no numpy).
    Window means come from a BOX downscale of float images; constants as in Wang et al. (2004)."""
    from PIL import Image, ImageMath

    x, y = a.convert("L").convert("F"), b.convert("L").convert("F")
    w, h = x.size[0] // 8, x.size[1] // 8
    box = (0, 0, w * 8, h * 8)

    def mean(im):  # type: ignore[no-untyped-def]
        return im.resize((w, h), Image.Resampling.BOX, box=box)

    def ev(fn, **imgs):  # type: ignore[no-untyped-def]
        return ImageMath.lambda_eval(lambda args: fn(args), **imgs)

    mx, my = mean(x), mean(y)
    mxx = mean(ev(lambda v: v["x"] * v["x"], x=x))
    myy = mean(ev(lambda v: v["y"] * v["y"], y=y))
    mxy = mean(ev(lambda v: v["x"] * v["y"], x=x, y=y))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ssim_map = ev(
        lambda v: (
            ((v["mx"] * v["my"] * 2 + c1) * ((v["mxy"] - v["mx"] * v["my"]) * 2 + c2))
            / (
                (v["mx"] * v["mx"] + v["my"] * v["my"] + c1)
                * (v["mxx"] - v["mx"] * v["mx"] + v["myy"] - v["my"] * v["my"] + c2)
            )
        ),
        mx=mx,
        my=my,
        mxx=mxx,
        myy=myy,
        mxy=mxy,
    )
    # ImageStat works from histograms and ignores float images: a 1x1 BOX resize is the exact mean.
    mean_value = ssim_map.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert isinstance(mean_value, float)
    return mean_value


def _fit(width: int, height: int, long_side: int) -> tuple[int, int]:
    from listings.images import fit

    return fit(width, height, long_side)


def _reference_1024(name: str, info: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The full-quality reference: full decode (no draft), exif_transpose, one LANCZOS step to the exact size."""
    from PIL import Image, ImageOps

    with Image.open(info["path"]) as original:
        reference = ImageOps.exif_transpose(original).convert("RGBA" if name == "png_alpha" else "RGB")
    width, height = info["size"]
    return reference.resize(_fit(width, height, 1024), Image.Resampling.LANCZOS)


def _as_seen(im):  # type: ignore[no-untyped-def]
    """What a viewer sees: translucent images composited onto white."""
    from PIL import Image

    if "A" not in im.mode:
        return im.convert("RGB")
    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, im.convert("RGBA")).convert("RGB")


def ssim_1024(name: str, info: dict[str, Any], out_dir: Path) -> tuple[float, float]:
    """SSIM of a pipeline's 1024 px WebP against the reference encoded with the same WebP settings (isolates
    the pipeline's own resampling and colour handling from the codec's loss, which every pipeline shares), and
    against the uncompressed reference (includes the codec's loss)."""
    from PIL import Image

    reference = _reference_1024(name, info)
    buf = io.BytesIO()
    reference.save(buf, "WEBP", **WEBP)
    with Image.open(buf) as same_codec, Image.open(out_dir / "w1024") as output:
        seen = _as_seen(output)
        return ssim(_as_seen(same_codec), seen), ssim(_as_seen(reference), seen)


def check_ours(name: str, info: dict[str, Any], out_dir: Path) -> tuple[list[str], float, float]:
    """Problems found in our outputs (empty when all is well) and the two SSIMs at 1024 px."""
    import pillow_heif
    from PIL import Image

    from listings.images import image_metadata

    pillow_heif.register_heif_opener()
    problems: list[str] = []
    width, height = info["size"]
    for variant, long_side in (("w2048", 2048), ("w1024", 1024), ("w320", 320), ("w2048_jpeg", 2048)):
        data = (out_dir / variant).read_bytes()
        meta = image_metadata(data)
        if meta:
            problems.append(f"{variant} carries metadata {meta}")
        for needle in (b"BenchPhone", b"GPS"):
            if needle in data:
                problems.append(f"{variant} contains {needle!r}")
        with Image.open(io.BytesIO(data)) as im:
            expected = _fit(width, height, long_side)
            if im.size != expected:
                problems.append(f"{variant} is {im.size}, expected {expected}")
            corner = im.convert("RGB").getpixel((im.width // 20, im.height // 20))
            assert isinstance(corner, tuple)
            if not (corner[0] > 150 and corner[1] < 110 and corner[2] < 110):
                problems.append(f"{variant} is not upright: top-left is {corner}")
    same_codec, uncompressed = ssim_1024(name, info, out_dir)
    if same_codec < SSIM_TARGET:
        problems.append(f"SSIM at 1024 px is {same_codec:.4f} < {SSIM_TARGET}")
    return problems, same_codec, uncompressed


# --- Driver -------------------------------------------------------------------------------------------------


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import PIL
    import pyvips

    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, Pillow {PIL.__version__}, "
        f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", nargs=3, metavar=("PIPELINE", "IMAGE", "OUT_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), args.repeats, Path(args.worker[2]))
        return 0

    started = time.perf_counter()
    print(f"Machine: {_machine()}")
    print("Generating phone-like images … ", end="", flush=True)
    from django.conf import settings

    inputs = Path(settings.VAR_DIR) / f"bench-images-v{INPUTS_VERSION}"
    with tempfile.TemporaryDirectory(prefix="kredslob-bench-") as tmp:
        folder = Path(tmp)
        images = make_images(inputs)
        print(f"done ({time.perf_counter() - started:.0f} s; kept in {inputs})")
        results: dict[str, dict[str, dict[str, Any]]] = {}
        unsupported: dict[tuple[str, str], str] = {}
        for name, info in images.items():
            for pipeline in PIPELINES:
                out_dir = folder / "out" / pipeline / name
                completed = subprocess.run(  # noqa: S603 — our own module, fixed arguments
                    [
                        sys.executable,
                        *("-m", "benchmarks.images", "--repeats", str(args.repeats)),
                        *("--worker", pipeline, str(info["path"]), str(out_dir)),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                    env=os.environ,
                )
                if completed.returncode != 0:
                    last = (completed.stderr.strip().splitlines() or ["?"])[-1]
                    if pipeline == "ours":
                        raise SystemExit(f"our pipeline failed on {name}: {completed.stderr}")
                    unsupported[(name, pipeline)] = last[:100]
                    continue
                results.setdefault(name, {})[pipeline] = json.loads(completed.stdout.strip().splitlines()[-1])

        header = (
            f"\n{'image':<22}{'pipeline':<9}{'median ms':>10}{'peak MB':>9}{'+MB':>7}"
            f"{'ours/naive':>12}{'ours/vips':>11}{'mem ours/vips':>15}"
        )
        print(header)
        print("-" * (len(header) - 1))
        failures: list[str] = []
        summary: dict[str, Any] = {}
        nan = float("nan")
        for name, by_pipeline in results.items():
            med = {p: statistics.median(r["times_ms"]) for p, r in by_pipeline.items()}
            peak = {p: r["peak_kb"] / 1024 for p, r in by_pipeline.items()}
            delta = {p: (r["peak_kb"] - r["baseline_kb"]) / 1024 for p, r in by_pipeline.items()}
            for pipeline in PIPELINES:
                if pipeline not in med:
                    print(f"{name:<22}{pipeline:<9}  n/a: {unsupported.get((name, pipeline), '')}")
                    continue
                ratios = ""
                if pipeline == "ours":
                    ratios = (
                        f"{med['ours'] / med.get('naive', nan):>12.2f}{med['ours'] / med.get('pyvips', nan):>11.2f}"
                        f"{peak['ours'] / peak.get('pyvips', nan):>15.2f}"
                    )
                row = f"{name:<22}{pipeline:<9}{med[pipeline]:>10.0f}{peak[pipeline]:>9.0f}{delta[pipeline]:>7.0f}"
                print(row + ratios)
            problems, score, raw = check_ours(name, images[name], folder / "out" / "ours" / name)
            others = "; ".join(
                f"{p} {ssim_1024(name, images[name], folder / 'out' / p / name)[1]:.4f}"
                for p in ("naive", "pyvips")
                if p in med
            )
            print(
                f"{'':<22}checks: SSIM@1024 vs same-codec reference {score:.4f}, vs uncompressed {raw:.4f}"
                f" ({others}); " + ("OK" if not problems else "; ".join(problems))
            )
            failures += [f"{name}: {p}" for p in problems]
            summary[name] = {"median_ms": med, "peak_mb": peak, "delta_mb": delta, "ssim": score}

        main_image = summary["jpeg_12mp_o6"]
        speed_vs_vips = main_image["median_ms"]["ours"] / main_image["median_ms"]["pyvips"]
        speed_vs_naive = main_image["median_ms"]["naive"] / main_image["median_ms"]["ours"]
        mem_vs_vips = main_image["peak_mb"]["ours"] / main_image["peak_mb"]["pyvips"]
        print("\nTargets for the 12 MP JPEG:")
        print(f"  ours <= 1.1x pyvips time: {speed_vs_vips:.2f}x  {'MET' if speed_vs_vips <= 1.1 else 'MISSED'}")
        print(f"  >= 2x faster than naive:  {speed_vs_naive:.2f}x  {'MET' if speed_vs_naive >= 2 else 'MISSED'}")
        print(f"  peak RSS <= 2x pyvips:    {mem_vs_vips:.2f}x  {'MET' if mem_vs_vips <= 2 else 'MISSED'}")
        print(f"  output checks:            {'OK' if not failures else 'FAILED'}")
        print(f"\nTotal {time.perf_counter() - started:.0f} s")
        if failures:
            print("\n".join(failures), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
