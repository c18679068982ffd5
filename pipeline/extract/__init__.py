"""Extraction stage: entities, recommendations, cover sheet and memberships of one document.

`extract_document` runs the spaCy pipeline (`nlp.build_nlp`) over the sections with `nlp.pipe` (a section
longer than `MAX_CHUNK` characters is cut at line breaks, never fed whole), adds the regex extractors
(dates, money, legislation), people, memberships, recommendations and the cover sheet, and shifts every
offset to the document's full text so that `parsed.text[char_start:char_end] == entity.text`.

One document-level pass follows the per-section one: an acronym defined next to a body ("Local Care
Organisation (LCO)") and the case variants of a body's name ("recovery and transformation board") are
bodies wherever else they occur in the same document.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract import fast
from pipeline.extract.cover import CoverSheet, read_cover_sheet
from pipeline.extract.dates import find_dates
from pipeline.extract.found import Found
from pipeline.extract.legislation import find_legislation
from pipeline.extract.meeting import BodyMention, find_meeting, is_fallback, single_member
from pipeline.extract.memberships import find_memberships
from pipeline.extract.money import find_money
from pipeline.extract.nlp import SPANS_KEY, body_grammar, body_norm
from pipeline.extract.people import find_people
from pipeline.extract.recommendations import find_recommendations
from pipeline.read import BLOCK_SEPARATOR
from pipeline.records import (
    Entity,
    Extraction,
    Meeting,
    MeetingPart,
    Membership,
    ParsedDocument,
    Recommendation,
    Section,
)
from pipeline.textutil import collapse

MAX_CHUNK = 100_000
BATCH_SIZE = 64
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class _Chunk:
    section: Section
    offset: int  # of the chunk in the section's text
    text: str

    @property
    def char_start(self) -> int:
        return self.section.char_start + self.offset


def _chunks(sections: Sequence[Section]) -> Iterator[_Chunk]:
    """Sections, with any longer than `MAX_CHUNK` cut at the last line break before the limit."""
    for section in sections:
        text, offset = section.text, 0
        while len(text) - offset > MAX_CHUNK:
            cut = text.rfind("\n", offset, offset + MAX_CHUNK)
            cut = cut + 1 if cut > offset else offset + MAX_CHUNK
            yield _Chunk(section, offset, text[offset:cut])
            offset = cut
        if text[offset:].strip():
            yield _Chunk(section, offset, text[offset:])


WARM_UP_TEXT = (
    "Membership: the Board will include the Chief Executive of Bury Council.\n"
    "It is recommended that the Board notes the report of Dr Jane Smith, Director of Public Health, "
    "1 April 2022."
)


def warm_up(nlp: Language) -> None:
    """Load every extractor's tables and compile its patterns now, once.

    `build_nlp()` calls this so that ingest workers, forked after it, do not each pay for it on their
    first document.
    """
    from pipeline.extract import cover, legislation, meeting, money, recommendations

    for load in (cover._rules, legislation._rules, meeting._rules, money._rules, recommendations._rules):
        load()
    doc = nlp(WARM_UP_TEXT)
    find_people(doc, text=WARM_UP_TEXT)
    find_memberships(doc, text=WARM_UP_TEXT)
    find_dates(WARM_UP_TEXT, default_year=None)
    find_money(WARM_UP_TEXT)
    find_legislation(WARM_UP_TEXT)


def _reference_date(meeting_date: str | None, chunks: Sequence[_Chunk]) -> date | None:
    """The paper's own date, from which day-months without a year take theirs.

    The cover sheet's meeting date, else the first full date in the text (a title block or an opening
    "published on ..." comes first).  Not the earliest date: papers cite older ones (Acts, past decisions).
    A month-year meeting date stands for the middle of its month.
    """
    if meeting_date and FULL_DATE.match(meeting_date):
        return date.fromisoformat(meeting_date)
    if meeting_date and re.match(r"^\d{4}-\d{2}$", meeting_date):
        return date.fromisoformat(meeting_date + "-15")
    for chunk in chunks:
        for found in find_dates(chunk.text, default_year=None):
            if FULL_DATE.match(found.norm) and not found.flag:
                return date.fromisoformat(found.norm)
    if meeting_date and meeting_date[:4].isdigit():
        return date(int(meeting_date[:4]), 7, 1)
    return None


def _span_founds(doc: Doc, text: str) -> list[Found]:
    """The pipeline's spans in `doc` (made from `text`), their surface cut from `text` (`span.text` would
    rebuild it token by token).
    """
    return [Found(s.label_, s.start_char, s.end_char, text[s.start_char:s.end_char], s.id_)
            for s in doc.spans.get(SPANS_KEY, [])]


LEADING_ACRONYM = re.compile(r"([A-Z][A-Za-z&/]{1,7})\s+(?:and|&)\s+(?=[A-Z])")


def _document_bodies(chunks: Sequence[_Chunk], founds: list[list[Found]]) -> list[list[Found]]:
    """BODY mentions the per-section pass missed: acronyms defined in the document, case variants of names
    of three words or more ("recovery and transformation board"; not "locality board").
    """
    acronym_shape = body_grammar().acronym_pattern
    variants: dict[str, str] = {}   # lower-cased name -> norm, for names of three words or more
    acronyms: dict[str, str] = {}   # acronym as written -> norm
    for chunk, found in zip(chunks, founds, strict=True):
        for item in found:
            if item.label != "BODY":
                continue
            if len(item.text.split()) >= 3:
                variants.setdefault(collapse(item.text).lower(), item.norm)
            after = re.match(r"\s*\(([^()\s]{2,8})\)", chunk.text[item.end:item.end + 12])
            acronym = after.group(1) if after else ""
            if acronym_shape.match(acronym) and sum(c.isupper() for c in acronym) >= 2:
                acronyms.setdefault(acronym, item.norm)
    if not variants and not acronyms:
        return [[] for _ in chunks]
    for found in founds if acronyms else ():  # only a defined acronym is cut off a body's front
        _drop_leading_acronyms(found, acronyms)
    acronym_re = re.compile(fast.whole_alternation(acronyms, r"\w&/-")) if acronyms else None
    ordered = sorted(variants, key=len, reverse=True)
    find_names = fast.names_finder(ordered) if variants else None

    def variant_norm(text: str) -> str | None:
        return variants.get(collapse(text).lower())

    def acronym_spans(text: str) -> list[tuple[int, int]]:
        return [m.span() for m in acronym_re.finditer(text)] if acronym_re else []

    def name_spans(text: str) -> list[tuple[int, int]]:
        if find_names is None:
            return []
        lower = text.lower()  # names are matched in the lower-cased text (same length: same offsets)
        if len(lower) == len(text):
            return find_names(lower)
        # case folding changed the length: the names in any case, in the text as written
        pattern = re.compile(fast.names_alternation(ordered), re.IGNORECASE)
        return [m.span() for m in pattern.finditer(text)]

    added: list[list[Found]] = []
    for chunk, found in zip(chunks, founds, strict=True):
        taken = [(f.start, f.end) for f in found]
        extra: list[Found] = []
        for spans, norm_of in ((acronym_spans, acronyms.get), (name_spans, variant_norm)):
            for start, end in spans(chunk.text):
                if any(a < end and start < b for a, b in taken):
                    continue
                taken.append((start, end))
                surface = chunk.text[start:end]
                norm = norm_of(surface) or body_norm(surface)
                extra.append(Found("BODY", start, end, surface, norm, "document_alias"))
        added.append(extra)
    return added


def _drop_leading_acronyms(found: list[Found], acronyms: dict[str, str]) -> None:
    """Cut a defined acronym and its "and" off the front of a body, in place: in "NCC and Fenby City
    Council" the acronym is a body of its own (found again by the acronym search), not part of the name."""
    for index, item in enumerate(found):
        match = LEADING_ACRONYM.match(item.text) if item.label == "BODY" else None
        if match and match.group(1) in acronyms:
            cut = match.end()
            text = item.text[cut:]
            found[index] = replace(item, start=item.start + cut, text=text, norm=body_norm(text))


def extract_document(doc_id: str, parsed: ParsedDocument, sections: Sequence[Section],
                     nlp: Language) -> Extraction:
    """Everything the extractors find in one document; offsets index `parsed.text`."""
    chunks = list(_chunks(sections))
    docs = list(nlp.pipe((chunk.text for chunk in chunks), batch_size=BATCH_SIZE))
    cover = read_cover_sheet(doc_id, sections)
    cover_map = {f.field: f.value for f in cover.fields}
    reference = _reference_date(cover.meeting_date, chunks)
    year = reference.year if reference else None

    founds = [_span_founds(doc, chunk.text) for chunk, doc in zip(chunks, docs, strict=True)]
    for found, extra in zip(founds, _document_bodies(chunks, founds), strict=True):
        found.extend(extra)

    entities: list[Entity] = []
    memberships: list[Membership] = []
    heading_bodies = _heading_bodies(chunks, docs)
    list_items = [(p.char_start, p.char_end) for p in parsed.blocks if p.block.kind == "list_item"]
    for chunk, doc, found in zip(chunks, docs, founds, strict=True):
        people = find_people(doc, cover_fields=cover_map, text=chunk.text)
        others = (find_dates(chunk.text, default_year=year, reference=reference) + find_money(chunk.text)
                  + find_legislation(chunk.text))
        for item in sorted(found + people + others, key=lambda f: (f.start, f.end)):
            start = chunk.char_start + item.start
            end = chunk.char_start + item.end
            entities.append(Entity(doc_id, chunk.section.section_id, item.label, parsed.text[start:end],
                                   item.norm, start, end, parsed.page_at(start), "rule", item.flag))
        people_spans = [(p.start, p.end) for p in people]
        for member in find_memberships(doc, heading_body=heading_bodies.get(chunk.section.section_id),
                                       people=people_spans, text=chunk.text,
                                       list_blocks=_list_blocks(list_items, chunk)):
            start = chunk.char_start + member.start
            memberships.append(Membership(doc_id, chunk.section.section_id, member.body, member.member,
                                          member.member_kind, parsed.page_at(start), start,
                                          chunk.char_start + member.end))
    recommendations = find_recommendations(doc_id, sections, parsed)
    meeting = _with_addressed_body(_meeting(parsed.text, entities, cover), recommendations, nlp, parsed.text)
    body = meeting.body.value if meeting.body else None
    return Extraction(
        entities=tuple(_full_names(_short_body_names(entities))),
        recommendations=tuple(recommendations),
        cover_fields=tuple(cover.fields),
        memberships=tuple(memberships),
        meeting_body=body,
        meeting_date=meeting.date.value if meeting.date else None,
        title=cover.title,
        meeting=meeting,
    )


def _with_addressed_body(meeting: Meeting, recommendations: Sequence[Recommendation], nlp: Language,
                         text: str) -> Meeting:
    """The body the recommendations are addressed to, where the page's meeting has none or only a guess."""
    if meeting.body is not None and not is_fallback(meeting.body):
        return meeting
    addressed = _addressed_body(recommendations, nlp)
    if not addressed:
        return meeting
    start = text.find(addressed)
    end = start + len(addressed) if start >= 0 else -1
    return replace(meeting, body=MeetingPart(addressed, start, end, "recommendations addressed to"))


def _meeting(text: str, entities: Sequence[Entity], cover: CoverSheet) -> Meeting:
    """The page's meeting: body and date from its cover sheet first, else from its text (`extract.meeting`);
    the item's title from the text's cues first (a cover reading can take site chrome for a "Subject:").
    """
    bodies = [BodyMention(e.char_start, e.char_end, e.text) for e in entities if e.label == "BODY"]
    found = find_meeting(text, bodies)

    def from_cover(value: str | None, raw: str | None) -> MeetingPart | None:
        if not value or (raw is value and find_dates(value, default_year=None)):
            return None  # a "Meeting:" field holding "08/02/2022 - Executive" is the text cues' to read
        start = text.find(raw or value)
        start, end = (start, start + len(raw or value)) if start >= 0 else (-1, -1)
        if value is cover.meeting_body and single_member(value):  # a single-member decision: no body
            return MeetingPart(None, start, end, "cover sheet: decision by a post holder")
        return MeetingPart(value, start, end, "cover sheet")

    return Meeting(
        body=from_cover(cover.meeting_body, cover.meeting_body) or found.body,
        date=from_cover(cover.meeting_date, cover.get("meeting_date")) or found.date,
        title=found.title or from_cover(cover.title, cover.title),
    )


def _list_blocks(list_items: Sequence[tuple[int, int]], chunk: _Chunk) -> list[tuple[int, int]]:
    """The document's list paragraphs (start, end) that begin inside `chunk`, in chunk offsets."""
    start, end = chunk.char_start, chunk.char_start + len(chunk.text)
    first = bisect.bisect_left(list_items, (start, start))
    last = bisect.bisect_left(list_items, (end, end), lo=first)
    return [(a - start, b - start) for a, b in list_items[first:last]]


# A short name that ends several fuller names takes the one the document names this many times as often as
# all the others together ("County Council" in a Suffolk paper that cites five other county councils once).
DOMINANT_BODY = 3


def _short_body_names(entities: list[Entity]) -> list[Entity]:
    """A body's short name ("City Council", "Partnership Board") takes the norm of the one fuller name in the
    document that ends with it ("Fenby City Council"), flagged `document_alias`.  A short name that ends
    two different names ("City Council" beside "Fenby City Council" and "Kingsmere City Council") stays,
    unless the document names one of them far more often (`DOMINANT_BODY`)."""
    mentions = Counter(e.norm for e in entities if e.label == "BODY" and e.norm)
    # a fuller name is a norm or a surface: "NHS Fenby Clinical Commissioning Group" (norm "NHS Fenby CCG")
    names = {name: e.norm for e in entities if e.label == "BODY" and e.norm
             for name in (e.norm, collapse(e.text))}
    words = {name: tuple(name.lower().split()) for name in names}
    by_last: dict[str, list[str]] = {}
    for name, name_words in words.items():
        by_last.setdefault(name_words[-1], []).append(name)
    fuller = {}
    for norm in mentions:
        short = tuple(norm.lower().split())
        if len(short) >= 2:
            same_last = by_last.get(short[-1], [])
            longer = {names[n] for n in same_last if names[n] != norm and _ends_with(words[n], short)}
            fuller[norm] = _fuller_body(longer, mentions)
    out = []
    for e in entities:
        target = fuller.get(e.norm) if e.label == "BODY" else None
        out.append(replace(e, norm=target, flag=e.flag or "document_alias") if target else e)
    return out


def _ends_with(name: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """Whether `name` is a longer name ending with `short`, not two names joined ("Fenby Library and Fenby
    Town Council" does not name the town council)."""
    cut = len(name) - len(short)
    return cut > 0 and name[cut:] == short and name[cut - 1] not in {"and", "&"}


def _fuller_body(longer: set[str], mentions: Counter[str]) -> str | None:
    """The norm a short name stands for among the norms of the fuller names ending with it: the longest if
    every other ends with it too ("Partnership Board" in "Fenby Care Partnership Board" and "Care
    Partnership Board"), else the one named `DOMINANT_BODY` times as often as the others together."""
    if not longer:
        return None
    ranked = sorted(longer, key=lambda n: (len(n.split()), n), reverse=True)
    longest = tuple(ranked[0].lower().split())
    if all(_ends_with(longest, tuple(n.lower().split())) for n in ranked[1:]):
        return ranked[0]
    top = max(longer, key=lambda n: (mentions[n], n))
    others = sum(mentions[n] for n in longer) - mentions[top]
    return top if mentions[top] >= DOMINANT_BODY * others else None


def _full_names(entities: list[Entity]) -> list[Entity]:
    """A surname alone ("Cllr Stamp") takes the full name of the one person of that surname the document
    names in full ("Cllr Sarah Stamp"), so a person is one value; flagged `document_name`.  A surname
    shared by two full names stays as it is."""
    full: dict[str, set[str]] = {}
    for e in entities:
        if e.label == "PERSON" and e.norm and " " in e.norm:
            full.setdefault(e.norm.rsplit(" ", 1)[1], set()).add(e.norm)
    out = []
    for e in entities:
        alone = e.label == "PERSON" and e.norm and " " not in e.norm
        names = sorted(full.get(e.norm, ())) if alone else []
        out.append(replace(e, norm=names[0], flag=e.flag or "document_name") if len(names) == 1 else e)
    return out


def _addressed_body(recommendations: Sequence[Recommendation], nlp: Language) -> str | None:
    """The body the recommendations are addressed to ("Recommendations to the Cabinet"), for a paper with
    no cover sheet naming its meeting: the one most often addressed (the first of equals), counting only
    names the pipeline reads as a whole BODY ("the Cabinet", not "NHS organisations").
    """
    names = list(dict.fromkeys(r.addressed_to for r in recommendations if r.addressed_to))
    if not names:
        return None
    bodies: dict[str, str] = {}
    for name, doc in zip(names, nlp.pipe(names), strict=True):
        spans = [s for s in doc.spans.get(SPANS_KEY, []) if s.label_ == "BODY"]
        if len(spans) == 1 and spans[0].text == doc.text.strip():
            bodies[name] = spans[0].id_
    counts = Counter(bodies[r.addressed_to] for r in recommendations if r.addressed_to in bodies)
    return max(counts, key=counts.__getitem__) if counts else None


def _heading_bodies(chunks: Sequence[_Chunk], docs: Sequence[Doc]) -> dict[str, str]:
    """Canonical body named in each section's heading path (the deepest heading naming one).

    A heading is the first block of its section's text, so its bodies are the BODY spans of the section's
    first chunk that end within that block (no pattern crosses the blank line after it): the headings
    need no pipeline run of their own.
    """
    named: dict[str, str] = {}
    for chunk, doc in zip(chunks, docs, strict=True):
        heading = chunk.section.heading
        if heading is None or chunk.offset or heading in named:
            continue
        block_end = chunk.text.find(BLOCK_SEPARATOR)
        block_end = len(chunk.text) if block_end < 0 else block_end
        bodies = [s for s in doc.spans.get(SPANS_KEY, []) if s.label_ == "BODY" and s.end_char <= block_end]
        if bodies:
            named[heading] = bodies[-1].id_
    result = {}
    for section in {chunk.section.section_id: chunk.section for chunk in chunks}.values():
        for heading in reversed(section.heading_path):
            if heading in named:
                result[section.section_id] = named[heading]
                break
    return result
