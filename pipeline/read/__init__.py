"""Readers: one per format, each returning a `RawDocument`; `read_document` picks one and places blocks.

The format is decided from the file's first bytes, not its name, so a mis-named file is read as what
it is (or refused with a clear reason).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import NoTextLayer, UnsupportedFormat
from ..records import Block, PageInfo, ParsedDocument, PlacedBlock, RawDocument
from .garbled import is_garbled

BLOCK_SEPARATOR = "\n\n"
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUPPORTED_SUFFIXES = {".pdf", ".docx"} | TEXT_SUFFIXES | HTML_SUFFIXES
# What a folder walk takes for papers: CSV and TSV files beside them are data (manifests, exported
# tables), read only when named on their own.
DATA_SUFFIXES = {".csv", ".tsv"}
PAPER_SUFFIXES = SUPPORTED_SUFFIXES - DATA_SUFFIXES


# Magic numbers of formats met beside papers that are not papers: (prefix, what it is).
BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"BM", "a BMP image"),
    (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"), (b"MZ", "a Windows program"), (b"{\\rtf", "an RTF document"),
    (b"RIFF", "a media file"), (b"\x00\x00\x00\x18ftyp", "a video"), (b"\x00\x00\x00\x20ftyp", "a video"),
)
OFFICE_ARCHIVES = {".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".odp", ".zip", ".epub"}
# Named papers of these kinds are read; anything else met in a folder is refused without a look inside.
KNOWN_UNSUPPORTED = {".doc", ".xls", ".ppt", ".rtf", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff",
                     ".bmp", ".msg", ".eml", ".odt", ".ods", ".odp", ".xlsx", ".xlsm", ".pptx", ".zip"}
BINARY_SHARE = 0.10  # control characters in the first bytes beyond which a file is data, not text


def sniff_format(path: Path, *, text_fallback: bool = True) -> str:
    """Return 'pdf', 'docx', 'html' or 'text' from the file's content, or raise UnsupportedFormat.

    `text_fallback` lets a file with an unknown suffix be read as text when its bytes look like text
    (a file named on the command line); a folder walk passes False and refuses unknown suffixes.
    """
    with open(path, "rb") as handle:
        head = handle.read(8192)
    suffix = path.suffix.lower()
    if not head:
        raise NoTextLayer(f"{path.name} is empty (0 bytes).", reason="empty_file")
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return _zip_format(path, suffix)
    if head[:8] == OLE_MAGIC:
        raise UnsupportedFormat(
            f"{path.name} is an old binary Office file (Word 97-2003 .doc or similar); "
            "save it as .docx or PDF and ingest that.", reason="legacy_format")
    _refuse_binary(path, head, suffix)
    if suffix in HTML_SUFFIXES or head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    # Text named .pdf or .docx is read as text (and flagged format_mismatch); so is text with any other
    # name when named on the command line.
    if suffix in TEXT_SUFFIXES | {".pdf", ".docx"} or (text_fallback and suffix not in KNOWN_UNSUPPORTED):
        return "text"
    raise UnsupportedFormat(f"{path.name} is not a PDF, DOCX, text or HTML file.",
                            reason="unsupported_format")


def _zip_format(path: Path, suffix: str) -> str:
    if suffix in OFFICE_ARCHIVES:
        raise UnsupportedFormat(
            f"{path.name} is a {suffix} archive; icsdocs reads PDF, DOCX, text and HTML.",
            reason="unsupported_format")
    return "docx"


def _refuse_binary(path: Path, head: bytes, suffix: str) -> None:
    """Refuse images, archives and other binary data, whatever the file is called."""
    claimed = suffix in SUPPORTED_SUFFIXES
    for magic, kind in BINARY_MAGIC:
        if head.startswith(magic):
            if magic == b"MZ" and _looks_like_text(head):
                continue  # a text file that happens to start with "MZ"
            reason = "format_mismatch" if claimed else "unsupported_format"
            raise UnsupportedFormat(f"{path.name} is {kind}, not a paper icsdocs can read.", reason=reason)
    if not _looks_like_text(head):
        raise UnsupportedFormat(f"{path.name} holds binary data, not text.", reason="binary_content")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    from .textual import utf16_without_bom

    if utf16_without_bom(head) is not None:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls <= BINARY_SHARE * len(head)


def _reader_for(fmt: str) -> Callable[[Path], RawDocument]:
    # Imported lazily: a worker that only meets text files never pays for pdfplumber's import.
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf
    if fmt == "docx":
        from .docx import read_docx

        return read_docx
    from .html import read_html
    from .text import read_text

    return {"html": read_html, "text": read_text}[fmt]


def read_raw(path: str | Path, *, text_fallback: bool = True, ocr: str = "auto",
             ocr_seconds: float | None = None) -> RawDocument:
    path = Path(path)
    fmt = sniff_format(path, text_fallback=text_fallback)
    if fmt == "pdf":
        from .pdf import read_pdf

        raw = read_pdf(path, ocr=ocr, ocr_seconds=ocr_seconds)
    else:
        raw = _reader_for(fmt)(path)
    if _claimed_format(path) not in (None, fmt) and "format_mismatch" not in raw.warnings:
        raw = replace(raw, warnings=(*raw.warnings, "format_mismatch"))
    return account_pages(raw)


def account_pages(raw: RawDocument) -> RawDocument:
    """Drop the blocks of garbled pages and give every page a PageInfo with its characters kept.

    Raises NoTextLayer (garbled_text) when no readable page is left.
    """
    by_page: dict[int, list[Block]] = {}
    for block in raw.blocks:
        by_page.setdefault(block.page, []).append(block)
    garbled = {page for page, blocks in by_page.items()
               if is_garbled("\n".join(block.text for block in blocks))}
    blocks = tuple(block for block in raw.blocks if block.page not in garbled)
    if garbled and not blocks:
        raise NoTextLayer("The text layer is not readable text (letters shifted or unmapped, as when a "
                          "font has no Unicode map); the pages need OCR (--ocr force).",
                          reason="garbled_text")
    known = {info.page: info for info in raw.pages}
    infos = []
    for number in sorted(set(known) | set(by_page) | set(range(1, raw.n_pages + 1))):
        info = known.get(number, PageInfo(number))
        chars = sum(len(block.text) for block in by_page.get(number, ()))
        if number in garbled:
            info = replace(info, n_chars=0, reason="garbled_text")
        else:
            info = replace(info, n_chars=chars)
        infos.append(info)
    warnings = raw.warnings + (("garbled_text",) if garbled else ()) + _furniture_warning(raw)
    return replace(raw, blocks=blocks, pages=tuple(infos), warnings=warnings)


def _furniture_warning(raw: RawDocument) -> tuple[str, ...]:
    """furniture_dropped when what was set apart as headers and footers includes sentences: worth a look."""
    for block in raw.furniture:
        words = block.text.split()
        if len(words) >= 6 and block.text.rstrip().endswith((".", ":", ";")):
            return ("furniture_dropped",)
    return ()


def _claimed_format(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return None  # HTML saved as .htm may be any markup; the reader copes with both
    return {".pdf": "pdf", ".docx": "docx"}.get(suffix)


def place_blocks(path: str, raw: RawDocument) -> ParsedDocument:
    """Join the blocks into the document's full text, remembering each block's span."""
    parts: list[str] = []
    placed: list[PlacedBlock] = []
    offset = 0
    for block in raw.blocks:
        text = block.text.strip("\n")
        if not text.strip():
            continue
        if parts:
            parts.append(BLOCK_SEPARATOR)
            offset += len(BLOCK_SEPARATOR)
        parts.append(text)
        placed.append(PlacedBlock(_with_text(block, text), offset, offset + len(text)))
        offset += len(text)
    return ParsedDocument(
        path=path, format=raw.format, n_pages=raw.n_pages, text="".join(parts), blocks=tuple(placed),
        title=raw.title, warnings=raw.warnings, pages=raw.pages,
    )


def _with_text(block: Block, text: str) -> Block:
    if text == block.text:
        return block
    return Block(kind=block.kind, text=text, page=block.page, level=block.level, rows=block.rows,
                 style=block.style)


def read_document(path: str | Path, *, text_fallback: bool = True, ocr: str = "auto",
                  ocr_seconds: float | None = None) -> ParsedDocument:
    """Read any supported file into a `ParsedDocument`; raises a `DocumentError` subclass on failure.

    `ocr` is "auto" (OCR of PDF pages without a text layer), "off" or "force"; `ocr_seconds` bounds
    the time OCR may take for the whole file.
    """
    raw = read_raw(path, text_fallback=text_fallback, ocr=ocr, ocr_seconds=ocr_seconds)
    return place_blocks(str(path), raw)
