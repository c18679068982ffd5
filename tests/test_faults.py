"""Faults of the batch machinery: the building file, the lock and its workers, retries, full disks,
spreadsheet-safe CSVs, bounded cells and quotes, and the query time limit."""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.csvcell import MAX_CELL_CHARS, safe_text
from pipeline.errors import QueryTimeout
from pipeline.ingest import ingest
from pipeline.store import building_path, lock_path, run_query, writer_lock

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
TXT = SAMPLES / "txt" / "003_c31966beb43d6877.txt"


def _small_db(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copyfile(TXT, folder / TXT.name)
    db = tmp_path / "db.duckdb"
    assert ingest([folder], db_path=db, workers=1, timeout=60, extract=False, classify=False).by_status \
        == {"ok": 1}
    return db


# --- the building file ------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_a_damaged_building_file_is_discarded_and_rebuilt(tmp_path, damage):
    db = _small_db(tmp_path)
    data = db.read_bytes()
    building_path(db).write_bytes(b"" if damage == "empty" else data[: len(data) // 2])
    extra = tmp_path / "more.txt"
    extra.write_text("Minutes of the Wigan Locality Board.\n\nThe board noted the report.", encoding="utf-8")
    summary = ingest([extra], db_path=db, workers=1, timeout=60, extract=False, classify=False)
    assert summary.by_status == {"ok": 1}
    assert run_query(db, "SELECT count(*) FROM documents")[1] == [(2,)]
    assert not building_path(db).exists()


def test_a_building_file_older_than_the_database_is_not_resumed(tmp_path):
    db = _small_db(tmp_path)
    stale = building_path(db)
    shutil.copyfile(db, stale)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    # The database moved on after the building file was made (restored from a backup, say).
    extra = tmp_path / "more.txt"
    extra.write_text("Minutes of the Bolton Locality Board.\n\nThe board agreed the plan.", encoding="utf-8")
    ingest([extra], db_path=db, workers=1, timeout=60, extract=False, classify=False)
    os.utime(db, None)
    shutil.copyfile(db, stale)
    os.utime(stale, (old, old))
    ingest([tmp_path / "papers"], db_path=db, workers=1, timeout=60, extract=False, classify=False)
    assert run_query(db, "SELECT count(*) FROM documents")[1] == [(2,)]


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_gives_one_clear_line_and_the_next_run_recovers(tmp_path):
    db = _small_db(tmp_path)
    size = db.stat().st_size
    command = [sys.executable, "-m", "pipeline", "ingest", str(tmp_path / "papers"), "--db", str(db),
               "--no-classify", "--no-extract", "--force", "--quiet"]
    # A file size limit below the database's size: copying it to <db>.building fails part way.
    full = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          preexec_fn=_limit_file_size(size // 2))
    assert full.returncode == 2, full.stderr
    assert "Traceback" not in full.stderr
    assert "no transaction is active" not in full.stderr
    assert "disk is full" in full.stderr and full.stderr.count("\n") == 1, full.stderr
    assert not building_path(db).exists()
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert run_query(db, "SELECT status FROM documents")[1] == [("ok",)]


def test_a_write_that_fails_mid_document_is_reported_not_masked(tmp_path, monkeypatch):
    import duckdb

    from pipeline.errors import StorageError
    from pipeline.records import DocumentResult
    from pipeline.store import Writer

    writer = Writer(tmp_path / "db.duckdb")

    def full_disk(*args, **kwargs):
        # What DuckDB does on ENOSPC: the statement fails and the transaction is already gone.
        writer.con.execute("ROLLBACK")
        raise duckdb.IOException('Could not write file "db.duckdb.building": No space left on device')

    monkeypatch.setattr(writer, "_insert_children", full_disk)
    result = DocumentResult(doc_id="a.txt", path="/x/a.txt", filename="a.txt", sha256="0", format="text",
                            status="ok", text="Some text.")
    with pytest.raises(StorageError, match="disk is full"):
        writer.write_document(result, "run")
    writer.abandon()


# --- the lock and its workers -----------------------------------------------------------------------

HOLDER = """
import os, sys, time
from pathlib import Path
from pipeline.store import writer_lock
from pipeline.workers import run_tasks

def slow(n):
    Path(sys.argv[2] + f".{n}").write_text(str(os.getpid()))
    time.sleep(120)
    return n

if __name__ == "__main__":
    with writer_lock(Path(sys.argv[1])):
        for _ in run_tasks(slow, [1, 2], workers=2, timeout=600):
            pass
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_workers_die_with_their_killed_parent_and_release_the_lock(tmp_path):
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    db, marks = tmp_path / "db.duckdb", tmp_path / "worker"
    root = Path(__file__).resolve().parents[1]
    # the script must import this checkout's pipeline, whatever the environment's install points at
    parent = subprocess.Popen([sys.executable, str(script), str(db), str(marks)], cwd=root,
                              env={**os.environ, "PYTHONPATH": str(root)})
    deadline = time.monotonic() + 60
    while not all(Path(f"{marks}.{n}").exists() for n in (1, 2)) and time.monotonic() < deadline:
        time.sleep(0.1)
    pids = [int(Path(f"{marks}.{n}").read_text()) for n in (1, 2)]
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)
    with writer_lock(db):
        assert f"pid {os.getpid()}" in lock_path(db).read_text()


def test_a_lock_whose_named_holder_is_dead_is_taken_over(tmp_path):
    db = tmp_path / "db.duckdb"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_pid = int(gone.stdout)
    import socket

    # An orphan still holds the lock file, which names a process that no longer exists.
    orphan = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time\n"
        f"h = open({str(lock_path(db))!r}, 'a+')\n"
        "fcntl.flock(h, fcntl.LOCK_EX)\n"
        f"h.write('pid {dead_pid} on {socket.gethostname()} since 2026-01-01 00:00:00 UTC'); h.flush()\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert orphan.stdout.readline().strip() == "locked"
        with writer_lock(db):
            assert f"pid {os.getpid()}" in lock_path(db).read_text()
    finally:
        orphan.kill()
        orphan.wait()


def test_a_lock_held_by_a_live_process_is_still_refused(tmp_path):
    from pipeline.errors import DatabaseBusy

    db = tmp_path / "db.duckdb"
    with writer_lock(db), pytest.raises(DatabaseBusy, match=f"pid {os.getpid()}"), writer_lock(db):
        pass


# --- retries ----------------------------------------------------------------------------------------


def test_a_failed_file_is_retried_when_the_settings_change(tmp_path, monkeypatch):
    from pipeline import ingest as ingest_module
    from pipeline.ingest import Task, plan_tasks, run_settings
    from pipeline.records import DocumentResult
    from pipeline.store import Writer

    paper = tmp_path / "slow.txt"
    paper.write_text("Minutes of the Stockport Locality Board.", encoding="utf-8")
    sha = ingest_module.file_sha256(paper.resolve())
    writer = Writer(tmp_path / "db.duckdb")
    first = run_settings(timeout=5, ocr="auto")
    writer.write_document(DocumentResult(doc_id="slow.txt", path=str(paper.resolve()), filename="slow.txt",
                                         sha256=sha, format="txt", status="timeout", reason="timeout",
                                         settings=first), "run1")
    same, skipped = plan_tasks([paper.resolve()], writer, {}, force=False, settings=first)
    assert (same, skipped) == ([], 1)
    larger = run_settings(timeout=50, ocr="auto")
    retried, skipped = plan_tasks([paper.resolve()], writer, {}, force=False, settings=larger)
    assert skipped == 0 and [t.path for t in retried] == [str(paper.resolve())]
    assert isinstance(retried[0], Task) and json.loads(retried[0].settings)["timeout"] == 50
    writer.abandon()


def test_an_ok_file_is_not_redone_when_only_the_timeout_changes(tmp_path):
    db = _small_db(tmp_path)
    summary = ingest([tmp_path / "papers"], db_path=db, workers=1, timeout=99, extract=False, classify=False)
    assert summary.n_skipped == 1 and summary.n_processed == 0


def test_migrations_apply_with_gaps_in_any_order(tmp_path, monkeypatch):
    import duckdb

    from pipeline import store

    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    store.migrate(con)
    versions = [v for (v,) in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert versions == sorted(v for v, _ in store.MIGRATIONS) and 7 in versions
    # A migration numbered below the newest one arrives later (branches land in any order): a database
    # already at 7 still gets it.
    late = max(v for v, _ in store.MIGRATIONS) - 1
    while late in versions:
        late -= 1
    monkeypatch.setattr(store, "MIGRATIONS", (*store.MIGRATIONS, (late, "late.sql")))
    monkeypatch.setattr(store, "_sql", lambda name: "CREATE TABLE IF NOT EXISTS late_table (a INTEGER)")
    assert store.migrate(con) == [late]
    assert con.execute("SELECT count(*) FROM late_table").fetchone() == (0,)
    con.close()


# --- CSVs and quotes --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_that_would_run_as_formulas_are_quoted(text):
    assert safe_text(text).startswith("'")


@pytest.mark.parametrize("text", ["Oldham Locality Board", "1. Welcome", "", "a=b"])
def test_ordinary_cells_are_left_alone(text):
    assert safe_text(text) == text


def test_cells_are_bounded_and_lose_escape_characters():
    assert safe_text("\x1b[31mred\x1b[0m text") == "[31mred[0m text"
    long = safe_text("word " * 20000)
    assert len(long) == MAX_CELL_CHARS and long.endswith("[...cut]")


def _hostile_db(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    text = TXT.read_text(encoding="utf-8")
    hostile = ("=cmd|' /C calc'!A0\n\n-1+1 was the vote on 3 March 2025.\n\n"
               "\x1b[2J On 4 April 2025 the board met.\n\n"
               + "no sentence end here and " * 40000 + "\n\n" + text)
    (folder / "hostile.txt").write_text(hostile, encoding="utf-8")
    db = tmp_path / "hostile.duckdb"
    ingest([folder], db_path=db, workers=1, timeout=120, manifest_path=None)
    return db


def _cells(folder: Path):
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    yield path.name, cell


def test_every_csv_the_product_writes_is_formula_safe_and_bounded(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    db = _hostile_db(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["compare", "--db", str(db), "--out", str(out)]).exit_code == 0
    assert runner.invoke(main, ["review", "export", "--db", str(db), "--csv", str(out / "review.csv"),
                                "-n", "500"]).exit_code == 0
    query = runner.invoke(main, ["query", "--db", str(db), "--csv",
                                 "SELECT text, '=1+1' AS \"=bad\", -3 AS n FROM sections"])
    assert query.exit_code == 0
    (out / "query.csv").write_text(query.output, encoding="utf-8")
    seen = 0
    for name, cell in _cells(out):
        seen += 1
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, cell[:60])
        assert not (cell.startswith("-") and cell != "-3"), (name, cell[:60])
        assert len(cell) <= MAX_CELL_CHARS, name
        assert "\x1b" not in cell, name
    assert seen > 100


def test_an_evidence_quote_from_a_line_without_sentence_ends_is_bounded():
    from pipeline.classify.model import MAX_QUOTE_CHARS, split_passages

    text = "integrated care and shared records across the partners " * 20000
    spans = split_passages(text)
    assert spans and max(end - start for start, end in spans) <= MAX_QUOTE_CHARS
    assert sum(end - start for start, end in spans) > 0.9 * len(text.strip())


# --- the query time limit ---------------------------------------------------------------------------


def test_a_runaway_query_is_stopped_at_its_time_limit(tmp_path):
    db = _small_db(tmp_path)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="longer than 0.5 s"):
        run_query(db, "SELECT count(*) FROM range(100000000) a, range(100000000) b", timeout=0.5)
    assert time.monotonic() - started < 30
    assert run_query(db, "SELECT count(*) FROM documents", timeout=0.5)[1] == [(1,)]


def test_an_edit_to_a_data_file_reprocesses_unchanged_papers(tmp_path, monkeypatch):
    """Rules are data: adding a gazetteer line must take effect on the next run without --force."""
    from pipeline import datafiles

    db = _small_db(tmp_path)
    again = ingest([tmp_path / "papers"], db_path=db, workers=1, timeout=60, extract=False, classify=False)
    assert (again.n_skipped, again.n_processed) == (1, 0)
    edited = tmp_path / "data"
    shutil.copytree(datafiles.DATA_DIR, edited)
    with open(edited / "places.csv", "a", encoding="utf-8") as handle:
        handle.write("Fenby Magna,town,Fenby,North West,\n")
    monkeypatch.setattr(datafiles, "DATA_DIR", edited)
    after_edit = ingest([tmp_path / "papers"], db_path=db, workers=1, timeout=60, extract=False,
                        classify=False)
    assert (after_edit.n_skipped, after_edit.n_processed) == (0, 1)


def test_the_rules_fingerprint_follows_data_model_and_stages(tmp_path, monkeypatch):
    from pipeline import datafiles
    from pipeline.classify import model
    from pipeline.ingest import rules_fingerprint

    base = rules_fingerprint()
    assert rules_fingerprint() == base  # stable
    assert rules_fingerprint(classify=False) != base
    models = tmp_path / "models"
    models.mkdir()
    (models / model.MODEL_FILE).write_bytes(b"another model")
    monkeypatch.setattr(model, "MODEL_DIR", models)
    assert rules_fingerprint() != base
    monkeypatch.undo()
    data = tmp_path / "data"
    shutil.copytree(datafiles.DATA_DIR, data)
    assert rules_fingerprint() == base
    (data / "roles.csv").write_text((data / "roles.csv").read_text(encoding="utf-8") + "Chief Archivist,,\n",
                                    encoding="utf-8")
    monkeypatch.setattr(datafiles, "DATA_DIR", data)
    assert rules_fingerprint() != base
