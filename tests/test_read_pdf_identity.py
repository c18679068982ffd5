"""The PDF reader's fast paths give exactly what the code they replace gives, on every page.

The reference reading swaps back in pypdfium2's `get_text_bounded` (two pdfium calls per box),
`get_rect`, `get_index` and `get_objects`, pdfplumber's `TableFinder` for ruled tables, and the
layout helpers as first written (footnote marks, line grouping, vocabulary).  The page contents
(every segment's text, box and font, every table cell) and the laid-out blocks must be equal.  The
samples are always checked; the real corpus when ../shared is there.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdfplumber.table import TableFinder

from pipeline.read import pdf, pdf_layout
from pipeline.read.pdf_grid import GridTable
from pipeline.read.pdf_layout import Segment, layout_document

ROOT = Path(__file__).parents[1]
REAL = ROOT.parent / "shared" / "corpus" / "real"
SAMPLE_PDFS = sorted((ROOT / "corpus" / "samples" / "pdf").glob("*.pdf"))
REAL_PDFS = sorted(REAL.glob("*.pdf")) if REAL.is_dir() else []


def library_text(textpage, _buffer, left, bottom, right, top) -> str:
    return textpage.get_text_bounded(left, bottom, right, top)


def library_rect(textpage, index):
    return textpage.get_rect(index)


def library_char_at(textpage, x, y, x_tol, y_tol):
    return textpage.get_index(x, y, x_tol, y_tol)


def library_path_objects(page):
    return (obj.raw for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3))


def library_tables(rules: list[dict]) -> list[GridTable]:
    settings = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": rules, "explicit_horizontal_lines": rules}
    finder = TableFinder(SimpleNamespace(bbox=(0, 0, 1, 1)), settings)
    return [GridTable(t.bbox, tuple(tuple(row.cells) for row in t.rows)) for t in finder.tables]


def pairwise_footnote_mark(mark: Segment, segments: list[Segment]) -> bool:
    """The test as it was written first: the mark against each segment in turn."""
    def beside(seg: Segment, main: Segment) -> bool:
        small = seg.size <= 0.75 * main.size
        raised = seg.y0 < main.y0 + 0.5 * (main.y1 - main.y0) and seg.y1 <= main.y1 + 1
        near = seg.x0 - 3 <= main.x1 and main.x0 <= seg.x1 + 3
        return small and raised and near and seg.text.strip().isdigit()

    return any(beside(mark, other) for other in segments)


def grouped_by_longest_so_far(segments: list[Segment]) -> list:
    """group_lines as first written: the longest segment of the line looked for at every step."""
    groups: list[list[Segment]] = []
    for seg in sorted(pdf_layout._without_footnote_marks(segments), key=lambda s: (s.y0 + s.y1) / 2):
        centre = (seg.y0 + seg.y1) / 2
        if groups:
            main = max(groups[-1], key=lambda s: len(s.text))
            if main.y0 <= centre <= main.y1:
                groups[-1].append(seg)
                continue
        groups.append([seg])
    return [pdf_layout._make_line(group) for group in groups]


def vocabulary_run_by_run(pages: list) -> set[str]:
    words: set[str] = set()
    for page in pages:
        for seg in page.segments:
            words.update(w.lower() for w in pdf_layout.WORD.findall(seg.text))
    return words


def read(path: Path) -> tuple[list, tuple]:
    document = pdfium.PdfDocument(path)
    try:
        pages, failed = pdf._read_pages(document, len(document))
    finally:
        document.close()
    assert failed == []
    return pages, layout_document(pages)


def use_library_calls(monkeypatch) -> None:
    monkeypatch.setattr(pdf, "bounded_text", library_text)
    monkeypatch.setattr(pdf, "_text_rect", library_rect)
    monkeypatch.setattr(pdf, "_char_at", library_char_at)
    monkeypatch.setattr(pdf, "_path_objects", library_path_objects)
    monkeypatch.setattr(pdf, "grid_tables", library_tables)
    monkeypatch.setattr(pdf_layout, "_is_footnote_mark", pairwise_footnote_mark)
    monkeypatch.setattr(pdf_layout, "group_lines", grouped_by_longest_so_far)
    monkeypatch.setattr(pdf_layout, "vocabulary", vocabulary_run_by_run)


def assert_same_reading(path: Path, monkeypatch) -> None:
    pages, layout = read(path)
    with monkeypatch.context() as patch:
        use_library_calls(patch)
        reference_pages, reference_layout = read(path)
    assert len(pages) == len(reference_pages)
    for page, reference in zip(pages, reference_pages, strict=True):
        assert page == reference, f"{path.name} page {page.number}"
    assert layout == reference_layout


@pytest.mark.parametrize("path", SAMPLE_PDFS, ids=lambda p: p.name)
def test_samples_read_as_with_the_library_calls(path, monkeypatch):
    assert_same_reading(path, monkeypatch)


@pytest.mark.skipif(not REAL_PDFS, reason=f"real corpus not found at {REAL}")
@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.name)
def test_real_papers_read_as_with_the_library_calls(path, monkeypatch):
    assert_same_reading(path, monkeypatch)


def test_the_samples_hold_ruled_tables_and_footnote_marks():
    """The comparison above covers the table and footnote paths, not just plain text."""
    pages = [page for path in SAMPLE_PDFS for page in read(path)[0]]
    assert sum(1 for page in pages if page.tables) == 12
    marks = [seg.text for page in pages for seg in page.segments
             if seg.text.strip().isdigit() and pairwise_footnote_mark(seg, list(page.segments))]
    assert len(marks) == 1


def test_bounded_text_falls_back_when_the_buffer_is_too_small():
    document = pdfium.PdfDocument(SAMPLE_PDFS[0])
    try:
        page = document[0]
        textpage = page.get_textpage()
        box = textpage.get_rect(0) if textpage.count_rects() else None
        assert box is not None
        left, bottom, right, top = box
        expected = textpage.get_text_bounded(left, bottom, right, top)
        small = pdf.text_buffer(textpage)._type_ * 2
        assert len(expected) > 2
        assert pdf.bounded_text(textpage, small(), left, bottom, right, top) == expected
        assert pdf.bounded_text(textpage, pdf.text_buffer(textpage), left, bottom, right, top) == expected
        textpage.close()
        page.close()
    finally:
        document.close()
