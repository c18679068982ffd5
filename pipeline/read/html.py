"""The HTML reader: headings, paragraphs, list items and tables from an lxml tree in document order;
scripts and styles dropped, header / footer / nav set apart as page furniture."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import NoTextLayer
from ..records import Block, RawDocument
from .textual import CHECKED_BOX, UNCHECKED_BOX, read_decoded, table_text

NESTED_CELL_SEPARATOR = " | "
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
    markup, warnings = read_decoded(path)
    blocks, furniture, title = parse_html(markup)
    if not blocks:
        raise NoTextLayer("The HTML page has no visible text.", reason="empty_file")
    return RawDocument(
        format="html", n_pages=1, blocks=tuple(blocks), furniture=tuple(furniture), title=title,
        warnings=warnings,
    )
