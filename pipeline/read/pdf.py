"""PDF reader: text, line boxes, fonts and table rules from pypdfium2; ruled-table cells in pdf_grid.

pdfplumber's own page parsing builds a Python dict per character (about 13 pages/s, 250 ms for a
page holding a table), so it is not used to parse pages at all.  Text comes from pdfium's text
rectangles (one per run of text in one font on one line), a few C calls per run.  On pages whose
drawing paths look like a ruled grid, the rules are turned into cells as pdfplumber's TableFinder
does (`pdf_grid`), and each cell's text is read back from pdfium.

Each bounded-text call scans every character of the page inside pdfium.  Reading the characters
out once and assigning them to boxes in Python was measured and dropped: fetching one character's
box through ctypes costs more (1.3 us) than pdfium's whole scan does per character.
"""

from __future__ import annotations

import ctypes
import math
import re
import time
from codecs import decode
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import CorruptDocument, EncryptedDocument, NoTextLayer
from pipeline.read.pdf_grid import grid_tables
from pipeline.read.pdf_layout import PageContent, Segment, TableBox, layout_document
from pipeline.records import Block, PageInfo, RawDocument

BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# pdfium marks a hyphen it judged to be a line-end hyphenation with \x02; other controls are noise.
CONTROL_CHARS = str.maketrans({**{chr(c): " " for c in range(32) if c != 2}, "\x02": "-", "\xad": "-"})
CELL_CHARS = str.maketrans({**{chr(c): " " for c in range(32) if c not in (2, 10)}, "\x02": "-"})
PASSWORD_ERRORS = {pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY}
MIN_GRID_LINES = 2  # a ruled table has at least two horizontal and two vertical rules
MAX_FORM_DEPTH = 3  # rules are looked for in form objects nested up to this deep


def read_pdf(path: str | Path, *, ocr: str = "auto",
             ocr_seconds: float | None = None) -> RawDocument:
    """Read a PDF into blocks in reading order, with headers, footers and page numbers set apart.

    Pages without a text layer are read by OCR when `ocr` is "auto" (and every page when "force") if
    Tesseract is installed, within `ocr_seconds` for the whole file (pages left over when it runs
    out are marked `timeout` and the file `truncated`).  A file or page pdfium cannot load is handed
    to pdfminer before giving up.
    Raises EncryptedDocument (a password is needed), CorruptDocument (damaged, truncated, no pages)
    or NoTextLayer (no page has text, e.g. a scan without OCR).
    """
    path = Path(path)
    try:
        pdf = _open(path)
    except CorruptDocument as error:
        return read_with_pdfminer(path, error)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise CorruptDocument(f"{path.name} declares no pages; there is nothing to read.",
                                  reason="no_pages")
        pages, failed = _read_pages(pdf, n_pages)
        if not pages:
            pdf.close()
            return read_with_pdfminer(path, CorruptDocument(f"No page of {path.name} could be read."))
        ocr_done = _ocr_pages(pdf, pages, ocr, ocr_seconds)
        title = _title(pdf)
    finally:
        pdf.close()
    pages = [ocr_done[p.number].content if ocr_done.get(p.number) else p for p in pages]
    infos = _page_infos(n_pages, pages, failed, ocr_done, ocr)
    warnings = _document_warnings(pages, failed, ocr_done, infos)
    if not any(page.segments for page in pages):
        noun = "page" if n_pages == 1 else "pages"
        missing = "ocr_unavailable" in warnings
        unavailable = " (OCR is unavailable: Tesseract is not installed)" if missing else ""
        error = NoTextLayer(f"The PDF has {n_pages} {noun} but no text layer; it is probably scanned and "
                            f"needs OCR{unavailable}.")
        error.warnings = warnings
        raise error
    blocks, furniture = layout_document(pages)
    return RawDocument(format="pdf", n_pages=n_pages, blocks=blocks, furniture=furniture, title=title,
                       warnings=warnings, pages=infos)


def _read_pages(pdf: pdfium.PdfDocument, n_pages: int) -> tuple[list[PageContent], list[int]]:
    """The pages pdfium can load, and the numbers of those it cannot (a loop in a damaged page tree)."""
    pages, failed = [], []
    for index in range(n_pages):
        try:
            pages.append(_read_page(pdf, index))
        except pdfium.PdfiumError:
            failed.append(index + 1)
    return pages, failed


def _ocr_pages(pdf: pdfium.PdfDocument, pages: list[PageContent], mode: str,
               budget: float | None) -> dict:
    """OCR results by page number for the pages that need them (none when OCR is off); None for a
    page that needed OCR when Tesseract is not installed."""
    if mode == "off":
        return {}
    wanted = [p.number for p in pages if mode == "force" or not p.segments]
    if not wanted:
        return {}
    from pipeline.read.ocr import PAGE_SECONDS, OcrPage, ocr_available, ocr_page

    if not ocr_available():
        return {number: None for number in wanted if _has_images(pdf, number)}
    done = {}
    deadline = time.monotonic() + budget if budget else None
    for number in wanted:
        page = pdf[number - 1]
        try:
            # A page with no picture on it is blank, not scanned: nothing for OCR to read.
            if mode != "force" and not _page_has_images(page):
                continue
            left = deadline - time.monotonic() if deadline else PAGE_SECONDS
            if left < 1:
                width, height = page.get_size()
                done[number] = OcrPage(PageContent(number, width, height, ()), 0.0, timed_out=True)
            else:
                done[number] = ocr_page(page, number, seconds=min(PAGE_SECONDS, left))
        finally:
            page.close()
    return done


def _has_images(pdf: pdfium.PdfDocument, number: int) -> bool:
    page = pdf[number - 1]
    try:
        return _page_has_images(page)
    finally:
        page.close()


def _page_has_images(page: pdfium.PdfPage) -> bool:
    return next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)), None) is not None


def _page_infos(n_pages: int, pages: list[PageContent], failed: list[int], ocr_done: dict,
                mode: str) -> tuple[PageInfo, ...]:
    by_number = {p.number: p for p in pages}
    infos = []
    for number in range(1, n_pages + 1):
        page = by_number.get(number)
        result = ocr_done.get(number)
        if page is None:
            infos.append(PageInfo(number, reason="corrupt"))
            continue
        warnings = ("repeated_text_dropped",) if page.n_repeated else ()
        if result is not None:
            empty = "timeout" if result.timed_out else "no_text_layer"
            infos.append(PageInfo(number, reason=None if result.content.segments else empty,
                                  warnings=(*warnings, "ocr"), source="ocr",
                                  ocr_confidence=result.confidence))
        elif not page.segments:
            extra = ("ocr_unavailable",) if number in ocr_done else ()
            infos.append(PageInfo(number, reason="no_text_layer", warnings=extra))
        else:
            infos.append(PageInfo(number, warnings=warnings))
    return tuple(infos)


def _document_warnings(pages: list[PageContent], failed: list[int], ocr_done: dict,
                       infos: tuple[PageInfo, ...]) -> tuple[str, ...]:
    warnings = []
    if failed:
        warnings.append("repaired")
    if any(p.n_repeated for p in pages):
        warnings.append("repeated_text_dropped")
    if any(r is not None for r in ocr_done.values()):
        warnings.append("ocr")
    if any(r is not None and r.timed_out for r in ocr_done.values()):
        warnings.append("truncated")
    if any(r is None for r in ocr_done.values()):
        warnings.append("ocr_unavailable")
    return tuple(warnings)


def read_with_pdfminer(path: Path, error: CorruptDocument) -> RawDocument:
    """Second reader for files pdfium refuses: pdfminer rebuilds a broken cross-reference table and
    walks a page tree without looping.  Re-raises `error` (or says there are no pages) if it fails too."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    blocks, n_pages = [], 0
    try:
        for n_pages, layout in enumerate(extract_pages(str(path)), start=1):
            for element in layout:
                if isinstance(element, LTTextContainer) and element.get_text().strip():
                    text = " ".join(element.get_text().translate(CONTROL_CHARS).split())
                    blocks.append(Block("paragraph", text, n_pages))
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, RecursionError,
            AssertionError, IndexError):
        raise error from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds; any of them means unreadable
        if type(exc).__module__.startswith("pdfminer"):
            raise error from None
        raise
    if n_pages == 0 and error.reason == "corrupt" and _declares_no_pages(path):
        raise CorruptDocument(f"{path.name} declares no pages; there is nothing to read.",
                              reason="no_pages") from None
    if not blocks:
        raise error
    infos = tuple(PageInfo(n) for n in range(1, n_pages + 1))
    return RawDocument(format="pdf", n_pages=n_pages, blocks=tuple(blocks), warnings=("repaired",),
                       pages=infos)


def _declares_no_pages(path: Path) -> bool:
    data = path.read_bytes()
    return re.search(rb"/Count\s+0\b", data) is not None and re.search(rb"/Type\s*/Page\b", data) is None


def _open(path: Path) -> pdfium.PdfDocument:
    """Open with the empty password, which unlocks PDFs that only restrict printing or copying."""
    try:
        return pdfium.PdfDocument(path, password="")
    except pdfium.PdfiumError as exc:
        # pdfium leaves its last error untouched on some failures (a file without pages), so a password
        # error is believed only of a file that has an encryption dictionary.
        if getattr(exc, "err_code", None) in PASSWORD_ERRORS and b"/Encrypt" in path.read_bytes():
            raise EncryptedDocument(
                f"The PDF is password-protected; {path.name} cannot be read without its password. "
                "Save an unprotected copy and ingest that."
            ) from exc
        raise CorruptDocument(
            f"{path.name} is not a readable PDF ({exc}); it is probably damaged or truncated."
        ) from exc


def _read_page(pdf: pdfium.PdfDocument, index: int) -> PageContent:
    page = pdf[index]
    try:
        return _page_content(page, index + 1)
    finally:
        page.close()


def _page_content(page: pdfium.PdfPage, number: int) -> PageContent:
    left, bottom, right, top = page.get_mediabox()
    width, height = right - left, top - bottom
    textpage = page.get_textpage()
    try:
        buffer = text_buffer(textpage)
        segments, repeated = _once_each(_segments(textpage, buffer, left, top))
        rules = _rules(page, width, height, left, top) if segments else []
        tables = _ruled_tables(textpage, buffer, rules, left, top) if _is_grid(rules) else ()
    finally:
        textpage.close()
    return PageContent(number, width, height, segments, tables, n_repeated=repeated)


def _once_each(segments) -> tuple[tuple[Segment, ...], int]:
    """Segments with exact repeats (same text drawn again on the same spot) dropped, and their count.

    A form object that draws itself, or a producer that overprints for a bold effect, gives the
    same run many times over; a reader sees it once.
    """
    seen: set[tuple] = set()
    kept, repeated = [], 0
    for seg in segments:
        key = (round(seg.x0), round(seg.y0), round(seg.x1), round(seg.y1))
        if key in seen:
            repeated += 1
        else:
            seen.add(key)
            kept.append(seg)
    if repeated:
        # pdfium gives a box's text as every character inside it: the repeats come back joined.
        kept = [_collapse_repeats(seg) for seg in kept]
    return tuple(kept), repeated


REPEATED_RUN = re.compile(r"^\s*(\S.{2,}?)(?:\s*\1)+\s*$", re.DOTALL)


def _collapse_repeats(seg: Segment) -> Segment:
    match = REPEATED_RUN.match(seg.text)
    if match is None:
        return seg
    return Segment(seg.x0, seg.y0, seg.x1, seg.y1, match.group(1), seg.size, seg.bold)


def _segments(textpage: pdfium.PdfTextPage, buffer: ctypes.Array, left: float, top: float):
    """One Segment per pdfium text rectangle, in top-down coordinates."""
    prev_rect, prev_text = (0.0, 0.0, 0.0, 0.0), ""
    for i in range(textpage.count_rects()):
        rect = _text_rect(textpage, i)
        x0, bottom, x1, y_top = rect
        text = _run_text(textpage, buffer, rect, prev_rect, prev_text)
        prev_rect, prev_text = rect, text
        if not text.strip():
            continue
        # Hit-test the middle of the run: its first character is often a space with no box.
        half_w, half_h = (x1 - x0) / 2, (y_top - bottom) / 2
        index = _char_at(textpage, x0 + half_w, bottom + half_h, half_w + 1, half_h + 1)
        size, bold = _font(textpage, index) if index is not None else (y_top - bottom, False)
        yield Segment(x0 - left, top - y_top, x1 - left, top - bottom, text, size, bold)


# pypdfium2's get_rect and get_index, without making four ctypes doubles for every run.
_RECT = [ctypes.c_double() for _ in range(4)]
_RECT_REFS = [ctypes.byref(value) for value in _RECT]


def _text_rect(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of one text rectangle; count_rects() must have run."""
    left, top, right, bottom = _RECT_REFS
    if not pdfium_c.FPDFText_GetRect(textpage.raw, index, left, top, right, bottom):
        raise pdfium.PdfiumError("Failed to get rectangle.")
    return (_RECT[0].value, _RECT[3].value, _RECT[2].value, _RECT[1].value)


def _char_at(textpage: pdfium.PdfTextPage, x: float, y: float, x_tol: float, y_tol: float) -> int | None:
    """Index of the character at or nearest (x, y) within the tolerances, None when there is none."""
    index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage.raw, x, y, x_tol, y_tol)
    if index == -1:
        return None
    if index < 0:
        raise pdfium.PdfiumError("An error occurred on attempt to get char index by pos.")
    return index


def _run_text(textpage: pdfium.PdfTextPage, buffer: ctypes.Array, rect: tuple, prev_rect: tuple,
              prev_text: str) -> str:
    """Text of one rectangle.

    pdfium returns every character the box touches, and a run sometimes starts a fraction of a
    point inside the previous run, repeating its last letter ("stock " + "k of patients").
    """
    x0, bottom, x1, top = rect
    text = bounded_text(textpage, buffer, x0, bottom, x1, top).translate(CONTROL_CHARS)
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
    for obj in _path_objects(page):
        x0, y0, x1, y1 = _bounds(obj)
        w, h = x1 - x0, y1 - y0
        if (w > 0.9 * width and h > 0.9 * height) or (w < 1 and h < 1) or _has_curves(obj):
            continue
        page_bottom = top - height
        rules.append({"object_type": "rect", "x0": x0 - left, "x1": x1 - left, "top": top - y1,
                      "bottom": top - y0, "doctop": top - y1, "y0": y0 - page_bottom, "y1": y1 - page_bottom,
                      "width": w, "height": h})
    return rules


def _path_objects(page: pdfium.PdfPage):
    """Raw path objects of a page and of the forms on it down to three levels, in the order of
    pypdfium2's get_objects, without building a helper object for every object on the page."""
    return _objects_in(page.raw, 0)


def _objects_in(parent, level: int):
    count, get = ((pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject) if level
                  else (pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject))
    n_objects = count(parent)
    if n_objects < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    for i in range(n_objects):
        obj = get(parent, i)
        if not obj:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_UNKNOWN:
            raise pdfium.PdfiumError("Failed to determine pageobject type.")
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < MAX_FORM_DEPTH - 1:
            yield from _objects_in(obj, level + 1)


_BOUNDS = [ctypes.c_float() for _ in range(4)]
_BOUND_REFS = [ctypes.byref(value) for value in _BOUNDS]


def _bounds(obj) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a page object."""
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *_BOUND_REFS):
        raise pdfium.PdfiumError("Failed to locate pageobject.")
    return (_BOUNDS[0].value, _BOUNDS[1].value, _BOUNDS[2].value, _BOUNDS[3].value)


def _has_curves(obj) -> bool:
    """Table rules are straight; curved paths are logos, rounded boxes and decoration."""
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return True
    return False


def _is_grid(rules: list[dict]) -> bool:
    """Cheap test before any table search: rules both across and down, as in a ruled table."""
    across = sum(1 for r in rules if r["width"] >= 15)
    down = sum(1 for r in rules if r["height"] >= 6)
    return across >= MIN_GRID_LINES and down >= MIN_GRID_LINES


def _ruled_tables(textpage: pdfium.PdfTextPage, buffer: ctypes.Array, rules: list[dict], left: float,
                  top: float) -> tuple[TableBox, ...]:
    """Tables whose cells the rules draw (pdfplumber's explicit-lines table finder); cell text from pdfium.

    A single framed cell is a text box, not a table, and is left to the paragraphs.
    """
    found = []
    for table in grid_tables(rules):
        rows = tuple(tuple(_cell_text(textpage, buffer, cell, left, top) for cell in row)
                     for row in table.rows)
        rows = tuple(row for row in rows if any(cell.strip() for cell in row))
        if len(rows) < 2 and all(len(row) < 2 for row in rows):
            continue
        found.append(TableBox(*table.bbox, rows))
    return tuple(found)


def _cell_text(textpage: pdfium.PdfTextPage, buffer: ctypes.Array, cell: tuple | None, left: float,
               top: float) -> str:
    """Text inside one cell (lines separated by newlines); "" for a cell covered by a merged one."""
    if cell is None:
        return ""
    x0, cell_top, x1, cell_bottom = cell
    text = bounded_text(textpage, buffer, x0 + left, top - cell_bottom, x1 + left, top - cell_top)
    return text.replace("\r\n", "\n").translate(CELL_CHARS)


def text_buffer(textpage: pdfium.PdfTextPage) -> ctypes.Array:
    """Room for any bounded text of the page and its terminating NUL: a character gives at most a
    surrogate pair and the line break pdfium puts before it or the space after it.  The length is
    rounded up to a power of two so that ctypes makes few array types."""
    needed = 4 * max(pdfium_c.FPDFText_CountChars(textpage.raw), 0) + 8
    return (ctypes.c_ushort * (1 << (needed - 1).bit_length()))()


def bounded_text(textpage: pdfium.PdfTextPage, buffer: ctypes.Array, left: float, bottom: float,
                 right: float, top: float) -> str:
    """pypdfium2's get_text_bounded in one pdfium call instead of two.

    Each call scans every character of the page; pypdfium2 makes one to learn the length and one to
    copy.  pdfium counts the NUL it copies after the text.  Text beyond the Basic Multilingual Plane
    goes the old way, which cuts it at the length counted in code points.
    """
    count = pdfium_c.FPDFText_GetBoundedText(textpage.raw, left, top, right, bottom, buffer, len(buffer))
    if count < 1 or count == len(buffer) or buffer[count - 1] != 0:
        return textpage.get_text_bounded(left, bottom, right, top)
    text = decode(memoryview(buffer)[:count - 1], "utf-16-le", "ignore")
    if len(text) != count - 1:
        return textpage.get_text_bounded(left, bottom, right, top)
    return text


def _title(pdf: pdfium.PdfDocument) -> str | None:
    """Title from the PDF metadata, without the "Microsoft Word - file.docx" names some printers put there."""
    title = " ".join((pdf.get_metadata_dict().get("Title") or "").split())
    title = re.sub(r"^Microsoft Word - ", "", title)
    if not title or re.search(r"\.(docx?|pdf|rtf|odt)$", title, re.IGNORECASE):
        return None
    return title
