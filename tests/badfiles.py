"""A corpus of bad and odd files, built at test time (nothing binary is committed).

`make_corpus(folder)` writes one file per kind and returns what each must give: status, reason,
warnings, and words that must (and must not) be in the kept text.
"""

from __future__ import annotations

import io
import random
import string
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.pdfbuild import FONT, build_pdf, page_objects, paragraph_page, simple_pdf, stream, text_lines

SAMPLE_PDF = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "pdf" / "003_c31966beb43d6877.pdf"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n"

BODY = ["The Locality Board met in the council chamber at Rochdale Town Hall.",
        "Members considered the winter pressures report from the community services lead.",
        "The board agreed that the discharge to assess pilot should continue for six months.",
        "It asked the finance director to bring the revised budget to the next meeting.",
        "Residents had raised concerns about waiting times for district nursing visits.",
        "The chair thanked the voluntary sector partners for their work over the winter."]


@dataclass(frozen=True)
class Expect:
    status: str
    reason: str | None
    warnings: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()  # phrases the stored text must contain
    absent: tuple[str, ...] = ()  # phrases it must not contain


def caesar(text: str, shift: int = 3) -> str:
    lower, upper = string.ascii_lowercase, string.ascii_uppercase
    shifted = lower[shift:] + lower[:shift] + upper[shift:] + upper[:shift]
    return text.translate(str.maketrans(lower + upper, shifted))


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _encrypted_pdf(source: Path) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank_pdf() -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _loop_pdf() -> bytes:
    """A page tree whose root lists itself among its kids, beside its one real page."""
    objects, _ = page_objects([text_lines(paragraph_page(BODY[:2]))], first=3)
    catalog = b"<< /Type /Catalog /Pages 5 0 R >>"
    tree = b"<< /Type /Pages /Kids [5 0 R 3 0 R] /Count 2 >>"
    return build_pdf([catalog, FONT, *objects, tree])


def _self_drawing_form_pdf() -> bytes:
    """A form XObject that draws a sentence and then itself: pdfium stops recursing after many rounds."""
    form = stream(b"BT /F1 11 Tf 72 700 Td (" + BODY[2].encode() + b") Tj ET /X1 Do",
                  b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                  b"/Resources << /Font << /F1 2 0 R >> /XObject << /X1 5 0 R >> >>")
    page = (b"<< /Type /Page /Parent 6 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 2 0 R >> "
            b"/XObject << /X1 5 0 R >> >> /Contents 4 0 R >>")
    return build_pdf([b"<< /Type /Catalog /Pages 6 0 R >>", FONT, page, stream(b"/X1 Do"), form,
                      b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"])


def _numbered_minutes_pdf() -> bytes:
    """Short pages whose every line has the same form: "N.1 Agenda item N: <sentence>" at the top."""
    pages = []
    for n in range(1, 7):
        pages.append([(72, 790, f"{n}.1 Agenda item {n}: {BODY[n - 1]}"),
                      (72, 774, f"{n}.2 Agenda item {n}: the board noted the update on item {n}."),
                      (280, 40, f"Page {n} of 6")])
    return simple_pdf(pages)


def _half_garbled_pdf() -> bytes:
    garbled = [caesar(s) for s in BODY * 2]
    return simple_pdf([paragraph_page(BODY[:3]), paragraph_page(garbled)])


def _deep_html() -> bytes:
    return ("<html><head><title>Board minutes</title><style>p { color: red }</style></head><body>"
            f"<p>{BODY[0]}</p>" + "<div><span>" * 1500 + f"<p>{BODY[1]}</p>"
            "<script>var note = 'Trafford Council script text';</script><noscript>Enable Stockport scripts"
            "</noscript>" + "</span></div>" * 1500 + f"<p>{BODY[2]}</p></body></html>").encode()


def _long_line() -> bytes:
    words = "integrated care partners shared records and joint commissioning across the borough"
    return (("Minutes of the Salford Locality Board\n\n" + (words + " ") * 12000).strip() + "\n").encode()


def make_corpus(folder: Path) -> dict[str, Expect]:
    """Write every kind into `folder`; return file name -> what it must give."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(12)
    text = "\n\n".join(BODY) + "\n"
    files: dict[str, tuple[bytes, Expect]] = {
        "empty.txt": (b"", Expect("no_text", "empty_file")),
        "blank-lines.md": (b"\n \n\t\n", Expect("no_text", "empty_file")),
        "empty.pdf": (b"", Expect("no_text", "empty_file")),
        "picture-named.md": (PNG + bytes(range(256)) * 8, Expect("unsupported", "format_mismatch")),
        "photo.png": (PNG + bytes(range(256)) * 8, Expect("unsupported", "unsupported_format")),
        "scan.jpg": (b"\xff\xd8\xff\xe0" + bytes(rng.randrange(256) for _ in range(800)),
                     Expect("unsupported", "unsupported_format")),
        "minutes.doc": (OLE + b"\x00" * 4000, Expect("unsupported", "legacy_format")),
        "old-word.docx": (OLE + b"\x00" * 4000, Expect("unsupported", "legacy_format")),
        "budget.xlsx": (_zip({"xl/workbook.xml": b"<workbook/>"}),
                        Expect("unsupported", "unsupported_format")),
        "slides.pptx": (_zip({"ppt/presentation.xml": b"<p/>"}),
                        Expect("unsupported", "unsupported_format")),
        "letter.rtf": (b"{\\rtf1\\ansi " + text.encode() + b"}", Expect("unsupported", "unsupported_format")),
        "notes.xyz": (text.encode(), Expect("unsupported", "unsupported_format")),
        "not-a-zip.docx": (b"PK\x03\x04 this is not really a zip archive",
                           Expect("error", "not_office_document")),
        "no-document-part.docx": (_zip({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<x/>"}),
                                  Expect("error", "not_office_document")),
        "bomb.docx": (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"A" * (4 << 20)}),
                      Expect("error", "too_large")),
        "truncated.pdf": (SAMPLE_PDF.read_bytes()[:3000], Expect("error", "corrupt")),
        "garbage.pdf": (b"%PDF-1.7\n" + b"\x00\x13garbage" * 500, Expect("error", "corrupt")),
        "header-only.pdf": (b"%PDF-1.4\n", Expect("error", "corrupt")),
        "encrypted.pdf": (_encrypted_pdf(SAMPLE_PDF), Expect("encrypted", "password_required")),
        "blank.pdf": (_blank_pdf(), Expect("no_text", "no_text_layer")),
        "zero-pages.pdf": (build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                      b"<< /Type /Pages /Kids [] /Count 0 >>"]), Expect("error", "no_pages")),
        "shifted-font.pdf": (simple_pdf([paragraph_page([caesar(s) for s in BODY * 2])]),
                             Expect("no_text", "garbled_text")),
        "half-garbled.pdf": (_half_garbled_pdf(), Expect("ok", None, ("garbled_text",), tuple(BODY[:3]),
                                                        (caesar(BODY[0])[:20],))),
        "cid-codes.txt": (("(cid:3)(cid:17)(cid:44)(cid:2) " * 80).encode(),
                          Expect("no_text", "garbled_text")),
        "numbered-minutes.pdf": (_numbered_minutes_pdf(),
                                 Expect("ok", None, (), tuple(BODY), ("Page 3 of 6",))),
        "self-drawing-form.pdf": (_self_drawing_form_pdf(), Expect("ok", None, ("repeated_text_dropped",),
                                                                   (BODY[2],))),
        "page-tree-loop.pdf": (_loop_pdf(), Expect("ok", None, ("repaired",), tuple(BODY[:2]))),
        "deep.html": (_deep_html(), Expect("ok", None, (), tuple(BODY[:3]),
                                           ("Trafford", "Stockport", "color: red"))),
        "script-only.html": (b"<html><head><script>var a = 'Bolton Council';</script><style>p{}</style>"
                             b"</head><body><noscript>Wigan</noscript></body></html>",
                             Expect("no_text", "empty_file")),
        "random-bytes.txt": (bytes(rng.randrange(256) for _ in range(6000)),
                             Expect("unsupported", "binary_content")),
        "nul-bytes.txt": (text.replace("Town Hall.", "Town\x00 Hall.").encode(),
                          Expect("ok", None, ("nul_stripped",), ("Town Hall.",))),
        "windows-1252.txt": ((text + "The budget is \u00a35m \u2013 \u201cagreed\u201d.\n").encode("cp1252"),
                             Expect("ok", None, ("encoding_fallback",), ("\u00a35m", "\u201cagreed\u201d"))),
        "utf16-no-bom.txt": (text.encode("utf-16-le"), Expect("ok", None, (), (BODY[3],))),
        "pdf-named.docx": (simple_pdf([paragraph_page(BODY[:2])]),
                           Expect("ok", None, ("format_mismatch",), (BODY[0],))),
        "text-named.pdf": (text.encode(), Expect("ok", None, ("format_mismatch",), (BODY[4],))),
        "escapes.txt": (text.replace("Rochdale", "\x1b[31mRochdale\x1b[0m").encode(),
                        Expect("ok", None, (), ("Rochdale Town Hall",), ("\x1b",))),
        "long-line.txt": (_long_line(), Expect("ok", None, (), ("joint commissioning",))),
        "bom-markdown.md": (b"\xef\xbb\xbf# Minutes\n\n" + text.encode(), Expect("ok", None, (), (BODY[5],))),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    (folder / "gone.pdf").symlink_to(folder / "no-such-target.pdf")
    expected = {name: expect for name, (_, expect) in files.items()}
    expected["gone.pdf"] = Expect("error", "dangling_symlink")
    return expected
