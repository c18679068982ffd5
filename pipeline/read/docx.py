"""Word (.docx) reader: body paragraphs and tables in document order, headers and footers set apart.

DOCX has no pages.  Word and LibreOffice leave a `w:lastRenderedPageBreak` where each page began when
the file was last laid out; when a file has those they are the best page signal.  Files that were never
laid out (written by python-docx or other generators) only have explicit breaks: page breaks, "page
break before" paragraphs and new-page section breaks, so their page numbers are a lower bound.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ..errors import CorruptDocument, EncryptedDocument, NoTextLayer, UnsupportedFormat
from ..records import Block, RawDocument

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ENCRYPTED_PACKAGE_STREAM = "EncryptedPackage".encode("utf-16-le")
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
# Members smaller than this cannot exhaust memory whatever their ratio; repetitive XML parts
# (styles, numbering) of a normal document legitimately compress very well.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAIN_PART = "word/document.xml"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


W_P, W_TBL, W_TR, W_TC, W_SDT, W_SDT_CONTENT = w("p"), w("tbl"), w("tr"), w("tc"), w("sdt"), w("sdtContent")
W_PPR, W_RPR, W_T, W_TAB, W_BR, W_CR = w("pPr"), w("rPr"), w("t"), w("tab"), w("br"), w("cr")
W_SYM, W_FLD_CHAR, W_NO_BREAK_HYPHEN = w("sym"), w("fldChar"), w("noBreakHyphen")
W_RENDERED_BREAK, W_SECT_PR, W_VAL, W_TYPE = w("lastRenderedPageBreak"), w("sectPr"), w("val"), w("type")
# Deleted and moved-away text is not in the document as read; mc:Fallback repeats mc:Choice content.
SKIPPED_SUBTREES = {w("del"), w("moveFrom"), W_PPR, W_RPR, w("tblPr"), w("trPr"), w("tcPr"), w("sdtPr"),
                    f"{{{MC}}}Fallback"}
# Wrappers whose children are body-level content (content controls, custom XML, tracked insertions).
BLOCK_WRAPPERS = {W_SDT, W_SDT_CONTENT, w("customXml"), w("ins"), w("moveTo")}

UNCHECKED_BOX = "☐"
CHECKED_BOX = "☒"
# Wingdings / Wingdings 2 code points Word uses for ticked and empty boxes inserted as symbols.
SYMBOL_GLYPHS = {"F0FE": CHECKED_BOX, "F0FD": CHECKED_BOX, "F078": CHECKED_BOX, "F0A8": UNCHECKED_BOX,
                 "F06F": UNCHECKED_BOX, "F0A3": UNCHECKED_BOX}
NESTED_CELL_SEPARATOR = " | "
LIST_STYLE_PREFIXES = ("list bullet", "list number", "list paragraph")
HEADING_STYLE = re.compile(r"\bheading\s*(\d)\b", re.IGNORECASE)
TRAILING_DIGIT = re.compile(r"(\d+)$")
SPACES = re.compile(r"[ \t]+")


class Break(Enum):
    EXPLICIT = "explicit"
    RENDERED = "rendered"


# --------------------------------------------------------------------------------------------------
# Container checks
# --------------------------------------------------------------------------------------------------
def check_container(
    path: Path, *, max_total_bytes: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO
) -> None:
    """Refuse what is not a sound DOCX zip before any XML is parsed."""
    if not zipfile.is_zipfile(path):
        _refuse_non_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise CorruptDocument(f"{path.name} is a damaged zip archive and cannot be read as DOCX.") from error
    total = sum(member.file_size for member in members)
    if total > max_total_bytes:
        raise CorruptDocument(
            f"{path.name} would expand to {total // (1024 * 1024)} MB, over the "
            f"{max_total_bytes // (1024 * 1024)} MB limit; it is refused as a possible zip bomb.",
            reason="too_large")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECK_MIN_BYTES and ratio > max_ratio:
            raise CorruptDocument(
                f"{path.name}: part {member.filename} is compressed {ratio:.0f} to 1 (limit {max_ratio:g}); "
                "it is refused as a possible zip bomb.", reason="too_large")
    if MAIN_PART not in {member.filename for member in members}:
        raise CorruptDocument(
            f"{path.name} is a zip archive without {MAIN_PART}, so it is not a Word document.",
            reason="not_office_document")


def _refuse_non_zip(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(4 * 1024 * 1024)
    if head.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE_STREAM in head:
            # Password-protected DOCX files are stored inside an OLE container, like old .doc files.
            raise EncryptedDocument(
                f"{path.name} is password-protected; remove the password and save it again."
            )
        raise UnsupportedFormat(
            "This is an old Word 97-2003 .doc renamed to .docx; save it as .docx or PDF",
            reason="legacy_format")
    raise CorruptDocument(f"{path.name} is not a zip archive, so it is not a valid DOCX file.",
                          reason="not_office_document")


def app_xml_pages(path: Path) -> int | None:
    """`<Pages>` from docProps/app.xml: the page count Word saw when it last saved the file."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("docProps/app.xml")
        pages = etree.fromstring(data).findtext(f"{{{EXTENDED_PROPERTIES}}}Pages")
        return int(pages) if pages else None
    except (KeyError, ValueError, etree.XMLSyntaxError):
        return None


# --------------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParagraphRole:
    kind: str
    level: int | None
    style: str | None


class StyleBook:
    """Paragraph style lookups by style id, following `basedOn` so custom styles inherit their role."""

    def __init__(self, document) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.by_id = {style.style_id: style for style in document.styles}
        self.default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)

    def style_of(self, paragraph):
        style_id = _attr(paragraph, f"{W_PPR}/{w('pStyle')}")
        return self.by_id.get(style_id, self.default) if style_id else self.default

    def role(self, paragraph) -> ParagraphRole:
        style = self.style_of(paragraph)
        name = style.name if style is not None else None
        heading = _heading_level(style) or _outline_level(paragraph)
        if heading:
            return ParagraphRole("heading", heading, name)
        list_level = self._list_level(paragraph, style)
        if list_level:
            return ParagraphRole("list_item", list_level, name)
        return ParagraphRole("paragraph", None, name)

    def _list_level(self, paragraph, style) -> int | None:
        direct = _numbering(paragraph)
        if direct is not None:
            num_id, ilvl = direct
            return ilvl + 1 if num_id != "0" else None
        for ancestor in _style_chain(style):
            if ancestor.name and ancestor.name.lower().startswith(LIST_STYLE_PREFIXES):
                digit = TRAILING_DIGIT.search(ancestor.name)
                return int(digit[1]) if digit else 1
            numbered = _numbering(ancestor.element)
            if numbered is not None and numbered[0] != "0":
                return numbered[1] + 1
        return None


def _attr(element, path: str) -> str | None:
    found = element.find(path)
    return found.get(W_VAL) if found is not None else None


def _style_chain(style) -> Iterator:
    seen = 0
    while style is not None and seen < 10:
        yield style
        style = style.base_style
        seen += 1


def _heading_level(style) -> int | None:
    """Title = 1, Heading N = N (custom styles based on a heading style inherit its level)."""
    for ancestor in _style_chain(style):
        name = ancestor.name or ""
        if name.lower() == "title":
            return 1
        match = HEADING_STYLE.search(name)
        if match and not name.lower().endswith(" char"):
            return int(match[1])
        outline = _outline_level(ancestor.element)
        if outline:
            return outline
    return None


def _outline_level(element) -> int | None:
    """Word's outline level (0-based; 9 means body text) marks navigation-pane headings."""
    value = _attr(element, f"{W_PPR}/{w('outlineLvl')}")
    if value is None or not value.isdigit() or int(value) >= 9:
        return None
    return int(value) + 1


def _numbering(element) -> tuple[str, int] | None:
    num_pr = element.find(f"{W_PPR}/{w('numPr')}")
    if num_pr is None:
        return None
    num_id = _attr(num_pr, w("numId")) or ""
    ilvl = _attr(num_pr, w("ilvl")) or "0"
    return num_id, int(ilvl) if ilvl.isdigit() else 0


# --------------------------------------------------------------------------------------------------
# Inline text
# --------------------------------------------------------------------------------------------------
def inline_pieces(element) -> Iterator[str | Break]:
    """Text and page-break events of a paragraph (or any inline container) in order."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED_SUBTREES:
            continue
        if tag == W_T:
            yield child.text or ""
        elif tag == W_TAB:
            yield "\t"
        elif tag in (W_BR, W_CR):
            yield Break.EXPLICIT if child.get(W_TYPE) == "page" else "\n"
        elif tag == W_RENDERED_BREAK:
            yield Break.RENDERED
        elif tag == W_NO_BREAK_HYPHEN:
            yield "-"
        elif tag == W_SYM:
            yield SYMBOL_GLYPHS.get((child.get(w("char")) or "").upper(), "")
        elif tag == W_FLD_CHAR:
            yield _form_checkbox_glyph(child)
        elif tag == W_P:
            # A paragraph inside a text box anchored in this one: its text follows on a new line.
            yield "\n"
            yield from inline_pieces(child)
        else:
            yield from inline_pieces(child)


def _form_checkbox_glyph(fld_char) -> str:
    """Legacy FORMCHECKBOX fields have no text of their own; their state is in w:ffData."""
    checkbox = fld_char.find(f"{w('ffData')}/{w('checkBox')}")
    if checkbox is None:
        return ""
    state = checkbox.find(w("checked"))
    if state is None:
        state = checkbox.find(w("default"))
    checked = state is not None and state.get(W_VAL, "1") not in ("0", "false", "off")
    return CHECKED_BOX if checked else UNCHECKED_BOX


def tidy_text(text: str) -> str:
    """Tabs in running text are layout (a list label's tab stop), so they become one space."""
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------------------------------
# Page counting
# --------------------------------------------------------------------------------------------------
@dataclass
class PageCounter:
    """Current page while walking the body; only one kind of break is trusted (see module docstring)."""

    counted: Break
    page: int = 1
    section_start_pages: list[int] = field(default_factory=lambda: [1])


@dataclass
class BreakTally:
    """Breaks met inside one block, split by whether they came before its first text."""

    counted: Break
    before: int = 0
    after: int = 0
    seen_text: bool = False

    def collect(self, pieces) -> str:
        texts = []
        for piece in pieces:
            if isinstance(piece, Break):
                if piece is self.counted:
                    self.before += not self.seen_text
                    self.after += self.seen_text
                continue
            self.seen_text = self.seen_text or bool(piece.strip())
            texts.append(piece)
        return "".join(texts)


# --------------------------------------------------------------------------------------------------
# Body walk
# --------------------------------------------------------------------------------------------------
class BodyWalker:
    """Turns body-level XML (paragraphs, tables, content controls) into blocks in document order."""

    def __init__(self, styles: StyleBook, pages: PageCounter, section_breaks: list[bool]) -> None:
        self.styles = styles
        self.pages = pages
        self.section_breaks = iter(section_breaks)
        self.blocks: list[Block] = []

    def walk(self, container) -> list[Block]:
        for child in container:
            tag = child.tag
            if tag == W_P:
                self._paragraph(child)
            elif tag == W_TBL:
                self._table(child)
            elif tag in BLOCK_WRAPPERS:
                self.walk(child)
        return self.blocks

    def _paragraph(self, paragraph) -> None:
        tally = BreakTally(self.pages.counted)
        text = tidy_text(tally.collect(inline_pieces(paragraph)))
        if self.pages.counted is Break.EXPLICIT and _breaks_before(paragraph):
            tally.before += 1
        self.pages.page += tally.before
        if text:
            role = self.styles.role(paragraph)
            self.blocks.append(Block(role.kind, text, self.pages.page, level=role.level, style=role.style))
        self.pages.page += tally.after
        if paragraph.find(f"{W_PPR}/{W_SECT_PR}") is not None:
            self._end_section()

    def _end_section(self) -> None:
        new_page = next(self.section_breaks, True)
        if new_page and self.pages.counted is Break.EXPLICIT:
            self.pages.page += 1
        self.pages.section_start_pages.append(self.pages.page)

    def _table(self, table) -> None:
        single = _single_cell(table)
        if single is not None:
            # A one-cell table is a box drawn around text, not data: read its content as paragraphs.
            self.walk(single)
            return
        tally = BreakTally(self.pages.counted)
        rows = table_rows(table, tally)
        self.pages.page += tally.before
        if rows:
            style = self._table_style(table)
            self.blocks.append(Block("table", _table_text(rows), self.pages.page, rows=rows, style=style))
        self.pages.page += tally.after

    def _table_style(self, table) -> str | None:
        style_id = _attr(table, f"{w('tblPr')}/{w('tblStyle')}")
        style = self.styles.by_id.get(style_id) if style_id else None
        return style.name if style is not None else None


def _breaks_before(paragraph) -> bool:
    value = _attr(paragraph, f"{W_PPR}/{w('pageBreakBefore')}")
    return paragraph.find(f"{W_PPR}/{w('pageBreakBefore')}") is not None and value not in ("0", "false")


def _children(element, tag: str) -> Iterator:
    """Children with `tag`, looking through content-control and custom-XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _children(child, tag)


def _single_cell(table):
    rows = list(_children(table, W_TR))
    cells = list(_children(rows[0], W_TC)) if len(rows) == 1 else []
    return cells[0] if len(cells) == 1 else None


def table_rows(table, tally: BreakTally) -> tuple[tuple[str, ...], ...]:
    """Rows of real cells: each `w:tc` once, so a horizontally merged cell is not repeated.

    python-docx's `row.cells` repeats a merged cell once per grid column it spans; reading the `w:tc`
    elements directly gives each cell once.  A vertically merged continuation cell is empty, so its text
    is not repeated either.  Trailing empty cells are dropped, as in the text reader.
    """
    rows = []
    for row in _children(table, W_TR):
        cells = [cell_text(cell, tally) for cell in _children(row, W_TC)]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(tuple(cells))
    return tuple(rows)


def cell_text(cell, tally: BreakTally) -> str:
    """A cell's paragraphs as lines; a nested table is flattened in place, one line per row."""
    lines = []
    for child in _block_children(cell):
        if child.tag == W_P:
            lines.append(tidy_text(tally.collect(inline_pieces(child))))
        else:
            lines.extend(NESTED_CELL_SEPARATOR.join(row) for row in table_rows(child, tally))
    return "\n".join(line for line in lines if line)


def _block_children(element) -> Iterator:
    for child in element:
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _block_children(child)


def _table_text(rows: tuple[tuple[str, ...], ...]) -> str:
    return "\n".join("\t".join(row) for row in rows)


def section_break_kinds(body) -> list[bool]:
    """For each section after the first: does it start on a new page?  (w:type absent = new page.)"""
    sect_prs = body.findall(f".//{W_SECT_PR}")
    return [_attr(sect_pr, w("type")) not in ("continuous", "nextColumn") for sect_pr in sect_prs[1:]]


# --------------------------------------------------------------------------------------------------
# Headers and footers
# --------------------------------------------------------------------------------------------------
HEADER_FOOTER_KINDS = (
    ("header", "header"), ("footer", "footer"), ("first_page_header", "header"),
    ("first_page_footer", "footer"), ("even_page_header", "header"), ("even_page_footer", "footer"),
)


def furniture_blocks(document, styles: StyleBook, section_start_pages: list[int]) -> tuple[Block, ...]:
    """Each distinct header/footer text once, on the page where its section starts."""
    seen: set[str] = set()
    furniture: list[Block] = []
    for index, section in enumerate(document.sections):
        page = section_start_pages[min(index, len(section_start_pages) - 1)]
        for attribute, role in HEADER_FOOTER_KINDS:
            part = getattr(section, attribute)
            if part.is_linked_to_previous:
                continue
            walker = BodyWalker(styles, PageCounter(Break.RENDERED), [])
            for block in walker.walk(part._element):
                if block.text not in seen:
                    seen.add(block.text)
                    furniture.append(Block("page_furniture", block.text, page, style=role))
    return tuple(furniture)


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------
def _open_document(path: Path):
    import docx
    from lxml import etree

    try:
        return docx.Document(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise CorruptDocument(f"{path.name} could not be opened as a Word document ({error}).") from error


def _title(document, blocks: list[Block]) -> str | None:
    """The Title-styled paragraph; else the file's Title property (often a template's stale value)."""
    styled = next((block.text for block in blocks if block.style == "Title"), None)
    return styled or (document.core_properties.title or "").strip() or None


def read_docx(path: str | Path, *, max_total_bytes: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO,
              ) -> RawDocument:
    """Read a .docx into blocks (headings, paragraphs, list items, tables) with approximate pages."""
    path = Path(path)
    check_container(path, max_total_bytes=max_total_bytes, max_ratio=max_ratio)
    document = _open_document(path)
    body = document.element.body
    styles = StyleBook(document)
    counted = Break.RENDERED if body.find(f".//{W_RENDERED_BREAK}") is not None else Break.EXPLICIT
    pages = PageCounter(counted)
    blocks = BodyWalker(styles, pages, section_break_kinds(body)).walk(body)
    if not blocks:
        raise NoTextLayer("The document has no text.", reason="empty_file")
    # app.xml is only as fresh as the last save by Word; generators leave a template's "1" behind.
    n_pages = max(app_xml_pages(path) or 0, pages.page)
    return RawDocument(
        format="docx",
        n_pages=n_pages,
        blocks=tuple(blocks),
        furniture=furniture_blocks(document, styles, pages.section_start_pages),
        title=_title(document, blocks),
    )
