"""DuckDB storage: versioned migrations, one transaction per document, build-and-swap writes.

DuckDB lets no other process open a database file while one process writes it, not even read-only.
So a batch writes into `<db>.building` (a copy of the last complete database) and swaps it in with an
atomic rename when it ends: analysts keep querying the last complete database meanwhile.  A run that
is interrupted leaves `<db>.building` behind; the next run resumes from it, so no finished document is
lost.  A lock file beside the database names the process that holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from .errors import DatabaseBusy, ReadOnlyQuery
from .records import DocumentResult

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, "001_core.sql"),
    (2, "002_extraction.sql"),
    (3, "003_domain.sql"),
    (6, "006_principles_status.sql"),
)
VIEW_FILES: tuple[str, ...] = ("views.sql", "compare_views.sql")


def _sql(name: str) -> str:
    return resources.files("pipeline.sql").joinpath(name).read_text(encoding="utf-8")


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this database has not seen yet; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name in MIGRATIONS:
        if version in done:
            continue
        con.execute("BEGIN")
        con.execute(_sql(name))
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, _now()])
        con.execute("COMMIT")
        applied.append(version)
    create_views(con)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in VIEW_FILES:
        resource = resources.files("pipeline.sql").joinpath(name)
        if resource.is_file():
            con.execute(resource.read_text(encoding="utf-8"))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def building_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".building")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's write lock, or raise DatabaseBusy naming the process that holds it."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise DatabaseBusy(
                f"{db_path} is being written by {holder}. Wait for it to finish, or write to another "
                "file with --db."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {_now():%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield
        finally:
            # The file stays (removing a lock file others may have open is racy); its holder line goes.
            handle.truncate(0)


class Writer:
    """Writes one batch into `<db>.building` and swaps it in on `finish()`."""

    def __init__(self, db_path: str | Path):
        self.db_path = Path(db_path)
        self.build_path = building_path(self.db_path)
        if not self.build_path.exists() and self.db_path.exists():
            shutil.copyfile(self.db_path, self.build_path)
        self.con = duckdb.connect(str(self.build_path))
        migrate(self.con)

    def known_hashes(self) -> dict[str, tuple[str, str, str]]:
        """path -> (doc_id, sha256, status) of every document already stored."""
        rows = self.con.execute("SELECT path, doc_id, sha256, status FROM documents").fetchall()
        return {path: (doc_id, sha, status) for path, doc_id, sha, status in rows}

    def doc_id_taken(self, doc_id: str, path: str) -> bool:
        row = self.con.execute("SELECT path FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row is not None and row[0] != path

    def write_document(self, result: DocumentResult, run_id: str) -> None:
        """Replace every row of this document in one transaction."""
        con = self.con
        con.execute("BEGIN")
        try:
            for table in DOCUMENT_TABLES:
                con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [result.doc_id])
            con.execute(
                "DELETE FROM documents WHERE path = ? AND doc_id <> ?", [result.path, result.doc_id]
            )
            self._insert_document(result, run_id)
            self._insert_children(result)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    def _insert_document(self, result: DocumentResult, run_id: str) -> None:
        meta = result.meta
        extraction = result.extraction
        self.con.execute(
            "INSERT INTO documents (doc_id, path, filename, sha256, format, status, error, n_pages, "
            "n_chars, title, locality, locality_source, doc_type, doc_type_source, meeting_body, "
            "meeting_date, ingested_at, run_id, text, domain_rate, principles_status) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                result.doc_id, result.path, result.filename, result.sha256, result.format,
                result.status, result.error, result.n_pages, len(result.text),
                extraction.title or result.title,
                meta.locality if meta else None, meta.locality_source if meta else None,
                meta.doc_type if meta else None, meta.doc_type_source if meta else None,
                extraction.meeting_body, _date_or_none(extraction.meeting_date), _now(), run_id,
                result.text, result.domain_rate, result.principles_status,
            ],
        )

    def _insert_children(self, result: DocumentResult) -> None:
        con = self.con
        sections = [
            (s.doc_id, s.section_id, s.ordinal, s.parent_id, s.heading, list(s.heading_path), s.level,
             s.kind, s.text, s.page_start, s.page_end, s.char_start, s.char_end)
            for s in result.sections
        ]
        _insert_many(con, "sections", sections)
        extraction = result.extraction
        _insert_many(con, "entities", [
            (e.doc_id, e.section_id, e.label, e.text, e.norm, e.char_start, e.char_end, e.page, e.source,
             e.flag)
            for e in extraction.entities
        ])
        _insert_many(con, "recommendations", [
            (r.doc_id, r.section_id, r.text, r.kind, r.addressed_to, r.char_start, r.char_end, r.page)
            for r in extraction.recommendations
        ])
        _insert_many(con, "cover_fields", [(c.doc_id, c.field, c.value) for c in extraction.cover_fields])
        _insert_many(con, "memberships", [
            (m.doc_id, m.section_id, m.body, m.member, m.member_kind, m.page, m.char_start, m.char_end)
            for m in extraction.memberships
        ])
        _insert_many(con, "section_labels", [
            (lab.doc_id, lab.section_id, lab.principle_id, lab.framework, lab.score, lab.method,
             lab.evidence_text, lab.evidence_start, lab.evidence_end, lab.page)
            for lab in result.labels
        ])

    def write_principles(self, rows: list[tuple[str, str, str, str, float | None]]) -> None:
        """Replace the codebook table: (framework, principle_id, name, definition, threshold)."""
        self.con.execute("BEGIN")
        self.con.execute("DELETE FROM principles")
        _insert_many(self.con, "principles", rows)
        self.con.execute("COMMIT")

    def start_run(self, run_id: str, version: str, args: dict) -> None:
        self.con.execute(
            "INSERT INTO runs (run_id, started_at, version, args) VALUES (?, ?, ?, ?)",
            [run_id, _now(), version, json.dumps(args, default=str)],
        )

    def finish_run(self, run_id: str, n_docs: int, n_ok: int, n_failed: int) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, n_docs = ?, n_ok = ?, n_failed = ? WHERE run_id = ?",
            [_now(), n_docs, n_ok, n_failed, run_id],
        )

    def finish(self) -> None:
        """Close the building file and swap it in atomically."""
        self.con.execute("CHECKPOINT")
        self.con.close()
        os.replace(self.build_path, self.db_path)

    def abandon(self) -> None:
        """Close without swapping: the building file stays so that the next run resumes from it."""
        with suppress(duckdb.Error):
            self.con.close()


DOCUMENT_TABLES = ("sections", "entities", "recommendations", "cover_fields", "memberships",
                   "section_labels", "documents")


_COLUMN_TYPES: dict[str, tuple[str, ...]] = {}  # table -> its column types, from the migrations' schema


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    types = _COLUMN_TYPES.get(table)
    if types is None:
        rows = con.execute("SELECT data_type FROM information_schema.columns WHERE table_name = ? "
                           "ORDER BY ordinal_position", [table]).fetchall()
        types = _COLUMN_TYPES[table] = tuple(t for (t,) in rows)
    return types


def _insert_many(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows column by column: one list parameter per column, unnested side by side in SQL.

    Binding every value as a parameter of its own (multi-row VALUES, or executemany, which runs one
    statement per row) costs ten times more, and the writer is one process beside the workers.
    """
    if not rows:
        return
    types = _column_types(con, table)
    if len(types) != len(rows[0]):
        raise ValueError(f"{table} has {len(types)} columns, rows have {len(rows[0])}")
    columns = [list(column) for column in zip(*rows, strict=True)]
    select = ", ".join(f"unnest(?::{t}[])" for t in types)
    con.execute(f"INSERT INTO {table} SELECT {select}", columns)


def _date_or_none(value: str | None) -> str | None:
    """DuckDB DATE wants a full day; a month-only meeting date is not a meeting date."""
    if value and len(value) == 10:
        return value
    return None


def connect_read_only(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"No database at {path}. Run `icsdocs ingest` first, or pass --db.")
    return duckdb.connect(str(path), read_only=True)


READ_STATEMENTS = ("SELECT", "EXPLAIN")


def _only_one_read_statement(sql: str) -> str:
    """The single SELECT / EXPLAIN statement in `sql`, or ReadOnlyQuery explaining what is wrong."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyQuery(f"The query could not be parsed: {exc}") from None
    if len(statements) != 1:
        raise ReadOnlyQuery(f"Give exactly one SQL statement (got {len(statements)}).")
    kind = statements[0].type.name
    if kind not in READ_STATEMENTS:
        raise ReadOnlyQuery(f"`icsdocs query` only reads; {kind} statements are refused.")
    return statements[0].query


def run_query(db_path: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement; refuse writes, several statements, and access to other files."""
    statement = _only_one_read_statement(sql)
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"No database at {path}. Run `icsdocs ingest` first, or pass --db.")
    # Read-only still lets COPY ... TO and read_csv() touch other files; external access off stops both.
    con = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
    try:
        try:
            cursor = con.execute(statement)
        except (duckdb.PermissionException, duckdb.InvalidInputException) as exc:
            raise ReadOnlyQuery(f"`icsdocs query` only reads this database: {exc}") from None
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    finally:
        con.close()
