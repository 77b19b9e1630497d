"""The neighbourhoods a listing's area is chosen from: a fixed list (`listings/data/areas.csv`, sources in
`listings/data/SOURCES.md`). Listings store the neighbourhood's name; the pickup address itself is in
`pickup_details`, which only the seller side and — once the reservation is confirmed — the buyer read
(`marketplace.selectors.reservation_pickup_details`), so everybody else sees the neighbourhood only."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

AREAS_CSV = Path(__file__).resolve().parent / "data" / "areas.csv"


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    aliases: tuple[str, ...]


@cache
def areas() -> tuple[Area, ...]:
    """Every neighbourhood, in the file's order."""
    with AREAS_CSV.open(encoding="utf-8") as handle:
        return tuple(
            Area(row["key"], row["name"], tuple(a for a in (row.get("aliases") or "").split("|") if a))
            for row in csv.DictReader(handle)
        )


def area_names() -> list[str]:
    return [area.name for area in areas()]


def area_choices() -> list[tuple[str, str]]:
    """For a select: (stored value, label)."""
    return [(area.name, area.name) for area in areas()]


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ø", "oe").replace("æ", "ae").replace("å", "aa"))
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).replace("-", " ").split())


def area_normalise(text: str) -> str:
    """The neighbourhood a free text names, or "" when it names none: its name or an alias, in any case, with or
    without Danish letters ("smedegaard" → "Smedegård"), also inside a longer text ("Kildeparken 12, 2. th." →
    "Kildeparken"). Used to migrate the free-text areas of before, and to read an area typed by hand."""
    folded = _fold(text or "")
    if not folded:
        return ""
    for area in areas():
        if folded in {_fold(area.name), *(_fold(alias) for alias in area.aliases)}:
            return area.name
    padded = f" {folded} "
    for area in areas():
        for candidate in (area.name, *area.aliases):
            if f" {_fold(candidate)} " in padded or padded.startswith(f" {_fold(candidate)},"):
                return area.name
    for area in areas():
        for candidate in (area.name, *area.aliases):
            if len(candidate) >= 6 and _fold(candidate) in folded:
                return area.name
    return ""
