"""Readers: one per format, each returning a `RawDocument`; `read_document` picks one and places blocks.

The format is decided from the file's first bytes, not its name, so a mis-named file is read as what
it is (or refused with a clear reason).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UnsupportedFormat
from ..records import Block, ParsedDocument, PlacedBlock, RawDocument

BLOCK_SEPARATOR = "\n\n"
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUPPORTED_SUFFIXES = {".pdf", ".docx"} | TEXT_SUFFIXES | HTML_SUFFIXES
# What a folder walk takes for papers: CSV and TSV files beside them are data (manifests, exported
# tables), read only when named on their own.
DATA_SUFFIXES = {".csv", ".tsv"}
PAPER_SUFFIXES = SUPPORTED_SUFFIXES - DATA_SUFFIXES


def sniff_format(path: Path) -> str:
    """Return 'pdf', 'docx', 'html' or 'text' from the file's content, or raise UnsupportedFormat."""
    with open(path, "rb") as handle:
        head = handle.read(2048)
    suffix = path.suffix.lower()
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        if suffix in {".xlsx", ".pptx", ".odt", ".zip"}:
            raise UnsupportedFormat(
                f"{path.name} is a {suffix} archive; icsdocs reads PDF, DOCX, text and HTML."
            )
        return "docx"
    if head[:8] == OLE_MAGIC:
        raise UnsupportedFormat(
            f"{path.name} is an old binary Office file (Word 97-2003 .doc or similar); "
            "save it as .docx or PDF and ingest that."
        )
    if suffix in HTML_SUFFIXES or head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in TEXT_SUFFIXES or _looks_like_text(head):
        return "text"
    raise UnsupportedFormat(f"{path.name} is not a PDF, DOCX, text or HTML file.")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    return b"\x00" not in head


def _reader_for(fmt: str) -> Callable[[Path], RawDocument]:
    # Imported lazily: a worker that only meets text files never pays for pdfplumber's import.
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf
    if fmt == "docx":
        from .docx import read_docx

        return read_docx
    from .text import read_html, read_text

    return {"html": read_html, "text": read_text}[fmt]


def read_raw(path: str | Path) -> RawDocument:
    path = Path(path)
    return _reader_for(sniff_format(path))(path)


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
        title=raw.title,
    )


def _with_text(block: Block, text: str) -> Block:
    if text == block.text:
        return block
    return Block(kind=block.kind, text=text, page=block.page, level=block.level, rows=block.rows,
                 style=block.style)


def read_document(path: str | Path) -> ParsedDocument:
    """Read any supported file into a `ParsedDocument`; raises a `DocumentError` subclass on failure."""
    return place_blocks(str(path), read_raw(path))
