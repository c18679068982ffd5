"""Sections from a heading stack over the placed blocks.

A heading's level comes from its numbering scheme ("6" / "6.2" / "6.2.1", "A.", "1)", "Section C"), or
from the reader's style level, or it is a short stand-alone title line.  The stack keeps one entry per
scheme on the current path, as docling's `heading_by_level` does: a heading of a scheme already on the
stack closes everything below it, a new scheme opens a deeper level.  Cover-sheet tables and other tables
become sections of their own under the current heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .datafiles import read_yaml
from .records import Block, ParsedDocument, PlacedBlock, Section
from .textutil import collapse

NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<dot>[.)]?)\s+(?P<title>\S.*)$")
LETTERED = re.compile(r"^(?P<num>[A-Z])(?P<dot>[.)])\s+(?P<title>\S.*)$")
ROMAN = re.compile(r"^(?P<num>(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii))(?P<dot>[.)])\s+(?P<title>\S.*)$",
                   re.IGNORECASE)
NAMED_PART = re.compile(r"^(?P<word>section|part|appendix|annex|schedule)\s+(?P<num>[A-Z0-9]{1,4})\b[.:\s-]*",
                        re.IGNORECASE)
MARKDOWN = re.compile(r"^(?P<hashes>#{1,6})\s+\S")
SENTENCE_END = re.compile(r"[.;:,]$")


@dataclass(frozen=True)
class SectionRules:
    cover_labels: frozenset[str]
    cover_min_labels: int
    checkbox_glyphs: str
    heading_words: frozenset[str]
    max_heading_words: int
    max_heading_chars: int


@lru_cache(maxsize=1)
def load_rules() -> SectionRules:
    data = read_yaml("sections.yaml")
    return SectionRules(
        cover_labels=frozenset(label.lower() for label in data["cover_labels"]),
        cover_min_labels=int(data["cover_min_labels"]),
        checkbox_glyphs=data["checkbox_glyphs"],
        heading_words=frozenset(word.lower() for word in data["heading_words"]),
        max_heading_words=int(data["max_heading_words"]),
        max_heading_chars=int(data["max_heading_chars"]),
    )


@dataclass(frozen=True)
class HeadingMark:
    """A block recognised as a heading: its scheme (what kind of numbering) and depth within it."""

    scheme: str
    depth: int


def _strip_emphasis(text: str) -> str:
    return text.replace("**", "").strip().strip("*").strip()


def _is_short_line(text: str, rules: SectionRules) -> bool:
    return (
        "\n" not in text
        and len(text) <= rules.max_heading_chars
        and len(text.split()) <= rules.max_heading_words
    )


def _title_like(title: str) -> bool:
    """A title line: starts with a capital, does not end like a sentence, and is not mostly digits."""
    if not title or not title[0].isupper() or SENTENCE_END.search(title):
        return False
    letters = sum(ch.isalpha() for ch in title)
    return letters >= max(3, len(title) // 2)


def heading_mark(block: Block, rules: SectionRules | None = None) -> HeadingMark | None:
    """Is this block a heading, and of which scheme?  None for body text."""
    rules = rules or load_rules()
    if block.kind in ("table", "page_furniture", "cover_field"):
        return None
    text = _strip_emphasis(block.text)
    if not text or not _is_short_line(text, rules):
        return None
    if block.kind == "list_item":
        return None
    markdown = MARKDOWN.match(text)
    if markdown:
        return HeadingMark("markdown", len(markdown["hashes"]))
    numbered = _numbered_mark(text)
    if numbered is not None:
        return numbered
    if text.lower().rstrip(":") in rules.heading_words:
        return HeadingMark("named", 1)
    if block.kind == "heading" and not SENTENCE_END.search(text):
        return HeadingMark(f"styled{block.level or 1}", 1)
    if block.kind == "paragraph" and _title_like(text) and len(text.split()) <= 8 and text[-1] not in ".?!":
        return HeadingMark("plain", 1)
    return None


def _numbered_mark(text: str) -> HeadingMark | None:
    match = NUMBERED.match(text)
    if match and match["dot"] == ")":
        return HeadingMark("paren", 1) if _title_like(match["title"]) else None
    if match and _title_like(match["title"].rstrip(".")):
        return HeadingMark("number", match["num"].count(".") + 1)
    match = LETTERED.match(text)
    if match and _title_like(match["title"].rstrip(".")):
        return HeadingMark("letter", 1)
    match = ROMAN.match(text)
    if match and _title_like(match["title"].rstrip(".")):
        return HeadingMark("roman", 1)
    match = NAMED_PART.match(text)
    if match and len(text) <= 80:
        return HeadingMark(f"part:{match['word'].lower()}", 1)
    return None


RUN_LABEL = re.compile(r"^(?:[-•]\s*)?(?P<num>\d{1,2}|[A-Za-z])(?P<dot>[.)])\s")


def _run_label(text: str) -> tuple[int, str] | None:
    match = RUN_LABEL.match(text)
    if not match:
        return None
    num = match["num"]
    return (int(num) if num.isdigit() else ord(num.lower()) - ord("a") + 1), match["dot"]


def in_numbered_run(text: str, before: str | None, after: str | None) -> bool:
    """"1) ..." directly followed by "2) ..." (or preceded by its predecessor) is a list, not headings."""
    label = _run_label(text)
    if label is None:
        return False
    number, dot = label
    return _run_label(before or "") == (number - 1, dot) or _run_label(after or "") == (number + 1, dot)


def is_cover_table(block: Block, rules: SectionRules | None = None) -> bool:
    rules = rules or load_rules()
    if block.kind != "table" or not block.rows:
        return False
    if any(glyph in block.text for glyph in rules.checkbox_glyphs):
        return True
    labels = {_cover_key(row[0]) for row in block.rows if row}
    labels |= {_cover_key(row[2]) for row in block.rows if len(row) > 2}
    return len(labels & rules.cover_labels) >= rules.cover_min_labels


def _cover_key(cell: str) -> str:
    return collapse(cell.replace(":", " ")).lower()


NUMBERED_SCHEMES = frozenset({"number", "paren", "letter", "roman"})


class HeadingStack:
    """The open headings on the current path: (scheme, depth, section index) from the top down."""

    def __init__(self) -> None:
        self.entries: list[tuple[HeadingMark, int]] = []

    def push(self, mark: HeadingMark, index: int, *, top_is_empty: bool = False) -> int:
        """Close what this heading ends, open it, and return its level (1 = top).

        A heading closes the open heading of its own scheme (and what is under it).  Papers often put
        the same unnumbered sub-headings ("Overview", "Progress") under every numbered item, in a style
        also used higher up; so an unnumbered heading straight after a numbered one (`top_is_empty`:
        nothing between them) opens inside it, and its later siblings close only it.
        """
        same = [p for p, (m, _) in enumerate(self.entries)
                if m.scheme == mark.scheme and m.depth >= mark.depth]
        numbered = [p for p, (m, _) in enumerate(self.entries) if m.scheme in NUMBERED_SCHEMES]
        inside_item = [p for p in same if numbered and p > numbered[-1]]
        opens_empty_item = (top_is_empty and mark.scheme not in NUMBERED_SCHEMES
                            and bool(numbered) and numbered[-1] == len(self.entries) - 1)
        if inside_item:
            del self.entries[inside_item[0]:]
        elif same and not opens_empty_item:
            del self.entries[same[0]:]
        elif not same and (mark.scheme.startswith("part:") or mark.scheme == "markdown" and mark.depth == 1):
            self.entries.clear()
        self.entries.append((mark, index))
        return len(self.entries)

    def parent_index(self) -> int | None:
        return self.entries[-2][1] if len(self.entries) >= 2 else None

    def top_index(self) -> int | None:
        return self.entries[-1][1] if self.entries else None


@dataclass
class _Draft:
    heading: str | None
    level: int
    kind: str
    parent: int | None
    path: tuple[str, ...]
    blocks: list[PlacedBlock]


def build_sections(doc_id: str, parsed: ParsedDocument) -> tuple[Section, ...]:
    """Group the document's blocks into sections with heading paths and page/character spans."""
    rules = load_rules()
    drafts: list[_Draft] = []
    stack = HeadingStack()
    current: _Draft | None = None
    blocks = parsed.blocks
    for index, placed in enumerate(blocks):
        block = placed.block
        mark = heading_mark(block, rules)
        if mark is not None and mark.scheme in ("paren", "number", "letter") and mark.depth == 1:
            before = blocks[index - 1].block.text if index else None
            after = blocks[index + 1].block.text if index + 1 < len(blocks) else None
            if in_numbered_run(_strip_emphasis(block.text), before, after):
                mark = None
        if mark is not None:
            top = stack.top_index()
            top_is_empty = top is not None and top == len(drafts) - 1 and len(drafts[top].blocks) == 1
            level = stack.push(mark, len(drafts), top_is_empty=top_is_empty)
            parent = stack.parent_index()
            heading = _strip_emphasis(block.text)
            path = (drafts[parent].path if parent is not None else ()) + (heading,)
            current = _Draft(heading, level, "body", parent, path, [placed])
            drafts.append(current)
        elif block.kind == "table":
            owner = stack.top_index()
            kind = "cover_sheet" if is_cover_table(block, rules) else "table"
            path = drafts[owner].path if owner is not None else ()
            level = (drafts[owner].level + 1) if owner is not None else 1
            drafts.append(_Draft(None, level, kind, owner, path, [placed]))
            current = None
        else:
            if current is None:
                current = _continuation(drafts, stack)
                drafts.append(current)
            current.blocks.append(placed)
    return tuple(_finish(doc_id, parsed, index, draft) for index, draft in enumerate(drafts))


def _continuation(drafts: list[_Draft], stack: HeadingStack) -> _Draft:
    """Text after a table (or before any heading) continues the open heading's path."""
    owner = stack.top_index()
    if owner is None:
        return _Draft(None, 1, "front_matter" if not drafts else "body", None, (), [])
    return _Draft(None, drafts[owner].level + 1, "body", owner, drafts[owner].path, [])


def _finish(doc_id: str, parsed: ParsedDocument, index: int, draft: _Draft) -> Section:
    first, last = draft.blocks[0], draft.blocks[-1]
    pages = [placed.block.page for placed in draft.blocks]
    rows = first.block.rows if draft.kind in ("cover_sheet", "table") else None
    return Section(
        doc_id=doc_id,
        section_id=section_id(index),
        ordinal=index,
        parent_id=section_id(draft.parent) if draft.parent is not None else None,
        heading=draft.heading,
        heading_path=draft.path,
        level=draft.level,
        kind=draft.kind,
        text=parsed.text[first.char_start:last.char_end],
        page_start=min(pages),
        page_end=max(pages),
        char_start=first.char_start,
        char_end=last.char_end,
        rows=rows,
    )


def section_id(index: int) -> str:
    return f"s{index:04d}"
