"""The plain-text reader (.txt, and .md with the Markdown of `markdown.py`).

The plain-text seeds are board papers converted to text: one paragraph per line, tables as runs of
tab-separated lines, lists as "- " / " - " lines, and HTML fragments (checkboxes, <p>, <ul>) left in
some cells.  The reader undoes those conventions the same way `corpus/tools/render_seeds.py` does when
it builds the DOCX rendition, so that the text and Word renditions of a paper give the same blocks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import NoTextLayer
from ..records import Block, RawDocument
from .markdown import (
    MARKDOWN_HEADING,
    MARKDOWN_LINK,
    RULE_LINE,
    join_broken_emphasis,
    setext_level,
    strip_emphasis,
)
from .textual import CHECKED_BOX, UNCHECKED_BOX, read_decoded, table_text

INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
CHECKBOX_TYPE = re.compile(r"\btype\s*=\s*[\"']?checkbox\b", re.IGNORECASE)
CHECKED_ATTRIBUTE = re.compile(r"\schecked\b", re.IGNORECASE)
ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")
# Only tags that carry formatting are removed, so "<5 beds" or "a<b" in prose survive.
INLINE_TAG = re.compile(
    r"</?(?:i|b|u|em|strong|span|font|sup|sub|small|mark|a|div|br|li|ul|ol|p)\b[^>]*/?>", re.IGNORECASE
)
# Entities with their semicolon only: html.unescape alone would turn "&not" in "Salt &nothing" into "¬".
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
SPACES = re.compile(r"[ \t\u00a0]+")


def clean_inline(text: str) -> str:
    """Checkbox inputs to glyphs, formatting tags and **/* emphasis markers dropped, entities decoded."""
    text = INPUT_TAG.sub(lambda match: _checkbox_glyph(match[0]), text)
    text = ANGLE_URL.sub(r"\1", text)
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = INLINE_TAG.sub("", text)
    text = strip_emphasis(text)
    text = ENTITY.sub(lambda m: html.unescape(m[0]), text)
    return SPACES.sub(" ", text).strip()


def _checkbox_glyph(input_tag: str) -> str:
    """☐/☒ for a checkbox <input>; other form inputs carry no text."""
    if not CHECKBOX_TYPE.search(input_tag):
        return ""
    return CHECKED_BOX if CHECKED_ATTRIBUTE.search(input_tag) else UNCHECKED_BOX


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
        level = setext_level(line.raw)
        if len(self.plain) == 1 and level is not None:
            title = clean_inline(self.plain.pop().body)
            if title:
                self.emit("heading", title, level=level)
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


def _first_title(blocks: list[Block]) -> str | None:
    return next((block.text for block in blocks if block.kind == "heading" and block.level == 1), None)


def read_text(path: str | Path) -> RawDocument:
    """Read a .txt/.md file into blocks; a form feed starts a new page, otherwise it is all page 1."""
    text, warnings = read_decoded(path)
    pages = split_pages(text)
    blocks = [block for number, page in enumerate(pages, start=1) for block in parse_text_page(page, number)]
    if not blocks:
        raise NoTextLayer("The file has no text once markup is removed.", reason="empty_file")
    return RawDocument(format="text", n_pages=len(pages), blocks=tuple(blocks), title=_first_title(blocks),
                       warnings=warnings)
