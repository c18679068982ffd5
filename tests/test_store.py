"""DuckDB store: migrations, per-document replacement, build-and-swap, the writer lock, read-only queries."""

from pathlib import Path

import duckdb
import pytest

from pipeline.errors import DatabaseBusy, ReadOnlyQuery
from pipeline.records import DocumentResult, Entity, Extraction, Section
from pipeline.store import MIGRATIONS, Writer, building_path, migrate, run_query, writer_lock


def _result(doc_id="a.txt", text="Hello Bury Council", sha="1" * 64, status="ok"):
    section = Section(doc_id=doc_id, section_id="s0000", ordinal=0, parent_id=None, heading=None,
                      heading_path=(), level=1, kind="body", text=text, page_start=1, page_end=1,
                      char_start=0, char_end=len(text))
    entity = Entity(doc_id=doc_id, section_id="s0000", label="BODY", text="Bury Council", norm="Bury Council",
                    char_start=6, char_end=18, page=1)
    return DocumentResult(doc_id=doc_id, path=f"/x/{doc_id}", filename=doc_id, sha256=sha, format="txt",
                          status=status, n_pages=1, text=text, sections=(section,),
                          extraction=Extraction(entities=(entity,)))


def test_migrations_are_recorded_and_idempotent(tmp_path):
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    assert migrate(con) == [version for version, _ in MIGRATIONS]
    assert migrate(con) == []
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


def test_batch_is_invisible_until_finish_then_swapped_in(tmp_path):
    db = tmp_path / "icsdocs.duckdb"
    writer = Writer(db)
    writer.write_document(_result(), "run1")
    assert not db.exists()
    writer.finish()
    assert not building_path(db).exists()
    assert run_query(db, "SELECT doc_id, n_chars FROM documents") == (["doc_id", "n_chars"], [("a.txt", 18)])


def test_rewriting_a_document_replaces_all_its_rows(tmp_path):
    db = tmp_path / "icsdocs.duckdb"
    writer = Writer(db)
    writer.write_document(_result(), "run1")
    writer.write_document(_result(text="Hello Bury Council again", sha="2" * 64), "run2")
    writer.finish()
    _, rows = run_query(db, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM sections), "
                            "(SELECT count(*) FROM entities), (SELECT sha256 FROM documents)")
    assert rows == [(1, 1, 1, "2" * 64)]


def test_interrupted_batch_keeps_last_complete_db_and_next_run_resumes(tmp_path):
    db = tmp_path / "icsdocs.duckdb"
    first = Writer(db)
    first.write_document(_result("a.txt"), "run1")
    first.finish()
    interrupted = Writer(db)
    interrupted.write_document(_result("b.txt"), "run2")
    interrupted.abandon()
    assert run_query(db, "SELECT doc_id FROM documents ORDER BY 1")[1] == [("a.txt",)]
    resumed = Writer(db)
    assert sorted(resumed.known_hashes()) == ["/x/a.txt", "/x/b.txt"]
    resumed.finish()
    assert run_query(db, "SELECT doc_id FROM documents ORDER BY 1")[1] == [("a.txt",), ("b.txt",)]


def test_second_writer_is_told_who_holds_the_database(tmp_path):
    db = tmp_path / "icsdocs.duckdb"
    busy = pytest.raises(DatabaseBusy, match=r"is being written by pid \d+ on .* since")
    with writer_lock(db), busy, writer_lock(db):
        pass


@pytest.mark.parametrize("sql", ["DELETE FROM documents", "drop table documents",
                                 "  INSERT INTO runs VALUES ('x')", "CREATE TABLE t (a INT)"])
def test_query_refuses_writes(tmp_path, sql):
    db = tmp_path / "icsdocs.duckdb"
    writer = Writer(db)
    writer.finish()
    with pytest.raises(ReadOnlyQuery):
        run_query(db, sql)


def test_query_refuses_writes_hidden_behind_a_cte(tmp_path):
    db = tmp_path / "icsdocs.duckdb"
    Writer(db).finish()
    with pytest.raises(ReadOnlyQuery):
        run_query(db, "WITH x AS (SELECT 1) INSERT INTO runs (run_id) SELECT 'r' FROM x")


@pytest.mark.parametrize("sql", [
    "-- hi\nCOPY (SELECT 1) TO '{tmp}/x.csv'",
    "/* x */ COPY (SELECT 1) TO '{tmp}/x.csv'",
    "SELECT 1; COPY (SELECT 1) TO '{tmp}/x.csv'",
    "SELECT * FROM read_csv('{tmp}/secret.csv')",
    "",
])
def test_query_cannot_touch_other_files(tmp_path, sql):
    db = tmp_path / "icsdocs.duckdb"
    Writer(db).finish()
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ReadOnlyQuery):
        run_query(db, sql.format(tmp=tmp_path))
    assert not (tmp_path / "x.csv").exists()


def test_query_reads_views(tmp_path):
    db = tmp_path / "icsdocs.duckdb"
    Writer(db).finish()
    assert run_query(db, "SELECT count(*) FROM doc_principles") == (["count_star()"], [(0,)])


def _version_3_database(path: Path) -> duckdb.DuckDBPyConnection:
    """A database as migrations 1-3 left it, before the meeting and outcome columns (built from their SQL
    alone: today's views need the later columns)."""
    from pipeline.store import _sql

    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    for version, name in MIGRATIONS[:3]:
        con.execute(_sql(name))
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, NULL)", [version, name])
    return con


def test_outcome_migration_upgrades_a_version_3_database(tmp_path):
    con = _version_3_database(tmp_path / "old.duckdb")
    assert (5, "005_outcome.sql") in MIGRATIONS
    assert 5 in migrate(con)
    columns = [row[0] for row in con.execute("DESCRIBE recommendations").fetchall()]
    assert columns[-1] == "outcome"
    assert "outcome" in [row[0] for row in con.execute("DESCRIBE recommendations_by_locality").fetchall()]
    assert migrate(con) == []


def test_a_database_from_before_the_meeting_columns_gains_them(tmp_path):
    con = _version_3_database(tmp_path / "old.duckdb")
    assert "meeting_date_text" not in {r[0] for r in con.execute("DESCRIBE documents").fetchall()}
    assert 4 in migrate(con)
    columns = {r[0]: r[1] for r in con.execute("DESCRIBE documents").fetchall()}
    assert (columns["meeting_date"], columns["meeting_date_text"], columns["meeting_body_start"]) == (
        "DATE", "VARCHAR", "INTEGER")


def test_the_meeting_is_stored_with_its_spans(tmp_path):
    from pipeline.records import Meeting, MeetingPart

    text = "Schools Forum - Monday, 3rd July, 2023"
    meeting = Meeting(body=MeetingPart("Schools Forum", 0, 13, "moderngov heading"),
                      date=MeetingPart("2023-07", 16, 38, "a month"), title=None)
    result = _result(text=text)
    result = DocumentResult(**{**result.__dict__, "extraction": Extraction(meeting=meeting,
                                                                          meeting_body="Schools Forum",
                                                                          meeting_date="2023-07")})
    db = tmp_path / "icsdocs.duckdb"
    writer = Writer(db)
    writer.write_document(result, "run1")
    writer.finish()
    _, rows = run_query(db, "SELECT meeting_body, meeting_date, meeting_date_text, meeting_body_start, "
                            "meeting_body_end, meeting_title_start, meeting_source FROM documents")
    assert rows == [("Schools Forum", None, "2023-07", 0, 13, None,
                     "body: moderngov heading; date: a month")]


# --- rows go in by column name, derived from the records ----------------------------------------------


def test_child_rows_go_in_by_column_name_whatever_the_tables_column_order(tmp_path, monkeypatch):
    """A table whose columns came in another order (a branch's migration added one in the middle) still
    gets each record field in the column of its name."""
    from pipeline import store
    from pipeline.records import PageInfo

    monkeypatch.setattr(store, "_COLUMN_TYPES", {})
    db = tmp_path / "icsdocs.duckdb"
    writer = Writer(db)
    writer.con.execute("DROP TABLE entities")
    writer.con.execute("CREATE TABLE entities (flag VARCHAR, page INTEGER, norm VARCHAR, label VARCHAR, "
                       "text VARCHAR, doc_id VARCHAR, char_end INTEGER, section_id VARCHAR, source VARCHAR, "
                       "char_start INTEGER)")
    result = _result()
    result = DocumentResult(**{**result.__dict__, "pages": (PageInfo(1, 18, None, ("ocr",), "ocr", 81.5),)})
    writer.write_document(result, "run1")
    assert writer.con.execute("SELECT doc_id, label, text, char_start, char_end, page, source, flag "
                              "FROM entities").fetchall() == [
        ("a.txt", "BODY", "Bury Council", 6, 18, 1, "rule", None)]
    pages = writer.con.execute("SELECT * FROM pages").fetchall()
    assert pages == [("a.txt", 1, 18, None, ["ocr"], "ocr", 81.5)]
    assert writer.con.execute("SELECT heading_path, kind FROM sections").fetchall() == [([], "body")]
    writer.abandon()


def test_a_record_field_without_a_column_is_an_error_not_a_dropped_value(tmp_path, monkeypatch):
    from pipeline import store

    monkeypatch.setattr(store, "_COLUMN_TYPES", {})
    writer = Writer(tmp_path / "icsdocs.duckdb")
    writer.con.execute("ALTER TABLE entities DROP COLUMN flag")
    with pytest.raises(ValueError, match="entities has no column.s. flag: add a migration"):
        writer.write_document(_result(), "run1")
    writer.abandon()


def test_insert_many_writes_the_rows_write_document_writes(tmp_path):
    from pipeline.records import PageInfo

    def rows(writer):
        columns = {"documents": "* EXCLUDE (ingested_at)"}
        return {table: writer.con.execute(f"SELECT {columns.get(table, '*')} FROM {table} ORDER BY ALL")
                .fetchall() for table in ("documents", "sections", "entities", "pages")}

    results = [_result("a.txt"), _result("b.txt", text="Hello Wigan Council", sha="2" * 64)]
    page = PageInfo(1, 19, None, (), "text", None)
    results[1] = DocumentResult(**{**results[1].__dict__, "pages": (page,)})
    one_by_one, at_once = Writer.in_memory(), Writer.in_memory()
    for result in results:
        one_by_one.write_document(result, "run1")
    at_once.insert_many(results, "run1")
    assert rows(at_once) == rows(one_by_one)
    assert [len(v) for v in rows(at_once).values()] == [2, 2, 2, 1]


def test_a_private_database_has_the_tables_but_not_the_views_files(tmp_path):
    def relations(con):
        return {kind: {name for name, k in rows if k == kind} for kind in ("BASE TABLE", "VIEW")
                for rows in [con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                         "WHERE table_schema = 'main'").fetchall()]}

    private = relations(Writer.in_memory().con)
    full = duckdb.connect(str(tmp_path / "full.duckdb"))
    migrate(full)
    assert private["BASE TABLE"] == relations(full)["BASE TABLE"]
    assert len(relations(full)["VIEW"] - private["VIEW"]) > 5  # views.sql and compare_views.sql left out
