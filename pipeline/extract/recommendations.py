"""Recommendations, resolutions and decisions: one row per item, with the body it is addressed to and its
outcome.

The ways an item is found, all driven by the tables in `pipeline/data/recommendations.yaml`:

1. a sentence that is its own lead-in ("It is recommended that the Board note the report.", "The Cabinet is
   asked to approve ...", "One of the recommendations was ...", "It was proposed that ...") → the sentence;
2. a label with the item after it on the same line ("RESOLVED: That the minutes be approved.",
   "Decision: to approve ...", a cover-sheet cell "Recommendations<TAB>To note the report") → the text after
   the label, split when it enumerates "(a) ... (b) ...";
3. a lead-in with nothing after it ("The Board is asked to:", "RESOLVED:", "Delegated decision:", "I ... do
   hereby:", "The Board agreed:", a "Recommendations to the Cabinet" line or section heading) → each
   bulleted or numbered item below it, or the first paragraph when none is bulleted.  The lead-in ends at
   the first paragraph that is neither an item nor a further recommendation, or that reports the meeting
   ("The Board gave consideration to ...").  A lead-in with its items on the same line, as a flattened
   page has it ("is asked to: 2.1.1 note ... 2.1.2 approve ..."), gives one item per number;
4. a paragraph in a resolution's own grammar ("That the report be noted.", "1. The Board endorsed ...").

Markers ("(1)", "a)", "•", "RESOLVED –") are dropped.  Standing lines (the declarations-of-interest
reminder) are never items.  `outcome_of` reads the item's verb: approved, noted, agreed, endorsed,
deferred, rejected, delegated or other.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.datafiles import read_yaml
from pipeline.extract.fast import Gate, gate_for
from pipeline.records import ParsedDocument, Recommendation, Section
from pipeline.textutil import alternation, collapse

# Bullets, with the glyphs PDF readers decode symbol-font bullets to.
BULLET_MARKS = "-•*·▪◦‣–—●○■□➢►\uf0b7\uf0a7\uf0d8\uf076\uf0fc\x83"
BULLET = re.compile(
    rf"[ \t]*(?:[{BULLET_MARKS}]|\(?\d{{1,2}}[.)](?!\d)|\(?[a-z][.)]"
    r"|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])[ \t]+"
)
INLINE_ENUM = re.compile(r"(?:^|(?<=[\s;:,]))\((?P<num>[a-h]|\d{1,2}|i{1,3}|iv|v|vi{1,3})\)\s+")
# Inline item numbers of a flattened list: "2.1.1 note ... 2.1.2 approve ..." or "1. note ... 2. approve ...".
INLINE_NUMBER = re.compile(r"(?:^|(?<=\s))(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+(?=[A-Za-z(])")
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9•\-]|\s*$)")
NAME_WORD = r"[A-Z][\w&'’-]*"
SUBJECT_AFTER_THAT = re.compile(
    rf"\s*(?:the\s+)?(?P<body>{NAME_WORD}(?:\s+(?:{NAME_WORD}|and|of|for|&|on))*)"
)
HEADINGISH = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][^.:;!?]{0,80}$")
# What closes a lead-in line: a colon (":" or ":-") or a dash, then the end of the line or inline items.
LEAD_CLOSE = re.compile(r"\s*(?::-?|[–—-])\s*")
LEAD_CLOSER = re.compile(r"[:–—-]")
# A paragraph number ("7.1.2 Approves ...") is no list marker: what follows it must start like an item.
PARA_NUMBER = re.compile(r"[ \t]*\d{1,2}(?:\.\d{1,2}){1,3}\.?[ \t]+")
SECTION_NUMBER_PREFIX = re.compile(r"^.*\b\d+(?:\.\d+)*\.?\s+(?=[A-Z])")
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")

Kind = str  # "recommendation" | "resolution" | "decision"


@dataclass(frozen=True)
class _Outcomes:
    frames: tuple[re.Pattern[str], ...]
    verbs: tuple[tuple[re.Pattern[str], str], ...]
    negation: re.Pattern[str]
    negated: frozenset[str]


@dataclass(frozen=True)
class _Rules:
    heading: re.Pattern[str]
    label: re.Pattern[str]
    sentence: tuple[tuple[re.Pattern[str], str], ...]
    line_sentences: tuple[tuple[re.Pattern[str], str, bool], ...]
    lead_ins: tuple[tuple[re.Pattern[str], str], ...]
    body_lead_in: re.Pattern[str]
    tails: tuple[re.Pattern[str], ...]
    asked: re.Pattern[str] | None
    item_start: re.Pattern[str]
    narrative: tuple[re.Pattern[str], ...]
    not_items: tuple[re.Pattern[str], ...]
    label_kinds: dict[str, str]
    skip_subjects: frozenset[str]
    anonymous_subjects: frozenset[str]
    number_nouns: frozenset[str]
    min_label_words: int
    min_subitem_words: int
    outcomes: _Outcomes
    gates: dict[re.Pattern[str], Gate]


@dataclass(frozen=True)
class _Active:
    """The line patterns of `_Rules` that can match in one section's text (see `_active`).  A class of its
    own: `dataclasses.replace` of the twenty-field `_Rules` for every section was a tenth of this stage."""

    sentence: tuple[tuple[re.Pattern[str], str], ...]
    lead_ins: tuple[tuple[re.Pattern[str], str], ...]
    not_items: tuple[re.Pattern[str], ...]
    asked: re.Pattern[str] | None


def _kinded(rows: list[dict[str, str]]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(row["pattern"]), row["kind"]) for row in rows)


def _label_patterns(
    label_kinds: dict[str, str], qualifiers: list[str]
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = alternation(label_kinds, spaces=False)
    qualifier = rf"(?:(?:{alternation(qualifiers, spaces=False)})\s+)?"
    heading = re.compile(
        rf"^\s*(?:\d+(?:\.\d+)*\.?\s+)?{qualifier}(?P<label>{words})"
        rf"(?:\s+(?:to|for)\s+(?:the\s+)?(?P<to>[^:\t]+?))?\s*[:.\-–]?\s*$",
        re.IGNORECASE,
    )
    label = re.compile(
        rf"^\s*(?:it\s+was\s+)?{qualifier}(?P<label>{words})\b(?:\s+(?:to|for)\s+(?:the\s+)?(?P<to>{NAME_WORD}"
        rf"(?:\s+{NAME_WORD})*))?\s*(?:\d{{1,2}}\s*)?(?:\s*[:\t]+|\s+[–—-]+\s|\s+(?=that\b))\s*(?P<rest>.*)$",
        re.IGNORECASE,
    )
    return heading, label


def _outcome_rules(data: dict) -> _Outcomes:
    verbs = "(?i:" + "|".join(f"(?:{row['pattern']})" for row in data["verbs"]) + ")"
    return _Outcomes(
        frames=tuple(re.compile(f.replace("{verbs}", verbs)) for f in data["frames"]),
        verbs=tuple((re.compile(row["pattern"]), row["outcome"]) for row in data["verbs"]),
        negation=re.compile(data["negation"], re.IGNORECASE),
        negated=frozenset(data["negated"]),
    )


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = read_yaml("recommendations.yaml")
    label_kinds = {label.lower(): kind for kind, labels in data["labels"].items() for label in labels}
    heading, label = _label_patterns(label_kinds, data["label_qualifiers"])
    sentence = _kinded(data["sentences"])
    lead_ins = _kinded(data["lead_ins"])
    not_items = tuple(re.compile(p, re.IGNORECASE) for p in data["not_items"])
    asked = re.compile(data["asked"])
    return _Rules(
        heading=heading,
        label=label,
        sentence=sentence,
        line_sentences=tuple(
            (re.compile(row["pattern"]), row["kind"], bool(row.get("numbered")))
            for row in data["line_sentences"]
        ),
        lead_ins=lead_ins,
        body_lead_in=re.compile(data["body_lead_in"]),
        tails=tuple(re.compile(t) for t in data["tails"]),
        asked=asked,
        item_start=re.compile(data["item_start"], re.IGNORECASE),
        narrative=tuple(re.compile(p) for p in data["narrative"]),
        not_items=not_items,
        label_kinds=label_kinds,
        skip_subjects=frozenset(w.lower() for w in data["skip_subjects"]),
        anonymous_subjects=frozenset(w.lower() for w in data["anonymous_subjects"]),
        number_nouns=frozenset(w.lower() for w in data["number_nouns"]),
        min_label_words=int(data["min_label_words"]),
        min_subitem_words=int(data["min_subitem_words"]),
        outcomes=_outcome_rules(data["outcome"]),
        gates={p: gate_for(p) for p in (asked, *(p for p, _ in (*sentence, *lead_ins)), *not_items)},
    )


def verb_outcome(text: str) -> str | None:
    """What the item decides (approved, noted, ...) from its verb, or None when no verb says."""
    rules = _rules().outcomes
    for frame in rules.frames:
        for match in frame.finditer(text):
            verb = match.group("verb").lower()
            outcome = next((o for pattern, o in rules.verbs if pattern.fullmatch(verb)), None)
            if outcome is None:
                continue
            if outcome in rules.negated and rules.negation.search(text, 0, match.start("verb")):
                return "rejected"
            return outcome
    return None


def outcome_of(text: str, default: str | None = None) -> str:
    """The item's outcome, else the lead-in's (`default`: "do hereby approve the:"), else "other"."""
    return verb_outcome(text) or default or "other"


@dataclass(frozen=True)
class _Item:
    start: int  # local to the section text
    end: int
    kind: Kind
    addressed_to: str | None
    lead_outcome: str | None = None  # the lead-in's verb ("do hereby approve the:"), for items without one


@dataclass(frozen=True)
class _LeadIn:
    kind: Kind
    addressed_to: str | None
    n_items: int = 0
    sublist: bool = False  # the last item ended with ":" - what follows are its parts
    parts_only: bool = False  # opened by a numbered decision: only its lettered parts follow, until a number
    strict: bool = False  # "The Board:": only lines that start like an item ("noted ...") are items
    outcome: str | None = None

    def item(self, start: int, end: int) -> _Item:
        return _Item(start, end, self.kind, self.addressed_to, self.outcome)

    def after_item(self, item_text: str) -> _LeadIn:
        return replace(self, n_items=self.n_items + 1, sublist=item_text.rstrip().endswith((":", ":-")))


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


def _trim(text: str, start: int, end: int, rules: _Rules) -> tuple[int, int]:
    """Drop what closes an item but is not part of it: ":-", a tail clause, a page number left by a cut."""
    start, end = _strip(text, start, end)
    piece = text[start:end]
    if piece.endswith(":-"):
        end -= 2
    for tail in rules.tails:
        match = tail.search(text, start, end)
        if match:
            end = match.start()
    number = re.search(r"(\w+)\s+\d{1,3}$", text[start:end])
    if number and number.group(1).isalpha() and number.group(1).lower() not in rules.number_nouns:
        end = start + number.start() + len(number.group(1))
    return _strip(text, start, end)


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


def _sequential(marks: list[str]) -> bool:
    """'2.1.1', '2.1.2' or '1', '2' or 'a', 'b' or 'i', 'ii': each mark follows the one before."""
    def step(a: str, b: str) -> bool:
        if a in ROMAN and b in ROMAN and ROMAN.index(b) == ROMAN.index(a) + 1:
            return True
        if len(a) == len(b) == 1 and a.isalpha() and b.isalpha():
            return ord(b) == ord(a) + 1
        head_a, _, last_a = a.rpartition(".")
        head_b, _, last_b = b.rpartition(".")
        return head_a == head_b and last_a.isdigit() and last_b.isdigit() and int(last_b) == int(last_a) + 1

    return len(marks) >= 2 and all(step(a, b) for a, b in zip(marks, marks[1:], strict=False))


def _run(marks: list[re.Match[str]], number: str) -> list[re.Match[str]]:
    """The first mark and each later one that follows the last kept ('(1)', '(a)', '(2)' → '(1)', '(2)')."""
    run = marks[:1]
    for mark in marks[1:]:
        if _sequential([run[-1].group(number), mark.group(number)]):
            run.append(mark)
    return run if len(run) >= 2 else []


def _enumeration_marks(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The inline item markers of `text[start:end]` when they number a list, else []."""
    lettered = _run(list(INLINE_ENUM.finditer(text, start, end)), "num")
    if lettered:
        return lettered
    numbered = list(INLINE_NUMBER.finditer(text, start, end))
    if numbered and numbered[0].start() - start <= 2:  # the list starts right after the lead-in
        return _run(numbered, "num")
    return []


def _split_enumeration(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'(a) note the report; and (b) approve ...' → one span per enumerated part."""
    marks = _enumeration_marks(text, start, end)
    if not marks:
        return [(start, end)]
    spans = []
    for i, mark in enumerate(marks):
        part_end = marks[i + 1].start() if i + 1 < len(marks) else _sentence_end(text, mark.end(), end)
        s, e = _strip(text, mark.end(), part_end)
        if re.search(r"\s(?:and|or)$", text[s:e]):
            e = s + len(text[s:e].rsplit(None, 1)[0])
        while e > s and text[e - 1] in ";, ":
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _inline_items(text: str, start: int, line_end: int, lead: _LeadIn) -> list[_Item]:
    """The items written after a lead-in on its own line ('is asked to: 2.1.1 note ... 2.1.2 ...')."""
    if _enumeration_marks(text, start, line_end):
        return [lead.item(s, e) for s, e in _split_enumeration(text, start, line_end)]
    return [lead.item(start, _sentence_end(text, start, line_end))]


def _asked_item(
    text: str, match: re.Match[str], line_start: int, line_end: int, rules: _Rules
) -> tuple[list[_Item], _LeadIn | None] | None:
    """'<subject> is asked to ...': the sentence, or a lead-in when the items follow a colon."""
    start = _sentence_start(text, match.start(), line_start)
    # "2. Recommendations 2.1 The Board", "SUMMARY: The Board" on a flattened page: the subject is the end.
    subject = SECTION_NUMBER_PREFIX.sub("", text[start : match.start()].strip()).rsplit(": ", 1)[-1]
    words = subject.split()
    if not words or len(words) > 12 or words[-1].lower() in rules.skip_subjects or "," in subject:
        return None
    addressed = None if subject.lower() in rules.anonymous_subjects else _clean_body(subject)
    lead = _LeadIn("recommendation", addressed, outcome=verb_outcome(text[match.end() : match.end() + 40]))
    colon = re.match(r"\s*:\s*", text[match.end() : line_end])
    if colon:
        rest = match.end() + colon.end()
        return (_inline_items(text, rest, line_end, lead), None) if rest < line_end else ([], lead)
    end = _sentence_end(text, match.end(), line_end)
    if not text[match.end() : end].strip(" :"):
        return [], lead
    return [_Item(start, end, "recommendation", addressed)], None


def _sentence_items(
    text: str, line_start: int, line_end: int, rules: _Rules, active: _Active | None = None
) -> tuple[list[_Item], _LeadIn | None]:
    """Self-contained recommendation sentences on one line, and a lead-in if the line ends with one.

    `active` holds only the patterns of `rules` that can match in `text` (see `_active`).
    """
    items: list[_Item] = []
    lead: _LeadIn | None = None
    active = active or _Active(rules.sentence, rules.lead_ins, rules.not_items, rules.asked)
    for pattern, kind in active.sentence:
        for match in pattern.finditer(text, line_start, line_end):
            start = _sentence_start(text, match.start(), line_start)
            end = _sentence_end(text, match.end(), line_end)
            addressed = None
            if "that" in match.group(0).lower():
                subject = SUBJECT_AFTER_THAT.match(text, match.end())
                addressed = _clean_body(subject.group("body")) if subject else None
            rest = text[match.end() : end].strip()
            if rest.endswith(":") and len(rest.split()) <= 6:
                lead = _LeadIn(kind, addressed)  # "It is recommended that (Cabinet):" and the items below
                continue
            items.append(_Item(start, end, kind, addressed))
    for match in active.asked.finditer(text, line_start, line_end) if active.asked else ():
        found = _asked_item(text, match, line_start, line_end, rules)
        if found:
            items.extend(found[0])
            lead = found[1] or lead
    return items, lead


def _active(text: str, rules: _Rules) -> _Active:
    """The line patterns of `rules` but those that cannot match anywhere in `text` (see `fast.gate_for`)."""
    lower = text.lower()
    sentence = tuple((p, kind) for p, kind in rules.sentence if rules.gates[p].allows(text, lower))
    lead_ins = tuple((p, kind) for p, kind in rules.lead_ins if rules.gates[p].allows(text, lower))
    not_items = tuple(p for p in rules.not_items if rules.gates[p].allows(text, lower))
    asked = rules.asked if rules.gates[rules.asked].allows(text, lower) else None
    return _Active(sentence, lead_ins, not_items, asked)


def _lead_in_line(
    text: str, start: int, end: int, active: _Active
) -> tuple[list[_Item], _LeadIn | None] | None:
    """A line such as 'I ... do hereby:' or 'The Board agreed:' that opens a list; inline items after it."""
    for pattern, kind in active.lead_ins:
        for match in pattern.finditer(text, start, end):
            close = LEAD_CLOSE.match(text, match.end(), end)
            if not close or not close.group(0).strip():
                continue
            lead = _LeadIn(kind, None, outcome=verb_outcome(match.group(0)))
            rest = close.end()
            if rest >= end:
                return [], lead
            return _inline_items(text, rest, end, lead), None
    return None


def _label_line(
    text: str, start: int, end: int, label: re.Match[str], rules: _Rules, active: _Active
) -> tuple[list[_Item], _LeadIn | None]:
    """'RESOLVED: That ...', 'Decision: to approve ...', 'Recommendations:' (then the items below)."""
    kind = rules.label_kinds[label.group("label").lower()]
    addressed = _clean_body(label.group("to"))
    rest_start, rest_end = _strip(text, start + label.start("rest"), end)
    rest = text[rest_start:rest_end]
    if not rest or rest.endswith((":", ":-")):
        return [], _LeadIn(kind, addressed)
    if len(rest.split()) < rules.min_label_words:
        return [], None  # a cover-sheet value such as "Decision: Yes"
    found, lead = _sentence_items(text, rest_start, rest_end, rules, active)
    if found or lead:
        return found, lead
    return [_Item(s, e, kind, addressed) for s, e in _split_enumeration(text, rest_start, rest_end)], None


def _line_sentence(
    text: str, start: int, end: int, rules: _Rules, bulleted: bool
) -> tuple[list[_Item], _LeadIn | None] | None:
    """A paragraph in the grammar of a resolution ('That the plan be approved.'), the whole paragraph.
    It opens a lead-in only for its parts, when it ends with ':' ('... endorsed the plan, including:')."""
    for pattern, kind, numbered in rules.line_sentences:
        if (bulleted or not numbered) and pattern.match(text, start, end):
            item_end = end if end - start <= 600 else _sentence_end(text, start, end)
            item = _Item(start, item_end, kind, None)
            ends_list = text[start:item_end].rstrip().endswith(":")
            lead = _LeadIn(kind, None, 1, sublist=True, parts_only=True) if ends_list else None
            return [item], lead
    return None


def _is_numbered_heading(text: str, start: int, body_start: int, end: int, bullet: bool) -> bool:
    """'3. Background' under a list of recommendations: a new heading, not an item."""
    return (
        bullet
        and not text[start].isalpha()
        and text[start] not in "-•*·▪◦‣–—("
        and HEADINGISH.match(text[body_start:end]) is not None
        and len(text[body_start:end].split()) <= 6
        and text[body_start].isupper()
    )


def _body_start(text: str, start: int, bullet: re.Match[str] | None) -> int:
    if bullet:
        return bullet.end()
    number = PARA_NUMBER.match(text, start)
    return number.end() if number else start


def _body_lead_in(text: str, start: int, end: int, lead: _LeadIn | None, rules: _Rules) -> _LeadIn | None:
    """'The Board:' / 'That the Cabinet:' - under a recommendation it names who is asked; alone, it opens
    a list of decisions that count only when they start like one."""
    if not rules.body_lead_in.fullmatch(text, start, end):
        return None
    if lead is None:
        return _LeadIn("decision", None, strict=True)
    body = _clean_body(re.sub(r"^That\s+", "", text[start:end]).rstrip(":- "))
    return _LeadIn(lead.kind, body or lead.addressed_to, outcome=lead.outcome)


def _lead_item(
    text: str, start: int, end: int, lead: _LeadIn, rules: _Rules, list_item: bool
) -> tuple[list[_Item], _LeadIn | None]:
    """A line under a lead-in: its item(s) and the lead-in that carries on, or ([], None) when it ends."""
    bullet = BULLET.match(text, start)
    body_start = _body_start(text, start, bullet)
    is_list_item = bool(bullet) or list_item
    starts_like_item = bool(rules.item_start.match(text, body_start, end))
    line = text[start:end]
    if not is_list_item and any(p.match(text, body_start, end) for p in rules.narrative):
        return [], None
    if lead.strict and not starts_like_item:
        return [], None
    short = len(text[body_start:end].split()) < rules.min_subitem_words
    if lead.sublist and is_list_item and short and not starts_like_item:
        return [], lead  # a name in the list the item introduces
    is_item = is_list_item or lead.n_items == 0 or starts_like_item
    if line.endswith(":") and not is_list_item:
        # "This paper proposes the following ...:" re-opens the lead-in, before its first item only.
        return [], (replace(lead, sublist=False) if lead.n_items == 0 else None)
    if (
        not is_item
        or "\t" in text[body_start:end]  # a table row, not an item (a tab after "(1)" is only layout)
        or _is_numbered_heading(text, start, body_start, end, bool(bullet))
        or (not is_list_item and HEADINGISH.match(line) and lead.n_items > 0)
    ):
        return [], None
    items = [lead.item(s, e) for s, e in _split_enumeration(text, body_start, end)]
    return items, lead.after_item(line)


def _scan_line(
    text: str, start: int, end: int, lead: _LeadIn | None, rules: _Rules, active: _Active, list_item: bool
) -> tuple[list[_Item], _LeadIn | None]:
    line = text[start:end]
    heading = rules.heading.match(line)
    if heading:
        kind = rules.label_kinds[heading.group("label").lower()]
        return [], _LeadIn(kind, _clean_body(heading.group("to")))
    label = rules.label.match(line)
    if label:
        return _label_line(text, start, end, label, rules, active)
    bullet = BULLET.match(text, start)
    body_start = _body_start(text, start, bullet)
    if lead and lead.parts_only and (not bullet or text[start:body_start].strip()[:1].isdigit()):
        lead = None  # the next numbered paragraph, or prose, ends the parts of a numbered decision
    body_lead = _body_lead_in(text, body_start, end, lead, rules)
    if body_lead:
        return [], body_lead
    closer = LEAD_CLOSER.search(text, body_start, end)
    opened = _lead_in_line(text, body_start, end, active) if closer and active.lead_ins else None
    if opened:
        return opened
    # most sections hold no sentence pattern's literals (`_active`): then no line can give such items
    if active.sentence or active.asked:
        found, new_lead = _sentence_items(text, body_start, end, rules, active)
        if found or new_lead:
            return found, new_lead
    if lead is None:
        return _line_sentence(text, body_start, end, rules, bool(bullet)) or ([], None)
    return _lead_item(text, start, end, lead, rules, list_item)


def _trimmed(text: str, item: _Item, rules: _Rules) -> _Item:
    start, end = _trim(text, item.start, item.end, rules)
    return replace(item, start=start, end=end)


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
    open_bullet = False  # the last line was a bulleted item cut before its end (a wrapped PDF line)
    for line_start, line_end in _lines(text):
        start, end = _strip(text, line_start, line_end)
        if start == end:
            continue
        if open_bullet and _continues(text, start):
            items[-1] = _trimmed(text, replace(items[-1], end=_sentence_end(text, start, end)), rules)
            open_bullet = text[items[-1].end - 1] not in ".;:!?"
            continue
        if active.not_items and any(p.search(text, start, end) for p in active.not_items):
            continue  # a standing line such as the declarations-of-interest reminder
        found, lead = _scan_line(text, start, end, lead, rules, active, start in list_starts)
        if found:
            items.extend(_trimmed(text, item, rules) for item in found)
        open_bullet = bool(found and BULLET.match(text, start)) and _cut_at_line_end(text, items[-1], end)
    return _dedupe([item for item in items if item.end > item.start])


def _continues(text: str, start: int) -> bool:
    """A line that goes on with the sentence above: it starts in lower case, with no bullet."""
    return text[start].islower() and not BULLET.match(text, start)


def _cut_at_line_end(text: str, item: _Item, line_end: int) -> bool:
    return item.end >= line_end - 2 and text[item.end - 1] not in ".;:!?"


def _dedupe(items: list[_Item]) -> list[_Item]:
    """Keep the first of overlapping items (sentence rules and lead-ins can find the same text)."""
    kept: list[_Item] = []
    for item in sorted(items, key=lambda i: (i.start, -(i.end - i.start))):
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def _locate(parsed: ParsedDocument, section: Section, local_start: int, local_end: int) -> tuple[int, int]:
    """Offsets in `parsed.text` of a span of `section.text`, tolerant of whitespace differences."""
    piece = section.text[local_start:local_end]
    start, end = section.char_start + local_start, section.char_start + local_end
    if collapse(parsed.text[start:end]) == collapse(piece):
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
                    outcome=outcome_of(parsed.text[start:end], item.lead_outcome),
                )
            )
    return result
