"""OCR of pages without a text layer: scans the tests make themselves from a sample PDF page."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from pipeline.read import read_document
from pipeline.read.ocr import MAX_PIXELS, ocr_available, render_scale

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "pdf" / "003_c31966beb43d6877.pdf"
PAGE_INDEX = 1  # a page of running text, with a numbered heading and a footnote link
needs_tesseract = pytest.mark.skipif(not ocr_available(), reason="Tesseract is not installed (make ocr)")


def _words(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"[a-z0-9]+", text.lower()))


def word_recall(reference: str, got: str) -> float:
    ref, out = _words(reference), _words(got)
    return sum(min(n, out[w]) for w, n in ref.items()) / sum(ref.values())


def _scan(path: Path, dpi: int, *, noisy: bool) -> Path:
    """Render the sample page to an image (optionally skewed 1.5 degrees with speckle and grain) and
    wrap it in a PDF with no text layer, as a scanner would."""
    import numpy as np
    import pypdfium2
    from PIL import Image

    page = pypdfium2.PdfDocument(SAMPLE)[PAGE_INDEX]
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    if noisy:
        image = image.rotate(1.5, resample=Image.BICUBIC, expand=True, fillcolor=255)
        pixels = np.asarray(image).astype(np.float32)
        rng = np.random.default_rng(5)
        pixels += rng.normal(0, 25, pixels.shape)
        pixels[rng.random(pixels.shape) < 0.01] = 0
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    image.save(path, "PDF", resolution=dpi)
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> str:
    """The sample page's own text layer, read by the same reader (same furniture and layout rules)."""
    import pypdfium2

    one = pypdfium2.PdfDocument.new()
    one.import_pages(pypdfium2.PdfDocument(SAMPLE), [PAGE_INDEX])
    path = tmp_path_factory.mktemp("ocr") / "page.pdf"
    one.save(str(path))
    return read_document(path, ocr="off").text


@needs_tesseract
def test_a_clean_300_dpi_scan_is_read_almost_word_for_word(tmp_path, reference):
    doc = read_document(_scan(tmp_path / "scan300.pdf", 300, noisy=False), ocr="auto")
    assert word_recall(reference, doc.text) >= 0.95
    assert doc.warnings == ("ocr",)
    (page,) = doc.pages
    assert page.source == "ocr" and page.reason is None and page.ocr_confidence > 80


@needs_tesseract
def test_a_noisy_skewed_150_dpi_scan_is_mostly_read(tmp_path, reference):
    doc = read_document(_scan(tmp_path / "scan150.pdf", 150, noisy=True), ocr="auto")
    assert word_recall(reference, doc.text) >= 0.85


def test_ocr_off_refuses_a_scan_with_its_reason(tmp_path):
    from pipeline.errors import NoTextLayer

    with pytest.raises(NoTextLayer) as caught:
        read_document(_scan(tmp_path / "scan.pdf", 100, noisy=False), ocr="off")
    assert caught.value.reason == "no_text_layer"


def test_auto_ocr_never_runs_on_pages_with_a_text_layer(monkeypatch):
    from pipeline.read import ocr

    def refuse(*args, **kwargs):
        raise AssertionError("OCR ran on a page that has text")

    monkeypatch.setattr(ocr, "ocr_page", refuse)
    doc = read_document(SAMPLE, ocr="auto")
    assert "ocr" not in doc.warnings and all(p.source == "text" for p in doc.pages)


def test_without_tesseract_a_scan_says_ocr_is_unavailable(tmp_path, monkeypatch):
    from pipeline.ingest import ingest
    from pipeline.progress import summary_lines
    from pipeline.read import ocr
    from pipeline.store import run_query

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    folder = tmp_path / "scans"
    folder.mkdir()
    _scan(folder / "scan.pdf", 100, noisy=False)
    db = tmp_path / "db.duckdb"
    summary = ingest([folder], db_path=db, workers=1, timeout=60, extract=False, classify=False)
    rows = run_query(db, "SELECT status, reason, warnings FROM documents")[1]
    assert rows == [("no_text", "no_text_layer", ["ocr_unavailable"])]
    assert any("OCR is unavailable" in line for line in summary_lines(summary, db))


@needs_tesseract
def test_rows_from_ocr_are_flagged(tmp_path):
    from pipeline.ingest import ingest
    from pipeline.store import run_query

    folder = tmp_path / "scans"
    folder.mkdir()
    _scan(folder / "scan.pdf", 300, noisy=False)
    db = tmp_path / "db.duckdb"
    ingest([folder], db_path=db, workers=1, timeout=120, classify=False)
    assert run_query(db, "SELECT status, warnings FROM documents")[1] == [("ok", ["ocr"])]
    assert run_query(db, "SELECT source, ocr_confidence > 80 FROM pages")[1] == [("ocr", True)]
    flagged = run_query(db, "SELECT count(*) FROM ocr_rows WHERE kind = 'entity'")[1][0][0]
    entities = run_query(db, "SELECT count(*) FROM entities")[1][0][0]
    assert entities > 5 and flagged == entities


def test_a_huge_page_is_rendered_under_the_pixel_cap():
    scale = render_scale(2384, 3370)  # A0 in points
    assert 2384 * 3370 * scale * scale <= MAX_PIXELS * 1.0001
    assert render_scale(595, 842) == pytest.approx(300 / 72)
