"""PDF reader: text, line boxes, fonts and table rules from pypdfium2; pdfplumber's table geometry.

pdfplumber's own page parsing builds a Python dict per character (about 13 pages/s, 250 ms for a
page holding a table), so it is not used to parse pages at all.  Text comes from pdfium's text
rectangles (one per run of text in one font on one line), a few C calls per run.  On pages whose
drawing paths look like a ruled grid, the rules are handed as explicit edges to pdfplumber's
TableFinder, which turns them into cells, and each cell's text is read back from pdfium.
"""

from __future__ import annotations

import ctypes
import math
import re
from pathlib import Path
from types import SimpleNamespace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder

from pipeline.errors import CorruptDocument, EncryptedDocument, NoTextLayer
from pipeline.read.pdf_layout import PageContent, Segment, TableBox, layout_document
from pipeline.records import RawDocument

BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# pdfium marks a hyphen it judged to be a line-end hyphenation with \x02; other controls are noise.
CONTROL_CHARS = str.maketrans({**{chr(c): " " for c in range(32) if c != 2}, "\x02": "-", "\xad": "-"})
CELL_CHARS = str.maketrans({**{chr(c): " " for c in range(32) if c not in (2, 10)}, "\x02": "-"})
PASSWORD_ERRORS = {pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY}
MIN_GRID_LINES = 2  # a ruled table has at least two horizontal and two vertical rules


def read_pdf(path: str | Path, *, ocr: str = "auto") -> RawDocument:
    """Read a PDF into blocks in reading order, with headers, footers and page numbers set apart.

    Raises EncryptedDocument (a password is needed), CorruptDocument (damaged or truncated file)
    or NoTextLayer (no page has text, e.g. a scan).
    """
    path = Path(path)
    pdf = _open(path)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise CorruptDocument(f"{path.name} declares no pages; there is nothing to read.",
                                  reason="no_pages")
        pages = [_read_page(pdf, index, path) for index in range(n_pages)]
        title = _title(pdf)
    finally:
        pdf.close()
    if not any(page.segments for page in pages):
        noun = "page" if n_pages == 1 else "pages"
        raise NoTextLayer(
            f"The PDF has {n_pages} {noun} but no text layer; it is probably scanned and needs OCR."
        )
    blocks, furniture = layout_document(pages)
    return RawDocument(format="pdf", n_pages=n_pages, blocks=blocks, furniture=furniture, title=title)


def _open(path: Path) -> pdfium.PdfDocument:
    """Open with the empty password, which unlocks PDFs that only restrict printing or copying."""
    try:
        return pdfium.PdfDocument(path, password="")
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in PASSWORD_ERRORS:
            raise EncryptedDocument(
                f"The PDF is password-protected; {path.name} cannot be read without its password. "
                "Save an unprotected copy and ingest that."
            ) from exc
        raise CorruptDocument(
            f"{path.name} is not a readable PDF ({exc}); it is probably damaged or truncated."
        ) from exc


def _read_page(pdf: pdfium.PdfDocument, index: int, path: Path) -> PageContent:
    try:
        page = pdf[index]
        try:
            return _page_content(page, index + 1)
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"Page {index + 1} of {path.name} could not be read ({exc}).") from exc


def _page_content(page: pdfium.PdfPage, number: int) -> PageContent:
    left, bottom, right, top = page.get_mediabox()
    width, height = right - left, top - bottom
    textpage = page.get_textpage()
    try:
        segments = tuple(_segments(textpage, left, top))
        rules = _rules(page, width, height, left, top) if segments else []
        tables = _ruled_tables(textpage, rules, width, height, left, top) if _is_grid(rules) else ()
    finally:
        textpage.close()
    return PageContent(number, width, height, segments, tables)


def _segments(textpage: pdfium.PdfTextPage, left: float, top: float):
    """One Segment per pdfium text rectangle, in top-down coordinates."""
    prev_rect, prev_text = (0.0, 0.0, 0.0, 0.0), ""
    for i in range(textpage.count_rects()):
        rect = textpage.get_rect(i)
        x0, bottom, x1, y_top = rect
        text = _run_text(textpage, rect, prev_rect, prev_text)
        prev_rect, prev_text = rect, text
        if not text.strip():
            continue
        # Hit-test the middle of the run: its first character is often a space with no box.
        half_w, half_h = (x1 - x0) / 2, (y_top - bottom) / 2
        index = textpage.get_index(x0 + half_w, bottom + half_h, half_w + 1, half_h + 1)
        size, bold = _font(textpage, index) if index is not None else (y_top - bottom, False)
        yield Segment(x0 - left, top - y_top, x1 - left, top - bottom, text, size, bold)


def _run_text(textpage: pdfium.PdfTextPage, rect: tuple, prev_rect: tuple, prev_text: str) -> str:
    """Text of one rectangle.

    pdfium returns every character the box touches, and a run sometimes starts a fraction of a
    point inside the previous run, repeating its last letter ("stock " + "k of patients").
    """
    x0, bottom, x1, top = rect
    text = textpage.get_text_bounded(x0, bottom, x1, top).translate(CONTROL_CHARS)
    p_x0, p_bottom, p_x1, p_top = prev_rect
    overlaps_previous = p_bottom < (bottom + top) / 2 < p_top and p_x0 < x0 < p_x1
    if overlaps_previous and text[:1].isalpha() and text[:1] == prev_text.rstrip()[-1:]:
        return text[1:]
    return text


_FONT_NAME = ctypes.create_string_buffer(256)
_FONT_FLAGS = ctypes.c_int()
_MATRIX = pdfium_c.FS_MATRIX()


def _font(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, bool]:
    """(size in points, bold) of one character; bold from the weight or the font's name."""
    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
    # Some producers set a 1 pt font and scale it with the text matrix; the size seen is the product.
    if pdfium_c.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(_MATRIX)):
        size *= math.hypot(_MATRIX.c, _MATRIX.d) or 1.0
    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    if weight >= 600:
        return size, True
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, _FONT_NAME, len(_FONT_NAME), ctypes.byref(_FONT_FLAGS))
    return size, bool(BOLD_NAME.search(_FONT_NAME.value.decode("latin-1")))


def _rules(page: pdfium.PdfPage, width: float, height: float, left: float, top: float) -> list[dict]:
    """Drawn lines and boxes of the page as pdfplumber rect objects (top-down coordinates).

    Page frames (nearly as big as the page) are left out.  A path drawing a whole grid in one
    object only yields its outer box, so such a table is read as text.
    """
    rules = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        x0, y0, x1, y1 = obj.get_bounds()
        w, h = x1 - x0, y1 - y0
        if (w > 0.9 * width and h > 0.9 * height) or (w < 1 and h < 1) or _has_curves(obj):
            continue
        page_bottom = top - height
        rules.append({"object_type": "rect", "x0": x0 - left, "x1": x1 - left, "top": top - y1,
                      "bottom": top - y0, "doctop": top - y1, "y0": y0 - page_bottom, "y1": y1 - page_bottom,
                      "width": w, "height": h})
    return rules


def _has_curves(obj: pdfium.PdfObject) -> bool:
    """Table rules are straight; curved paths are logos, rounded boxes and decoration."""
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return True
    return False


def _is_grid(rules: list[dict]) -> bool:
    """Cheap test before any table search: rules both across and down, as in a ruled table."""
    across = sum(1 for r in rules if r["width"] >= 15)
    down = sum(1 for r in rules if r["height"] >= 6)
    return across >= MIN_GRID_LINES and down >= MIN_GRID_LINES


def _ruled_tables(textpage: pdfium.PdfTextPage, rules: list[dict], width: float, height: float,
                  left: float, top: float) -> tuple[TableBox, ...]:
    """Tables whose cells pdfplumber's TableFinder builds from the rules; cell text read from pdfium.

    A single framed cell is a text box, not a table, and is left to the paragraphs.
    """
    settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": rules, "explicit_horizontal_lines": rules}
    finder = TableFinder(SimpleNamespace(bbox=(0, 0, width, height)), settings)
    found = []
    for table in finder.tables:
        rows = tuple(tuple(_cell_text(textpage, cell, left, top) for cell in row.cells) for row in table.rows)
        rows = tuple(row for row in rows if any(cell.strip() for cell in row))
        if len(rows) < 2 and all(len(row) < 2 for row in rows):
            continue
        found.append(TableBox(*table.bbox, rows))
    return tuple(found)


def _cell_text(textpage: pdfium.PdfTextPage, cell: tuple | None, left: float, top: float) -> str:
    """Text inside one cell (lines separated by newlines); "" for a cell covered by a merged one."""
    if cell is None:
        return ""
    x0, cell_top, x1, cell_bottom = cell
    text = textpage.get_text_bounded(x0 + left, top - cell_bottom, x1 + left, top - cell_top)
    return text.replace("\r\n", "\n").translate(CELL_CHARS)


def _title(pdf: pdfium.PdfDocument) -> str | None:
    """Title from the PDF metadata, without the "Microsoft Word - file.docx" names some printers put there."""
    title = " ".join((pdf.get_metadata_dict().get("Title") or "").split())
    title = re.sub(r"^Microsoft Word - ", "", title)
    if not title or re.search(r"\.(docx?|pdf|rtf|odt)$", title, re.IGNORECASE):
        return None
    return title
