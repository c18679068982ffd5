"""Page geometry for the PDF reader: furniture, columns, lines, paragraphs, headings, hyphens.

Pure functions over small records, so the layout rules can be tested without a PDF.  Coordinates are
top-down like pdfplumber's (y grows down the page), in PDF points.  `pdf.py` fills the records from
pypdfium2 (and pdfplumber for ruled tables) and calls `layout_document`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from pipeline.records import Block

# A glyph that starts a list item and is not part of the text.  Private-use characters are the
# Symbol/Wingdings bullets Word emits (U+F0B7, U+F0A7 ...).
GLYPH_BULLET = re.compile(r"^([•▪■●◦○◆♦➢➤►▸✓✔·*\-–o]|[\ue000-\uf8ff])\s+(?=\S)")
# Numbering labels start a list item but stay in the text: "1)", "(a)", "a.", "ii.", "3.".
NUMBER_LABEL = re.compile(r"^(\(?(\d{1,2}|[a-z]|[ivx]{1,4})\)|(\d{1,2}|[a-z]|[ivx]{1,4})\.)\s+(?=\S)")
SENTENCE_END = re.compile(r"[.!?:;]['\")’”]?$")
PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(page\s*)?#+(\s*(of|/)\s*#+)?[-–—\s]*$|^#+\s*\|\s*page$|^page\s*\|\s*#+$"
)
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

# Words split after these at a line end are compounds ("non-elective", "co-ordination"): word
# processors wrap at a real hyphen far more often than they hyphenate a word.
COMPOUND_PREFIXES = frozenset(
    {"non", "co", "multi", "self", "cross", "well", "long", "short", "top", "anti", "ex"}
)
MARGIN_ZONE = 0.12  # running headers/footers live in the top and bottom 12% of a page
MAX_HEADING_CHARS = 150


@dataclass(frozen=True)
class Segment:
    """A run of text on one line in one font: one pdfium text rectangle."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class TableBox:
    """A ruled table found by pdfplumber, with its cells already turned into strings."""

    x0: float
    y0: float
    x1: float
    y1: float
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PageContent:
    number: int
    width: float
    height: float
    segments: tuple[Segment, ...]
    tables: tuple[TableBox, ...] = ()
    n_repeated: int = 0  # runs dropped because the same text was drawn again on the same spot


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class Draft:
    """A paragraph, list item or table before heading levels (which need the whole document) are known."""

    kind: str
    text: str
    page: int
    size: float
    bold: bool
    n_lines: int
    rows: tuple[tuple[str, ...], ...] | None = None


# --- lines -----------------------------------------------------------------------------------------


def group_lines(segments: list[Segment]) -> list[Line]:
    """Segments sharing a baseline band become one line, read left to right."""
    groups: list[list[Segment]] = []
    main: Segment | None = None  # the line's longest segment so far (the first of equals), its band
    for seg in sorted(_without_footnote_marks(segments), key=lambda s: (s.y0 + s.y1) / 2):
        centre = (seg.y0 + seg.y1) / 2
        if main is not None and main.y0 <= centre <= main.y1:
            groups[-1].append(seg)
            if len(seg.text) > len(main.text):
                main = seg
            continue
        groups.append([seg])
        main = seg
    return [_make_line(group) for group in groups]


def _without_footnote_marks(segments: list[Segment]) -> list[Segment]:
    """Drop superscript reference numbers: they would glue onto words ("England11") or make lines."""
    marks = [s for s in segments if s.text.strip().isdigit() and len(s.text.strip()) <= 3]
    if not marks:
        return segments
    drop = {id(mark) for mark in marks if _is_footnote_mark(mark, segments)}
    return [s for s in segments if id(s) not in drop]


def _is_footnote_mark(mark: Segment, segments: list[Segment]) -> bool:
    """A small raised number right beside a run of normal text (checked against every segment of the
    page, so the mark's own figures are worked out once)."""
    size, top, bottom, x0, x1 = mark.size, mark.y0, mark.y1, mark.x0 - 3, mark.x1 + 3
    return any(size <= 0.75 * main.size and top < main.y0 + 0.5 * (main.y1 - main.y0)
               and bottom <= main.y1 + 1 and x0 <= main.x1 and main.x0 <= x1 for main in segments)


def _make_line(group: list[Segment]) -> Line:
    group = sorted(group, key=lambda s: s.x0)
    main = max(group, key=lambda s: len(s.text.strip()))
    parts: list[str] = []
    prev: Segment | None = None
    for seg in group:
        if prev is not None and seg.x0 - prev.x1 > 0.12 * main.size:
            parts.append(" ")
        parts.append(seg.text)
        prev = seg
    text = " ".join("".join(parts).split())
    return Line(group[0].x0, min(s.y0 for s in group), max(s.x1 for s in group),
                max(s.y1 for s in group), text, main.size, main.bold)


# --- furniture -------------------------------------------------------------------------------------


def furniture_key(text: str) -> str:
    """Running headers differ only in numbers ("Page 3 of 19"), so compare them with digits masked."""
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def find_furniture(pages: list[PageContent]) -> tuple[set[tuple[int, int]], list[Block]]:
    """Ids (page index, segment index) of header/footer segments, and the furniture blocks they make.

    A margin row is furniture when its digit-masked text recurs on many pages, or when it is one of
    the two outermost rows and reads as a page number.  Two guards keep the body: a row that reads as
    a sentence and whose exact wording is on no other page ("12.1 The board noted the report.") is
    body, however its form repeats; and a page is never emptied by furniture other than page numbers.
    """
    candidates: list[tuple[int, list[int], str, bool]] = []
    for p_index, page in enumerate(pages):
        for ids, text, outermost in _margin_rows(page):
            candidates.append((p_index, ids, text, outermost))
    pages_per_key: dict[str, set[int]] = {}
    pages_per_text: dict[str, set[int]] = {}
    for p_index, _ids, text, _outer in candidates:
        pages_per_key.setdefault(furniture_key(text), set()).add(p_index)
        pages_per_text.setdefault(" ".join(text.split()), set()).add(p_index)
    min_repeats = max(2, round(0.4 * len(pages))) if len(pages) >= 3 else len(pages) + 1
    chosen: list[tuple[int, list[int], str, bool]] = []
    for p_index, ids, text, outermost in candidates:
        key = furniture_key(text)
        if outermost and PAGE_NUMBER.match(key):
            chosen.append((p_index, ids, text, True))
        elif len(pages_per_key[key]) >= min_repeats and not (
                _reads_as_sentence(text) and len(pages_per_text[" ".join(text.split())]) == 1):
            chosen.append((p_index, ids, text, False))
    chosen = _keep_body_of_emptied_pages(pages, chosen)
    drop = {(p_index, i) for p_index, ids, _text, _number in chosen for i in ids}
    blocks = [Block("page_furniture", text, pages[p_index].number) for p_index, _ids, text, _n in chosen]
    return drop, blocks


def _reads_as_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text.strip())) and len(WORD.findall(text)) >= 5


def _keep_body_of_emptied_pages(pages: list[PageContent], chosen: list) -> list:
    """Drop only page numbers from a page whose every segment was chosen as furniture."""
    chosen_ids: dict[int, int] = {}
    for p_index, ids, _text, _number in chosen:
        chosen_ids[p_index] = chosen_ids.get(p_index, 0) + len(ids)
    emptied = {p for p, n in chosen_ids.items() if n >= len(pages[p].segments)}
    return [row for row in chosen if row[0] not in emptied or row[3]]


def _margin_rows(page: PageContent) -> list[tuple[list[int], str, bool]]:
    """Rows of segments in the top and bottom margins: (segment indexes, text, is one of the outer two)."""
    top_limit = page.height * MARGIN_ZONE
    bottom_limit = page.height * (1 - MARGIN_ZONE)
    top = [i for i, s in enumerate(page.segments) if s.y1 <= top_limit]
    bottom = [i for i, s in enumerate(page.segments) if s.y0 >= bottom_limit]
    rows = []
    for zone, outer_first in ((top, True), (bottom, False)):
        zone_rows = _rows_of(page.segments, zone)
        if not outer_first:
            zone_rows.reverse()
        for rank, ids in enumerate(zone_rows[:3]):
            text = _make_line([page.segments[i] for i in ids]).text
            rows.append((ids, text, rank < 2))
    return rows


def _rows_of(segments: tuple[Segment, ...], ids: list[int]) -> list[list[int]]:
    rows: list[list[int]] = []
    for i in sorted(ids, key=lambda i: (segments[i].y0 + segments[i].y1) / 2):
        centre = (segments[i].y0 + segments[i].y1) / 2
        if rows and segments[rows[-1][0]].y0 <= centre <= segments[rows[-1][0]].y1:
            rows[-1].append(i)
        else:
            rows.append([i])
    return rows


# --- columns ---------------------------------------------------------------------------------------


def reading_order(boxes: list, depth: int = 0) -> list[list]:
    """Split boxes (segments and tables) into flows read one after another.

    When a clear vertical gutter divides the boxes, the page is cut into bands at boxes that cross
    it (full-width titles, tables); within each band the left column is read before the right one.
    """
    gutter = find_gutter(boxes) if depth < 2 else None
    if gutter is None:
        return [sorted(boxes, key=lambda b: (b.y0, b.x0))]
    flows: list[list] = []
    band: list = []
    spanning: list = []
    for box in sorted(boxes, key=lambda b: (b.y0, b.x0)):
        if box.x0 < gutter < box.x1:
            if band:
                flows.extend(_read_band(band, gutter, depth))
                band = []
            spanning.append(box)
        else:
            if spanning:
                flows.append(spanning)
                spanning = []
            band.append(box)
    if band:
        flows.extend(_read_band(band, gutter, depth))
    if spanning:
        flows.append(spanning)
    return flows


def _read_band(band: list, gutter: float, depth: int) -> list[list]:
    left = [b for b in band if b.x1 <= gutter]
    right = [b for b in band if b.x0 >= gutter]
    flows: list[list] = []
    for side in (left, right):
        if side:
            flows.extend(reading_order(side, depth + 1))
    return flows


def find_gutter(boxes: list) -> float | None:
    """x of a gap between two text columns, or None for a single-column layout.

    Coverage of each x by boxes is counted; a gutter is a run at least 6 pt wide in the middle of
    the text area crossed by few boxes, with real columns on both sides: lines on each side that
    reach close to the gap (a form's short labels beside their values do not) and sit side by side.
    """
    if len(boxes) < 8:
        return None
    xmin = int(min(b.x0 for b in boxes))
    xmax = int(max(b.x1 for b in boxes)) + 1
    span = xmax - xmin
    if span < 200:
        return None
    coverage = _coverage(boxes, xmin, xmax)
    limit = max(2, len(boxes) // 5)  # full-width titles and tables may cross the gutter
    best: tuple[float, float] | None = None
    for start, end in _low_runs(coverage, limit, int(0.2 * span), int(0.8 * span)):
        if end - start < 6:
            continue
        gutter = xmin + (start + end) / 2
        if _columns_valid(boxes, gutter, xmin + start, xmin + end):
            score = sum(coverage[start:end]) / (end - start)
            if best is None or score < best[0]:
                best = (score, gutter)
    return best[1] if best else None


def _coverage(boxes: list, xmin: int, xmax: int) -> list[int]:
    diff = [0] * (xmax - xmin + 2)
    for b in boxes:
        diff[max(0, int(b.x0) - xmin + 1)] += 1
        diff[int(b.x1) - xmin] -= 1
    coverage, running = [], 0
    for step in diff:
        running += step
        coverage.append(running)
    return coverage


def _low_runs(coverage: list[int], limit: int, lo: int, hi: int) -> list[tuple[int, int]]:
    runs, start = [], None
    for x in range(lo, hi):
        if coverage[x] <= limit:
            start = x if start is None else start
        elif start is not None:
            runs.append((start, x))
            start = None
    if start is not None:
        runs.append((start, hi))
    return runs


def _columns_valid(boxes: list, gutter: float, gap_start: float, gap_end: float) -> bool:
    left = [b for b in boxes if b.x1 <= gutter]
    right = [b for b in boxes if b.x0 >= gutter]
    if len(left) < 4 or len(right) < 4:
        return False
    left_x0 = min(b.x0 for b in left)
    # Left-column lines run up to the gutter; labels of a key/value form stop well short of it.
    if median(b.x1 for b in left) < gap_start - 0.35 * (gap_start - left_x0):
        return False
    right_x1 = max(b.x1 for b in right)
    if median(b.x1 - b.x0 for b in right) < 0.3 * (right_x1 - gap_end):
        return False
    top = max(min(b.y0 for b in left), min(b.y0 for b in right))
    bottom = min(max(b.y1 for b in left), max(b.y1 for b in right))
    return bottom - top > 0


# --- paragraphs ------------------------------------------------------------------------------------


def vocabulary(pages: list[PageContent]) -> set[str]:
    """Every word and hyphenated compound in the document, lower-cased, for hyphen repair."""
    # One search over all the text: a newline between runs cannot join two words.
    text = "\n".join(seg.text for page in pages for seg in page.segments)
    return {word.lower() for word in WORD.findall(text)}


def join_broken_line(left: str, right: str, vocab: set[str]) -> str:
    """Join two lines of one paragraph, repairing a word hyphenated at the line end.

    "infra-" + "structure" -> "infrastructure"; "top-" + "down" stays "top-down" when the document
    spells "top-down" elsewhere but never "topdown", or when the first part is a compound prefix.
    A hyphen after a digit ("Covid-" + "19") is kept without a space.
    """
    if not left:
        return right
    if not left.endswith("-") or len(left) < 2 or left[-2] == " ":
        return f"{left} {right}"
    before, first = left[-2], right[:1]
    if before.islower() and first.islower():
        head = re.search(r"[A-Za-z]+$", left[:-1])
        tail = re.match(r"[A-Za-z]+", right)
        if head and tail:
            joined = (head.group() + tail.group()).lower()
            hyphenated = f"{head.group()}-{tail.group()}".lower()
            if joined not in vocab and (hyphenated in vocab or head.group().lower() in COMPOUND_PREFIXES):
                return left + right
        return left[:-1] + right
    if before.isalnum() and first.isalnum():
        return left + right
    return f"{left} {right}"


def list_marker(text: str) -> tuple[bool, str]:
    """(starts a list item, text without a glyph bullet).  Numbering labels stay in the text."""
    glyph = GLYPH_BULLET.match(text)
    if glyph:
        return True, text[glyph.end():]
    return bool(NUMBER_LABEL.match(text)), text


def flow_drafts(flow: list, page: int, vocab: set[str]) -> list[Draft]:
    """Blocks of one column flow: tables as they are, the segments between them as paragraphs."""
    drafts: list[Draft] = []
    pending: list[Segment] = []
    for box in flow:
        if isinstance(box, TableBox):
            drafts.extend(paragraph_drafts(group_lines(pending), page, vocab))
            pending = []
            drafts.append(_table_draft(box, page, vocab))
        else:
            pending.append(box)
    drafts.extend(paragraph_drafts(group_lines(pending), page, vocab))
    return drafts


def _table_draft(table: TableBox, page: int, vocab: set[str]) -> Draft:
    rows = tuple(trim_row(tuple(clean_cell(cell, vocab) for cell in row)) for row in table.rows)
    text = "\n".join("\t".join(row) for row in rows)
    return Draft("table", text, page, 0.0, False, len(rows), rows=rows)


def trim_row(row: tuple[str, ...]) -> tuple[str, ...]:
    """Trailing empty cells dropped, as the DOCX and text readers do, so formats give the same rows."""
    end = len(row)
    while end > 1 and not row[end - 1]:
        end -= 1
    return row[:end]


def clean_cell(cell: str, vocab: set[str]) -> str:
    """A cell's wrapped lines joined into one string, hyphenation repaired as in paragraphs."""
    text = ""
    for line in cell.splitlines():
        line = " ".join(line.split())
        if line:
            text = join_broken_line(text, line, vocab)
    return text


def paragraph_drafts(lines: list[Line], page: int, vocab: set[str]) -> list[Draft]:
    """Join lines into paragraphs and list items; a gap, indent, font change or bullet splits them."""
    if not lines:
        return []
    normal_gap = _normal_gap(lines)
    right_edge = max(line.x1 for line in lines)
    width = right_edge - min(line.x0 for line in lines)
    drafts: list[Draft] = []
    current: list[Line] = []
    is_item = False
    for line in lines:
        starts_item, _ = list_marker(line.text)
        if starts_item and current and _is_dash_continuation(current[-1], line, is_item):
            starts_item = False
        if current and not starts_item and not _breaks(current, line, is_item, normal_gap, right_edge, width):
            current.append(line)
            continue
        if current:
            drafts.append(_paragraph_draft(current, is_item, page, vocab))
        current, is_item = [line], starts_item
    drafts.append(_paragraph_draft(current, is_item, page, vocab))
    return drafts


def _is_dash_continuation(prev: Line, line: Line, is_item: bool) -> bool:
    """A line opening with a dash inside a running sentence ("services\n– for example") is not a bullet."""
    mid_sentence = not is_item and not SENTENCE_END.search(prev.text)
    return line.text[:1] in "-–" and mid_sentence and line.x0 <= prev.x0 + 1


def _normal_gap(lines: list[Line]) -> float:
    """Typical space between consecutive lines of one paragraph in this flow."""
    gaps = [b.y0 - a.y1 for a, b in zip(lines, lines[1:], strict=False)
            if abs(a.size - b.size) < 0.6 and -0.3 * a.size < b.y0 - a.y1 < 1.2 * a.size]
    return median(gaps) if gaps else 0.2 * lines[0].size


def _breaks(current: list[Line], line: Line, is_item: bool, normal_gap: float,
            right_edge: float, width: float) -> bool:
    prev = current[-1]
    size = max(prev.size, line.size)
    hanging = is_item and line.x0 >= current[0].x0 + 0.3 * size
    # A list item's wrapped line hangs past its bullet whatever its weight; elsewhere bold starts a heading.
    if abs(prev.size - line.size) >= 0.6 or (prev.bold != line.bold and not hanging):
        return True
    if line.y0 - prev.y1 > normal_gap + 0.45 * size:
        return True
    # A sentence ending well short of the right edge ends its paragraph even without extra space.
    if SENTENCE_END.search(prev.text) and prev.x1 < right_edge - max(0.15 * width, 3 * size):
        return True
    # A line stopping before mid-width ("3.3.1 Questions") is a title or a paragraph's last line.
    if prev.x1 < right_edge - 0.5 * width:
        return True
    if is_item:
        return line.x0 < current[0].x0 + 0.3 * size  # continuation lines hang past the bullet
    return line.x0 > prev.x0 + 0.8 * size  # first-line indent of the next paragraph


def _paragraph_draft(lines: list[Line], is_item: bool, page: int, vocab: set[str]) -> Draft:
    text = ""
    for line in lines:
        text = join_broken_line(text, line.text, vocab)
    if is_item:
        text = list_marker(text)[1]
    main = max(lines, key=lambda line: len(line.text))
    kind = "list_item" if is_item else "paragraph"
    return Draft(kind, text, page, main.size, all(line.bold for line in lines), len(lines))


# --- headings and assembly -------------------------------------------------------------------------


def body_size(pages: list[PageContent]) -> float:
    """The font size carrying most characters in the document (rounded to half points)."""
    weights: Counter[float] = Counter()
    for page in pages:
        for seg in page.segments:
            weights[round(seg.size * 2) / 2] += len(seg.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def is_heading_draft(draft: Draft, body: float) -> bool:
    if draft.kind == "table" or len(draft.text) > MAX_HEADING_CHARS or not re.search(r"[A-Za-z]", draft.text):
        return False
    if draft.size >= body + 0.9:
        return draft.n_lines <= 3
    return draft.bold and draft.size >= body - 0.5 and draft.n_lines <= 2


def heading_levels(drafts: list[Draft], body: float) -> dict[float, int]:
    """Rank the distinct heading sizes larger than body text: largest -> 1, then 2, the rest 3."""
    sizes = sorted({round(d.size * 2) / 2 for d in drafts
                    if is_heading_draft(d, body) and d.size >= body + 0.9}, reverse=True)
    return {size: min(rank + 1, 3) for rank, size in enumerate(sizes)}


def to_block(draft: Draft, body: float, levels: dict[float, int]) -> Block:
    if draft.kind == "table":
        return Block("table", draft.text, draft.page, rows=draft.rows)
    style = f"{draft.size:.1f}pt" + (" bold" if draft.bold else "")
    if is_heading_draft(draft, body):
        level = levels.get(round(draft.size * 2) / 2, min(len(levels) + 1, 3))
        return Block("heading", draft.text, draft.page, level=level, style=style)
    return Block(draft.kind, draft.text, draft.page, style=style)  # type: ignore[arg-type]


def page_drafts(page: PageContent, p_index: int, drop: set[tuple[int, int]], vocab: set[str]) -> list[Draft]:
    """Reading-ordered drafts of one page, furniture and text inside tables left out."""
    segments = [seg for i, seg in enumerate(page.segments)
                if (p_index, i) not in drop and not _inside_table(seg, page.tables)]
    drafts: list[Draft] = []
    for flow in reading_order([*segments, *page.tables]):
        drafts.extend(flow_drafts(flow, page.number, vocab))
    return drafts


def _inside_table(seg: Segment, tables: tuple[TableBox, ...]) -> bool:
    cx, cy = (seg.x0 + seg.x1) / 2, (seg.y0 + seg.y1) / 2
    return any(t.x0 - 1 <= cx <= t.x1 + 1 and t.y0 - 1 <= cy <= t.y1 + 1 for t in tables)


def layout_document(pages: list[PageContent]) -> tuple[tuple[Block, ...], tuple[Block, ...]]:
    """(blocks in reading order, page furniture) for a whole document."""
    drop, furniture = find_furniture(pages)
    vocab = vocabulary(pages)
    drafts = [d for p_index, page in enumerate(pages) for d in page_drafts(page, p_index, drop, vocab)]
    drafts = [d for d in drafts if d.text.strip()]
    body = body_size(pages)
    levels = heading_levels(drafts, body)
    return tuple(to_block(d, body, levels) for d in drafts), tuple(furniture)
