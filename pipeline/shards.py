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
import threading
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


# One row: each table's rows of the document as a list of structs (NULL when it has none).
_EXPORT = "SELECT " + ", ".join(f"(SELECT list(t) FROM {table} t) AS {table}" for table in DOCUMENT_TABLES)


class ShardWriter:
    """Writes documents' shards on a worker; one in-memory database per thread, emptied after each."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _writer(self) -> Writer:
        writer = getattr(self._local, "writer", None)
        if writer is None:
            writer = self._local.writer = Writer.in_memory()
        return writer

    def write(self, result: DocumentResult, target: Path) -> None:
        writer = self._writer()
        writer.write_document(result, run_id="")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.partial")
        try:
            writer.con.execute(f"COPY ({_EXPORT}) TO {_quoted(partial)} (FORMAT parquet)")
            os.replace(partial, target)  # a reader never sees half a shard
        finally:
            for table in DOCUMENT_TABLES:
                writer.con.execute(f"DELETE FROM {table}")
            if partial.exists():
                partial.unlink()


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


def merge_shard(writer: Writer, shard: Path, *, doc_id: str, path: str, run_id: str) -> None:
    """Replace the document's rows by the shard's, in one transaction; the run is this merge's."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with writer.replacing_document(doc_id, path) as con:
        con.execute("CREATE OR REPLACE TEMP TABLE shard AS SELECT * FROM read_parquet(?)", [str(shard)])
        for table in DOCUMENT_TABLES:
            rows = f"(SELECT unnest({table}) AS r FROM shard)"
            if table == "documents":
                con.execute(f"INSERT INTO documents BY NAME SELECT * REPLACE (? AS run_id, ? AS ingested_at) "
                            f"FROM (SELECT r.* FROM {rows})", [run_id, now])
            else:
                con.execute(f"INSERT INTO {table} BY NAME SELECT r.* FROM {rows}")
        con.execute("DROP TABLE shard")
