"""Machine-readable codes: why a document or page gave no text (`reason`), and what was done to its
text on the way (`warnings`).  They are stored in `documents.reason`, `documents.warnings`,
`pages.reason` and `pages.warnings`; analysts filter on them, so a code never changes meaning.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "empty_file": "the file has no bytes, or no text once markup is removed",
    "format_mismatch": "the content is not what the file name says (a PNG named .md)",
    "corrupt": "the file is damaged or truncated and no reader could open it",
    "password_required": "the file is encrypted and needs a password",
    "no_pages": "the PDF declares no pages",
    "no_text_layer": "no page has a text layer (a scan) and OCR was off or unavailable",
    "garbled_text": "the text layer is not readable text (a font without a Unicode map)",
    "binary_content": "the file holds binary data, not text",
    "too_large": "the file, or what it would expand to, is over the size limit",
    "legacy_format": "an old binary Office file (Word 97-2003 .doc, .xls, .ppt)",
    "not_office_document": "a .docx that is not a Word document (not a zip, or no word/document.xml)",
    "unsupported_format": "a format icsdocs does not read (spreadsheet, slides, image, RTF ...)",
    "timeout": "processing took longer than --timeout",
    "crash": "the worker failed or ran out of memory on this file",
    "dangling_symlink": "a symbolic link whose target does not exist",
    "unreadable": "the file could not be opened (permissions, I/O error)",
}

WARNINGS: dict[str, str] = {
    "repaired": "the file was damaged; another reader or pdfium's repair recovered its text",
    "encoding_fallback": "the text was not UTF-8; it was decoded as Windows-1252 or a guessed encoding",
    "nul_stripped": "NUL characters were removed from the text",
    "truncated": "the text was cut at the size limit",
    "furniture_dropped": "headers, footers or page numbers were set apart from the body",
    "garbled_text": "some pages' text layer was unreadable; they yield no text",
    "repeated_text_dropped": "text drawn several times on the same spot was kept once",
    "ocr": "some pages were read by OCR",
    "ocr_unavailable": "pages without a text layer were not read: Tesseract is not installed",
    "format_mismatch": "the content is not what the file name says, but it was read",
}


def check(code: str, table: dict[str, str]) -> str:
    if code not in table:
        raise ValueError(f"unknown code {code!r}")
    return code
