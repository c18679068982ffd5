"""Cover sheets: the key/value table at the front of a board paper, and its ticked implication boxes.

Labels are mapped to snake_case keys by `pipeline/data/cover_fields.yaml` ("Date of Meeting" and
"Meeting Date" are both `meeting_date`).  Read from `Section.rows` of `cover_sheet` sections, and from
"Key<TAB>Value" or "Key: Value" lines of their text (and of the first sections of any kind, where only
known labels count, so body text such as "Note: ..." is never taken for a field).  A question answered
with tick boxes ("Are there any financial implications? Yes ☐ No ☐ N/A ☒") becomes a field whose value is
the ticked option (`financial_implications` = "N/A").  The first value of a key wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.datafiles import read_yaml
from pipeline.extract.dates import find_dates
from pipeline.records import CoverField, Section
from pipeline.textutil import alternation, collapse

HTML_CHECKED = re.compile(r"<input\b[^>]*\bchecked\b[^>]*>", re.IGNORECASE)
HTML_BOX = re.compile(r"<input\b[^>]*checkbox[^>]*>", re.IGNORECASE)
TAGS = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)
BYLINE = re.compile(r"^(?P<label>Report of|Report from)\b:?\s+(?P<value>\S.{3,200})$", re.IGNORECASE)
FIRST_SECTIONS = 3


@dataclass(frozen=True)
class CoverSheet:
    """What a paper's cover sheet says; `fields` in the order read, one per key."""

    fields: tuple[CoverField, ...] = ()
    meeting_body: str | None = None
    meeting_date: str | None = None
    title: str | None = None

    def get(self, key: str) -> str | None:
        return next((f.value for f in self.fields if f.field == key), None)


@dataclass(frozen=True)
class _Rules:
    label_key: dict[str, str]
    implications: tuple[tuple[re.Pattern[str], str], ...]
    option: re.Pattern[str]
    mark: re.Pattern[str]
    checked: frozenset[str]
    placeholders: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = read_yaml("cover_fields.yaml")
    label_key = {_label(label): key for key, labels in data["fields"].items() for label in labels}
    marks = alternation(data["checked"] + data["unchecked"], spaces=False)
    return _Rules(
        label_key=label_key,
        implications=tuple((re.compile(i["pattern"], re.IGNORECASE), i["key"]) for i in data["implications"]),
        option=re.compile(rf"(?P<option>{alternation(data['options'], spaces=False)})\s*(?P<mark>{marks})",
                          re.IGNORECASE),
        mark=re.compile(marks),
        checked=frozenset(data["checked"]),
        placeholders=frozenset(p.lower() for p in data["placeholders"]),
    )


def _label(text: str) -> str:
    return collapse(text.strip().rstrip(":")).lower()


def snake_case(text: str, *, max_words: int = 8) -> str:
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    words = re.findall(r"[a-z0-9]+", text)
    return "_".join(words[:max_words])


def _clean(cell: str) -> str:
    cell = HTML_CHECKED.sub(" ☒ ", cell)
    cell = HTML_BOX.sub(" ☐ ", cell)
    return collapse(TAGS.sub(" ", cell))


def _implication_key(rules: _Rules, question: str) -> str:
    for pattern, key in rules.implications:
        if pattern.search(question):
            return key
    question = re.sub(
        r"^(?:are|is|has|have|does|do|will|did|was|were)\s+(?:there\s+)?(?:any\s+|an?\s+)?",
        "",
        question.strip(),
        flags=re.IGNORECASE,
    )
    return snake_case(question)


def _ticked(rules: _Rules, cells: list[str]) -> tuple[str, str] | None:
    """(question, ticked option) for a tick-box row, else None."""
    joined = " ".join(cells[1:]) if len(cells) > 1 else cells[0]
    if not rules.mark.search(joined):
        return None
    question = cells[0] if len(cells) > 1 else rules.option.split(cells[0])[0]
    question = rules.mark.sub("", question).strip()
    ticked = [m.group("option") for m in rules.option.finditer(joined) if m.group("mark") in rules.checked]
    if not question:
        return None
    return question, "/".join(ticked)


def _pairs(rules: _Rules, cells: list[str], *, any_key: bool) -> list[tuple[str, str]]:
    """(key, value) pairs in one table row or tab-separated line."""
    cells = [_clean(c) for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    if not cells:
        return []
    ticked = _ticked(rules, cells)
    if ticked:
        question, value = ticked
        return [(_implication_key(rules, question), value)] if value else []
    pairs = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        key = rules.label_key.get(_label(cell))
        if key is None and ":" in cell:
            head, _, tail = cell.partition(":")
            inline_key = rules.label_key.get(_label(head))
            if inline_key and tail.strip():
                pairs.append((inline_key, tail.strip()))
                i += 1
                continue
        if key is None and any_key and i == 0 and len(cells) > 1 and cell.endswith(("?", ":")):
            key = _implication_key(rules, cell) if cell.endswith("?") else snake_case(cell)
        if key is not None and i + 1 < len(cells):
            value = cells[i + 1]
            if value and _label(value) not in rules.label_key and value.lower() not in rules.placeholders:
                pairs.append((key, value))
            i += 2
            continue
        i += 1
    return pairs


def _text_pairs(rules: _Rules, text: str, *, any_key: bool) -> list[tuple[str, str]]:
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if "\t" in line:
            pairs.extend(_pairs(rules, line.split("\t"), any_key=any_key))
            continue
        byline = BYLINE.match(line.strip())
        if byline:
            pairs.append((rules.label_key[_label(byline.group("label"))], byline.group("value").strip()))
            continue
        if rules.mark.search(_clean(line)):
            pairs.extend(_pairs(rules, [line], any_key=any_key))
            continue
        head, sep, tail = line.partition(":")
        key = rules.label_key.get(_label(head)) if sep else None
        if key and tail.strip() and tail.strip().lower() not in rules.placeholders:
            pairs.append((key, _clean(tail)))
    return pairs


def _meeting_date(value: str | None) -> str | None:
    if not value:
        return None
    dates = [f.norm for f in find_dates(value, default_year=None) if f.norm and not f.flag]
    full = [d for d in dates if len(d) == 10]
    return (full or dates or [None])[0]


def read_cover_sheet(doc_id: str, sections: Sequence[Section]) -> CoverSheet:
    """The cover-sheet fields of one document (empty when it has none)."""
    rules = _rules()
    pairs: list[tuple[str, str]] = []
    for index, section in enumerate(sections):
        is_cover = section.kind == "cover_sheet"
        if not is_cover and index >= FIRST_SECTIONS:
            continue
        for row in section.rows or ():
            pairs.extend(_pairs(rules, list(row), any_key=is_cover))
        pairs.extend(_text_pairs(rules, section.text, any_key=is_cover))
    fields: dict[str, str] = {}
    for key, value in pairs:
        value = value.strip()
        if key and value and key not in fields:
            fields[key] = value
    meeting = fields.get("meeting")
    return CoverSheet(
        fields=tuple(CoverField(doc_id, key, value) for key, value in fields.items()),
        meeting_body=meeting.strip(" .") if meeting else None,
        meeting_date=_meeting_date(fields.get("meeting_date")),
        title=fields.get("title"),
    )
