"""Recommendations, resolutions and decisions: one row per item, with the body it is addressed to.

Three ways an item is found, all driven by the lead-in tables in `pipeline/data/recommendations.yaml`:

1. a sentence that is its own lead-in ("It is recommended that the Board note the report.", "The Cabinet is
   asked to approve ...", "One of the recommendations was ...") → the whole sentence;
2. a label with the item after it on the same line ("RESOLVED: That the minutes be approved.",
   "Decision: to approve ...", a cover-sheet cell "Recommendations<TAB>To note the report") → the text after
   the label, split when it enumerates "(a) ... (b) ...";
3. a lead-in with nothing after it ("The Board is asked to:", "RESOLVED:", a "Recommendations to the Cabinet"
   line or section heading) → each bulleted or numbered item below it, or the first paragraph when none is
   bulleted.  The lead-in ends at the first paragraph that is neither an item nor a further recommendation.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.datafiles import read_yaml
from pipeline.extract.prefilter import Gate, gate_for
from pipeline.records import ParsedDocument, Recommendation, Section

BULLET = re.compile(
    r"[ \t]*(?:[-•*·▪◦‣–—]|\(?\d{1,2}[.)](?!\d)|\(?[a-z][.)]|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])[ \t]+"
)
INLINE_ENUM = re.compile(r"(?:^|(?<=[\s;:,]))\((?:[a-h]|\d{1,2}|i{1,3}|iv|v|vi{1,3})\)\s+")
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9•\-]|\s*$)")
NAME_WORD = r"[A-Z][\w&'’-]*"
SUBJECT_AFTER_THAT = re.compile(
    rf"\s*(?:the\s+)?(?P<body>{NAME_WORD}(?:\s+(?:{NAME_WORD}|and|of|for|&|on))*)"
)
HEADINGISH = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][^.:;!?]{0,80}$")

Kind = str  # "recommendation" | "resolution" | "decision"


@dataclass(frozen=True)
class _Rules:
    heading: re.Pattern[str]
    label: re.Pattern[str]
    sentence: tuple[tuple[re.Pattern[str], str], ...]
    asked: re.Pattern[str] | None
    item_start: re.Pattern[str]
    label_kinds: dict[str, str]
    skip_subjects: frozenset[str]
    anonymous_subjects: frozenset[str]
    min_label_words: int
    gates: dict[re.Pattern[str], Gate]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = read_yaml("recommendations.yaml")
    label_kinds = {label.lower(): kind for kind, labels in data["labels"].items() for label in labels}
    labels = "|".join(re.escape(label) for label in sorted(label_kinds, key=len, reverse=True))
    heading_words = "|".join(re.escape(w) for w in sorted(label_kinds, key=len, reverse=True))
    sentence = tuple((re.compile(rule["pattern"]), rule["kind"]) for rule in data["sentences"])
    asked = re.compile(data["asked"])
    return _Rules(
        heading=re.compile(
            rf"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?P<label>{heading_words})"
            rf"(?:\s+(?:to|for)\s+(?:the\s+)?(?P<to>[^:\t]+?))?\s*[:.\-–]?\s*$",
            re.IGNORECASE,
        ),
        label=re.compile(
            rf"^\s*(?:it\s+was\s+)?(?P<label>{labels})\b(?:\s+(?:to|for)\s+(?:the\s+)?(?P<to>{NAME_WORD}"
            rf"(?:\s+{NAME_WORD})*))?\s*(?:\d{{1,2}}\s*)?(?:\s*[:\t]+|\s+[–—-]+\s|\s+(?=that\b))\s*(?P<rest>.*)$",
            re.IGNORECASE,
        ),
        sentence=sentence,
        asked=asked,
        item_start=re.compile(data["item_start"], re.IGNORECASE),
        label_kinds=label_kinds,
        skip_subjects=frozenset(w.lower() for w in data["skip_subjects"]),
        anonymous_subjects=frozenset(w.lower() for w in data["anonymous_subjects"]),
        min_label_words=int(data["min_label_words"]),
        gates={pattern: gate_for(pattern) for pattern in (asked, *(p for p, _ in sentence))},
    )


@dataclass(frozen=True)
class _Item:
    start: int  # local to the section text
    end: int
    kind: Kind
    addressed_to: str | None


@dataclass(frozen=True)
class _LeadIn:
    kind: Kind
    addressed_to: str | None
    n_items: int = 0


def _clean_body(name: str | None) -> str | None:
    if not name:
        return None
    name = re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE)
    name = re.sub(r"\s+(?:and|of|for|&|on)$", "", name)
    return name or None


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its newline."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return start, end


def _sentence_end(text: str, start: int, line_end: int) -> int:
    match = SENTENCE_END.search(text, start, line_end)
    return match.end() if match else line_end


def _sentence_start(text: str, pos: int, line_start: int) -> int:
    before = text[line_start:pos]
    cut = max(before.rfind(". "), before.rfind("! "), before.rfind("? "), before.rfind("\t"))
    start = line_start + cut + 2 if cut >= 0 else line_start
    if cut >= 0 and before[cut] == "\t":
        start = line_start + cut + 1
    bullet = BULLET.match(text, start)
    return bullet.end() if bullet else start


def _split_enumeration(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'(a) note the report; and (b) approve ...' → one span per enumerated part."""
    marks = list(INLINE_ENUM.finditer(text, start, end))
    if len(marks) < 2:
        return [(start, end)]
    spans = []
    for i, mark in enumerate(marks):
        part_end = marks[i + 1].start() if i + 1 < len(marks) else end
        s, e = _strip(text, mark.end(), part_end)
        if re.search(r"\s(?:and|or)$", text[s:e]):
            e = s + len(text[s:e].rsplit(None, 1)[0])
        while e > s and text[e - 1] in ";, ":
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _sentence_items(
    text: str, line_start: int, line_end: int, rules: _Rules, active: _Rules | None = None
) -> tuple[list[_Item], _LeadIn | None]:
    """Self-contained recommendation sentences on one line, and a lead-in if the line ends with one.

    `active` is `rules` with only the patterns that can match in `text` (see `_active`).
    """
    items: list[_Item] = []
    lead: _LeadIn | None = None
    active = active or rules
    for pattern, kind in active.sentence:
        for match in pattern.finditer(text, line_start, line_end):
            start = _sentence_start(text, match.start(), line_start)
            end = _sentence_end(text, match.end(), line_end)
            addressed = None
            if "that" in match.group(0).lower():
                subject = SUBJECT_AFTER_THAT.match(text, match.end())
                addressed = _clean_body(subject.group("body")) if subject else None
            items.append(_Item(start, end, kind, addressed))
    for match in active.asked.finditer(text, line_start, line_end) if active.asked else ():
        start = _sentence_start(text, match.start(), line_start)
        subject = text[start : match.start()].strip()
        words = subject.split()
        if not words or len(words) > 12 or words[-1].lower() in rules.skip_subjects or "," in subject:
            continue
        addressed = None if subject.lower() in rules.anonymous_subjects else _clean_body(subject)
        kind = "recommendation"
        end = _sentence_end(text, match.end(), line_end)
        if text[start:end].rstrip().endswith(":") or not text[match.end() : end].strip(" :"):
            lead = _LeadIn(kind, addressed)
            continue
        items.append(_Item(start, end, kind, addressed))
    return items, lead


def _active(text: str, rules: _Rules) -> _Rules:
    """`rules` without the sentence patterns that cannot match anywhere in `text` (see `prefilter`)."""
    lower = text.lower()
    sentence = tuple((p, kind) for p, kind in rules.sentence if rules.gates[p].allows(text, lower))
    asked = rules.asked if rules.gates[rules.asked].allows(text, lower) else None
    return replace(rules, sentence=sentence, asked=asked)


def _scan(
    text: str, heading: str | None, rules: _Rules, list_starts: frozenset[int] = frozenset()
) -> list[_Item]:
    items: list[_Item] = []
    active = _active(text, rules)
    lead: _LeadIn | None = None
    if heading:
        match = rules.heading.match(heading)
        if match:
            lead = _LeadIn(rules.label_kinds[match.group("label").lower()], _clean_body(match.group("to")))
    for line_start, line_end in _lines(text):
        start, end = _strip(text, line_start, line_end)
        line = text[start:end]
        if not line:
            continue
        heading_match = rules.heading.match(line)
        if heading_match:
            lead = _LeadIn(
                rules.label_kinds[heading_match.group("label").lower()],
                _clean_body(heading_match.group("to")),
            )
            continue
        label = rules.label.match(line)
        if label:
            kind = rules.label_kinds[label.group("label").lower()]
            addressed = _clean_body(label.group("to"))
            rest_start = start + label.start("rest")
            rest_start, rest_end = _strip(text, rest_start, end)
            rest = text[rest_start:rest_end]
            if rest and not rest.endswith(":") and len(rest.split()) < rules.min_label_words:
                continue  # a cover-sheet value such as "Decision: Yes"
            if rest and not rest.endswith(":"):
                found, _ = _sentence_items(text, rest_start, rest_end, rules, active)
                if found:
                    items.extend(found)
                else:
                    for s, e in _split_enumeration(text, rest_start, rest_end):
                        items.append(_Item(s, e, kind, addressed))
                lead = None
            else:
                lead = _LeadIn(kind, addressed)
            continue
        bullet = BULLET.match(text, start)
        body_start = bullet.end() if bullet else start
        is_list_item = bool(bullet) or start in list_starts  # the reader knew it as a list item
        found, new_lead = _sentence_items(text, body_start, end, rules, active)
        if found:
            items.extend(found)
            lead = new_lead
            continue
        if new_lead:
            lead = new_lead
            continue
        if lead is None:
            continue
        is_item = is_list_item or lead.n_items == 0 or bool(rules.item_start.match(text, body_start, end))
        if line.endswith(":") and not is_list_item:
            lead = _LeadIn(lead.kind, lead.addressed_to)  # "This paper proposes the following ...:"
            continue
        numbered_heading = (
            bool(bullet)
            and not text[start].isalpha()
            and text[start] not in "-•*·▪◦‣–—("
            and HEADINGISH.match(text[body_start:end]) is not None
            and len(text[body_start:end].split()) <= 6
            and text[body_start].isupper()
        )
        if (
            not is_item
            or "\t" in line
            or numbered_heading
            or (not is_list_item and HEADINGISH.match(line) and lead.n_items > 0)
        ):
            lead = None
            continue
        for s, e in _split_enumeration(text, body_start, end):
            items.append(_Item(s, e, lead.kind, lead.addressed_to))
        lead = _LeadIn(lead.kind, lead.addressed_to, lead.n_items + 1)
    return _dedupe(items)


def _dedupe(items: list[_Item]) -> list[_Item]:
    """Keep the first of overlapping items (sentence rules and lead-ins can find the same text)."""
    kept: list[_Item] = []
    for item in sorted(items, key=lambda i: (i.start, -(i.end - i.start))):
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _locate(parsed: ParsedDocument, section: Section, local_start: int, local_end: int) -> tuple[int, int]:
    """Offsets in `parsed.text` of a span of `section.text`, tolerant of whitespace differences."""
    piece = section.text[local_start:local_end]
    start, end = section.char_start + local_start, section.char_start + local_end
    if _collapse(parsed.text[start:end]) == _collapse(piece):
        return start, end
    words = [re.escape(w) for w in piece.split()]
    if words:
        pattern = re.compile(r"\s+".join(words))
        match = pattern.search(parsed.text, max(0, section.char_start - 2000)) or pattern.search(parsed.text)
        if match:
            return match.start(), match.end()
    return start, end


def find_recommendations(
    doc_id: str, sections: Sequence[Section], parsed: ParsedDocument
) -> list[Recommendation]:
    """Every recommendation, resolution and decision item in the document's sections, in text order."""
    rules = _rules()
    result: list[Recommendation] = []
    list_item_starts = sorted(p.char_start for p in parsed.blocks if p.block.kind == "list_item")
    seen_headings: set[tuple[str, ...]] = set()
    for section in sections:
        # A heading opens a lead-in only in the first section under it: later sections under the same heading
        # (after a table, say) and a section whose text repeats the heading line (read line by line) get none.
        heading = section.heading
        path = section.heading_path or ((heading,) if heading else ())
        if path in seen_headings or section.text.lstrip().startswith(heading or "\0"):
            heading = None
        seen_headings.add(path)
        first = bisect_left(list_item_starts, section.char_start)
        last = bisect_left(list_item_starts, section.char_end)
        local_lists = frozenset(s - section.char_start for s in list_item_starts[first:last])
        for item in _scan(section.text, heading, rules, local_lists):
            start, end = _locate(parsed, section, item.start, item.end)
            result.append(
                Recommendation(
                    doc_id=doc_id,
                    section_id=section.section_id,
                    text=parsed.text[start:end],
                    kind=item.kind,  # type: ignore[arg-type]
                    addressed_to=item.addressed_to,
                    char_start=start,
                    char_end=end,
                    page=parsed.page_at(start),
                )
            )
    return result
