"""Parquet shards: the rows of one document, written by a Dask worker and merged into the database.

A shard is a Parquet file of one row with a column per table (`documents`, `sections`, `pages`, ...),
each the list of that document's rows in the table as structs.  The worker makes the rows with the
store's own inserts (an in-memory database, `Writer.in_memory()`), so both engines write rows the same
way; the merge replaces the document's rows in one transaction, as a local run does.

A shard's name is deterministic: the file's content hash, the rules/model fingerprint, and a hash of
everything else that decides its rows (path, doc_id, manifest entry, run settings).  A retried or
repeated batch writes the same file again (atomically), so it never yields a second copy of a document.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .ingest import Task
from .records import DocumentResult
from .store import DOCUMENT_TABLES, Writer

SHARD_SUFFIX = ".parquet"


def shard_path(folder: Path, task: Task) -> Path:
    """Where the shard of `task` goes: a sub-folder per leading hash byte keeps folders small."""
    content = task.sha256[:24] or "unreadable"
    rules = _rules(task.settings)
    rest = hashlib.sha256(repr(task).encode()).hexdigest()[:16]
    return folder / content[:2] / f"{content}-{rules}-{rest}{SHARD_SUFFIX}"


def _rules(settings: str) -> str:
    try:
        return str(json.loads(settings or "{}").get("rules") or "norules")
    except ValueError:
        return "norules"


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


# One row per document: each table's rows of the document as a list of structs (NULL when it has none),
# and the shard file it goes to (the partition, so not a column of the file).
_EXPORT = ("SELECT s.shard, " + ", ".join(
    f"(SELECT list(t) FROM {table} t WHERE t.doc_id = d.doc_id) AS {table}" for table in DOCUMENT_TABLES)
    + " FROM documents d JOIN shard_names s USING (doc_id)")


class ShardWriter:
    """Collects a batch's results on a worker, then writes one shard per document in `flush`.

    The in-memory database lives only inside `flush`: a process holding a used DuckDB database could
    crash a child it forks (the guard's, or a worker restarted by a nanny), seen with forked workers."""

    def __init__(self) -> None:
        self.pending: list[tuple[DocumentResult, Path]] = []

    def add(self, result: DocumentResult, target: Path) -> None:
        self.pending.append((result, target))

    def flush(self) -> None:
        """One Parquet file per document added since the last flush, each renamed into place whole."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        writer = Writer.in_memory()
        con = writer.con
        try:
            con.execute("CREATE TEMP TABLE shard_names (doc_id VARCHAR, shard VARCHAR)")
            writer.insert_many([result for result, _ in pending], run_id="")
            con.execute("INSERT INTO shard_names SELECT unnest(?::VARCHAR[]), md5(unnest(?::VARCHAR[]))",
                        [[result.doc_id for result, _ in pending], [str(target) for _, target in pending]])
            _write_partitions(con, [target for _, target in pending])
        finally:
            con.close()


def _write_partitions(con: duckdb.DuckDBPyConnection, targets: list[Path]) -> None:
    folder = targets[0].parent.parent / f".batch-{os.getpid()}-{threading.get_ident()}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        con.execute(f"COPY ({_EXPORT}) TO {_quoted(folder)} "
                    "(FORMAT parquet, PARTITION_BY (shard), OVERWRITE_OR_IGNORE)")
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            # a reader never sees half a shard; a retried batch replaces it by the same rows
            os.replace(folder / f"shard={hashlib.md5(str(target).encode()).hexdigest()}" / "data_0.parquet",
                       target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_SUMMARY_COLUMNS = ("doc_id", "path", "filename", "sha256", "format", "status", "error", "n_pages", "reason",
                    "warnings", "settings")


def shard_summary(shard: Path) -> DocumentResult:
    """The document's status, reason, warnings and page count from its shard (no text or rows)."""
    con = duckdb.connect(":memory:")
    try:
        columns = ", ".join(f"d.{c}" for c in _SUMMARY_COLUMNS)
        row = con.execute(f"SELECT {columns} FROM (SELECT unnest(documents) AS d FROM read_parquet(?))",
                          [str(shard)]).fetchone()
    finally:
        con.close()
    values = dict(zip(_SUMMARY_COLUMNS, row, strict=True))
    values["warnings"] = tuple(values["warnings"] or ())
    return DocumentResult(**values)


@dataclass(frozen=True)
class ShardRef:
    """A shard to merge and the document it holds."""

    shard: str
    doc_id: str
    path: str


def merge_shards(writer: Writer, shards: Sequence[ShardRef], *, run_id: str,
                 on_merged: Callable[[ShardRef], None] | None = None) -> None:
    """Replace each document's rows by its shard's, one transaction per document; the run is this one.

    The shards of a batch are read and unnested once, into a staging table per table; each document's
    transaction then inserts its own rows from them, into the tables where it has any."""
    if not shards:
        return
    con = writer.con
    # The workers have the cores; one thread also runs a small insert three times faster than DuckDB's
    # default pool does (measured: 1.4 ms against 4 ms), and the merge is a stream of small inserts.
    con.execute("SET threads = 1")
    con.execute("CREATE OR REPLACE TEMP TABLE shard AS SELECT * FROM read_parquet(?, filename = true)",
                [[ref.shard for ref in shards]])
    try:
        for table in DOCUMENT_TABLES:
            con.execute(f"CREATE OR REPLACE TEMP TABLE staged_{table} AS SELECT filename AS shard_file, r.* "
                        f"FROM (SELECT filename, unnest({table}) AS r FROM shard)")
        counts = ", ".join(f"len({table})" for table in DOCUMENT_TABLES)
        present = {name: [table for table, n in zip(DOCUMENT_TABLES, row, strict=True) if n]
                   for name, *row in con.execute(f"SELECT filename, {counts} FROM shard").fetchall()}
        for ref in shards:
            _merge_one(writer, ref, present[ref.shard], run_id)
            if on_merged:
                on_merged(ref)
    finally:
        for table in ("shard", *(f"staged_{t}" for t in DOCUMENT_TABLES)):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("RESET threads")


def _merge_one(writer: Writer, ref: ShardRef, tables: list[str], run_id: str) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    with writer.replacing_document(ref.doc_id, ref.path) as con:
        for table in tables:
            rows = f"SELECT * EXCLUDE (shard_file) FROM staged_{table} WHERE shard_file = ?"
            if table == "documents":
                con.execute(f"INSERT INTO documents BY NAME SELECT * REPLACE (? AS run_id, ? AS ingested_at) "
                            f"FROM ({rows})", [run_id, now, ref.shard])
            else:
                con.execute(f"INSERT INTO {table} BY NAME {rows}", [ref.shard])
