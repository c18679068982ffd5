"""One rule for every CSV cell the product writes: formula-safe, free of control characters, bounded.

Document text is untrusted.  Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@`
(or a tab or carriage return before one) as a formula, so such a cell is written with a leading
apostrophe, which both show as text.  Control characters (ESC sequences, NUL) are dropped: they only
ever come from damaged or hostile files and would recolour a terminal that `cat`s the file.  A cell
is cut to `MAX_CELL_CHARS`, under Excel's 32,767-character limit, with a visible marker at the cut.
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_000
CUT_MARKER = " [...cut]"
# C0 controls except tab, newline and carriage return (which CSV quotes), DEL and the C1 block.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def safe_text(text: str, *, limit: int = MAX_CELL_CHARS) -> str:
    """`text` as a spreadsheet-safe cell."""
    quoted, text = safe_parts(text, limit=limit)
    return "'" + text if quoted else text


def safe_parts(text: str, *, limit: int = MAX_CELL_CHARS) -> tuple[bool, str]:
    """(whether the cell must be marked as text, its text without control characters and bounded, leaving
    room for the apostrophe).  A CSV marks text with the apostrophe; an .xlsx cell with its quotePrefix
    style, which Excel shows as the same thing."""
    text = _CONTROL.sub("", text)
    quoted = text.startswith(FORMULA_PREFIXES)
    if quoted + len(text) > limit:
        text = text[: limit - quoted - len(CUT_MARKER)] + CUT_MARKER
    return quoted, text


def safe_cell(value: object) -> object:
    """A cell value as written: text made safe, numbers and other values untouched."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
