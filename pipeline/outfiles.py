"""Write a query's rows to a file whose suffix names the format (`icsdocs query --out FILE`).

.csv and .xlsx are for spreadsheets, so every text cell goes through the one cell rule of
`pipeline/csvcell.py` (formula-safe, no control characters, bounded); .json and .parquet are for programs
and keep the values as they are (Parquet with the database's own column types).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from .csvcell import safe_parts
from .errors import UnsupportedOutput
from .query import cell_text, format_rows
from .store import QueryResult, quote_ident, quote_literal


def write_rows(result: QueryResult, path: Path) -> None:
    """The rows of `result` into `path`; UnsupportedOutput when the suffix names no format written here."""
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        names = ", ".join(WRITERS)
        raise UnsupportedOutput(f"Cannot write {path.name}: name a {names} file for --out.")
    writer(result, path)


def write_csv(result: QueryResult, path: Path) -> None:
    """UTF-8 with a byte-order mark and CRLF line ends, as Excel expects."""
    text = format_rows(result.columns, result.rows, "csv", line_end="\r\n")
    path.write_text("\ufeff" + text, encoding="utf-8", newline="")


def write_json(result: QueryResult, path: Path) -> None:
    path.write_text(format_rows(result.columns, result.rows, "json"), encoding="utf-8")


def write_xlsx(result: QueryResult, path: Path) -> None:
    """One sheet, the header row frozen; numbers, dates and booleans stay typed cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("query")
    sheet.freeze_panes = "A2"

    def cell(value: object) -> WriteOnlyCell:
        made = WriteOnlyCell(sheet)
        if _typed_for_excel(value):
            made.value = float(value) if isinstance(value, Decimal) else value
            return made
        quoted, text = safe_parts(cell_text(value))
        made.value = text
        made.data_type = "s"  # never a formula, whatever the text starts with
        made.quotePrefix = quoted
        return made

    sheet.append([cell(name) for name in result.columns])
    for row in result.rows:
        sheet.append([cell(value) for value in row])
    book.save(path)


def _typed_for_excel(value: object) -> bool:
    """Values an .xlsx cell holds as themselves: numbers, booleans, and dates without a time zone."""
    if isinstance(value, (datetime, time)):
        return value.tzinfo is None
    return value is None or isinstance(value, (int, float, Decimal, date))


def write_parquet(result: QueryResult, path: Path) -> None:
    """The rows with their database types, written by DuckDB's COPY from an in-memory table (the query
    itself ran on the read-only connection that cannot reach other files)."""
    import duckdb

    names = _unique(result.columns)
    con = duckdb.connect()
    try:
        columns = ", ".join(f"{quote_ident(n)} {t}" for n, t in zip(names, result.types, strict=True))
        con.execute(f"CREATE TABLE result ({columns})")
        if result.rows:
            select = ", ".join(f"unnest(?::{t}[])" for t in result.types)
            con.execute(f"INSERT INTO result SELECT {select}",
                        [list(column) for column in zip(*result.rows, strict=True)])
        con.execute(f"COPY result TO {quote_literal(str(path))} (FORMAT parquet)")
    finally:
        con.close()


def _unique(names: list[str]) -> list[str]:
    """Column names made unique (`SELECT 1, 1` names both "1"), as a Parquet schema needs."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


WRITERS: dict[str, Callable[[QueryResult, Path], None]] = {
    ".csv": write_csv, ".json": write_json, ".xlsx": write_xlsx, ".parquet": write_parquet,
}
