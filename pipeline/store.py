"""DuckDB storage: versioned migrations, one transaction per document, build-and-swap writes.

DuckDB lets no other process open a database file while one process writes it, not even read-only.
So a batch writes into `<db>.building` (a copy of the last complete database) and swaps it in with an
atomic rename when it ends: analysts keep querying the last complete database meanwhile.  A run that
is interrupted leaves `<db>.building` behind; the next run resumes from it, so no finished document is
lost.  The copy is made under a temporary name and renamed, so a copy cut short (kill -9, full disk)
never poses as a building file; a building file that cannot be opened, or is older than the database,
is discarded and copied again.  A lock file beside the database names the process that holds it.
Worker processes forked while the lock is held do not keep it (see `_drop_inherited_locks`), and a
lock whose named holder is dead is taken over.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from operator import attrgetter
from pathlib import Path

import duckdb

from .datafiles import read_yaml
from .errors import DatabaseBusy, NotADatabase, QueryFailed, QueryTimeout, ReadOnlyQuery, StorageError
from .records import DocumentResult

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, "001_core.sql"),
    (2, "002_extraction.sql"),
    (3, "003_domain.sql"),
    (4, "004_meeting.sql"),
    (5, "005_outcome.sql"),
    (6, "006_principles_status.sql"),
    (7, "007_reasons.sql"),
)
VIEW_FILES: tuple[str, ...] = ("views.sql", "compare_views.sql")


def _sql(name: str) -> str:
    return resources.files("pipeline.sql").joinpath(name).read_text(encoding="utf-8")


def migrate(con: duckdb.DuckDBPyConnection, *, views: bool = True) -> list[int]:
    """Apply the migrations this database has not seen yet; return the versions applied.  `views=False`
    leaves out the views and comments: a worker's private database only carries rows to a shard."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    # Versions may have gaps, and a lower version may arrive after a higher one was applied (branches
    # merge in any order): each migration is applied once, in version order, whenever it is missing.
    for version, name in sorted(MIGRATIONS):
        if version in done:
            continue
        con.execute("BEGIN")
        con.execute(_sql(name))
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, _now()])
        con.execute("COMMIT")
        applied.append(version)
    if views:
        _create_views_at_once(con)
    return applied


def _create_views_at_once(con: duckdb.DuckDBPyConnection) -> None:
    # One transaction: each view and COMMENT on its own commits (and syncs) the catalog, ~1 s per open.
    con.execute("BEGIN")
    try:
        create_views(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in VIEW_FILES:
        resource = resources.files("pipeline.sql").joinpath(name)
        if resource.is_file():
            con.execute(resource.read_text(encoding="utf-8"))
    comment_schema(con)


def comment_schema(con: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON each table, view and column that `data/schema_docs.yaml` describes and this database has."""
    present = {(table, column) for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND schema_name = 'main'"
    ).fetchall()}
    relations = {table for table, _ in present}
    statements = []
    for kind, entries in schema_docs().items():
        keyword = "VIEW" if kind == "views" else "TABLE"
        for relation, entry in entries.items():
            if relation not in relations:
                continue
            comment = quote_literal(entry["comment"])
            statements.append(f"COMMENT ON {keyword} {quote_ident(relation)} IS {comment}")
            statements += [
                f"COMMENT ON COLUMN {quote_ident(relation)}.{quote_ident(column)} IS {quote_literal(text)}"
                for column, text in entry["columns"].items() if (relation, column) in present
            ]
    con.execute(";\n".join(statements))


@lru_cache(maxsize=1)
def schema_docs() -> dict[str, dict[str, dict]]:
    """{"tables"|"views": {name: {"comment": str, "columns": {column: str}}}} from data/schema_docs.yaml."""
    return read_yaml("schema_docs.yaml")


def quote_ident(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def building_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".building")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


_HELD_LOCKS: set[int] = set()  # file descriptors of the write locks this process holds


def _drop_inherited_locks() -> None:
    """In a forked child: let go of the parent's lock file descriptors.

    flock() locks belong to the open file, which a fork shares: a worker would otherwise keep the
    parent's lock alive after the parent is killed, and the next run would be refused.
    """
    for fd in list(_HELD_LOCKS):
        with suppress(OSError):
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, fd)
            os.close(null)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_locks)


@contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's write lock, or raise DatabaseBusy naming the process that holds it."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = _acquire(path, db_path)
    fd = handle.fileno()
    _HELD_LOCKS.add(fd)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {_now():%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        yield
    finally:
        _HELD_LOCKS.discard(fd)
        # The file stays (removing a lock file others may have open is racy); its holder line goes.
        with suppress(OSError):
            handle.truncate(0)
        handle.close()


def _acquire(path: Path, db_path: Path, *, retried: bool = False):
    """The open, locked lock file; takes over a lock whose named holder is dead (once)."""
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - closed by writer_lock
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        if not retried and _holder_is_dead(holder):
            # An orphan (say a worker of a killed run) still holds the old file; a fresh file is free.
            with suppress(FileNotFoundError):
                path.unlink()
            return _acquire(path, db_path, retried=True)
        raise DatabaseBusy(
            f"{db_path} is being written by {holder or 'another process'}. Wait for it to finish, or "
            "write to another file with --db."
        ) from None
    if not path.exists() or os.stat(path).st_ino != os.fstat(handle.fileno()).st_ino:
        handle.close()  # another process replaced the file while we locked it: start again
        return _acquire(path, db_path, retried=retried)
    return handle


def _holder_is_dead(holder: str) -> bool:
    """True when the lock line names a process on this host that no longer runs."""
    parts = holder.split()
    if len(parts) < 4 or parts[0] != "pid" or parts[2] != "on" or not parts[1].isdigit():
        return False
    if parts[3] != socket.gethostname():
        return False
    return not _process_alive(int(parts[1]))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; only its exit status is left for its parent to collect
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class Writer:
    """Writes one batch into `<db>.building` and swaps it in on `finish()`."""

    def __init__(self, db_path: str | Path, *, views: bool = True):
        """`views=False` leaves the views to `create_views()`, for a caller with better things to do
        first (their commit waits on the disk)."""
        self.db_path = Path(db_path)
        self.build_path = building_path(self.db_path)
        with storage_errors(self.build_path):
            prepare_building(self.db_path, self.build_path)
            self.con = duckdb.connect(str(self.build_path))
            migrate(self.con, views=views)

    def create_views(self) -> None:
        with storage_errors(self.build_path):
            _create_views_at_once(self.con)

    def known_hashes(self) -> dict[str, tuple[str, str, str, str | None]]:
        """path -> (doc_id, sha256, status, settings) of every document already stored."""
        rows = self.con.execute("SELECT path, doc_id, sha256, status, settings FROM documents").fetchall()
        return {path: (doc_id, sha, status, settings) for path, doc_id, sha, status, settings in rows}

    def doc_id_taken(self, doc_id: str, path: str) -> bool:
        row = self.con.execute("SELECT path FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row is not None and row[0] != path

    @classmethod
    def in_memory(cls) -> Writer:
        """A writer over a private in-memory database with the full schema, never swapped in: the Dask
        engine builds a document's rows with it (the very inserts of a local run) to write a shard."""
        writer = cls.__new__(cls)
        writer.db_path = writer.build_path = Path(":memory:")
        writer.con = duckdb.connect(":memory:")
        migrate(writer.con, views=False)
        return writer

    def write_document(self, result: DocumentResult, run_id: str) -> None:
        """Replace every row of this document in one transaction."""
        with self.replacing_document(result.doc_id, result.path):
            self._insert_document(result, run_id)
            self._insert_children(result)

    @contextmanager
    def replacing_document(self, doc_id: str, path: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction that deletes the document's rows, then lets the caller insert the new ones."""
        con = self.con
        with storage_errors(self.build_path):
            con.execute("BEGIN")
            try:
                # A document's rows are only ever written with its documents row: a new one has none.
                if con.execute("SELECT count(*) FROM documents WHERE doc_id = ? OR path = ?",
                               [doc_id, path]).fetchone()[0]:
                    for table in DOCUMENT_TABLES:
                        con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
                    con.execute("DELETE FROM documents WHERE path = ? AND doc_id <> ?", [path, doc_id])
                yield con
                con.execute("COMMIT")
            except Exception:
                # A failed write (full disk) may already have ended the transaction; the first error
                # is the one worth reporting, not "cannot rollback - no transaction is active".
                with suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise

    def insert_many(self, results: Sequence[DocumentResult], run_id: str) -> None:
        """Insert the rows of documents this database does not hold yet, one insert per table for them
        all, in one transaction: how a worker fills its private database for a batch's shards (an
        insert costs about the same for one row as for a thousand)."""
        if not results:
            return
        rows: dict[str, tuple[list[str], list[tuple]]] = {}
        for result in results:
            document = document_row(result, run_id)
            for table, columns, table_rows in (("documents", list(document), [tuple(document.values())]),
                                               *_child_records(result)):
                rows.setdefault(table, (columns, []))[1].extend(table_rows)
        with storage_errors(self.build_path):
            self.con.execute("BEGIN")
            try:
                for table, (columns, table_rows) in rows.items():
                    _insert_columns(self.con, table, columns, table_rows)
                self.con.execute("COMMIT")
            except Exception:
                with suppress(duckdb.Error):
                    self.con.execute("ROLLBACK")
                raise

    def _insert_document(self, result: DocumentResult, run_id: str) -> None:
        row = document_row(result, run_id)
        _insert_columns(self.con, "documents", list(row), [tuple(row.values())])

    def _insert_children(self, result: DocumentResult) -> None:
        """Each child table's rows from its records, column by field name (see `_record_rows`)."""
        for table, columns, rows in _child_records(result):
            _insert_columns(self.con, table, columns, rows)

    def write_principles(self, rows: list[tuple[str, str, str, str, float | None]]) -> None:
        """Replace the codebook table: (framework, principle_id, name, definition, threshold)."""
        self.con.execute("BEGIN")
        self.con.execute("DELETE FROM principles")
        _insert_columns(self.con, "principles", list(PRINCIPLE_COLUMNS), rows)
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
        with storage_errors(self.build_path):
            self.con.execute("CHECKPOINT")
            self.con.close()
            os.replace(self.build_path, self.db_path)

    def abandon(self) -> None:
        """Close without swapping: the building file stays so that the next run resumes from it."""
        with suppress(duckdb.Error):
            self.con.close()


FULL_DISK_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
FULL_DISK_WORDS = ("no space left", "file too large", "disk quota", "could not write", "could not extend",
                   "could not truncate", "database has been invalidated")


@contextmanager
def storage_errors(path: Path) -> Iterator[None]:
    """Turn a failed database write (full disk, size limit, I/O error) into one clear StorageError."""
    try:
        yield
    except (duckdb.IOException, duckdb.FatalException, duckdb.TransactionException, OSError) as exc:
        text = str(exc)
        full = getattr(exc, "errno", None) in FULL_DISK_ERRNOS or any(
            word in text.lower() for word in FULL_DISK_WORDS)
        if not full and not isinstance(exc, duckdb.IOException):
            raise
        cause = "the disk is full or a file size limit was reached" if full else "an I/O error"
        raise StorageError(
            f"Could not write {path}: {cause} ({text.splitlines()[0] if text else type(exc).__name__}). "
            "Free some space and run the same command again; documents already finished are kept."
        ) from None


def prepare_building(db_path: Path, build_path: Path) -> None:
    """Make `build_path` a sound copy of the database to write into (or leave it absent for a new one).

    A building file left by an interrupted run is resumed only if it opens and is newer than the
    database; otherwise (empty, truncated, stale) it is discarded and copied afresh.
    """
    if build_path.exists() and not _resumable(db_path, build_path):
        _remove_building(build_path)
    if build_path.exists() or not db_path.exists():
        return
    partial = build_path.with_name(build_path.name + ".partial")
    try:
        shutil.copyfile(db_path, partial)
        os.replace(partial, build_path)
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()


def _resumable(db_path: Path, build_path: Path) -> bool:
    if build_path.stat().st_size == 0:
        return False
    if db_path.exists() and db_path.stat().st_mtime > build_path.stat().st_mtime:
        return False  # the database was replaced after this building file was made
    try:
        con = duckdb.connect(str(build_path))
    except duckdb.Error:
        return False
    try:
        con.execute("SELECT count(*) FROM schema_migrations").fetchall()
        block_size, blocks = con.execute(
            "SELECT block_size, total_blocks FROM pragma_database_size()").fetchone()
    except duckdb.Error:
        return False
    finally:
        con.close()
    # A file cut short still opens; its header says how many blocks the whole file holds.
    return build_path.stat().st_size >= DUCKDB_HEADER_BYTES + block_size * blocks


DUCKDB_HEADER_BYTES = 3 * 4096


def _remove_building(build_path: Path) -> None:
    for path in (build_path, build_path.with_name(build_path.name + ".wal")):
        with suppress(FileNotFoundError):
            path.unlink()


def document_row(result: DocumentResult, run_id: str) -> dict[str, object]:
    """The `documents` row of a result, by column name."""
    meta, extraction = result.meta, result.extraction
    return {
        "doc_id": result.doc_id, "path": result.path, "filename": result.filename, "sha256": result.sha256,
        "format": result.format, "status": result.status, "error": result.error, "n_pages": result.n_pages,
        "n_chars": len(result.text), "title": result.title,
        "locality": meta.locality if meta else None,
        "locality_source": meta.locality_source if meta else None,
        "doc_type": meta.doc_type if meta else None,
        "doc_type_source": meta.doc_type_source if meta else None,
        "meeting_body": extraction.meeting_body, "meeting_date": _date_or_none(extraction.meeting_date),
        **extraction.meeting.columns(),
        "ingested_at": _now(), "run_id": run_id, "text": result.text, "domain_rate": result.domain_rate,
        "principles_status": result.principles_status, "reason": result.reason,
        "warnings": list(result.warnings), "settings": result.settings,
    }


DOCUMENT_TABLES = ("sections", "entities", "recommendations", "cover_fields", "memberships",
                   "section_labels", "pages", "documents")


PRINCIPLE_COLUMNS = ("framework", "principle_id", "principle_name", "definition", "threshold")
# Record fields no table keeps: a table section's cells are in its text already.
NOT_STORED: dict[str, frozenset[str]] = {"sections": frozenset({"rows"})}
_COLUMN_TYPES: dict[str, dict[str, str]] = {}  # table -> {column: type}, from the migrations' schema


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    types = _COLUMN_TYPES.get(table)
    if types is None:
        rows = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
        types = _COLUMN_TYPES[table] = dict(rows)
    return types


def _child_records(result: DocumentResult) -> Iterator[tuple[str, list[str], list[tuple]]]:
    """(table, columns, rows) of each child table in which the document has rows."""
    extraction = result.extraction
    for table, records in (("sections", result.sections), ("entities", extraction.entities),
                           ("recommendations", extraction.recommendations),
                           ("cover_fields", extraction.cover_fields),
                           ("memberships", extraction.memberships), ("section_labels", result.labels)):
        if records:
            yield table, *_record_rows(table, records)
    if result.pages:
        yield "pages", *_record_rows("pages", result.pages, doc_id=result.doc_id)


def _record_rows(table: str, records: Sequence[object], **fixed: object) -> tuple[list[str], list[tuple]]:
    """The columns and rows of records (frozen dataclasses) for the table's columns of the same names as
    their fields; `fixed` gives columns the records do not carry (pages: the doc_id).  A field with no
    column of its name is an error (in `_insert_columns`), not a value silently dropped, unless
    NOT_STORED lists it."""
    names = [f.name for f in fields(records[0]) if f.name not in NOT_STORED.get(table, ())]  # type: ignore
    values = attrgetter(*names)
    return [*fixed, *names], [(*fixed.values(), *values(record)) for record in records]


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: list[str],
                    rows: list[tuple]) -> None:
    """Insert rows into the named columns: one list parameter per column, unnested side by side in SQL.

    Binding every value as a parameter of its own (multi-row VALUES, or executemany, which runs one
    statement per row) costs ten times more, and the writer is one process beside the workers.
    """
    if not rows:
        return
    types = _column_types(con, table)
    unknown = [c for c in columns if c not in types]
    if unknown:
        raise ValueError(f"{table} has no column(s) {', '.join(unknown)}: add a migration in pipeline/sql")
    values = [_column_values(column, types[name]) for name, column in zip(columns, zip(*rows, strict=True),
                                                                          strict=True)]
    select = ", ".join(f"unnest(?::{types[name]}[])" for name in columns)
    con.execute(f"INSERT INTO {table} ({', '.join(map(quote_ident, columns))}) SELECT {select}", values)


def _column_values(values: tuple, column_type: str) -> list:
    """A column's values as DuckDB binds them: the records' tuples become lists for a list column."""
    if column_type.endswith("[]"):
        return [list(v) if v is not None else None for v in values]
    return list(values)


def _date_or_none(value: str | None) -> str | None:
    """DuckDB DATE wants a full day; a month-only meeting date is not a meeting date."""
    if value and len(value) == 10:
        return value
    return None


def connect_read_only(db_path: str | Path, **config: object) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an icsdocs database, or NotADatabase saying what to do instead."""
    path = Path(db_path)
    if not path.is_file():
        raise NotADatabase(f"No database at {path}. Run `icsdocs ingest PATH --db {path}` first, "
                           "or pass --db.")
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as exc:
        raise NotADatabase(f"{path} is not a DuckDB database ({one_line(exc)}). "
                           "Pass --db with the file `icsdocs ingest` wrote.") from None
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "documents" not in tables:
        con.close()
        raise NotADatabase(f"{path} holds no icsdocs tables. Run `icsdocs ingest PATH --db {path}` first.")
    return con


def one_line(exc: BaseException) -> str:
    """DuckDB's message with its hint lines ("Candidate bindings: ...", "LINE 1: ...") on one line."""
    lines = (line.strip() for line in str(exc).splitlines())
    return " ".join(line for line in lines if line.strip("^ "))  # caret lines point into the SQL


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


DEFAULT_QUERY_SECONDS = 60.0


@dataclass(frozen=True)
class QueryResult:
    """The rows of a query, with each column's name and DuckDB type (e.g. "VARCHAR[]", "DATE")."""

    columns: list[str]
    types: list[str]
    rows: list[tuple]


def run_query(db_path: str | Path, sql: str, *,
              timeout: float | None = DEFAULT_QUERY_SECONDS) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of `query_result`."""
    result = query_result(db_path, sql, timeout=timeout)
    return result.columns, result.rows


def query_result(db_path: str | Path, sql: str, *,
                 timeout: float | None = DEFAULT_QUERY_SECONDS) -> QueryResult:
    """Run one read-only statement; refuse writes, several statements, and access to other files.

    A statement still running after `timeout` seconds is interrupted (QueryTimeout): a careless cross
    join must not hold the database open for ever.
    """
    statement = _only_one_read_statement(sql)
    # Read-only still lets COPY ... TO and read_csv() touch other files; external access off stops both.
    con = connect_read_only(db_path, enable_external_access=False)
    timer = threading.Timer(timeout, con.interrupt) if timeout else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        try:
            cursor = con.execute(statement)
            description = cursor.description or []
            return QueryResult([d[0] for d in description], [str(d[1]) for d in description],
                               cursor.fetchall())
        except (duckdb.PermissionException, duckdb.InvalidInputException) as exc:
            raise ReadOnlyQuery(f"`icsdocs query` only reads this database: {one_line(exc)}") from None
        except duckdb.InterruptException:
            raise QueryTimeout(
                f"The query ran longer than {timeout:g} s and was stopped; narrow it, or raise --timeout."
            ) from None
        except duckdb.Error as exc:
            raise QueryFailed(f"{one_line(exc)}. Fix the SQL; `icsdocs schema` lists the tables and "
                              "their columns.") from None
    finally:
        if timer is not None:
            timer.cancel()
        con.close()
