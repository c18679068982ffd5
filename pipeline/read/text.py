"""Plain-text, Markdown and HTML readers.

The plain-text seeds are board papers converted to text: one paragraph per line, tables as runs of
tab-separated lines, lists as "- " / " - " lines, and HTML fragments (checkboxes, <p>, <ul>) left in
some cells.  The reader undoes those conventions the same way `corpus/tools/render_seeds.py` does when
it builds the DOCX rendition, so that the text and Word renditions of a paper give the same blocks.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import NoTextLayer
from ..records import Block, RawDocument

UNCHECKED_BOX = "☐"
CHECKED_BOX = "☒"
NESTED_CELL_SEPARATOR = " | "

# --------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------
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
    utf16 = _utf16_without_bom(data)
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


def _utf16_without_bom(data: bytes) -> str | None:
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


# --------------------------------------------------------------------------------------------------
# Inline clean-up shared by text and cells
# --------------------------------------------------------------------------------------------------
INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
CHECKBOX_TYPE = re.compile(r"\btype\s*=\s*[\"']?checkbox\b", re.IGNORECASE)
CHECKED_ATTRIBUTE = re.compile(r"\schecked\b", re.IGNORECASE)
ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*\)")
# Only tags that carry formatting are removed, so "<5 beds" or "a<b" in prose survive.
INLINE_TAG = re.compile(
    r"</?(?:i|b|u|em|strong|span|font|sup|sub|small|mark|a|div|br|li|ul|ol|p)\b[^>]*/?>", re.IGNORECASE
)
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])")
# Entities with their semicolon only: html.unescape alone would turn "&not" in "Salt &nothing" into "¬".
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
SPACES = re.compile(r"[ \t\u00a0]+")


def clean_inline(text: str) -> str:
    """Checkbox inputs to glyphs, formatting tags and **/* emphasis markers dropped, entities decoded."""
    text = INPUT_TAG.sub(lambda match: _checkbox_glyph(match[0]), text)
    text = ANGLE_URL.sub(r"\1", text)
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = INLINE_TAG.sub("", text)
    text = BOLD.sub(r"\1", text)
    text = ITALIC.sub(r"\1", text)
    # An unbalanced "**" is left over from a conversion that split a bold run; it is never content.
    text = text.replace("**", "")
    text = ENTITY.sub(lambda m: html.unescape(m[0]), text)
    return SPACES.sub(" ", text).strip()


def _checkbox_glyph(input_tag: str) -> str:
    """☐/☒ for a checkbox <input>; other form inputs carry no text."""
    if not CHECKBOX_TYPE.search(input_tag):
        return ""
    return CHECKED_BOX if CHECKED_ATTRIBUTE.search(input_tag) else UNCHECKED_BOX


# --------------------------------------------------------------------------------------------------
# Line classification
# --------------------------------------------------------------------------------------------------
MARKDOWN_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
RULE_LINE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
# A marker with nothing after it is an empty list entry left by the conversion; it carries no text.
EMPTY_BULLET = re.compile(r"^[ \t]*[-•*▪◦‣][ \t]*$")
BULLET = re.compile(r"^(?P<indent>[ \t]*)[-•*▪◦‣][ \t]+(?P<body>\S.*)$")
LABEL = r"(?:\((?:\d{1,3}|[a-z]|[ivx]{1,5})\)|(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,5})[.)])"
NUMBERED = re.compile(rf"^(?P<indent>[ \t]*)(?P<label>{LABEL})[ \t]+(?P<body>\S.*)$")
HTML_PARAGRAPHS_LINE = re.compile(r"^\s*<p[\s>]", re.IGNORECASE)
HTML_LIST_LINE = re.compile(r"^\s*<(?:ul|ol|li)[\s>]", re.IGNORECASE)
HTML_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL)
HTML_LIST = re.compile(r"<[uo]l\b[^>]*>(.*?)(?:</[uo]l>|$)", re.IGNORECASE | re.DOTALL)
LIST_ITEM_SPLIT = re.compile(r"\s*(?:<li\b[^>]*>|•)\s*", re.IGNORECASE)

STANDALONE_LABEL_MAX_WORDS = 12
WRAP_MIN_WIDTH = 50
WRAP_MAX_WIDTH = 100


@dataclass(frozen=True)
class Line:
    """One classified source line: `kind` says how it becomes blocks."""

    kind: str  # blank | rule | table | heading | bullet | numbered | html_p | html_list | plain
    raw: str
    body: str = ""
    indent: int = 0
    level: int | None = None


def classify_line(raw: str) -> Line:
    if not raw.strip() or EMPTY_BULLET.match(raw):
        return Line("blank", raw)
    if RULE_LINE.match(raw):
        return Line("rule", raw)
    bullet = BULLET.match(raw)
    if bullet:
        return Line("bullet", raw, bullet["body"], _indent_width(bullet["indent"]))
    if "\t" in raw.lstrip():
        return Line("table", raw)
    heading = MARKDOWN_HEADING.match(raw)
    if heading:
        return Line("heading", raw, heading["title"], level=len(heading["hashes"]))
    numbered = NUMBERED.match(raw)
    if numbered:
        body = f"{numbered['label']} {numbered['body']}"
        return Line("numbered", raw, body, _indent_width(numbered["indent"]))
    if HTML_PARAGRAPHS_LINE.match(raw):
        return Line("html_p", raw)
    if HTML_LIST_LINE.match(raw):
        return Line("html_list", raw)
    return Line("plain", raw, raw.strip(), _indent_width(raw[: len(raw) - len(raw.lstrip())]))


def _indent_width(indent: str) -> int:
    return len(indent.expandtabs(4))


def join_broken_emphasis(lines: list[str]) -> list[str]:
    """Re-join a paragraph that the text conversion split inside a **bold** run (as the renderer does)."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.count("**") % 2 == 1 and "\t" not in line and following.strip() and following.count("**") % 2:
            out.append(line.rstrip() + " " + following.strip())
            index += 2
            continue
        out.append(line)
        index += 1
    return out


# --------------------------------------------------------------------------------------------------
# Table cells
# --------------------------------------------------------------------------------------------------
def table_row(raw: str) -> tuple[str, ...]:
    cells = [cell_text(cell) for cell in raw.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def cell_text(raw: str) -> str:
    """A cell's text: <ul>/• items and <p> fragments each on their own line inside the cell."""
    return "\n".join(line for line in cell_lines(raw) if line)


def cell_lines(raw: str) -> list[str]:
    html_list = HTML_LIST.search(raw)
    if html_list:
        before = clean_inline(raw[: html_list.start()])
        items = list_items(html_list[1])
        # Several items keep a bullet glyph, as the Word rendition writes them; one item is just text.
        marked = [f"• {item}" for item in items] if len(items) > 1 else items
        return [before, *marked]
    paragraphs = HTML_PARAGRAPH.findall(raw)
    if paragraphs:
        return [clean_inline(paragraph) for paragraph in paragraphs]
    return [clean_inline(raw)]


def list_items(inner_html: str) -> list[str]:
    items = (clean_inline(piece) for piece in LIST_ITEM_SPLIT.split(inner_html))
    return [item for item in items if item]


# --------------------------------------------------------------------------------------------------
# Lines to blocks
# --------------------------------------------------------------------------------------------------
def split_pages(text: str) -> list[str]:
    """Form feeds separate pages; trailing empty pages (pdftotext ends with "\\f") do not count."""
    pages = text.split("\f")
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


class _TextBlockBuilder:
    """Turns one page's classified lines into blocks, in order."""

    def __init__(self, page: int) -> None:
        self.page = page
        self.blocks: list[Block] = []
        self.plain: list[Line] = []
        self.table_rows: list[tuple[str, ...]] = []
        self.list_indents: list[int] = []
        self.handlers = {
            "blank": self._on_blank, "rule": self._on_rule, "table": self._on_table,
            "heading": self._on_heading, "bullet": self._on_bullet, "numbered": self._on_numbered,
            "html_p": self._on_html_p, "html_list": self._on_html_list, "plain": self._on_plain,
        }

    def build(self, lines: list[Line]) -> list[Block]:
        for index, line in enumerate(lines):
            previous = lines[index - 1] if index else Line("blank", "")
            following = lines[index + 1] if index + 1 < len(lines) else Line("blank", "")
            self.add(line, previous, following)
        self.flush_plain()
        self.flush_table()
        return self.blocks

    def add(self, line: Line, previous: Line, following: Line) -> None:
        if line.kind != "table":
            self.flush_table()
        if line.kind not in ("plain", "rule"):
            self.flush_plain()
        if line.kind not in ("bullet", "numbered", "blank") and not self._continues_list_item(line, previous):
            self.list_indents.clear()
        self.handlers[line.kind](line, previous, following)

    def _on_blank(self, line: Line, previous: Line, following: Line) -> None:
        self.flush_plain()

    def _on_rule(self, line: Line, previous: Line, following: Line) -> None:
        # "Title\n=====" / "Title\n-----" underline the line above (setext headings); otherwise a rule.
        if len(self.plain) == 1 and line.raw.strip()[0] in "=-":
            title = clean_inline(self.plain.pop().body)
            if title:
                self.emit("heading", title, level=1 if line.raw.strip()[0] == "=" else 2)
            return
        self.flush_plain()

    def _on_table(self, line: Line, previous: Line, following: Line) -> None:
        row = table_row(line.raw)
        if row:
            self.table_rows.append(row)

    def _on_heading(self, line: Line, previous: Line, following: Line) -> None:
        title = clean_inline(line.body)
        if title:
            self.emit("heading", title, level=line.level)

    def _on_bullet(self, line: Line, previous: Line, following: Line) -> None:
        text = clean_inline(line.body)
        if text:
            self.emit("list_item", text, level=self._list_level(line.indent))

    def _on_numbered(self, line: Line, previous: Line, following: Line) -> None:
        text = clean_inline(line.body)
        if not text:
            return
        # A short numbered line standing alone ("1. Context") is a section title, not a list entry;
        # the sectioner reads its level from the numbering, so it stays a plain paragraph here.
        alone = previous.kind == "blank" and following.kind == "blank"
        if alone and len(text.split()) <= STANDALONE_LABEL_MAX_WORDS:
            self.emit("paragraph", text)
            return
        self.emit("list_item", text, level=self._list_level(line.indent))

    def _on_html_p(self, line: Line, previous: Line, following: Line) -> None:
        for paragraph in HTML_PARAGRAPH.findall(line.raw) or [line.raw]:
            text = clean_inline(paragraph)
            if text:
                self.emit("paragraph", text)

    def _on_html_list(self, line: Line, previous: Line, following: Line) -> None:
        html_list = HTML_LIST.search(line.raw)
        inner = html_list[1] if html_list else line.raw
        for item in list_items(inner):
            self.emit("list_item", item, level=1)

    def _on_plain(self, line: Line, previous: Line, following: Line) -> None:
        if self._continues_list_item(line, previous) and self.blocks:
            self._extend_last_list_item(clean_inline(line.body))
            return
        self.plain.append(line)

    def _continues_list_item(self, line: Line, previous: Line) -> bool:
        """An indented plain line right under a list item is that item's wrapped continuation."""
        return line.kind == "plain" and line.indent > 0 and previous.kind in ("bullet", "numbered")

    def _extend_last_list_item(self, text: str) -> None:
        last = self.blocks[-1]
        self.blocks[-1] = Block(last.kind, f"{last.text} {text}".strip(), last.page, last.level)

    def _list_level(self, indent: int) -> int:
        """Nesting from indentation relative to the list's own earlier items, whatever the indent unit."""
        while self.list_indents and indent < self.list_indents[-1]:
            self.list_indents.pop()
        if not self.list_indents or indent > self.list_indents[-1]:
            self.list_indents.append(indent)
        return len(self.list_indents)

    def flush_table(self) -> None:
        if self.table_rows:
            rows = tuple(self.table_rows)
            self.emit("table", table_text(rows), rows=rows)
            self.table_rows = []

    def flush_plain(self) -> None:
        for paragraph in unwrap_paragraphs([line.body for line in self.plain]):
            text = clean_inline(paragraph)
            if text:
                self.emit("paragraph", text)
        self.plain = []

    def emit(self, kind, text: str, *, level: int | None = None, rows=None) -> None:
        self.blocks.append(Block(kind=kind, text=text, page=self.page, level=level, rows=rows))


def unwrap_paragraphs(lines: list[str]) -> list[str]:
    """Lines of one blank-line-separated chunk to paragraphs.

    Converted papers put one paragraph per (long) line, so each line is a paragraph.  Hard-wrapped
    text (e-mails, 72-column files) is recognised by its width, and a line is joined to the next one
    only when the next word would not have fitted on it: a short line like "Recommendations" above a
    paragraph ended there on purpose.
    """
    if len(lines) < 2:
        return lines
    width = max(len(line) for line in lines)
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH:
        return lines
    paragraphs = [lines[0]]
    for previous, line in zip(lines, lines[1:], strict=False):
        next_word = line.split()[0]
        if len(previous) + 1 + len(next_word) > width:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def table_text(rows: tuple[tuple[str, ...], ...]) -> str:
    return "\n".join("\t".join(row) for row in rows)


def parse_text_page(text: str, page: int) -> list[Block]:
    lines = [classify_line(raw) for raw in join_broken_emphasis(text.split("\n"))]
    return _TextBlockBuilder(page).build(_keep_tables_whole(lines))


def _keep_tables_whole(lines: list[Line]) -> list[Line]:
    """A row whose only tab is the leading one (empty first cell) still belongs to the table above it."""
    out: list[Line] = []
    for line in lines:
        if line.kind == "plain" and line.raw.startswith("\t") and out and out[-1].kind == "table":
            line = Line("table", line.raw)
        out.append(line)
    return out


# C0 controls other than tab, newline and form feed (a page break) are never text: ESC sequences, NULs.
STRAY_CONTROLS = str.maketrans({c: None for c in range(32) if c not in (9, 10, 12, 13)} | {0x7F: None})


# Terminal escape sequences (colour codes pasted from a console, say): the whole sequence goes.
ANSI_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def normalise_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text:
        text = ANSI_SEQUENCE.sub("", text)
    return text.translate(STRAY_CONTROLS)


def _first_title(blocks: list[Block]) -> str | None:
    return next((block.text for block in blocks if block.kind == "heading" and block.level == 1), None)


def decoding_warnings(data: bytes, text: str) -> tuple[str, ...]:
    """encoding_fallback when the bytes were not clean UTF-8 (or a BOM'd encoding); nul_stripped when
    NULs were dropped."""
    warnings = []
    if not data.startswith(tuple(bom for bom, _ in BOMS)) and _utf16_without_bom(data) is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append("encoding_fallback")
    if "\x00" in text:
        warnings.append("nul_stripped")
    return tuple(warnings)


def read_text(path: str | Path) -> RawDocument:
    """Read a .txt/.md file into blocks; a form feed starts a new page, otherwise it is all page 1."""
    data = Path(path).read_bytes()
    decoded = decode_bytes(data)
    warnings = decoding_warnings(data, decoded)
    text = normalise_newlines(decoded)
    if not text.strip():
        raise NoTextLayer("The file is empty.", reason="empty_file")
    pages = split_pages(text)
    blocks = [block for number, page in enumerate(pages, start=1) for block in parse_text_page(page, number)]
    if not blocks:
        raise NoTextLayer("The file has no text once markup is removed.", reason="empty_file")
    return RawDocument(format="text", n_pages=len(pages), blocks=tuple(blocks), title=_first_title(blocks),
                       warnings=warnings)


# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------
DROPPED_TAGS = {"script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object"}
HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
LIST_CONTAINERS = {"ul", "ol", "menu"}
FURNITURE_TAGS = {"header", "footer", "nav"}
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "aside", "blockquote", "body", "html", "form", "fieldset",
    "dl", "dt", "dd", "figure", "figcaption", "address", "details", "summary", "center", "caption",
    "header", "footer", "nav", "hr", "pre", "legend",
} | LIST_CONTAINERS
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
WHITESPACE = re.compile(r"\s+")


class _HtmlBlockBuilder:
    """Walks an lxml tree in document order, gathering inline text until a block boundary."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.furniture: list[Block] = []
        self.pending: list[str] = []
        self.list_depth = 0

    def walk(self, element) -> None:
        tag = _tag(element)
        if tag is None or tag in DROPPED_TAGS:
            return
        if tag in FURNITURE_TAGS and not _inside(element, {"article", "main"}):
            self._furniture(element)
        elif tag in HEADING_TAGS:
            self._leaf("heading", element, level=HEADING_TAGS[tag])
        elif tag == "table":
            self._table(element)
        elif tag == "li":
            self._list_item(element)
        elif tag == "pre":
            self.flush()
            self._emit("paragraph", element.text_content().strip("\n"))
        elif tag in BLOCK_TAGS:
            self._container(element, tag)
        else:
            self._inline(element, tag)

    def _container(self, element, tag: str) -> None:
        self.flush()
        self.list_depth += tag in LIST_CONTAINERS
        self._children(element)
        self.list_depth -= tag in LIST_CONTAINERS
        self.flush()

    def _children(self, element) -> None:
        self._add_text(element.text)
        for child in element:
            self.walk(child)
            self._add_text(child.tail)

    def _inline(self, element, tag: str) -> None:
        if tag == "br":
            self.pending.append("\n")
        elif tag == "input":
            self.pending.append(_input_glyph(element))
        else:
            self._children(element)

    def _add_text(self, text: str | None) -> None:
        if text:
            self.pending.append(WHITESPACE.sub(" ", text))

    def _leaf(self, kind, element, *, level: int | None) -> None:
        self.flush()
        self._emit(kind, self._inline_text(element), level=level)

    def _list_item(self, element) -> None:
        """The item's own text is one block; lists nested inside it follow as deeper items."""
        self.flush()
        nested = [child for child in element if _tag(child) in LIST_CONTAINERS]
        own = _HtmlBlockBuilder()
        own._add_text(element.text)
        for child in element:
            if child not in nested:
                own.walk(child)
            own._add_text(child.tail)
        own.flush()
        text = "\n".join(block.text for block in own.blocks)
        self._emit("list_item", text, level=max(self.list_depth, 1))
        for child in nested:
            self.walk(child)

    def _inline_text(self, element) -> str:
        inner = _HtmlBlockBuilder()
        inner._children(element)
        inner.flush()
        return "\n".join(block.text for block in inner.blocks)

    def _table(self, element) -> None:
        self.flush()
        single = _single_cell(element)
        if single is not None:
            # A one-cell table is a box drawn around text, not data: read its content as paragraphs.
            self._children(single)
            self.flush()
            return
        rows = html_table_rows(element)
        if rows:
            self._emit("table", table_text(rows), rows=rows)

    def _furniture(self, element) -> None:
        self.flush()
        inner = _HtmlBlockBuilder()
        inner._children(element)
        inner.flush()
        for block in inner.blocks:
            self.furniture.append(Block("page_furniture", block.text, 1, style=_tag(element)))

    def flush(self) -> None:
        lines = (line.strip() for line in "".join(self.pending).split("\n"))
        self.pending = []
        self._emit("paragraph", "\n".join(line for line in lines if line))

    def _emit(self, kind, text: str, *, level: int | None = None, rows=None) -> None:
        if text.strip():
            self.blocks.append(Block(kind=kind, text=text.strip(), page=1, level=level, rows=rows))


def _tag(element) -> str | None:
    """Lower-case tag name, or None for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else None


def _inside(element, tags: set[str]) -> bool:
    return any(_tag(ancestor) in tags for ancestor in element.iterancestors())


def _input_glyph(element) -> str:
    if (element.get("type") or "").lower() != "checkbox":
        return ""
    return CHECKED_BOX if element.get("checked") is not None else UNCHECKED_BOX


def _table_rows(table) -> list:
    """This table's own rows (through thead/tbody/tfoot), not those of tables nested in its cells."""
    return [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]


def _table_cells(row) -> list:
    return [cell for cell in row if _tag(cell) in ("td", "th")]


def _single_cell(table):
    rows = _table_rows(table)
    cells = _table_cells(rows[0]) if len(rows) == 1 else []
    return cells[0] if len(cells) == 1 else None


def html_table_rows(table) -> tuple[tuple[str, ...], ...]:
    rows = []
    for row in _table_rows(table):
        cells = [html_cell_text(cell) for cell in _table_cells(row)]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(tuple(cells))
    return tuple(rows)


def html_cell_text(cell) -> str:
    """Cell content as lines: paragraphs and list items (bulleted) each a line, nested tables flattened."""
    inner = _HtmlBlockBuilder()
    inner._children(cell)
    inner.flush()
    return "\n".join(_cell_line(block) for block in inner.blocks)


def _cell_line(block: Block) -> str:
    if block.kind == "list_item":
        return f"• {block.text}"
    if block.kind == "table" and block.rows:
        return "\n".join(NESTED_CELL_SEPARATOR.join(row) for row in block.rows)
    return block.text


MAX_HTML_DEPTH = 120
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
             "track", "wbr"}
# Wrappers that only group: beyond MAX_HTML_DEPTH their tags are dropped and their content kept.
WRAPPER_TAGS = {"div", "span", "font", "section", "article", "main", "aside", "center", "b", "i", "u", "em",
                "strong", "small", "big", "blockquote", "form", "fieldset", "details", "a", "label"}


def flatten_nesting(markup: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    """The markup with wrapper tags beyond `max_depth` levels removed (their text and other tags kept)."""
    from html.parser import HTMLParser

    out: list[str] = []
    open_tags: list[tuple[str, bool]] = []  # (tag, written)

    class Flattener(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in VOID_TAGS:
                out.append(self.get_starttag_text() or "")
                return
            written = not (tag in WRAPPER_TAGS and sum(w for _, w in open_tags) >= max_depth)
            open_tags.append((tag, written))
            if written:
                out.append(self.get_starttag_text() or "")

        def handle_endtag(self, tag):
            for index in range(len(open_tags) - 1, -1, -1):
                if open_tags[index][0] == tag:
                    written = open_tags[index][1]
                    del open_tags[index:]
                    if written:
                        out.append(f"</{tag}>")
                    return

        def handle_startendtag(self, tag, attrs):
            out.append(self.get_starttag_text() or "")

        def handle_data(self, data):
            out.append(html.escape(data, quote=False))

        def handle_entityref(self, name):
            out.append(f"&{name};")

        def handle_charref(self, name):
            out.append(f"&#{name};")

    flattener = Flattener(convert_charrefs=False)
    flattener.feed(markup)
    flattener.close()
    return "".join(out)


def _html_title(root) -> str | None:
    title = root.find(".//title")
    text = WHITESPACE.sub(" ", title.text_content()).strip() if title is not None else ""
    return text or None


def parse_html(markup: str) -> tuple[list[Block], list[Block], str | None]:
    import lxml.etree
    import lxml.html

    # lxml refuses str input that still declares an encoding; the bytes are already decoded.
    markup = XML_DECLARATION.sub("", markup, count=1)
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
        if any("depth" in entry.message.lower() for entry in parser.error_log):
            # libxml2 stops reading at 256 levels of nesting and drops the rest of the page.
            root = lxml.html.document_fromstring(flatten_nesting(markup))
    except lxml.etree.ParserError as error:
        raise NoTextLayer("The HTML page has no visible text.", reason="empty_file") from error
    builder = _HtmlBlockBuilder()
    builder.walk(root)
    builder.flush()
    return builder.blocks, builder.furniture, _html_title(root)


def read_html(path: str | Path) -> RawDocument:
    """Read an .html/.htm file: headings, paragraphs, list items and tables; scripts and styles dropped."""
    data = Path(path).read_bytes()
    decoded = decode_bytes(data)
    warnings = decoding_warnings(data, decoded)
    markup = normalise_newlines(decoded)
    if not markup.strip():
        raise NoTextLayer("The file is empty.", reason="empty_file")
    blocks, furniture, title = parse_html(markup)
    if not blocks:
        raise NoTextLayer("The HTML page has no visible text.", reason="empty_file")
    return RawDocument(
        format="html", n_pages=1, blocks=tuple(blocks), furniture=tuple(furniture), title=title,
        warnings=warnings,
    )
