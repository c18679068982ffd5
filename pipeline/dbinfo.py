"""What is in an icsdocs database: its status, its schema with column comments, and text search.

All three read through `store.connect_read_only`, so a wrong --db is one clear error, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .store import connect_read_only

SNIPPET_CHARS = 160


@dataclass(frozen=True)
class Column:
    relation: str
    kind: str  # "table" or "view"
    name: str
    data_type: str
    comment: str | None


def schema(db_path: str | Path) -> list[Column]:
    """Every column of the database's own tables and views, in declaration order, with its comment."""
    con = connect_read_only(db_path)
    try:
        rows = con.execute(
            """
            SELECT c.table_name, CASE WHEN v.view_name IS NULL THEN 'table' ELSE 'view' END,
                   c.column_name, c.data_type, c.comment
            FROM duckdb_columns() c
            LEFT JOIN duckdb_views() v ON v.view_name = c.table_name AND NOT v.internal
            WHERE NOT c.internal AND c.schema_name = 'main'
            ORDER BY 2, 1, c.column_index
            """
        ).fetchall()
    finally:
        con.close()
    return [Column(*row) for row in rows]


def relation_comments(db_path: str | Path) -> dict[str, str | None]:
    """The comment on each table and view."""
    con = connect_read_only(db_path)
    try:
        rows = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main' "
            "UNION ALL "
            "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def format_schema(columns: list[Column], comments: dict[str, str | None]) -> str:
    lines: list[str] = []
    current = None
    for column in columns:
        if column.relation != current:
            current = column.relation
            lines += ["", f"{column.kind} {column.relation}: {comments.get(column.relation) or ''}".rstrip()]
        lines.append(f"  {column.name:<22}{column.data_type:<12}{column.comment or ''}".rstrip())
    return "\n".join(lines).lstrip("\n")


@dataclass(frozen=True)
class Status:
    by_status: list[tuple[str, int]]
    by_locality: list[tuple[str, int]]
    by_doc_type: list[tuple[str, int]]
    last_run: tuple | None
    n_sections: int
    n_entities: int


def status(db_path: str | Path) -> Status:
    con = connect_read_only(db_path)
    try:
        def counts(column: str) -> list[tuple[str, int]]:
            return con.execute(
                f"SELECT coalesce({column}, '(none)'), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall()

        last_run = con.execute(
            "SELECT started_at, finished_at, version, n_docs, n_ok, n_failed FROM runs "
            "ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
        return Status(
            by_status=counts("status"),
            by_locality=counts("locality"),
            by_doc_type=counts("doc_type"),
            last_run=last_run,
            n_sections=con.execute("SELECT count(*) FROM sections").fetchone()[0],
            n_entities=con.execute("SELECT count(*) FROM entities").fetchone()[0],
        )
    finally:
        con.close()


def format_status(info: Status) -> str:
    total = sum(n for _, n in info.by_status)
    lines = [f"documents: {total}  sections: {info.n_sections}  entities: {info.n_entities}"]
    for title, pairs in (("by status", info.by_status), ("by locality", info.by_locality),
                         ("by document type", info.by_doc_type)):
        lines.append(f"{title}: " + ", ".join(f"{name} {n}" for name, n in pairs))
    if info.last_run:
        started, finished, version, n_docs, n_ok, n_failed = info.last_run
        state = f"finished {_when(finished)}" if finished else "did not finish"
        lines.append(f"last run: started {_when(started)}, {state}, icsdocs {version or '?'}, "
                     f"{n_docs or 0} documents ({n_ok or 0} ok, {n_failed or 0} failed)")
    else:
        lines.append("last run: none recorded")
    return "\n".join(lines)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "?"


@dataclass(frozen=True)
class Hit:
    filename: str
    page: int | None
    heading_path: str
    snippet: str
    n_matches: int


def search(db_path: str | Path, words: str, *, limit: int = 20) -> list[Hit]:
    """Sections holding every word (case-insensitive), most matches first, with a snippet around the first."""
    terms = words.split()
    if not terms:
        return []
    where = " AND ".join("strpos(lower(s.text), ?) > 0" for _ in terms)
    counts = " + ".join("(length(s.text) - length(replace(lower(s.text), ?, ''))) // ?" for _ in terms)
    first = terms[0].lower()
    sql = f"""
        SELECT d.filename, s.page_start, array_to_string(s.heading_path, ' > '),
               substr(s.text, greatest(1, strpos(lower(s.text), ?) - {SNIPPET_CHARS // 2}), {SNIPPET_CHARS}),
               {counts} AS n
        FROM sections s JOIN documents d USING (doc_id)
        WHERE {where}
        ORDER BY n DESC, d.filename, s.ordinal
        LIMIT ?
    """
    params: list[object] = [first]
    for term in terms:
        params += [term.lower(), len(term)]
    params += [term.lower() for term in terms]
    params.append(limit)
    con = connect_read_only(db_path)
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    return [Hit(name, page, path or "", " ".join((snippet or "").split()), n) for name, page, path, snippet, n
            in rows]
