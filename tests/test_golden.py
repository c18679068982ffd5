"""Golden snapshots: the full output of every sample (all three renditions) and of a dozen devset pages.

Every row of every table the pipeline writes for a document is compared exactly with a committed JSON
file in tests/golden/, so any change in output, better or worse, fails here and is looked at; the gold
F1 tests say whether it is better.  After a deliberate change, regenerate with

    ICSDOCS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

review the diff of tests/golden/, and run the tests again without the flag: a test fails while the flag
is set, so CI can never quietly rewrite its own expectations.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb
import pytest

from pipeline.evaluation.devset import page_text
from pipeline.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ROOT / "corpus" / "samples"
DEVSET = ROOT.parent / "shared" / "devset" / "docs"
UPDATE = os.environ.get("ICSDOCS_UPDATE_GOLDEN") == "1"

# A dozen devset pages of every kind, from both halves: moderngov minutes and decisions, a decision
# record, terms of reference, plans and strategies, NHS trust minutes, and pages outside health.
DEVSET_PAGES = (
    "dev_a_01_bury", "dev_a_05_bury", "dev_a_09_bury", "dev_a_12_salford", "dev_b_03_stockport",
    "dev_b_07_trafford", "dev_b_13_wigan", "dev_c_03_halton", "dev_c_09_rotherham", "dev_c_12_lincolnshire",
    "dev_d_08_winchester", "dev_d_11_hampshire",
)
# Columns that change from run to run or from machine to machine, not with the pipeline's output; and the
# texts, which the documents' text hash and the sections' offsets already pin.
VOLATILE = {"documents": ("doc_id", "path", "ingested_at", "run_id", "text"), "sections": ("text",)}
TABLES = ("documents", "sections", "entities", "recommendations", "cover_fields", "memberships",
          "section_labels")


def _plain(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _table_rows(con: duckdb.DuckDBPyConnection, table: str, doc_id: str) -> dict[str, object]:
    exclude = ("doc_id", *VOLATILE.get(table, ()))
    columns = [row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
    ).fetchall() if row[0] not in exclude]
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f"SELECT {quoted} FROM {table} WHERE doc_id = ? ORDER BY ALL", [doc_id]).fetchall()
    return {"columns": columns, "rows": [_plain(list(row)) for row in rows]}


def snapshot(db: Path) -> dict[str, dict]:
    """Every document's rows in every table, keyed by file name; its text as a length and a hash."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for doc_id, filename, text in con.execute("SELECT doc_id, filename, text FROM documents").fetchall():
            tables = {table: _table_rows(con, table, doc_id) for table in TABLES}
            tables["text"] = {"chars": len(text or ""),
                              "sha256": hashlib.sha256((text or "").encode()).hexdigest()}
            out[filename] = tables
    finally:
        con.close()
    return dict(sorted(out.items()))


def _check(name: str, actual: dict) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(actual, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}: run with ICSDOCS_UPDATE_GOLDEN=1 once"
    expected = json.loads(path.read_text(encoding="utf-8"))
    for filename in sorted(set(expected) | set(actual)):
        assert filename in actual, f"{filename}: in the golden file, not in the output"
        assert filename in expected, f"{filename}: in the output, not in the golden file"
        for table in sorted(set(expected[filename]) | set(actual[filename])):
            assert actual[filename].get(table) == expected[filename].get(table), f"{filename}: {table}"


@pytest.mark.parametrize("rendition", ["pdf", "docx", "txt"])
def test_sample_output_is_the_golden_snapshot(rendition, tmp_path):
    db = tmp_path / "golden.duckdb"
    ingest([SAMPLES / rendition], db_path=db, workers=2)
    _check(f"samples_{rendition}", snapshot(db))


@pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared/devset is not here")
def test_devset_output_is_the_golden_snapshot(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in DEVSET_PAGES:
        (docs / f"{name}.txt").write_text(page_text((DEVSET / f"{name}.txt").read_text(encoding="utf-8")),
                                          encoding="utf-8")
    db = tmp_path / "golden.duckdb"
    ingest([docs], db_path=db, workers=2)
    _check("devset", snapshot(db))


def test_the_update_flag_is_off():
    """Regenerating is a deliberate act: with the flag set, the snapshots above pass by construction."""
    assert not UPDATE, "ICSDOCS_UPDATE_GOLDEN=1 is set: unset it and run the tests again"
