"""The same paper as .txt, .docx and .pdf reads the same: tables, checkboxes, furniture kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.read import read_document, read_raw

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
FORMATS = ["txt", "docx", "pdf"]


def _sample(stem: str, fmt: str) -> Path:
    return SAMPLES / fmt / f"{stem}.{fmt}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_cover_sheet_table_rows(fmt):
    first_table = next(b for b in read_raw(_sample("002_dd004184d169712a", fmt)).blocks if b.kind == "table")
    assert first_table.rows[:4] == (
        ("Meeting: Strategic Commissioning Board",),
        ("Meeting Date", "07 June 2021", "Action", "Consider"),
        ("Item No", "7b", "Confidential / Freedom of Information Status", "No"),
        ("Title", "Update on Bury Partnership Arrangements"),
    )
    assert first_table.page == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_checkbox_glyphs(fmt):
    text = read_document(_sample("002_dd004184d169712a", fmt)).text
    assert (text.count("☐"), text.count("☒")) == (26, 13)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_running_header_and_page_numbers_are_not_body_text(fmt):
    path = _sample("001_8689cdc9aafabf6d", fmt)
    furniture = " ".join(block.text for block in read_raw(path).furniture)
    assert "Operating Model (Draft v1.3)" in furniture
    parsed = read_document(path)
    assert "Page 2 of" not in parsed.text
    assert "Operating Model (Draft v1.3)" not in parsed.text


@pytest.mark.parametrize("stem", sorted(p.stem for p in (SAMPLES / "txt").glob("*.txt")))
def test_words_agree_across_formats(stem):
    """Nearly every word of the original text is in each rendition, and few words are added."""
    words = {fmt: read_document(_sample(stem, fmt)).text.replace("**", "").split() for fmt in FORMATS}
    original = set(words["txt"])
    for fmt in ("docx", "pdf"):
        other = set(words[fmt])
        assert len(original & other) / len(original) >= 0.98, fmt
        assert len(other - original) / len(other) <= 0.02, fmt
