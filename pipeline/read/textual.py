"""What the text, Markdown and HTML readers share: bytes to text (BOM, UTF-16, UTF-8, cp1252, a guess),
newline and control-character clean-up, the decoding warnings, checkbox glyphs and a table block's text.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import NoTextLayer

UNCHECKED_BOX = "☐"
CHECKED_BOX = "☒"

# UTF-32 BOMs first: the UTF-32 LE BOM begins with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes) -> str:
    """Bytes of a text file to str: BOM, then UTF-16 without BOM, then strict UTF-8, then cp1252.

    cp1252 is tried before any statistical guess because UK office files that are not UTF-8 are almost
    always Windows-1252, and guessers misread short texts ("£" as Cyrillic).  charset-normalizer only
    gets the few files cp1252 cannot decode (its five undefined bytes); latin-1 is the last resort
    because it never fails.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    # Before UTF-8: ASCII text in UTF-16 is also valid UTF-8, NULs and all.
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    guessed = _charset_normalizer_guess(data)
    return guessed if guessed is not None else data.decode("latin-1")


def utf16_without_bom(data: bytes) -> str | None:
    """Mostly-ASCII UTF-16 has a NUL in every other byte; that pattern never occurs in 8-bit text."""
    if len(data) < 4:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else None


# C0 controls other than tab, newline and form feed (a page break) are never text: ESC sequences, NULs.
STRAY_CONTROLS = str.maketrans({c: None for c in range(32) if c not in (9, 10, 12, 13)} | {0x7F: None})


# Terminal escape sequences (colour codes pasted from a console, say): the whole sequence goes.
ANSI_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def normalise_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text:
        text = ANSI_SEQUENCE.sub("", text)
    return text.translate(STRAY_CONTROLS)


def decoding_warnings(data: bytes, text: str) -> tuple[str, ...]:
    """encoding_fallback when the bytes were not clean UTF-8 (or a BOM'd encoding); nul_stripped when
    NULs were dropped."""
    warnings = []
    if not data.startswith(tuple(bom for bom, _ in BOMS)) and utf16_without_bom(data) is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append("encoding_fallback")
    if "\x00" in text:
        warnings.append("nul_stripped")
    return tuple(warnings)


def read_decoded(path: str | Path) -> tuple[str, tuple[str, ...]]:
    """A text or HTML file's text, newlines normalised, with its decoding warnings; NoTextLayer when the
    file holds nothing but white space."""
    data = Path(path).read_bytes()
    decoded = decode_bytes(data)
    warnings = decoding_warnings(data, decoded)
    text = normalise_newlines(decoded)
    if not text.strip():
        raise NoTextLayer("The file is empty.", reason="empty_file")
    return text, warnings


def table_text(rows: tuple[tuple[str, ...], ...]) -> str:
    return "\n".join("\t".join(row) for row in rows)
