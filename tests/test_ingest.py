"""A batch mixing good sample documents with every kind of bad file completes and loses nothing."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline import ingest as ingest_module
from pipeline.ingest import ingest
from pipeline.store import run_query

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"


def _blank_pdf(path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    pdf.save(str(path))


def _encrypted_pdf(path: Path, source: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password="secret", owner_password="owner")
    writer.write(str(path))


def _zip_bomb_docx(path: Path) -> None:
    """A .docx whose single member inflates to 300 MB: written as a stream so the test stays small."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"A" * (1 << 20)
            for _ in range(300):
                member.write(chunk)


def make_bad_files(folder: Path) -> dict[str, str]:
    """Write one file of each bad kind; return filename -> expected status."""
    folder.mkdir()
    pdf = SAMPLES / "pdf" / "003_c31966beb43d6877.pdf"
    (folder / "truncated.pdf").write_bytes(pdf.read_bytes()[:3000])
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00\x13garbage" * 500)
    _encrypted_pdf(folder / "encrypted.pdf", pdf)
    _blank_pdf(folder / "scanned.pdf")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "old-word.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    (folder / "not-a-zip.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    (folder / "picture.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    _zip_bomb_docx(folder / "bomb.docx")
    return {
        "truncated.pdf": "error", "garbage.pdf": "error", "encrypted.pdf": "encrypted",
        "scanned.pdf": "no_text", "empty.txt": "no_text", "old-word.docx": "unsupported",
        "not-a-zip.docx": "error", "picture.pdf": "unsupported", "bomb.docx": "error",
    }


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    good = root / "good"
    good.mkdir()
    for fmt in ("pdf", "docx", "txt"):
        for path in sorted((SAMPLES / fmt).iterdir()):
            shutil.copyfile(path, good / path.name)
    expected = make_bad_files(root / "bad")
    db = root / "icsdocs.duckdb"
    started = time.monotonic()
    summary = ingest([root], db_path=db, workers=2, timeout=60)
    return db, summary, expected, time.monotonic() - started


def test_every_sample_document_is_stored_ok(mixed_batch):
    db, summary, _, _ = mixed_batch
    _, rows = run_query(db, "SELECT filename, status, n_pages > 0, n_chars > 1000, "
                            "(SELECT count(*) FROM sections s WHERE s.doc_id = d.doc_id) > 5 "
                            "FROM documents d WHERE filename LIKE '00%' ORDER BY filename")
    assert len(rows) == 15
    assert all(row[1:] == ("ok", True, True, True) for row in rows), rows


def test_every_bad_file_is_recorded_with_its_reason(mixed_batch):
    db, summary, expected, _ = mixed_batch
    _, rows = run_query(db, "SELECT filename, status, error FROM documents WHERE status <> 'ok'")
    assert {name: status for name, status, _ in rows} == expected
    for name, _, error in rows:
        assert error and len(error) > 15 and error.endswith((".", ")")), (name, error)
    assert summary.by_status["ok"] == 15
    assert summary.n_failed == len(expected)


def test_unchanged_files_are_skipped_and_changed_ones_replaced(mixed_batch, tmp_path):
    db, _, _, _ = mixed_batch
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)
    target = Path(run_query(copy, "SELECT path FROM documents WHERE filename = 'empty.txt'")[1][0][0])
    original = target.read_bytes()
    try:
        target.write_text("Minutes of the Oldham Locality Board\n\nPresent: Cllr A Smith", encoding="utf-8")
        summary = ingest([target.parents[1]], db_path=copy, workers=1, timeout=60)
    finally:
        target.write_bytes(original)
    assert summary.n_skipped == 23
    assert summary.by_status == {"ok": 1}
    _, rows = run_query(copy, f"SELECT status, n_chars FROM documents WHERE path = '{target}'")
    assert rows == [("ok", 59)]


def _slow_read(path, **options):
    if Path(path).name == "hang.txt":
        time.sleep(120)
    return _real_read(path, **options)


_real_read = ingest_module.read_document


def test_hanging_parser_is_stopped_by_the_time_limit(tmp_path, monkeypatch):
    # Workers are forked, so the patched reader is the one they run.
    monkeypatch.setattr(ingest_module, "read_document", _slow_read)
    (tmp_path / "hang.txt").write_text("Bury Council minutes", encoding="utf-8")
    shutil.copyfile(SAMPLES / "txt" / "003_c31966beb43d6877.txt", tmp_path / "good.txt")
    started = time.monotonic()
    summary = ingest([tmp_path], db_path=tmp_path / "db.duckdb", workers=1, timeout=3, classify=False)
    assert time.monotonic() - started < 60
    assert summary.by_status == {"ok": 1, "timeout": 1}
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("SELECT error FROM documents WHERE status = 'timeout'").fetchone()[0].startswith(
        "Processing took longer than the 3 s limit")


def test_cli_ingest_exit_codes(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    (tmp_path / "empty.txt").write_bytes(b"")
    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(tmp_path), "--db", str(db), "--quiet", "--no-classify"],
                           catch_exceptions=False)
    assert result.exit_code == 0
    strict = runner.invoke(main, ["ingest", str(tmp_path), "--db", str(db), "--quiet", "--strict", "--force"],
                           catch_exceptions=False)
    assert strict.exit_code == 1
    query = runner.invoke(main, ["query", "--db", str(db), "SELECT status FROM documents", "--csv"],
                          catch_exceptions=False)
    assert query.output.split() == ["status", "no_text"]


def test_every_command_has_help():
    from click.testing import CliRunner

    from pipeline.cli import main

    runner = CliRunner()
    commands = [[], ["ingest"], ["evaluate"], ["train"], ["review"], ["review", "export"],
                ["review", "import"], ["compare"], ["report"], ["query"], ["status"], ["schema"],
                ["search"]]
    for command in commands:
        result = runner.invoke(main, [*command, "-h"], catch_exceptions=False)
        assert result.exit_code == 0, command
        if command and command != ["review"]:
            assert "Example:" in result.output, command



@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_killed_batch_keeps_the_last_database_and_the_next_run_finishes(tmp_path, signum):
    import signal
    import subprocess
    import sys

    folder = tmp_path / "papers"
    folder.mkdir()
    for copy in range(8):
        for path in sorted((SAMPLES / "txt").iterdir()):
            shutil.copyfile(path, folder / f"{copy}-{path.name}")
    db = tmp_path / "db.duckdb"
    first = folder / "0-000_e10ba511dbb6f219.txt"
    assert ingest([first], db_path=db, workers=1, timeout=60, classify=False).by_status == {"ok": 1}
    command = [sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db), "--workers", "1",
               "--no-classify"]
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b" 3/39 " not in seen and batch.poll() is None:  # three stored (one was already there)
        seen += batch.stderr.read1(4096)
    batch.send_signal(getattr(signal, signum))
    _, rest = batch.communicate(timeout=60)
    err = seen + rest
    assert batch.returncode == 130, err
    assert b"interrupted" in err
    assert run_query(db, "SELECT count(*) FROM documents")[1] == [(1,)]
    finished = ingest([folder], db_path=db, workers=1, timeout=60, classify=False)
    assert finished.n_processed + finished.n_skipped == 40
    assert finished.n_skipped > 1, "documents the killed batch finished are kept, not redone"
    assert run_query(db, "SELECT count(*), count(*) FILTER (status = 'ok') FROM documents")[1] == [(40, 40)]


def test_the_manifest_among_the_papers_is_not_ingested_as_a_paper(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "minutes.txt").write_text("The Locality Board met on 3 March 2022 and agreed its plan.\n",
                                        encoding="utf-8")
    manifest = folder / "manifest.csv"
    manifest.write_text("path,locality,doc_type\nminutes.txt,Wigan,minutes\n", encoding="utf-8")
    db = tmp_path / "db.duckdb"
    summary = ingest([folder], db_path=db, workers=1, timeout=60, manifest_path=manifest, classify=False)
    assert summary.by_status == {"ok": 1}
    _, rows = run_query(db, "SELECT filename, locality, doc_type FROM documents")
    assert rows == [("minutes.txt", "Wigan", "minutes")]


def test_folder_walk_takes_csv_files_for_data_unless_named(tmp_path):
    from pipeline.ingest import find_files

    (tmp_path / "minutes.txt").write_text("The Board met.\n", encoding="utf-8")
    (tmp_path / "attendance.csv").write_text("name,role\nA Smith,Chair\n", encoding="utf-8")
    (tmp_path / "scores.tsv").write_text("a\tb\n", encoding="utf-8")
    assert [p.name for p in find_files([tmp_path])] == ["minutes.txt"]
    assert [p.name for p in find_files([tmp_path / "attendance.csv"])] == ["attendance.csv"]


def test_a_missing_model_is_said_in_the_summary_not_passed_over(tmp_path, monkeypatch):
    from pipeline.classify import model
    from pipeline.progress import summary_lines

    paper = tmp_path / "papers" / "minutes.txt"
    paper.parent.mkdir()
    paper.write_text("The Locality Board agreed the neighbourhood plan for 2023.\n", encoding="utf-8")
    monkeypatch.setattr(model, "MODEL_DIR", tmp_path / "no_models")
    db = tmp_path / "db.duckdb"
    summary = ingest([paper.parent], db_path=db, workers=1, extract=False)
    assert summary.model_missing
    assert any("icsdocs train" in line for line in summary_lines(summary, db))
    unclassified = ingest([paper.parent], db_path=tmp_path / "other.duckdb", workers=1, extract=False,
                          classify=False)
    assert not unclassified.model_missing


def _every_row(db: Path) -> dict[str, list]:
    """Each table's rows, sorted, less the columns a run stamps (ids and times)."""
    stamped = {"run_id", "started_at", "finished_at", "ingested_at", "applied_at", "args"}
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [row[0] for row in con.execute("SELECT table_name FROM information_schema.tables "
                                                "WHERE table_type = 'BASE TABLE'").fetchall()]
        rows = {}
        for table in tables:
            columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall() if row[0] not in stamped]
            quoted = ", ".join(f'"{column}"' for column in columns)
            rows[table] = sorted(map(repr, con.execute(f"SELECT {quoted} FROM {table}").fetchall()))
        return rows
    finally:
        con.close()


def test_a_small_batch_whose_pipeline_a_worker_builds_stores_the_same_rows(tmp_path, monkeypatch):
    """One file and two workers: the spaCy pipeline is built by a worker of its own (`builds_apart`),
    which extracts what the other read; every row is the one the parent-built pipeline gives."""
    paper = next(iter(sorted((SAMPLES / "pdf").glob("*.pdf"))))
    built = []
    monkeypatch.setattr(ingest_module, "builds_apart", lambda *a, **k: built.append(1) or True)
    ingest([paper], db_path=tmp_path / "apart.duckdb", workers=2, timeout=120)
    monkeypatch.setattr(ingest_module, "builds_apart", lambda *a, **k: False)
    ingest([paper], db_path=tmp_path / "parent.duckdb", workers=2, timeout=120)
    apart, parent = _every_row(tmp_path / "apart.duckdb"), _every_row(tmp_path / "parent.duckdb")
    assert built and apart["entities"] and apart == parent


def test_only_a_batch_of_fewer_files_than_workers_has_its_pipeline_built_apart():
    task = ingest_module.Task("a.pdf", "a.pdf", "", None)
    assert ingest_module.builds_apart([task], workers=2, extract=True)
    assert not ingest_module.builds_apart([task, task], workers=2, extract=True)
    assert not ingest_module.builds_apart([task], workers=1, extract=True)
    assert not ingest_module.builds_apart([task], workers=2, extract=False)
    assert not ingest_module.builds_apart([], workers=2, extract=True)
