"""Comparison views and CSVs over a small hand-built database with exact expected rows."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipeline import compare
from pipeline.errors import NotADatabase, ReadOnlyQuery
from pipeline.query import format_rows
from pipeline.store import migrate, run_query

# Payloads that would mark the page if they ever ran or became elements (see tests/test_report.py).
SCRIPT = "<script>document.documentElement.setAttribute('data-pwned','script')</script>"
IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">"
ALERT = "<script>alert(1)</script>"
TG = "Tameside & Glossop"  # a real GM locality whose name needs escaping

BURY1_TEXT = (
    "Update on GM ICS\n1. Introduction\nIntegrated neighbourhood teams will be built around PCNs.\n"
    "The Bury Locality Board met on 7th June.  The place-based lead reports to the Locality Board.\n"
    "Neighbourhoods\nEach neighbourhood will have a shadow budget from April 2022.\n"
    "The Health and Wellbeing Board was mentioned.\n"
)
BURY2_TEXT = (
    "Finance\nValue for money will be tracked. Bury Council and the Bury Locality Board agreed.\n"
    "FY2021/22 budget.\n"
)
TG_TEXT = (
    f"{SCRIPT} The Health & Wellbeing Board {IMG} will oversee the plan\n"
    f"from 1st     September\n\n 2021 onwards {ALERT}.\n=HYPERLINK(\"http://evil\") is asked to note.\n"
)
UNKNOWN_TEXT = "A paper from NHS GM with no locality.\n"


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _doc(con, doc_id, locality, status, text="", meeting_date=None, filename=None, error=None,
         principles_status="assessed"):
    con.execute(
        "INSERT INTO documents (doc_id, path, filename, sha256, format, status, error, n_pages, n_chars, "
        "title, locality, doc_type, meeting_body, meeting_date, text, principles_status) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [doc_id, f"/corpus/{doc_id}.pdf", filename or f"{doc_id}.pdf", "sha", "pdf", status, error,
         3 if status == "ok" else None, len(text), f"Title of {doc_id}", locality,
         "board_paper", "Strategic Commissioning Board" if doc_id == "bury1" else None, meeting_date,
         text if status == "ok" else None, principles_status if status == "ok" else None],
    )


def _entity(con, doc_id, text, label, needle, norm, page=1, section_id="s1"):
    start, end = _span(text, needle)
    con.execute("INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?,?)",
                [doc_id, section_id, label, needle, norm, start, end, page, "rule", None])


def build_sample_db(path: Path) -> Path:
    """Four localities: Bury (2 readable papers + 1 failed), Tameside & Glossop (1 paper whose text carries
    script injection), Wigan (every paper failed) and a paper with no locality, outside health and care."""
    con = duckdb.connect(str(path))
    migrate(con)
    # Codebook order deliberately not alphabetical; ICS_VALUE has no threshold (0.5 applies).
    con.executemany("INSERT INTO principles VALUES (?,?,?,?,?)", [
        ("gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", "A neighbourhood approach.", 0.5),
        ("gm_locality", "LC_HWB", "Health and Wellbeing Board", "Relationship with the HWB.", 0.6),
        ("ics_purposes", "ICS_VALUE", "Value", "Productivity & value <for money>.", None),
    ])
    _doc(con, "bury1", "Bury", "ok", BURY1_TEXT, date(2021, 6, 7))
    _doc(con, "bury2", "Bury", "ok", BURY2_TEXT, date(2021, 9, 1))
    _doc(con, "bury3", "Bury", "error", error="Corrupt PDF.")
    _doc(con, "tg1", TG, "ok", TG_TEXT, filename="T&G <paper>.docx")
    _doc(con, "wigan1", "Wigan", "encrypted", error="Encrypted.")
    _doc(con, "wigan2", "Wigan", "no_text", error="No text layer.")
    # A paper outside health and care: read, never assessed against the principles.
    _doc(con, "unk1", None, "ok", UNKNOWN_TEXT, principles_status="outside_domain")

    sections = [
        ("bury1", "s1", 1, ["Update on GM ICS", "1. Introduction"], BURY1_TEXT[:200], 1, 1),
        ("bury1", "s2", 2, ["Update on GM ICS", "Neighbourhoods"],
         "Each neighbourhood will have a shadow budget from April 2022.", 2, 2),
        ("bury2", "s1", 1, ["Finance"], "Value for money will be tracked.", 3, 3),
        ("tg1", "s1", 1, ["<b>Plan</b> & more"], TG_TEXT, 1, 1),
        ("unk1", "s1", 1, [], UNKNOWN_TEXT, 1, 1),
    ]
    con.executemany(
        "INSERT INTO sections (doc_id, section_id, ordinal, heading, heading_path, level, kind, text, "
        "page_start, page_end, char_start, char_end) VALUES (?,?,?,?,?,1,'body',?,?,?,0,0)",
        [(d, s, o, hp[-1] if hp else None, hp, t, p1, p2) for d, s, o, hp, t, p1, p2 in sections],
    )
    tg_quote = f"{SCRIPT} The Health & Wellbeing Board {IMG} will oversee the plan"
    con.executemany("INSERT INTO section_labels VALUES (?,?,?,?,?,?,?,?,?,?)", [
        ("bury1", "s1", "LC_NEIGHBOURHOODS", "gm_locality", 0.9, "model",
         "Integrated neighbourhood teams will be built around PCNs.", 33, 90, 1),
        ("bury1", "s2", "LC_NEIGHBOURHOODS", "gm_locality", 0.7, "model", None, None, None, None),
        ("bury1", "s2", "LC_HWB", "gm_locality", 0.55, "model", "The Health and Wellbeing Board", 0, 0, 2),
        ("bury2", "s1", "ICS_VALUE", "ics_purposes", 0.5, "model", "Value for money will be tracked.",
         0, 0, 3),
        ("bury2", "s1", "LC_NEIGHBOURHOODS", "gm_locality", 0.3, "model", "Bury Council", 0, 0, 3),
        ("tg1", "s1", "LC_HWB", "gm_locality", 0.8, "model", tg_quote, 0, len(tg_quote), 1),
        ("unk1", "s1", "UNKNOWN_PRINCIPLE", "x", 0.99, "model", "not in the codebook", 0, 0, 1),
    ])
    _entity(con, "bury1", BURY1_TEXT, "BODY", "Bury Locality Board", "Bury Locality Board")
    _entity(con, "bury1", BURY1_TEXT, "BODY", "Locality Board.", "Bury Locality Board")
    _entity(con, "bury1", BURY1_TEXT, "ROLE", "place-based lead", "Place Based Lead")
    _entity(con, "bury1", BURY1_TEXT, "DATE", "7th June", "2021-06-07")
    _entity(con, "bury1", BURY1_TEXT, "DATE", "April 2022", "2022-04", page=2, section_id="s2")
    _entity(con, "bury2", BURY2_TEXT, "BODY", "Bury Locality Board", "Bury Locality Board", page=3)
    _entity(con, "bury2", BURY2_TEXT, "BODY", "Bury Council", None, page=3)
    _entity(con, "bury2", BURY2_TEXT, "DATE", "FY2021/22", "FY2021/22", page=3)
    _entity(con, "tg1", TG_TEXT, "DATE", "1st     September\n\n 2021", "2021-09-01")
    _entity(con, "tg1", TG_TEXT, "BODY", "Health & Wellbeing Board", "Tameside & Glossop <HWB>")
    _entity(con, "unk1", UNKNOWN_TEXT, "BODY", "NHS GM", "NHS Greater Manchester")
    con.executemany("INSERT INTO memberships VALUES (?,?,?,?,?,?,?,?)", [
        ("bury1", "s1", "Bury Locality Board", "Director of Public Health", "role", 2, None, None),
        ("bury1", "s1", "Bury Locality Board", "Director of Public Health", "role", 2, 5, 9),
        ("tg1", "s1", "HWB", "<i>Cllr</i> Smith", "person", 1, None, None),
    ])
    con.executemany("INSERT INTO recommendations VALUES (?,?,?,?,?,?,?,?,?)", [
        ("bury1", "s1", "The Board is asked to note the report.", "recommendation",
         "Strategic Commissioning Board", 0, 10, 1, "noted"),
        ("tg1", "s1", "=HYPERLINK(\"http://evil\") is asked to note.", "recommendation", None, 0, 10, 1,
         "noted"),
    ])
    con.execute("INSERT INTO runs (run_id, finished_at) VALUES ('r1', TIMESTAMP '2024-01-02 03:04:05')")
    con.close()
    return path


@pytest.fixture()
def sample_db(tmp_path: Path) -> Path:
    return build_sample_db(tmp_path / "icsdocs.duckdb")


def _rows(db: Path, sql: str) -> list[tuple]:
    return run_query(db, sql)[1]


# --- views ---------------------------------------------------------------------------------------------


def test_locality_principles_rows(sample_db):
    rows = _rows(sample_db, "SELECT * FROM locality_principles ORDER BY locality, principle_id")
    ne, ev, nr, na = "not evidenced", "evidenced", "no readable documents", "not assessed"
    out = "outside health and care"
    assert rows == [
        ("(unknown)", "ics_purposes", "ICS_VALUE", "Value", 1, 0, 0, None, na, 0, out),
        ("(unknown)", "gm_locality", "LC_HWB", "Health and Wellbeing Board", 1, 0, 0, None, na, 0, out),
        ("(unknown)", "gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", 1, 0, 0, None, na, 0, out),
        ("Bury", "ics_purposes", "ICS_VALUE", "Value", 2, 1, 1, 0.5, ev, 2, None),
        ("Bury", "gm_locality", "LC_HWB", "Health and Wellbeing Board", 2, 0, 0, 0.55, ne, 2, None),
        ("Bury", "gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", 2, 1, 2, 0.9, ev, 2, None),
        (TG, "ics_purposes", "ICS_VALUE", "Value", 1, 0, 0, None, ne, 1, None),
        (TG, "gm_locality", "LC_HWB", "Health and Wellbeing Board", 1, 1, 1, 0.8, ev, 1, None),
        (TG, "gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", 1, 0, 0, None, ne, 1, None),
        ("Wigan", "ics_purposes", "ICS_VALUE", "Value", 0, 0, 0, None, nr, 0, None),
        ("Wigan", "gm_locality", "LC_HWB", "Health and Wellbeing Board", 0, 0, 0, None, nr, 0, None),
        ("Wigan", "gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", 0, 0, 0, None, nr, 0, None),
    ]


def test_principle_evidence_rows(sample_db):
    rows = _rows(sample_db, "SELECT * FROM principle_evidence ORDER BY locality, principle_id, score DESC")
    assert rows == [
        ("Bury", "ICS_VALUE", "bury2", "bury2.pdf", 3, ["Finance"], 0.5, "Value for money will be tracked."),
        ("Bury", "LC_NEIGHBOURHOODS", "bury1", "bury1.pdf", 1, ["Update on GM ICS", "1. Introduction"], 0.9,
         "Integrated neighbourhood teams will be built around PCNs."),
        # no evidence span and no page: the section's text and first page stand in
        ("Bury", "LC_NEIGHBOURHOODS", "bury1", "bury1.pdf", 2, ["Update on GM ICS", "Neighbourhoods"], 0.7,
         "Each neighbourhood will have a shadow budget from April 2022."),
        (TG, "LC_HWB", "tg1", "T&G <paper>.docx", 1, ["<b>Plan</b> & more"], 0.8,
         f"{SCRIPT} The Health & Wellbeing Board {IMG} will oversee the plan"),
    ]


def test_locality_bodies_and_roles(sample_db):
    bodies = _rows(sample_db, "SELECT * FROM locality_bodies ORDER BY locality, body")
    assert bodies == [
        ("(unknown)", "NHS Greater Manchester", 1, 1, None, None),
        ("Bury", "Bury Council", 1, 1, date(2021, 9, 1), date(2021, 9, 1)),
        ("Bury", "Bury Locality Board", 2, 3, date(2021, 6, 7), date(2021, 9, 1)),
        (TG, "Tameside & Glossop <HWB>", 1, 1, None, None),
    ]
    roles = _rows(sample_db, "SELECT * FROM locality_roles")
    assert roles == [("Bury", "Place Based Lead", 1, 1, date(2021, 6, 7), date(2021, 6, 7))]


def test_memberships_and_recommendations(sample_db):
    assert _rows(sample_db, "SELECT * FROM locality_memberships ORDER BY locality") == [
        ("Bury", "Bury Locality Board", "Director of Public Health", "role", "bury1", "bury1.pdf",
         date(2021, 6, 7), 2),
        (TG, "HWB", "<i>Cllr</i> Smith", "person", "tg1", "T&G <paper>.docx", None, 1),
    ]
    assert _rows(sample_db, "SELECT * FROM recommendations_by_locality ORDER BY locality") == [
        ("Bury", "bury1", "bury1.pdf", "Strategic Commissioning Board", date(2021, 6, 7), 1, "recommendation",
         "noted", "Strategic Commissioning Board", "The Board is asked to note the report."),
        (TG, "tg1", "T&G <paper>.docx", None, None, 1, "recommendation", "noted", None,
         "=HYPERLINK(\"http://evil\") is asked to note."),
    ]


def test_timeline_rows_and_context_window(sample_db):
    rows = _rows(sample_db, "SELECT * FROM timeline ORDER BY locality, date")
    # FY2021/22 is not an ISO date and is left out; month-only dates stay month-only.
    assert [r[:4] for r in rows] == [
        ("Bury", "2021-06-07", "bury1", 1),
        ("Bury", "2022-04", "bury1", 2),
        (TG, "2021-09-01", "tg1", 1),
    ]
    start, end = _span(BURY1_TEXT, "7th June")
    expected = " ".join(BURY1_TEXT[start - 80:end + 80].split())
    assert rows[0][4] == expected
    assert rows[0][4] == ("d neighbourhood teams will be built around PCNs. The Bury Locality Board met on "
                          "7th June. The place-based lead reports to the Locality Board. Neighbourhoods "
                          "Each neigh")
    # whitespace inside the date and at the window's edges is collapsed
    assert f"from 1st September 2021 onwards {ALERT}." in rows[2][4]
    assert rows[2][4] == " ".join(rows[2][4].split())


def test_views_are_recreated_idempotently(sample_db):
    con = duckdb.connect(str(sample_db))
    migrate(con)
    migrate(con)
    n = con.execute("SELECT count(*) FROM locality_principles").fetchone()[0]
    con.close()
    assert n == 12


# --- CSVs ------------------------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} lacks the UTF-8 byte-order mark"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


EXPECTED_FILES = ["matrix.csv", "principles_by_locality.csv", "evidence.csv", "gaps.csv", "bodies.csv",
                  "roles.csv", "memberships.csv", "recommendations.csv", "timeline.csv", "README.txt"]


def test_write_comparison_csvs_files_and_matrix(sample_db, tmp_path):
    out = tmp_path / "out"
    written = compare.write_comparison_csvs(sample_db, out)
    assert [p.name for p in written] == EXPECTED_FILES
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPECTED_FILES)  # no temporary files left
    assert _read_csv(out / "matrix.csv") == [
        ["framework", "principle_id", "principle_name", "Bury", TG, "Wigan", "(unknown)"],
        ["gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", "evidenced", "not evidenced",
         "no readable documents", "not assessed"],
        ["gm_locality", "LC_HWB", "Health and Wellbeing Board", "not evidenced", "evidenced",
         "no readable documents", "not assessed"],
        ["ics_purposes", "ICS_VALUE", "Value", "evidenced", "not evidenced", "no readable documents",
         "not assessed"],
    ]
    assert (out / "matrix.csv").read_bytes().count(b"\r\n") == 4
    assert compare.matrix_principles_by_locality(out / "matrix.csv") == {
        "Bury": {"LC_NEIGHBOURHOODS", "ICS_VALUE"}, TG: {"LC_HWB"}, "Wigan": set(), "(unknown)": set(),
    }


def test_evidence_and_gaps_csvs(sample_db, tmp_path):
    compare.write_comparison_csvs(sample_db, tmp_path)
    assert _read_csv(tmp_path / "evidence.csv") == [
        ["locality", "principle_id", "doc_id", "filename", "page", "heading_path", "score", "quote"],
        ["Bury", "LC_NEIGHBOURHOODS", "bury1", "bury1.pdf", "1", "Update on GM ICS > 1. Introduction", "0.9",
         "Integrated neighbourhood teams will be built around PCNs."],
        ["Bury", "LC_NEIGHBOURHOODS", "bury1", "bury1.pdf", "2", "Update on GM ICS > Neighbourhoods", "0.7",
         "Each neighbourhood will have a shadow budget from April 2022."],
        ["Bury", "ICS_VALUE", "bury2", "bury2.pdf", "3", "Finance", "0.5",
         "Value for money will be tracked."],
        [TG, "LC_HWB", "tg1", "T&G <paper>.docx", "1", "<b>Plan</b> & more", "0.8",
         f"{SCRIPT} The Health & Wellbeing Board {IMG} will oversee the plan"],
    ]
    assert _read_csv(tmp_path / "gaps.csv") == [
        ["locality", "framework", "principle_id", "principle_name", "status", "n_docs", "best_score",
         "not_assessed_because"],
        ["Bury", "gm_locality", "LC_HWB", "Health and Wellbeing Board", "not evidenced", "2", "0.55", ""],
        [TG, "gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", "not evidenced", "1", "", ""],
        [TG, "ics_purposes", "ICS_VALUE", "Value", "not evidenced", "1", "", ""],
        ["Wigan", "gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", "no readable documents", "0", "",
         ""],
        ["Wigan", "gm_locality", "LC_HWB", "Health and Wellbeing Board", "no readable documents", "0", "",
         ""],
        ["Wigan", "ics_purposes", "ICS_VALUE", "Value", "no readable documents", "0", "", ""],
        ["(unknown)", "gm_locality", "LC_NEIGHBOURHOODS", "Neighbourhoods", "not assessed", "1", "",
         "outside health and care"],
        ["(unknown)", "gm_locality", "LC_HWB", "Health and Wellbeing Board", "not assessed", "1", "",
         "outside health and care"],
        ["(unknown)", "ics_purposes", "ICS_VALUE", "Value", "not assessed", "1", "",
         "outside health and care"],
    ]


def test_other_csvs(sample_db, tmp_path):
    compare.write_comparison_csvs(sample_db, tmp_path)
    assert _read_csv(tmp_path / "bodies.csv") == [
        ["locality", "body", "n_docs", "n_mentions", "first_seen", "last_seen"],
        ["Bury", "Bury Locality Board", "2", "3", "2021-06-07", "2021-09-01"],
        ["Bury", "Bury Council", "1", "1", "2021-09-01", "2021-09-01"],
        [TG, "Tameside & Glossop <HWB>", "1", "1", "", ""],
        ["(unknown)", "NHS Greater Manchester", "1", "1", "", ""],
    ]
    assert _read_csv(tmp_path / "roles.csv") == [
        ["locality", "role", "n_docs", "n_mentions", "first_seen", "last_seen"],
        ["Bury", "Place Based Lead", "1", "1", "2021-06-07", "2021-06-07"],
    ]
    assert _read_csv(tmp_path / "memberships.csv") == [
        ["locality", "body", "member", "member_kind", "doc_id", "filename", "meeting_date", "page"],
        ["Bury", "Bury Locality Board", "Director of Public Health", "role", "bury1", "bury1.pdf",
         "2021-06-07", "2"],
        [TG, "HWB", "<i>Cllr</i> Smith", "person", "tg1", "T&G <paper>.docx", "", "1"],
    ]
    recommendations = _read_csv(tmp_path / "recommendations.csv")
    assert recommendations[0] == ["locality", "doc_id", "filename", "meeting_body", "meeting_date", "page",
                                  "kind", "outcome", "addressed_to", "text"]
    # A formula in document text is neutralised for Excel.
    assert recommendations[2][-1] == "'=HYPERLINK(\"http://evil\") is asked to note."
    timeline = _read_csv(tmp_path / "timeline.csv")
    assert timeline[0] == ["locality", "date", "doc_id", "page", "context"]
    assert [r[:4] for r in timeline[1:]] == [
        ["Bury", "2021-06-07", "bury1", "1"],
        ["Bury", "2022-04", "bury1", "2"],
        [TG, "2021-09-01", "tg1", "1"],
    ]


def test_readme_describes_every_column_written(sample_db, tmp_path):
    compare.write_comparison_csvs(sample_db, tmp_path)
    readme = (tmp_path / "README.txt").read_text(encoding="utf-8")
    for spec in compare.SPECS:
        header = _read_csv(tmp_path / spec.filename)[0]
        assert header == [name for name, _ in spec.columns], spec.filename
        section = readme.split(spec.filename + "\n", 1)[1].split("\n\n", 1)[0]
        for name in header:
            assert f"    {name} " in section, f"{spec.filename}: {name} undocumented"
    assert "matrix.csv\n" in readme
    assert "byte-order mark" in readme


def test_csvs_are_stable_across_runs(sample_db, tmp_path):
    first = {p.name: p.read_bytes() for p in compare.write_comparison_csvs(sample_db, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in compare.write_comparison_csvs(sample_db, tmp_path / "b")}
    assert first == second


def test_csv_cell_formula_and_values():
    assert compare.csv_cell("=1+1") == "'=1+1"
    assert compare.csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert compare.csv_cell("plain") == "plain"
    assert compare.csv_cell(None) == ""
    assert compare.csv_cell(["a", "b"]) == "a > b"
    assert compare.csv_cell(date(2021, 6, 7)) == "2021-06-07"
    assert compare.csv_cell(0.5) == 0.5


def test_compare_opens_database_read_only(sample_db, tmp_path):
    # A writer holding the file open would block a read-only open; our own read-only opens must not write:
    # the file is byte-identical afterwards.
    before = sample_db.read_bytes()
    compare.write_comparison_csvs(sample_db, tmp_path / "out")
    assert sample_db.read_bytes() == before


def test_empty_database_gives_headers_only(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    migrate(con)
    con.close()
    written = compare.write_comparison_csvs(tmp_path / "empty.duckdb", tmp_path / "out")
    assert [p.name for p in written] == EXPECTED_FILES
    assert _read_csv(tmp_path / "out" / "matrix.csv") == [["framework", "principle_id", "principle_name"]]
    assert _read_csv(tmp_path / "out" / "gaps.csv") == [
        ["locality", "framework", "principle_id", "principle_name", "status", "n_docs", "best_score",
         "not_assessed_because"]
    ]


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(NotADatabase, match="No database at .*Run `icsdocs ingest PATH --db .*` first"):
        compare.write_comparison_csvs(tmp_path / "nope.duckdb", tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- gold helper ---------------------------------------------------------------------------------------


def test_gold_principles_by_locality(tmp_path):
    def gold(name, locality, present):
        principles = {pid: {"present": pid in present, "evidence": ["x" * 40] if pid in present else []}
                      for pid in ("A", "B", "C")}
        (tmp_path / name).write_text(json.dumps({"locality": locality, "principles": principles}))

    gold("000.json", "Bury", {"A"})
    gold("001.json", "Bury", {"B"})
    gold("002.json", "Stockport", set())
    (tmp_path / "README.md").write_text("not json")
    assert compare.gold_principles_by_locality(tmp_path) == {"Bury": {"A", "B"}, "Stockport": set()}


SHARED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="../shared/gold is not present")
def test_gold_helper_on_shared_gold():
    by_locality = compare.gold_principles_by_locality(SHARED_GOLD)
    assert sorted(by_locality) == ["Bury", "Greater Manchester", "Stockport"]
    assert len(by_locality["Bury"]) == 17
    assert len(by_locality["Stockport"]) == 17
    assert by_locality["Greater Manchester"] == {
        "LC_LOCALITY_BOARD", "LC_PRIORITIES_FUNDING", "LC_CLINICAL_LEADERSHIP", "LC_PROVIDER_ALLIANCE",
        "DP_BOLD_TRANSFORMATION", "DP_ALIGNED_INCENTIVES", "DP_SHARED_STEWARDSHIP", "DP_PROVIDER_LEADERSHIP",
        "ICS_POPULATION_HEALTH", "ICS_INEQUALITIES", "ICS_VALUE", "ICS_SOCIAL_ECONOMIC",
    }


# --- query formatting and the read-only query runner ---------------------------------------------------


def test_format_rows_table_csv_json():
    columns = ["locality", "n", "heading_path", "meeting_date"]
    rows = [("Bury", 12, ["A", "B"], date(2021, 6, 7)), ("Wigan\x1b[31m", None, [], None)]
    table = format_rows(columns, rows).splitlines()
    assert table[0] == "locality   |    n | heading_path | meeting_date"
    assert table[1] == "-----------+------+--------------+-------------"
    assert table[2] == "Bury       |   12 | [\"A\", \"B\"]   | 2021-06-07"
    assert table[3] == "Wigan\ufffd[31m | NULL | []           | NULL"
    assert table[4] == "(2 rows)"
    assert format_rows(columns, rows, "csv") == (
        "locality,n,heading_path,meeting_date\n"
        "Bury,12,\"[\"\"A\"\", \"\"B\"\"]\",2021-06-07\n"
        "Wigan\ufffd[31m,,[],\n"
    )
    assert json.loads(format_rows(columns, rows, "json")) == [
        {"locality": "Bury", "n": 12, "heading_path": ["A", "B"], "meeting_date": "2021-06-07"},
        {"locality": "Wigan\x1b[31m", "n": None, "heading_path": [], "meeting_date": None},
    ]
    assert "\x1b" not in format_rows(columns, rows, "json")


def test_format_rows_cuts_long_cells_and_rejects_unknown_format():
    table = format_rows(["q"], [("x" * 100 + "\nmore",)], max_width=10)
    assert table.splitlines()[2] == "xxxxxxxxx\u2026"
    assert "more" in format_rows(["q"], [("x" * 100 + "\nmore",)], max_width=None)
    assert format_rows(["q"], []) == "q\n-\n(0 rows)\n"
    with pytest.raises(ValueError, match="table, csv, json"):
        format_rows(["q"], [], "xml")


def test_run_query_over_views_and_refuses_writes(sample_db):
    sql = "SELECT locality, count(*) FROM locality_documents GROUP BY 1 ORDER BY 1"
    columns, rows = run_query(sample_db, sql)
    assert columns == ["locality", "count_star()"]
    assert rows == [("(unknown)", 1), ("Bury", 3), (TG, 1), ("Wigan", 2)]
    with pytest.raises(ReadOnlyQuery):
        run_query(sample_db, "DELETE FROM documents")
    with pytest.raises(ReadOnlyQuery):
        run_query(sample_db, "  create table x (a int)")
