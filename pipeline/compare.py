"""Compare localities: read the comparison views and write them as CSVs an analyst can open in Excel.

The views themselves live in `pipeline/sql/compare_views.sql`; this module only reads them (on a
read-only connection) and lays them out.  Every CSV is UTF-8 *with* a byte-order mark, so that Excel on
Windows reads accents and dashes correctly when the file is double-clicked; Python reads it back with
`encoding="utf-8-sig"`, DuckDB's read_csv skips the mark.  Rows end in CRLF (RFC 4180).

Column order is fixed by the tables below; row order is fixed too (localities alphabetically with
'(unknown)' last, principles in codebook order), so two runs over the same database give identical files.

Document text is untrusted: a text cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is
written with a leading apostrophe so that Excel shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from .csvcell import safe_row, safe_text
from .store import connect_read_only

UNKNOWN_LOCALITY = "(unknown)"
STATUS_EVIDENCED = "evidenced"
STATUS_NOT_EVIDENCED = "not evidenced"
STATUS_NO_READABLE = "no readable documents"
STATUS_NOT_ASSESSED = "not assessed"
HEADING_SEPARATOR = " > "
CSV_ENCODING = "utf-8-sig"


@dataclass(frozen=True)
class CsvSpec:
    """One output file: its name, the SQL that fills it and what its columns mean (for README.txt)."""

    filename: str
    summary: str
    sql: str
    columns: tuple[tuple[str, str], ...]


# Row orders use the codebook order of principles (insertion order of the principles table).
_PRINCIPLE_ORDER = "(SELECT rowid FROM principles p WHERE p.principle_id = v.principle_id)"
_LOCALITY_ORDER = f"v.locality = '{UNKNOWN_LOCALITY}', v.locality"

_LOCALITY_COL = ("locality", f"locality as recorded for the paper; {UNKNOWN_LOCALITY} when none was found")
_FIRST_SEEN = ("first_seen", "earliest meeting date (YYYY-MM-DD) of a paper naming it; empty if none dated")
_LAST_SEEN = ("last_seen", "latest meeting date of a paper naming it; empty if none is dated")

SPECS: tuple[CsvSpec, ...] = (
    CsvSpec(
        "principles_by_locality.csv",
        "One row per locality and principle, with counts (the long form of the matrix).",
        f"SELECT v.locality, v.framework, v.principle_id, v.principle_name, v.n_docs, v.n_docs_evidencing, "
        f"v.n_sections, round(v.best_score, 3) AS best_score, v.status, v.n_docs_assessed, "
        f"v.not_assessed_because FROM locality_principles v "
        f"ORDER BY {_LOCALITY_ORDER}, {_PRINCIPLE_ORDER}",
        (
            _LOCALITY_COL,
            ("framework", "codebook framework: gm_locality, gm_design or ics_purposes"),
            ("principle_id", "principle id from the codebook"),
            ("principle_name", "principle name from the codebook"),
            ("n_docs", "readable papers of the locality (papers that failed to parse are not counted)"),
            ("n_docs_evidencing", "readable papers with a section at/above the principle's threshold"),
            ("n_sections", "sections at/above the threshold, over all the locality's papers"),
            ("best_score", "highest score of any section, even below the threshold; empty if none"),
            ("status", "evidenced | not evidenced (papers assessed, nothing found) | not assessed (papers "
                       "read but none assessed: see not_assessed_because) | no readable documents (every "
                       "paper failed to parse)"),
            ("n_docs_assessed", "readable papers assessed against the principles (about health and care, "
                                "with text)"),
            ("not_assessed_because", "for 'not assessed': outside health and care | no text | not classified "
                                     "(no model)"),
        ),
    ),
    CsvSpec(
        "evidence.csv",
        "Every passage at/above its principle's threshold: the quotes behind each 'evidenced' cell.",
        "SELECT v.locality, v.principle_id, v.doc_id, v.filename, v.page, v.heading_path, "
        "round(v.score, 3) AS score, v.quote FROM principle_evidence v "
        f"ORDER BY {_LOCALITY_ORDER}, {_PRINCIPLE_ORDER}, v.doc_id, v.page NULLS LAST, v.score DESC, v.quote",
        (
            _LOCALITY_COL,
            ("principle_id", "principle id from the codebook"),
            ("doc_id", "document id (the documents table's key)"),
            ("filename", "file name of the paper"),
            ("page", "page of the passage (1-based)"),
            ("heading_path", f"headings above the passage, outermost first, joined by '{HEADING_SEPARATOR}'"),
            ("score", "classifier score (0-1)"),
            ("quote", "the passage as extracted from the paper"),
        ),
    ),
    CsvSpec(
        "gaps.csv",
        "Principles a locality's papers do not evidence, and localities with no readable papers at all.",
        "SELECT v.locality, v.framework, v.principle_id, v.principle_name, v.status, v.n_docs, "
        "round(v.best_score, 3) AS best_score, v.not_assessed_because FROM locality_principles v "
        f"WHERE v.status <> '{STATUS_EVIDENCED}' ORDER BY {_LOCALITY_ORDER}, {_PRINCIPLE_ORDER}",
        (
            _LOCALITY_COL,
            ("framework", "codebook framework"),
            ("principle_id", "principle id from the codebook"),
            ("principle_name", "principle name from the codebook"),
            ("status", "not evidenced (papers assessed, nothing found) | not assessed (papers read but "
                       "outside health and care, without text, or not classified: silence means nothing) | "
                       "no readable documents (nothing could be read, so silence means nothing)"),
            ("n_docs", "readable papers of the locality"),
            ("best_score", "highest score any section got (below the threshold); empty if never scored"),
            ("not_assessed_because", "for 'not assessed': outside health and care | no text | "
                                     "not classified"),
        ),
    ),
    CsvSpec(
        "bodies.csv",
        "Boards, committees and organisations named in each locality's papers.",
        "SELECT v.locality, v.body, v.n_docs, v.n_mentions, v.first_seen, v.last_seen FROM locality_bodies v "
        f"ORDER BY {_LOCALITY_ORDER}, v.n_docs DESC, v.n_mentions DESC, v.body",
        (
            _LOCALITY_COL,
            ("body", "canonical name of the body"),
            ("n_docs", "papers naming it"),
            ("n_mentions", "times it is named, over all those papers"),
            _FIRST_SEEN,
            _LAST_SEEN,
        ),
    ),
    CsvSpec(
        "roles.csv",
        "Post titles (roles) named in each locality's papers.",
        "SELECT v.locality, v.role, v.n_docs, v.n_mentions, v.first_seen, v.last_seen FROM locality_roles v "
        f"ORDER BY {_LOCALITY_ORDER}, v.n_docs DESC, v.n_mentions DESC, v.role",
        (
            _LOCALITY_COL,
            ("role", "canonical post title"),
            ("n_docs", "papers naming it"),
            ("n_mentions", "times it is named, over all those papers"),
            _FIRST_SEEN,
            _LAST_SEEN,
        ),
    ),
    CsvSpec(
        "memberships.csv",
        "Who sits on which body, as stated in the papers.",
        "SELECT v.locality, v.body, v.member, v.member_kind, v.doc_id, v.filename, v.meeting_date, v.page "
        f"FROM locality_memberships v ORDER BY {_LOCALITY_ORDER}, v.body, v.member, v.doc_id, v.page",
        (
            _LOCALITY_COL,
            ("body", "the body the member sits on"),
            ("member", "the member: a body, a role, a person or other"),
            ("member_kind", "body | role | person | other"),
            ("doc_id", "document id"),
            ("filename", "file name of the paper"),
            ("meeting_date", "meeting date of the paper (YYYY-MM-DD); empty if unknown"),
            ("page", "page of the statement"),
        ),
    ),
    CsvSpec(
        "recommendations.csv",
        "What each locality's boards were asked to agree or resolved.",
        "SELECT v.locality, v.doc_id, v.filename, v.meeting_body, v.meeting_date, v.page, v.kind, "
        f"v.outcome, v.addressed_to, v.text FROM recommendations_by_locality v ORDER BY {_LOCALITY_ORDER}, "
        "v.meeting_date NULLS LAST, v.doc_id, v.page, v.text",
        (
            _LOCALITY_COL,
            ("doc_id", "document id"),
            ("filename", "file name of the paper"),
            ("meeting_body", "the meeting the paper went to; empty if unknown"),
            ("meeting_date", "meeting date (YYYY-MM-DD); empty if unknown"),
            ("page", "page of the recommendation"),
            ("kind", "recommendation | resolution | decision"),
            ("outcome", "approved | noted | agreed | endorsed | deferred | rejected | delegated | other, "
                        "from the item's verb"),
            ("addressed_to", "who is asked to act, when stated"),
            ("text", "the recommendation as written"),
        ),
    ),
    CsvSpec(
        "timeline.csv",
        "Dates written in the papers, in date order, with the text around them.",
        f"SELECT v.locality, v.date, v.doc_id, v.page, v.context FROM timeline v ORDER BY {_LOCALITY_ORDER}, "
        "v.date, v.doc_id, v.page, v.context",
        (
            _LOCALITY_COL,
            ("date", "ISO date as written: YYYY-MM-DD, or YYYY-MM / YYYY when the paper gives no day"),
            ("doc_id", "document id"),
            ("page", "page the date is on"),
            ("context", "the paper's text from about 80 characters before the date to 80 after, whitespace "
                        "collapsed"),
        ),
    ),
)

MATRIX_FILENAME = "matrix.csv"


def write_comparison_csvs(db_path: str | Path, out_dir: str | Path) -> list[Path]:
    """Write the comparison CSVs and README.txt into `out_dir`; return the paths written, README last."""
    out = Path(out_dir)
    con = connect_read_only(db_path)  # before any folder is made: a wrong --db leaves nothing behind
    out.mkdir(parents=True, exist_ok=True)
    try:
        written = [_write_matrix(con, out / MATRIX_FILENAME)]
        for spec in SPECS:
            cursor = con.execute(spec.sql)
            columns = [d[0] for d in cursor.description]
            written.append(_write_csv(out / spec.filename, columns, cursor.fetchall()))
    finally:
        con.close()
    readme = out / "README.txt"
    readme.write_text(readme_text(), encoding="utf-8")
    written.append(readme)
    return written


def matrix(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple]]:
    """The locality x principle matrix: one row per principle, one column per locality.

    A cell is the status word: 'evidenced', 'not evidenced', 'not assessed' or 'no readable documents'.
    """
    localities = ordered_localities(con)
    principles = ordered_principles(con)
    cells = {
        (principle_id, locality): status
        for locality, principle_id, status in con.execute(
            "SELECT locality, principle_id, status FROM locality_principles"
        ).fetchall()
    }
    header = ["framework", "principle_id", "principle_name", *localities]
    body = [(*p, *(cells.get((p[1], loc), "") for loc in localities)) for p in principles]
    return header, body


def ordered_localities(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        f"SELECT DISTINCT v.locality FROM locality_documents v ORDER BY {_LOCALITY_ORDER}"
    ).fetchall()
    return [row[0] for row in rows]


def ordered_principles(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(framework, principle_id, principle_name) in codebook order."""
    sql = "SELECT framework, principle_id, principle_name FROM principles ORDER BY rowid"
    return con.execute(sql).fetchall()


def _write_matrix(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    header, rows = matrix(con)
    return _write_csv(path, header, rows)


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence]) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(safe_row(columns))
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
    tmp.replace(path)
    return path


def csv_cell(value: object) -> object:
    """A database value as a CSV cell: lists joined as a heading path, ISO dates, formula-safe text."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = HEADING_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value


def readme_text() -> str:
    lines = [
        "icsdocs comparison of localities",
        "================================",
        "",
        "All files are CSV, UTF-8 with a byte-order mark (so Excel shows accents correctly),",
        "comma-separated, one header row, CRLF line ends.  Empty cell = no value.  A text cell that would",
        "start with = + - @ is written with a leading apostrophe so Excel does not run it as a formula.",
        f"Papers with no known locality are grouped as {UNKNOWN_LOCALITY}.  Localities are in",
        f"alphabetical order ({UNKNOWN_LOCALITY} last); principles are in codebook order.",
        "A principle is evidenced in a locality when at least one section of one of its readable papers",
        "scores at or above the principle's threshold.  Papers that failed to parse are not readable.",
        "'not evidenced' means papers were assessed and nothing was found; 'not assessed' means the",
        "locality's readable papers were all outside health and care, without text, or not classified, so",
        "silence there says nothing (principles_by_locality.csv says why in not_assessed_because).",
        "",
        MATRIX_FILENAME,
        "    The locality x principle matrix, one row per principle, one column per locality.",
        "    framework       codebook framework",
        "    principle_id    principle id from the codebook",
        "    principle_name  principle name from the codebook",
        "    <locality>...   one column per locality: evidenced | not evidenced | not assessed |",
        "                    no readable documents",
        "",
    ]
    for spec in SPECS:
        lines.append(spec.filename)
        lines.append(f"    {spec.summary}")
        width = max(len(name) for name, _ in spec.columns)
        lines.extend(f"    {name.ljust(width)}  {meaning}" for name, meaning in spec.columns)
        lines.append("")
    return "\n".join(lines)


# --- checks against the hand-annotated gold set -------------------------------------------------------


def gold_principles_by_locality(gold_dir: str | Path) -> dict[str, set[str]]:
    """Principles present in each locality according to the gold JSON files (union over its papers).

    Every locality of the gold set is a key, even one whose papers evidence nothing.
    """
    result: dict[str, set[str]] = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        locality = gold.get("locality") or UNKNOWN_LOCALITY
        present = {pid for pid, entry in gold.get("principles", {}).items() if entry.get("present")}
        result.setdefault(locality, set()).update(present)
    return result


def matrix_principles_by_locality(matrix_csv: str | Path) -> dict[str, set[str]]:
    """Read matrix.csv back: the principles marked 'evidenced' in each locality's column."""
    with open(matrix_csv, encoding=CSV_ENCODING, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        localities = header[3:]
        result: dict[str, set[str]] = {loc: set() for loc in localities}
        for row in reader:
            for locality, cell in zip(localities, row[3:], strict=True):
                if cell == STATUS_EVIDENCED:
                    result[locality].add(row[1])
    return result
