"""`core.csv`: cells a spreadsheet would run as a formula are written as text, and read back as they were."""

from __future__ import annotations

import pytest

from core.csv import cell_value, safe_cell


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+45 20 30 40 50", "'+45 20 30 40 50"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Lenovo", "Lenovo"),
        ("Skærm 15 tommer = fin", "Skærm 15 tommer = fin"),
        ("'quoted", "'quoted"),
        ("", ""),
        (None, ""),
        (16, "16"),
    ],
)
def test_safe_cell_escapes_only_what_starts_a_formula(text, written):
    assert safe_cell(text) == written
    if isinstance(text, str):
        assert cell_value(safe_cell(text)) == text
