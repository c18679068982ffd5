"""The database commands through the real entry point: one-line errors with exit status 2, status,
schema, search, and query from a file or into a file."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.test_compare import build_sample_db


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return build_sample_db(tmp_path / "icsdocs.duckdb")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("icsdocs: ")
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0]


def test_query_with_an_unknown_column_is_one_line_with_duckdbs_hint(db):
    result = run("query", "--db", str(db), "SELECT localty FROM documents")
    assert_one_line_error(result, 'Referenced column "localty" not found', "Candidate bindings",
                          "icsdocs schema")
    assert "^^^" not in result.output


def test_query_with_a_bad_cast_is_one_line(db):
    assert_one_line_error(run("query", "--db", str(db), "SELECT 'a'::INT"), "Could not convert string 'a'")


@pytest.mark.parametrize("command", [["compare", "--out"], ["report", "--out"]])
def test_commands_refuse_a_file_that_is_not_a_database_and_make_no_folder(tmp_path, command):
    not_db = tmp_path / "notes.duckdb"
    not_db.write_text("minutes of the meeting\n", encoding="utf-8")
    out = tmp_path / "never_made"
    result = run(command[0], "--db", str(not_db), command[1], str(out))
    assert_one_line_error(result, "is not a DuckDB database", "--db")
    assert not out.exists()


@pytest.mark.parametrize("command", [["compare"], ["report"], ["status"], ["schema"],
                                     ["review", "export"], ["query", "SELECT 1"], ["search", "board"]])
def test_commands_on_an_empty_duckdb_file_say_to_ingest(tmp_path, command):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run(*command, "--db", str(empty))
    assert_one_line_error(result, "holds no icsdocs tables", "icsdocs ingest")


def test_missing_database_names_the_fix(tmp_path):
    result = run("status", "--db", str(tmp_path / "nope.duckdb"))
    assert_one_line_error(result, "No database at", "icsdocs ingest")


def test_evaluate_against_gold_that_names_no_document_is_an_error(db, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "some_other_paper.json").write_text('{"bodies": []}', encoding="utf-8")
    result = run("evaluate", "--db", str(db), "--gold", str(gold))
    assert_one_line_error(result, "None of the 1 gold files", "--gold")
    assert "1.000" not in result.output


def test_evaluate_match_that_selects_no_gold_is_an_error(db, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "bury1.json").write_text('{"bodies": []}', encoding="utf-8")
    assert_one_line_error(run("evaluate", "--db", str(db), "--gold", str(gold), "--match", "dev_*"),
                          "No gold JSON files", "'dev_*'")


def test_status_counts_documents_and_reports_the_last_run(db):
    result = run("status", "--db", str(db))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "documents: 7  sections: 5  entities: 11"
    assert lines[1] == "by status: ok 4, encrypted 1, error 1, no_text 1"
    assert lines[2].startswith("by locality: Bury 3, Wigan 2, ")
    assert lines[3] == "by document type: board_paper 7"


def test_schema_lists_tables_and_views_with_types(db):
    result = run("schema", "--db", str(db))
    assert result.exit_code == 0
    assert "table documents" in result.output
    assert "view locality_principles" in result.output
    assert any(line.split()[:2] == ["meeting_date", "DATE"] for line in result.output.splitlines())


def test_search_finds_sections_with_every_word_and_cites_file_and_page(db):
    result = run("search", "--db", str(db), "shadow", "BUDGET")
    assert result.exit_code == 0
    rows = [line for line in result.output.splitlines() if "|" in line][1:]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].split("|")]
    assert cells[:3] == ["bury1.pdf", "2", "Update on GM ICS > Neighbourhoods"]
    assert "shadow budget" in cells[4]
    assert "(1 row)" in result.output


def test_search_needs_every_word(db):
    result = run("search", "--db", str(db), "shadow", "glossop")
    assert "(0 rows)" in result.output


def test_query_from_a_file_into_an_excel_ready_csv(db, tmp_path):
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT doc_id, locality FROM documents WHERE doc_id LIKE 'bury%' ORDER BY 1",
                   encoding="utf-8")
    out = tmp_path / "rows.csv"
    result = run("query", "--db", str(db), "-f", str(sql), "--out", str(out))
    assert result.exit_code == 0
    assert result.output.strip() == f"wrote 3 rows to {out}"
    expected = "\ufeffdoc_id,locality\r\nbury1,Bury\r\nbury2,Bury\r\nbury3,Bury\r\n"
    assert out.read_bytes() == expected.encode()


def test_query_needs_sql_from_exactly_one_place(db, tmp_path):
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT 1", encoding="utf-8")
    assert run("query", "--db", str(db)).exit_code == 2
    assert run("query", "--db", str(db), "SELECT 1", "-f", str(sql)).exit_code == 2


def test_query_out_with_an_unknown_suffix_is_one_line(db, tmp_path):
    assert_one_line_error(run("query", "--db", str(db), "SELECT 1", "--out", str(tmp_path / "x.docx")),
                          "name a .csv, .json, .xlsx, .parquet file")
    assert not (tmp_path / "x.docx").exists()


HOSTILE_SQL = ("SELECT doc_id, n_pages, meeting_date, '=HYPERLINK(\"http://x\")' AS formula, "
               "'-3 items' AS dash, -3 AS minus, chr(27) || '[31mred' AS escape, [1, 2] AS pair "
               "FROM documents WHERE doc_id = 'bury1'")


def test_query_into_an_excel_workbook_keeps_types_and_never_writes_a_formula(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "rows.xlsx"
    result = run("query", "--db", str(db), HOSTILE_SQL, "--out", str(out))
    assert result.output.strip() == f"wrote 1 rows to {out}"
    sheet = load_workbook(out).active
    header, row = [[cell for cell in r] for r in sheet.iter_rows(min_row=1, max_row=2)]
    assert [c.value for c in header] == ["doc_id", "n_pages", "meeting_date", "formula", "dash", "minus",
                                         "escape", "pair"]
    values = [c.value for c in row]
    assert values[:2] == ["bury1", 3]
    assert values[3:] == ['=HYPERLINK("http://x")', "-3 items", -3, "[31mred", "[1, 2]"]
    assert [c.data_type for c in row[3:5]] == ["s", "s"]  # text, not a formula
    assert [c.quotePrefix for c in row] == [False, False, False, True, True, False, False, False]


def test_query_into_parquet_keeps_the_database_types(db, tmp_path):
    out = tmp_path / "rows.parquet"
    result = run("query", "--db", str(db), HOSTILE_SQL, "--out", str(out))
    assert result.exit_code == 0
    con = duckdb.connect()
    types = con.execute(f"DESCRIBE SELECT * FROM '{out}'").fetchall()
    assert [(name, kind) for name, kind, *_ in types] == [
        ("doc_id", "VARCHAR"), ("n_pages", "INTEGER"), ("meeting_date", "DATE"), ("formula", "VARCHAR"),
        ("dash", "VARCHAR"), ("minus", "INTEGER"), ("escape", "VARCHAR"), ("pair", "INTEGER[]")]
    row = con.execute(f"SELECT * FROM '{out}'").fetchone()
    assert row[:2] == ("bury1", 3)
    assert row[3:] == ('=HYPERLINK("http://x")', "-3 items", -3, "\x1b[31mred", [1, 2])


def test_query_into_parquet_with_no_rows_and_repeated_names(db, tmp_path):
    out = tmp_path / "empty.parquet"
    result = run("query", "--db", str(db), "SELECT 1 AS a, 'x' AS a WHERE false", "--out", str(out))
    assert result.exit_code == 0
    con = duckdb.connect()
    assert [r[:2] for r in con.execute(f"DESCRIBE SELECT * FROM '{out}'").fetchall()] == [
        ("a", "INTEGER"), ("a_2", "VARCHAR")]
    assert con.execute(f"SELECT count(*) FROM '{out}'").fetchone() == (0,)


# --- the schema is documented in the database and in README -------------------------------------------


def test_every_table_view_and_column_has_a_comment(db):
    from pipeline.dbinfo import relation_comments, schema

    missing = [f"{c.relation}.{c.name}" for c in schema(db) if not c.comment]
    assert missing == []
    assert [name for name, comment in relation_comments(db).items() if not comment] == []


def test_schema_docs_name_only_columns_that_exist(db):
    """A stale entry (a renamed or dropped column) would document something the database does not have."""
    from pipeline.dbinfo import schema
    from pipeline.store import schema_docs

    present = {(c.relation, c.name) for c in schema(db)}
    documented = {(relation, column) for entries in schema_docs().values()
                  for relation, entry in entries.items() for column in entry["columns"]}
    assert documented - present == set()


def test_readme_schema_section_is_current():
    from scripts.schema_doc import main as schema_doc

    assert schema_doc(["--check"]) == 0, "README.md is out of date: run python scripts/schema_doc.py"


def test_readme_context_query_is_right_at_the_start_of_a_document(db):
    """Offsets are 0-based and substr counts from 1: the README's query must show an entity at offset 0."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "AS context" in line)
    context_sql = re.search(r"substr\(.*\) AS context", line).group()
    con = duckdb.connect()
    text = "Bury Locality Board met. " + "x" * 200
    got = con.execute(f"SELECT {context_sql} FROM (SELECT ? AS text, 0 AS char_start) d, "
                      "(SELECT 0 AS char_start) e", [text]).fetchone()[0]
    assert got.startswith("Bury Locality Board")


def test_a_malformed_data_file_names_file_and_line(tmp_path, monkeypatch):
    from pipeline import datafiles
    from pipeline.errors import DataFileError

    (tmp_path / "broken.yaml").write_text("types:\n  minutes: [a, b\n  agenda: c\n", encoding="utf-8")
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path)
    with pytest.raises(DataFileError, match=r"broken\.yaml:\d+: .*Fix that line"):
        datafiles.read_yaml("broken.yaml")
