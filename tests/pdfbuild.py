"""Tiny PDF writer for tests: hand-built files with exact structure (loops, zero pages, odd drawing).

`build_pdf(objects)` takes the bodies of objects 1..n (object 1 must be the catalog) and writes a
correct cross-reference table, so each file is damaged only where a test damages it on purpose.
"""

from __future__ import annotations

from pathlib import Path

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def build_pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def escape(text: str) -> bytes:
    return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_lines(lines: list[tuple[float, float, str]], size: float = 11) -> bytes:
    """A content stream drawing each (x, y, text) in Helvetica; y from the bottom of the page."""
    ops = [b"BT /F1 %g Tf" % size]
    for x, y, text in lines:
        ops.append(b"1 0 0 1 %g %g Tm (%s) Tj" % (x, y, escape(text)))
    ops.append(b"ET")
    return b"\n".join(ops)


def page_objects(contents: list[bytes], first: int = 3) -> tuple[list[bytes], list[int]]:
    """Objects for A4 pages (page, content stream pairs) numbered from `first`, font as object 2."""
    objects, page_ids = [], []
    for i, content in enumerate(contents):
        page_id, content_id = first + 2 * i, first + 2 * i + 1
        page_ids.append(page_id)
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 2 0 R >> >> /Contents %d 0 R >>"
                       % (first + 2 * len(contents), content_id))
        objects.append(stream(content))
    return objects, page_ids


def simple_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A well-formed PDF: one list of (x, y, text) lines per page."""
    body, ids = page_objects([text_lines(lines) for lines in pages])
    kids = b" ".join(b"%d 0 R" % i for i in ids)
    pages_id = 3 + 2 * len(pages)
    catalog = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    tree = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(ids))
    return build_pdf([catalog, FONT, *body, tree])


def paragraph_page(sentences: list[str], top: float = 760,
                   step: float = 16) -> list[tuple[float, float, str]]:
    return [(72, top - i * step, s) for i, s in enumerate(sentences)]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
