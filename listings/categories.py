"""The category tree: friendly parents over the leaves of `data/lca_categories.csv`."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Category

# (slug, Danish, English, [lca keys of its leaves]). Every CSV row must appear exactly once.
PARENTS: list[tuple[str, str, str, list[str]]] = [
    (
        "it-udstyr",
        "IT-udstyr",
        "IT equipment",
        [
            "laptop",
            "desktop-computer",
            "tablet",
            "mobile",
            "flat-screen",
            "pc-accessory",
            "printer-scanner",
            "projector",
            "games-console",
            "handheld-entertainment-device",
            "tv-gaming-accessories",
        ],
    ),
    ("moebler", "Møbler", "Furniture", ["furniture"]),
    ("toej-og-tekstil", "Tøj og tekstil", "Clothing and textiles", ["clothing-textile"]),
    ("cykler", "Cykler", "Bikes", ["bicycle"]),
    (
        "koekken-og-husholdning",
        "Køkken og husholdning",
        "Kitchen and household",
        [
            "kettle",
            "toaster",
            "coffee-maker",
            "food-processor",
            "small-kitchen-item",
            "small-home-electrical",
            "large-home-electrical",
            "vacuum",
            "iron",
            "sewing-machine",
            "aircon-dehumidifier",
            "fan",
            "paper-shredder",
        ],
    ),
    (
        "lyd-og-billede",
        "Lyd og billede",
        "Audio and photo",
        [
            "hifi-integrated",
            "hifi-separates",
            "headphones",
            "portable-radio",
            "digital-compact-camera",
            "dslr-video-camera",
        ],
    ),
    ("lamper-og-lys", "Lamper og lys", "Lamps and lighting", ["lamp", "decorative-safety-lights"]),
    ("personlig-pleje", "Personlig pleje", "Personal care", ["hair-beauty-item", "hair-dryer"]),
    ("vaerktoej", "Værktøj", "Tools", ["power-tool", "hand-tool"]),
    ("fritid-og-legetoej", "Fritid og legetøj", "Leisure and toys", ["toy", "musical-instrument"]),
    ("smykker-og-ure", "Smykker og ure", "Jewellery and watches", ["jewellery", "watch-clock"]),
    ("diverse", "Diverse", "Miscellaneous", ["battery-charger-adapter", "misc-powered", "misc-unpowered"]),
]

# Leaves whose items usually hold personal data on storage that must be wiped before reuse.
DATA_WIPE_KEYS = {"laptop", "desktop-computer", "tablet", "mobile", "flat-screen", "games-console"}


def read_lca_rows(path: Path | None = None) -> list[dict[str, str]]:
    with open(path or settings.LCA_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def categories_load(path: Path | None = None, *, model: Any = Category) -> tuple[int, int]:
    """Create or update the whole tree; safe to run again. Returns (parents, leaves).

    `model` lets the data migration pass its historical Category model."""
    rows = {row["key"]: row for row in read_lca_rows(path)}
    placed = [key for *_, keys in PARENTS for key in keys]
    missing = set(rows) - set(placed)
    unknown = set(placed) - set(rows)
    if missing or unknown or len(placed) != len(set(placed)):
        raise ValueError(f"Category tree and CSV disagree: missing {sorted(missing)}, unknown {sorted(unknown)}")
    # The weight bounds came with migration listings.0005; the data migration before it loads the tree without them.
    has_bounds = any(field.name == "weight_max_kg" for field in model._meta.get_fields())
    for p_index, (slug, name_da, name_en, keys) in enumerate(PARENTS):
        parent, _ = model.objects.update_or_create(
            slug=slug, defaults={"name_da": name_da, "name_en": name_en, "parent": None, "position": p_index}
        )
        for l_index, key in enumerate(keys):
            row = rows[key]
            bounds = (
                {"weight_min_kg": Decimal(row["weight_min_kg"]), "weight_max_kg": Decimal(row["weight_max_kg"])}
                if has_bounds
                else {}
            )
            model.objects.update_or_create(
                slug=key,
                defaults={
                    **bounds,
                    "name_da": row["name_da"],
                    "name_en": row["name_en"],
                    "parent": parent,
                    "position": l_index,
                    "lca_key": key,
                    "ords_category_id": int(row["ords_category_id"]) if row["ords_category_id"] else None,
                    "powered": row["powered"].strip().lower() == "true",
                    "weight_kg": Decimal(row["weight_kg"]),
                    "footprint_kg_co2e": Decimal(row["footprint_kg_co2e"]),
                    "needs_data_wipe": key in DATA_WIPE_KEYS,
                },
            )
    return len(PARENTS), len(rows)
