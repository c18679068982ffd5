"""The Dask engine gives the local engine's database, survives a lost worker, and keeps the guard.

Each test starts a LocalCluster of two worker processes in-process (forked, so a second or two).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from distributed import default_client  # noqa: E402

from pipeline import dask_engine  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.dask_engine import Batch, ingest_dask, run_batch, worker_problem  # noqa: E402
from pipeline.ingest import Task, file_sha256, ingest, rules_fingerprint, run_settings  # noqa: E402
from pipeline.store import DOCUMENT_TABLES  # noqa: E402
from tests.badfiles import BODY, make_corpus  # noqa: E402
from tests.test_golden import SAMPLES, snapshot  # noqa: E402

# What differs between two runs of the same files, whatever the engine.
RUN_COLUMNS = ("ingested_at", "run_id")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The samples (PDF, DOCX, text) and every bad file."""
    folder = tmp_path_factory.mktemp("dask") / "papers"
    shutil.copytree(SAMPLES, folder / "samples")
    make_corpus(folder / "bad")
    return folder


@pytest.fixture(scope="module")
def local_db(corpus) -> Path:
    db = corpus.parent / "local.duckdb"
    ingest([corpus], db_path=db, workers=2, timeout=60)
    return db


def _rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table a run writes, sorted; run ids and times left out."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in (*DOCUMENT_TABLES, "principles"):
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [table]).fetchall() if c not in RUN_COLUMNS]
            out[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def test_a_dask_run_writes_the_local_runs_rows(corpus, local_db):
    db = corpus.parent / "dask.duckdb"
    summary = ingest_dask([corpus], db_path=db, workers=2, timeout=60)
    assert summary.n_workers == 2
    assert summary.n_processed == 15 + len(make_corpus(corpus.parent / "count"))
    local, dask = _rows(local_db), _rows(db)
    for table in local:
        assert dask[table] == local[table], table
    assert snapshot(db) == snapshot(local_db)
    assert len(local["documents"]) == summary.n_processed and len(local["sections"]) > 100
    assert not (corpus.parent / "dask.duckdb.shards").exists()  # merged, then removed


def test_a_worker_killed_mid_run_loses_no_document_and_doubles_none(corpus, local_db):
    db = corpus.parent / "killed.duckdb"
    killed: list[int] = []

    def kill_a_busy_worker(result) -> None:
        if killed:
            return
        client = default_client()
        busy = [address for address, keys in client.processing().items() if keys]
        if busy:
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    summary = ingest_dask([corpus], db_path=db, workers=2, timeout=60, batch_size=1,
                          on_result=kill_a_busy_worker)
    assert killed
    con = duckdb.connect(str(db), read_only=True)
    counts = con.execute("SELECT count(*), count(DISTINCT path), count(*) FILTER (reason = 'crash') "
                         "FROM documents").fetchone()
    con.close()
    assert counts == (summary.n_processed, summary.n_processed, 0)
    assert _rows(db) == _rows(local_db)


def _stubborn(task):
    """A document that hangs, one that asks for more memory than the guard allows, the rest read."""
    name = Path(task.path).name
    if name == "hang.txt":
        time.sleep(3600)
    if name == "hog.txt":
        bytearray(64 * 2**30)
    from pipeline.ingest import process_document

    return process_document(task, dask_engine._ACTIVE)


def test_the_guard_stops_a_hung_and_a_memory_hungry_document_on_a_worker(tmp_path, monkeypatch):
    papers = tmp_path / "papers"
    papers.mkdir()
    for name in ("hang.txt", "hog.txt", "fine.txt"):
        (papers / name).write_text("\n\n".join(BODY), encoding="utf-8")
    monkeypatch.setattr(dask_engine, "_process", _stubborn)  # the workers are forked after this
    db = tmp_path / "guard.duckdb"
    summary = ingest_dask([papers], db_path=db, workers=2, timeout=3, extract=False, classify=False)
    con = duckdb.connect(str(db), read_only=True)
    rows = dict((name, (status, reason)) for name, status, reason in con.execute(
        "SELECT filename, status, reason FROM documents").fetchall())
    error = con.execute("SELECT error FROM documents WHERE filename = 'hog.txt'").fetchone()[0]
    con.close()
    assert rows == {"hang.txt": ("timeout", "timeout"), "hog.txt": ("error", "crash"),
                    "fine.txt": ("ok", None)}
    assert "ran out of memory" in error
    assert summary.by_status == {"timeout": 1, "error": 1, "ok": 1}


def test_a_repeated_run_skips_unchanged_files_and_a_forced_one_redoes_them(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "a.txt").write_text("\n\n".join(BODY), encoding="utf-8")
    db = tmp_path / "again.duckdb"
    first = ingest_dask([papers], db_path=db, workers=1, extract=False, classify=False)
    again = ingest_dask([papers], db_path=db, workers=1, extract=False, classify=False)
    forced = ingest_dask([papers], db_path=db, workers=1, extract=False, classify=False, force=True)
    assert (first.n_processed, again.n_processed, again.n_skipped, forced.n_processed) == (1, 0, 1, 1)
    assert first.dashboard is None  # a LocalCluster's dashboard is started only when asked
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    con.close()


def test_an_interrupted_run_keeps_the_last_database_and_the_next_run_finishes_from_its_shards(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    for i in range(6):
        (papers / f"p{i}.txt").write_text(f"Paper {i}\n\n" + "\n\n".join(BODY), encoding="utf-8")
    db = tmp_path / "stop.duckdb"
    seen: list[str] = []
    first = ingest_dask([papers], db_path=db, workers=1, batch_size=2, extract=False, classify=False,
                        on_result=lambda result: seen.append(result.filename), should_stop=lambda: bool(seen))
    assert first.interrupted and not db.exists()  # readers keep the last complete database: none yet
    assert 2 <= first.n_processed < 6
    second = ingest_dask([papers], db_path=db, workers=1, batch_size=2, extract=False, classify=False)
    assert (second.n_skipped, second.n_processed, second.interrupted) == (first.n_processed,
                                                                         6 - first.n_processed, False)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT path) FROM documents").fetchone() == (6, 6)
    con.close()
    assert not (tmp_path / "stop.duckdb.shards").exists()


def test_a_batch_run_again_writes_the_same_shards_or_takes_them_as_they_are(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    tasks = []
    settings = run_settings(timeout=30, ocr="auto", extract=False, classify=False)
    for i in range(3):
        path = papers / f"p{i}.txt"
        path.write_text(f"Paper {i}\n\n" + "\n\n".join(BODY), encoding="utf-8")
        tasks.append(Task(str(path), path.name, file_sha256(path), None, settings))
    batch = Batch(tuple(tasks), str(tmp_path / "shards"), 30, False, False, reuse=False)
    first = run_batch(batch)
    again = run_batch(batch)
    files = sorted((tmp_path / "shards").rglob("*"))
    assert sorted(d.shard for d in first) == sorted(d.shard for d in again) == [str(f) for f in files
                                                                                if f.is_file()]
    assert all(d.result.timings for d in again)  # processed again: same names, files replaced whole
    reused = run_batch(replace(batch, reuse=True))
    assert [(d.shard, d.result.status, d.result.timings) for d in reused] == [
        (d.shard, "ok", {}) for d in first]
    assert all(Path(d.shard).name.startswith(f"{task.sha256[:24]}-{json.loads(settings)['rules']}-")
               for d, task in zip(first, tasks, strict=True))


def test_a_worker_that_cannot_see_the_papers_says_so(tmp_path):
    rules = rules_fingerprint(extract=False, classify=False)
    problem = worker_problem([str(tmp_path / "elsewhere" / "a.pdf")], str(tmp_path / "shards"),
                             dask_engine.__version__, rules, False, False)
    assert problem == (f"cannot see {tmp_path / 'elsewhere' / 'a.pdf'}; put the papers on storage every "
                       "worker mounts at the same path")
    assert worker_problem([], str(tmp_path / "shards"), dask_engine.__version__, "other", False, False) == (
        "runs other rules, model or icsdocs version than the client; install the same icsdocs and "
        "models/ on every worker")
    assert worker_problem([], str(tmp_path / "shards"), dask_engine.__version__, rules, False, False) is None


def test_the_cli_runs_the_dask_engine_and_names_its_cluster(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "a.txt").write_text("\n\n".join(BODY), encoding="utf-8")
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(papers), "--db", str(db), "--engine", "dask",
                                       "--workers", "1", "--batch-size", "1", "--no-extract",
                                       "--no-classify", "--dashboard"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Dask cluster: 1 workers; dashboard http" in result.output
    assert "Dask workers: 1 at the end, peak memory" in result.output


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", "1s")
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "a.txt").write_text("\n\n".join(BODY), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(papers), "--db", str(tmp_path / "x.duckdb"),
                                       "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.output.startswith("icsdocs: Cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert len(result.output.strip().splitlines()) == 1


def test_scheduler_and_batch_size_go_with_the_dask_engine(tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--batch-size", "4"])
    assert result.exit_code == 2
    assert "--scheduler and --batch-size go with --engine dask." in result.output


def test_the_dashboard_goes_with_a_local_dask_cluster(tmp_path):
    for engine in (["--engine", "local"], ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]):
        result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--dashboard", *engine])
        assert result.exit_code == 2
        assert "--dashboard goes with --engine dask and no --scheduler" in result.output
