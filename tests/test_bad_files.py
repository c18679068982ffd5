"""Every page read or honestly refused: a corpus of bad and odd files, each with its status, reason,
warnings and kept text."""

from __future__ import annotations

import pytest

from pipeline.classify.model import MAX_QUOTE_CHARS
from pipeline.ingest import ingest
from pipeline.progress import summary_lines
from pipeline.store import run_query
from tests.badfiles import make_corpus

CORPUS_SIZE = 39


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    expected = make_corpus(root / "files")
    db = root / "bad.duckdb"
    summary = ingest([root / "files"], db_path=db, workers=2, timeout=120, ocr="off")
    return db, summary, expected


def test_the_corpus_has_every_kind(corpus):
    _, _, expected = corpus
    assert len(expected) == CORPUS_SIZE


def test_every_file_gets_a_row_and_the_summary_counts_them(corpus):
    db, summary, expected = corpus
    _, rows = run_query(db, "SELECT filename FROM documents")
    assert sorted(name for (name,) in rows) == sorted(expected)
    assert summary.n_found == len(expected) == summary.n_processed
    wanted_statuses: dict[str, int] = {}
    for expect in expected.values():
        wanted_statuses[expect.status] = wanted_statuses.get(expect.status, 0) + 1
    assert dict(summary.by_status) == wanted_statuses
    lines = "\n".join(summary_lines(summary, db))
    assert f"{'unsupported':<12}{wanted_statuses['unsupported']:>10}" in lines
    assert "legacy_format 2" in lines




def _row(db, name):
    quoted = "'" + name.replace("'", "''") + "'"
    _, rows = run_query(db, f"SELECT status, reason, warnings, text FROM documents WHERE filename = {quoted}")
    assert len(rows) == 1, name
    return rows[0]


def test_each_file_has_its_status_reason_warnings_and_text(corpus):
    db, _, expected = corpus
    wrong = {}
    for name, expect in sorted(expected.items()):
        status, reason, warnings, text = _row(db, name)
        got = (status, reason, tuple(warnings or ()))
        if got != (expect.status, expect.reason, expect.warnings):
            wrong[name] = got
            continue
        text = text or ""
        assert (status == "ok") == bool(text.strip()), name
        for phrase in expect.kept:
            assert phrase in text, (name, phrase)
        for phrase in expect.absent:
            assert phrase not in text, (name, phrase)
    assert wrong == {}


def test_zero_page_pdf_gets_the_same_answer_every_time(tmp_path):
    from pipeline.errors import DocumentError
    from pipeline.read import read_document
    from tests.pdfbuild import build_pdf

    path = tmp_path / "zero.pdf"
    path.write_bytes(build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    answers = set()
    for _ in range(5):
        with pytest.raises(DocumentError) as caught:
            read_document(path)
        answers.add((caught.value.status, caught.value.reason))
    assert answers == {("error", "no_pages")}


def test_garbled_pages_are_marked_and_yield_nothing(corpus):
    db, _, _ = corpus
    pages = run_query(db, "SELECT page, reason, n_chars FROM pages WHERE doc_id = 'half-garbled.pdf' "
                          "ORDER BY page")[1]
    assert pages[0][1] is None and pages[0][2] > 100
    assert pages[1] == (2, "garbled_text", 0)
    for table in ("entities", "recommendations", "section_labels"):
        column = "evidence_text" if table == "section_labels" else "text"
        docs = "('half-garbled.pdf', 'shifted-font.pdf', 'cid-codes.txt', 'random-bytes.txt')"
        _, rows = run_query(db, f"SELECT {column} FROM {table} WHERE doc_id IN {docs}")
        for (value,) in rows:
            assert "Wkh" not in value and "cid" not in value, (table, value)


def test_no_entity_comes_from_script_or_styles(corpus):
    db, _, _ = corpus
    _, rows = run_query(db, "SELECT text FROM entities WHERE doc_id IN ('deep.html', 'script-only.html')")
    names = {text for (text,) in rows}
    assert not names & {"Trafford", "Trafford Council", "Stockport", "Bolton Council", "Wigan"}


def test_furniture_removal_keeps_numbered_minutes(corpus):
    db, _, _ = corpus
    _, rows = run_query(db, "SELECT n_chars FROM documents WHERE doc_id = 'numbered-minutes.pdf'")
    assert rows[0][0] > 600


def test_evidence_quotes_are_bounded(corpus):
    db, _, _ = corpus
    _, rows = run_query(db, "SELECT max(length(evidence_text)) FROM section_labels")
    assert rows[0][0] is not None and rows[0][0] <= MAX_QUOTE_CHARS


def test_a_dangling_link_names_its_reason(corpus):
    db, _, _ = corpus
    _, rows = run_query(db, "SELECT error FROM documents WHERE doc_id = 'gone.pdf'")
    assert "could not be opened" in rows[0][0]


def test_strict_on_an_empty_folder_fails(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "e.duckdb"),
                                       "--strict", "--no-classify"])
    assert result.exit_code == 1
    assert "no files found" in result.output


def test_a_reader_that_returns_only_blank_blocks_is_not_ok(tmp_path, monkeypatch):
    from pipeline import ingest as ingest_module
    from pipeline.ingest import Task, process_document
    from pipeline.records import ParsedDocument

    def blank(path, **options):
        return ParsedDocument(path=str(path), format="pdf", n_pages=3, text="  \n ", blocks=())

    monkeypatch.setattr(ingest_module, "read_document", blank)
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF-1.7")
    result = process_document(Task(str(paper), "paper.pdf", "0", None))
    assert (result.status, result.reason) == ("no_text", "empty_file")
