"""core.pdf: the one PDF builder. Every test reads the PDF back with pypdf and checks its text."""

from __future__ import annotations

import io

import pypdf
import pytest

from core.pdf import Document, pdf_text


def read(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_a_document_is_a_pdf_with_its_title_and_danish_text():
    doc = Document(title="Rapport for Kredsløb", subtitle="1. januar – 31. marts 2026", footer="Kredsløb 9220")
    doc.heading("Æbler, øl og ål").paragraph("Han sagde “godt gået” – og så gik han. ÆØÅ æøå é ü")
    data = doc.to_bytes()
    assert data.startswith(b"%PDF-")
    reader, text = read(data)
    assert reader.metadata is not None and reader.metadata.title == "Rapport for Kredsløb"
    for expected in (
        "Rapport for Kredsløb",
        "1. januar – 31. marts 2026",
        "Æbler, øl og ål",
        "Han sagde “godt gået” – og så gik han. ÆØÅ æøå é ü",
        "Kredsløb 9220",
    ):
        assert expected in text


def test_characters_outside_windows_1252_are_replaced_not_fatal():
    assert pdf_text("Łukasz Ğül CO₂ 3−1 → 中") == "Lukasz Gül CO2 3-1 -> ?"
    assert pdf_text(None) == ""
    assert pdf_text("a\x00b\tc") == "ab c"
    doc = Document(title="Navne")
    doc.key_values([("Navn", "Łukasz Ğül 中文"), ("CO₂", "12 kg")])
    _, text = read(doc.to_bytes())
    assert "Lukasz Gül ??" in text
    assert "CO2" in text


def test_key_values_keep_each_pair_on_its_line():
    doc = Document(title="Certifikat")
    doc.key_values([("Serienummer", "SN-12345"), ("Værktøj", "nwipe 0.35"), ("Niveau", "Purge")])
    _, text = read(doc.to_bytes())
    assert "Serienummer SN-12345" in text
    assert "Værktøj nwipe 0.35" in text
    assert "Niveau Purge" in text


def test_a_long_table_wraps_and_repeats_its_header_on_every_page():
    rows = [[f"Enhed {i:03d}", "Meget lang model­betegnelse " * (i % 4), f"{i}"] for i in range(150)]
    doc = Document(title="Liste", page_label="Side {page} af {pages}")
    doc.table(["Serienummer", "Model", "Antal"], rows, widths=[2, 5, 1], align=["L", "L", "R"])
    reader, text = read(doc.to_bytes())
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert "Serienummer" in page_text and "Model" in page_text, f"no header on page {number}"
        assert f"Side {number} af {pages}" in page_text
    for i in (0, 75, 149):
        assert f"Enhed {i:03d}" in text


def test_bar_chart_prints_its_labels_and_values():
    doc = Document(title="Diagram")
    doc.bar_chart(
        "Job efter udfald",
        [("Repareret", 12), ("Kan repareres", 0), ("Kasseret", 3.5)],
        value_format=lambda v: f"{v:.1f} stk.",
    )
    doc.bar_chart("Tomt", [], empty_text="Ingen data")
    _, text = read(doc.to_bytes())
    assert "Job efter udfald" in text
    assert "Repareret" in text and "12.0 stk." in text
    assert "Kan repareres" in text and "0.0 stk." in text
    assert "Kasseret" in text and "3.5 stk." in text
    assert "Ingen data" in text


def test_a_long_bar_label_is_shortened_to_one_line():
    doc = Document(title="Diagram")
    doc.bar_chart("Kategorier", [("Computere og bærbare og tablets og telefoner og skærme og printere", 1)])
    _, text = read(doc.to_bytes())
    assert "Computere og bærbare" in text
    assert "printere" not in text


@pytest.mark.parametrize("count", [0, 1, 400])
def test_documents_of_any_length_end_with_page_numbers(count):
    doc = Document(title="Længde", page_label="{page}/{pages}")
    for i in range(count):
        doc.paragraph(f"Afsnit {i}")
    reader, text = read(doc.to_bytes())
    last = len(reader.pages)
    assert f"{last}/{last}" in reader.pages[-1].extract_text()
    if count:
        assert f"Afsnit {count - 1}" in text
