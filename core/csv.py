"""CSV that is safe to open in a spreadsheet: text people wrote can never run as a formula there.

Every CSV Kredsløb writes passes each cell through `safe_cell` (today: the ORDS export, `repairs.ords`); the ORDS
import reads cells back with `cell_value`, so an exported file imports as it was written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# What makes Excel, LibreOffice Calc or Google Sheets read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value: Any) -> str:
    """The cell's text, with a leading apostrophe when it starts with = + - @, a tab or a carriage return: the
    spreadsheet then shows it as text (`=cmd|' /C calc'!A0` is shown, never run). Other text is unchanged."""
    text = "" if value is None else str(value)
    return ESCAPE + text if text.startswith(FORMULA_STARTS) else text


def safe_row(row: Mapping[str, Any]) -> dict[str, str]:
    """`safe_cell` on every cell of a row (for `csv.DictWriter`)."""
    return {key: safe_cell(value) for key, value in row.items()}


def cell_value(text: str) -> str:
    """A cell written by `safe_cell`, read back: the escaping apostrophe removed (and only that one)."""
    return text[1:] if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_STARTS) else text
