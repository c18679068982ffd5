"""Format query results for the terminal: an aligned table, CSV or JSON.

Run the SQL with `pipeline.store.run_query` (read-only connection, writes refused); this module only
formats (`pipeline/outfiles.py` writes the rows to a file).  Values come from untrusted documents, so
control characters (which could move the cursor or recolour a terminal) are shown as U+FFFD in table
and CSV output and as \\u escapes in JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal

from .csvcell import safe_text

FORMATS = ("table", "csv", "json")
NULL_TEXT = "NULL"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 (bar tab/newline), DEL and C1
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_WHITESPACE = re.compile(r"[\t\n\r]+")


def format_rows(columns: Sequence[str], rows: Sequence[Sequence], fmt: str = "table", *,
                max_width: int | None = 80, line_end: str = "\n") -> str:
    """Rows as text.  `fmt` is "table" (aligned, cells cut to `max_width` characters, NULL shown as
    NULL), "csv" (header row, NULL as an empty cell, lists as JSON; rows end with `line_end`) or
    "json" (a list of objects)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    if fmt == "json":
        return _json(columns, rows)
    if fmt == "csv":
        return _csv(columns, rows, line_end)
    return _table(columns, rows, max_width)


def plain_value(value: object) -> object:
    """A database value as a JSON-able value (dates as ISO text, decimals as numbers, blobs as hex)."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value % 1 else int(value)
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def cell_text(value: object) -> str:
    """A database value as one cell's text: NULL empty, lists and structs as JSON."""
    plain = plain_value(value)
    if plain is None:
        return ""
    if isinstance(plain, (list, dict)):
        return json.dumps(plain, ensure_ascii=False)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def _json(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    records = [dict(zip(columns, (plain_value(v) for v in row), strict=True)) for row in rows]
    text = json.dumps(records, ensure_ascii=False, indent=2)
    # json escapes C0 controls itself; escape DEL and C1 too (same value, safe for a terminal).
    return re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _csv(columns: Sequence[str], rows: Sequence[Sequence], line_end: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow([safe_text(_CONTROL.sub("\ufffd", c)) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def _csv_cell(value: object) -> str:
    """Text from the documents made formula-safe and bounded; numbers stay numbers (-3 is not a formula)."""
    text = _CONTROL.sub("\ufffd", cell_text(value))
    return text if isinstance(value, (int, float, Decimal)) else safe_text(text)


def _cell(value: object, max_width: int | None) -> str:
    text = NULL_TEXT if value is None else cell_text(value)
    text = _CONTROL_OR_NEWLINE.sub("\ufffd", _WHITESPACE.sub(" ", text))
    if max_width is not None and len(text) > max_width:
        text = text[: max(max_width - 1, 0)] + "\u2026"
    return text


def _table(columns: Sequence[str], rows: Sequence[Sequence], max_width: int | None) -> str:
    header = [_cell(c, max_width) for c in columns]
    body = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [len(h) for h in header]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        bool(rows) and all(isinstance(row[i], (int, float, Decimal)) and not isinstance(row[i], bool)
                           for row in rows if row[i] is not None)
        for i in range(len(columns))
    ]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True)]
        return " | ".join(padded).rstrip()

    out = [line(header), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in body]
    n = len(rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"
