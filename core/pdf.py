"""PDF documents, one small builder for every PDF the product sends out of the building (certificates, reports).

Built on fpdf2 (pure Python: `make run` needs nothing but pip). Text is set in the PDF core fonts (Helvetica)
with the Windows-1252 encoding, which holds Danish (æøå, ÆØÅ), the dashes and typographic quotes; any other
character is replaced safely (`pdf_text`): a letter by its accent-less form where one exists, else "?". So a
name in any script never breaks a document — it degrades, readable in Danish and English.

    doc = Document(title="Rapport", subtitle="1. januar – 31. marts 2026", footer="Kredsløb",
                   page_label="Side {page} af {pages}")
    doc.heading("Tal")
    doc.key_values([("Kg holdt ude af skraldespanden", "1.234,5 kg")])
    doc.table(["Kategori", "Job"], [["Cykler", "12"]], align=["L", "R"])
    doc.bar_chart("Job efter udfald", [("Repareret", 12), ("Kasseret", 3)])
    data: bytes = doc.to_bytes()

Tables wrap long cells and repeat their header row on every page they run onto; every page carries the
footer text and its page number. The builder never reads the database or the request: callers pass the
words already translated."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

ENCODING = "windows-1252"
FONT = "helvetica"
CONTENT_TYPE = "application/pdf"

# Characters outside Windows-1252 that have a close equivalent inside it.
_SUBSTITUTES = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "–",  # figure dash
    "\u2015": "—",  # horizontal bar
    "\u2032": "'",  # prime
    "\u2033": '"',  # double prime
    "\u2212": "-",  # minus sign
    "\u2009": " ",  # thin space
    "\u202f": " ",  # narrow no-break space
    "\u2007": " ",  # figure space
    "\u200b": "",  # zero-width space
    "\u2192": "->",  # rightwards arrow
    "\u2190": "<-",  # leftwards arrow
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2248": "~",
    "\u2713": "v",  # check mark
    "\u2714": "v",
    "\u2717": "x",
    "\u2082": "2",  # subscript two (CO₂)
    "\u0141": "L",  # Ł (no decomposition)
    "\u0142": "l",  # ł
    "\u0110": "D",  # Đ
    "\u0111": "d",  # đ
    "\u0131": "i",  # dotless ı
}


def _char(char: str) -> str:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        pass
    else:
        return char
    if char in _SUBSTITUTES:
        return _SUBSTITUTES[char]
    # A letter with marks outside the encoding (ł, ő, ş…): its base letter, if that one is in the encoding.
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    try:
        base.encode(ENCODING)
    except UnicodeEncodeError:
        return "?"
    return base or "?"


def pdf_text(value: object) -> str:
    """`value` as text the core fonts can set: Windows-1252, with every other character replaced (see module)."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\t", " ")
    return "".join(_char(c) if ord(c) > 127 or c in "\x00\x0b\x0c" else c for c in text if c == "\n" or c >= " ")


class _Pdf(FPDF):
    """FPDF with the document's footer on every page."""

    footer_text = ""
    page_label = "{page} / {pages}"

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        width = self.epw / 2
        self.cell(width, 6, pdf_text(self.footer_text), align=Align.L)
        label = self.page_label.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(width, 6, pdf_text(label), align=Align.R)
        self.set_text_color(0, 0, 0)


class Document:
    """An A4 document: a title, then headings, paragraphs, key/value blocks, tables and bar charts in the order
    they are added; `to_bytes()` gives the PDF."""

    line = 5.5  # mm per line of body text

    def __init__(
        self,
        *,
        title: str,
        subtitle: str = "",
        footer: str = "",
        page_label: str = "{page} / {pages}",
        author: str = "Kredsløb",
        language: str = "da",
        created: datetime | None = None,
    ) -> None:
        pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
        pdf.core_fonts_encoding = ENCODING
        pdf.footer_text = footer
        pdf.page_label = page_label
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(auto=True, margin=20)
        pdf.set_title(pdf_text(title))
        pdf.set_author(pdf_text(author))
        pdf.set_creator("Kredsløb")
        pdf.set_lang(language)
        if created is not None:
            pdf.set_creation_date(created)
        pdf.add_page()
        pdf.set_font(FONT, style="B", size=18)
        pdf.multi_cell(0, 9, pdf_text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            pdf.set_font(FONT, size=11)
            pdf.set_text_color(70, 70, 70)
            pdf.multi_cell(0, 6, pdf_text(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
        pdf.ln(3)
        self._pdf = pdf

    # --- Blocks ------------------------------------------------------------------------------------------------

    def heading(self, text: str) -> Document:
        pdf = self._pdf
        if pdf.will_page_break(40):  # a heading never sits alone at the foot of a page
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FONT, style="B", size=13)
        pdf.multi_cell(0, 7, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        return self

    def paragraph(self, text: str, *, size: float = 10, muted: bool = False) -> Document:
        pdf = self._pdf
        pdf.set_font(FONT, size=size)
        if muted:
            pdf.set_text_color(80, 80, 80)
        pdf.multi_cell(0, self.line * size / 10, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        return self

    def key_values(self, rows: Sequence[tuple[str, object]], *, key_width: float = 70) -> Document:
        """Label and value side by side, one pair a line (both wrap when long)."""
        pdf = self._pdf
        for key, value in rows:
            pdf.set_font(FONT, style="B", size=10)
            key_text, value_text = pdf_text(key), pdf_text(value)
            lines = max(
                _line_count(pdf, key_width, self.line, key_text),
                _line_count(pdf, pdf.epw - key_width, self.line, value_text),
            )
            if pdf.will_page_break(lines * self.line):
                pdf.add_page()
            top = pdf.get_y()
            pdf.multi_cell(key_width, self.line, key_text, new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.set_font(FONT, size=10)
            pdf.multi_cell(pdf.epw - key_width, self.line, value_text, new_x=XPos.LMARGIN, new_y=YPos.TOP)
            pdf.set_y(top + lines * self.line)
        pdf.ln(2)
        return self

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths: Sequence[float] | None = None,
        align: Sequence[str] | None = None,
        size: float = 9,
    ) -> Document:
        """A table with a header row, repeated on each page the table runs onto; long cells wrap. `widths` are
        relative column widths; `align` one of "L", "C", "R" per column."""
        pdf = self._pdf
        pdf.set_font(FONT, size=size)
        aligns = tuple(align) if align else tuple("L" for _ in header)
        with pdf.table(
            col_widths=tuple(widths) if widths else None,
            text_align=aligns,
            line_height=size * 0.55,
            headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 228)),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            cell_fill_color=(246, 248, 247),
            cell_fill_mode="ROWS",
            padding=1.2,
            first_row_as_headings=True,
            width=pdf.epw,
        ) as table:
            table.row([pdf_text(h) for h in header])
            for values in rows:
                table.row([pdf_text(v) for v in values])
        pdf.ln(3)
        return self

    def bar_chart(
        self,
        title: str,
        bars: Sequence[tuple[str, float]],
        *,
        value_format: Callable[[float], str] | None = None,
        empty_text: str = "–",
    ) -> Document:
        """A horizontal bar chart: one bar per (label, value), scaled to the largest value, the value printed
        after each bar. Drawn with rectangles and text, so the labels and values stay readable text."""
        pdf = self._pdf
        fmt = value_format or (lambda v: f"{v:g}")
        bar_height, gap = 5.0, 2.0
        label_width = min(60.0, pdf.epw * 0.35)
        value_width = 28.0
        track = pdf.epw - label_width - value_width - 4
        if pdf.will_page_break(10 + min(len(bars), 4) * (bar_height + gap)):
            pdf.add_page()
        pdf.set_font(FONT, style="B", size=10)
        pdf.multi_cell(0, 6, pdf_text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        if not bars:
            self.paragraph(empty_text, muted=True)
            return self
        largest = max((max(float(v), 0.0) for _, v in bars), default=0.0)
        pdf.set_font(FONT, size=9)
        for label, value in bars:
            if pdf.will_page_break(bar_height + gap):
                pdf.add_page()
            top = pdf.get_y()
            x = pdf.l_margin
            pdf.set_xy(x, top)
            pdf.cell(label_width, bar_height, pdf_text(_fit(pdf, pdf_text(label), label_width - 2)), align=Align.L)
            length = track * max(float(value), 0.0) / largest if largest > 0 else 0.0
            pdf.set_fill_color(230, 234, 232)
            pdf.rect(x + label_width, top + 0.5, track, bar_height - 1, style="F")
            if length > 0:
                pdf.set_fill_color(46, 125, 90)
                pdf.rect(x + label_width, top + 0.5, max(length, 0.4), bar_height - 1, style="F")
            pdf.set_xy(x + label_width + track + 2, top)
            pdf.cell(value_width, bar_height, pdf_text(fmt(float(value))), align=Align.R)
            pdf.set_xy(x, top + bar_height + gap)
        pdf.ln(3)
        return self

    def spacer(self, mm: float = 4) -> Document:
        self._pdf.ln(mm)
        return self

    def page_break(self) -> Document:
        self._pdf.add_page()
        return self

    def to_bytes(self) -> bytes:
        return bytes(self._pdf.output())


def _line_count(pdf: FPDF, width: float, height: float, text: str) -> int:
    lines = pdf.multi_cell(width, height, text, dry_run=True, output="LINES")
    return len(lines) if isinstance(lines, list) else 1


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` shortened with "…" to fit `width` mm in the current font (a bar label stays on one line)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
