"""PERSON names found from context, never from capitalisation alone.

A capitalised run of name-shaped words ("Geoff Little", "Chris O'Gorman", "A Smith") is a person when a cue
says so (cue lists in `pipeline/data/people.yaml`):
- an honorific before it ("Cllr Smith", "Dr B Jones"), post-nominals after it ("Mike Farrar CBE, FRCP");
- a phrase before it ("chaired by", "led by", "contact") or after it ("is leading", "reported that");
- a cover-sheet or minutes field ("Author: Will Blandamer, ...", "Owner<TAB>..."), or a `cover_fields` value;
- apposition with a post ("Jane Smith, Director of Public Health", "Will Blandamer – Executive Director"),
  or a post before it ("statutory DPH Lesley Jones"); a signature ("Sarah Price, 13 May 2021");
- an attendance list ("Present: Cllr A Smith (Chair), Dr B Jones, Ms C Patel"), a list inside a sentence
  ("Apologies were received from Councillors Lee and Roy, Ann Bell and Jo Ng"), where a plural honorific
  stands before each name; a name opening an item of a run-on list or table just before a post ("Ann Lee
  Chief Executive Raj Patel Director of Public Health"); a name before brackets holding a post;
- a given name (`given_names.txt`) and a surname ("Ann McLEOD"); in attendance lists such pairs count
  even inside a run that the body grammar read as one long name, and names run on two words each are read
  pair by pair.
Words of post titles (`role_vocab.yaml`, `title_words`) end a name ("Ann Lee Principal Advisor").
A name once confirmed is then found wherever else it occurs in the text.  Words that are never part of a
name (organisation and post words, places, months) cut a run short, and runs overlapping BODY or ROLE spans
in `doc.spans["icsdocs"]` are dropped.  `norm` has honorifics and post-nominals removed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from pipeline.datafiles import read_lines, read_yaml
from pipeline.extract import fast
from pipeline.extract.fast import word_start_alternation as word_start
from pipeline.extract.found import Found
from pipeline.textutil import alternation, collapse

TOKEN = r"(?:Ma?c[A-Z][a-z]+|[A-Z][a-z]*['’][A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
INITIAL = r"[A-Z]\.?"
# A surname in capitals after a given name, as some minutes write them ("Ann McLEOD", "Raj PATEL-SHAH")
UPPER_SURNAME = r"(?:Ma?c)?[A-Z]{2,}(?:[-'’][A-Z]{2,})?(?![\w'’-])"
NAME = rf"(?<![\w'’&-])(?:{INITIAL}\s){{0,2}}{TOKEN}(?:[ \t]{TOKEN}){{0,2}}"
# NAME for patterns that open with it; fast, written to start with a character class so that `re` skips
# quickly to the capitals (same matches): the first capital, then the rest of an initial or of a TOKEN.
TOKEN_REST = r"(?:(?<=M)a?c[A-Z][a-z]+|[a-z]*['’][A-Z][a-z]+|[a-z]+(?:-[A-Z][a-z]+)?)"
LEADING_NAME = fast.choose(
    rf"[A-Z](?<![\w'’&-][A-Z])(?:\.?\s(?:{INITIAL}\s)?{TOKEN}|{TOKEN_REST})(?:[ \t]{TOKEN}){{0,2}}", NAME)
WORD = re.compile(r"\w+")
# A capitalised word and the capitalised word after it, tried at every capitalised word (overlapping)
CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
# a tab is a column break, not a space inside a name
SURNAME_AFTER = re.compile(rf" +({TOKEN}(?![\w'’-])|{UPPER_SURNAME})")
SPACES = re.compile(r"\s*")
# The end of a line or of a sentence: a full stop after a word, not after an initial ("Mr D. Evans")
SENTENCE_END = re.compile(r"\n|(?<=[a-z)])\.(?!\w)")
# A run of capitalised words separated by single spaces: "Ann Lee Raj Patel Jo Bell" in a run-on list
CAPITALISED_RUN = re.compile(rf"(?<![\w'’&.-]){TOKEN}(?: {TOKEN})+(?![\w'’-])")
# "Jane Smith on 0161 474 3174", "Jane Smith (jane.smith@council.gov.uk)": contact details follow a name
CONTACT_AFTER = (
    r"(?:[ \t]+(?:on|at|tel:?|telephone:?)[ \t]+\+?\d[\d ]{8,}|[ \t]*,[ \t]*\+?\d[\d ]{9,}"
    r"|[ \t]*[(,:–-]?[ \t]*(?:e-?mail:?[ \t]*)?[\w.-]+@\w)"
)
SPAN_KEY = "icsdocs"
# cover_fields keys (pipeline/data/cover_fields.yaml) whose values start with a person's name
NAME_FIELDS = frozenset(
    {
        "presented_by",
        "author",
        "report_of",
        "contact",
        "lead_officer",
        "owner",
        "sponsor",
        "executive_lead",
        "clinical_lead",
        "council_lead",
        "prepared_by",
    }
)


def _cue_word(phrase: str) -> str:
    """The longest word of a phrase: a text must contain it for the phrase to occur in it."""
    return max(WORD.findall(phrase), key=len)


def _cue_words(phrases: list[str]) -> frozenset[str]:
    """One word of each phrase (its longest), which a text must contain for the phrase to occur in it."""
    return frozenset(_cue_word(phrase) for phrase in phrases)


@dataclass(frozen=True)
class _Rules:
    honorific: re.Pattern[str]
    hon: str
    honorifics: frozenset[str]
    post_nominals: re.Pattern[str]
    post_set: frozenset[str]
    before: re.Pattern[str]
    before_starts: dict[str, re.Pattern[str]]  # cue word -> where a `before` phrase holding it starts
    after: re.Pattern[str]
    field: re.Pattern[str]
    list_label: re.Pattern[str]
    apposition: re.Pattern[str]
    # The parts of `apposition` and `bracket_role` after the name, searched first: they occur in few
    # sections, and a search for them is quicker than trying a name at every capital.
    appositive: re.Pattern[str]
    post_in_brackets: re.Pattern[str]
    role_before: re.Pattern[str]
    contact: re.Pattern[str]
    post_cue: re.Pattern[str]
    stopwords: frozenset[str]
    collective_after: re.Pattern[str]
    # What a cue pattern needs, tested cheaply so that most sections skip the pattern: a word of each cue
    # phrase (`_cue_words`) among the section's words, a contact detail, a date.
    honorific_words: frozenset[str]
    before_words: frozenset[str]  # lower-cased
    after_gate: fast.PhraseGate  # all the words of an `after` phrase, as written
    after_phrase: re.Pattern[str]  # an `after` phrase after a space ("will lead"; "will" alone is common)
    role_words: frozenset[str]
    role_words_lower: frozenset[str]
    post_words: frozenset[str]
    has_contact: re.Pattern[str]  # besides an "@"
    list_item: re.Pattern[str]  # a name opening an attendance-list item
    field_value: re.Pattern[str]  # a name opening a cover-sheet value
    hon_before: re.Pattern[str]  # an honorific just before a name
    has_date: re.Pattern[str]
    given_name_stopwords: frozenset[str]
    given_names: frozenset[str]  # given_names.txt
    not_surnames: frozenset[str]
    honorifics_cased: frozenset[str]
    title_words: frozenset[str]  # words of post titles, which end a name ("Ann Lee Principal Advisor")
    inline_field: re.Pattern[str]  # a cover-sheet label inside a run-on line ("... Author: Ann Lee")
    inline_list_label: re.Pattern[str]  # a list label as written, inside a run-on line ("... Members: Ann")
    list_lead: re.Pattern[str]  # a phrase opening a list of people inside a sentence ("... received from")
    plural_lead: re.Pattern[str]
    plural_honorifics: frozenset[str]
    bracket_role: re.Pattern[str]  # a name before brackets holding a post ("Ann Lee (Programme Manager)")
    name_before: re.Pattern[str]  # a name (and honorific) just before a position: "Ann Lee " + a ROLE span
    label_before: re.Pattern[str]  # a list label without its colon, just before a position ("Officers ")
    # Words one of which a section must hold for the label and list patterns to match (as `honorific_words`
    # for the honorifics): most sections hold none, and a set test is far quicker than a scan.
    field_words: frozenset[str]  # lower-cased
    inline_field_words: frozenset[str]
    list_label_words: frozenset[str]  # lower-cased; `list_label` is case-insensitive, `inline_list_label` not
    list_lead_gate: fast.PhraseGate  # lower-cased; the words of a lead but its last, which may run on
    plural_words: frozenset[str]


def _given_names() -> frozenset[str]:
    return frozenset(read_lines("given_names.txt"))


def _title_words(data: dict[str, Any], role_heads: list[str]) -> frozenset[str]:
    """Capitalised forms of the words of post titles: `role_heads`, `title_words` and the word lists of
    role_vocab.yaml, less the title words that are common surnames.
    """
    vocab = read_yaml("role_vocab.yaml")
    words = {str(w) for values in vocab.values() for w in values} | set(role_heads) | set(data["title_words"])
    titled = {w[:1].upper() + w[1:] for w in words if w[:1].isalpha() and len(w) > 1}
    return frozenset(titled - set(data["surname_title_words"]))


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = read_yaml("people.yaml")
    more_hon = rf"\.?(?:[ \t]+(?:{alternation(data['honorifics'])})\.?)*"
    hon = rf"(?P<hon>(?:{alternation(data['honorifics'])}){more_hon})"
    word_hon = rf"(?P<hon>(?:{word_start(data['honorifics'])}){more_hon})"  # `\b{hon}`
    post = rf"(?:,?[ \t]+(?:{alternation(data['post_nominals'])})\b)+"
    roles = fast.by_first_letter(data["role_heads"])
    appositive = _appositive(roles, APPOSITIVE_OPENER)
    in_brackets = rf"\((?=[^()\n]{{0,80}}?\b(?i:{roles})\b)"
    return _Rules(
        honorific=re.compile(
            rf"{word_hon}[ \t]+(?P<name>(?:{INITIAL}\s){{0,2}}{TOKEN}"
            rf"(?:[ \t]{UPPER_SURNAME}|(?:[ \t]{TOKEN}){{0,2}}))"
        ),
        hon=hon,
        honorifics=frozenset(h.lower() for h in data["honorifics"]),
        post_nominals=re.compile(post),
        post_set=frozenset(data["post_nominals"]),
        before=re.compile(
            rf"\b(?i:{alternation(data['before_phrases'])})[ \t]+(?:{hon}[ \t]+)?(?P<name>{NAME})"),
        before_starts=fast.phrase_starts(data["before_phrases"], _cue_word),
        after=re.compile(
            rf"(?P<name>{LEADING_NAME})(?:{post})?[ \t]+(?:{alternation(data['after_phrases'])})\b"),
        # the labels in any case, the name as written (capitalised)
        field=re.compile(
            rf"(?m)^[ \t]*(?i:{alternation(data['field_labels'])})[ \t]*(?::|\t)[ \t]*(?:{hon}[ \t]+)?"
            rf"(?P<name>{NAME})"
        ),
        list_label=re.compile(rf"(?im)^[ \t]*(?:{alternation(data['list_labels'])})[ \t]*(?::|\t)[ \t]*"),
        apposition=re.compile(rf"(?P<name>{LEADING_NAME})(?:{post})?[ \t]*{appositive}"),
        appositive=re.compile(_appositive(roles, fast.choose(OPENER_FIRST, APPOSITIVE_OPENER))),
        role_before=re.compile(rf"(?:{word_start(data['role_heads'])})[ \t]+(?P<name>{NAME})"),
        contact=re.compile(rf"(?P<name>{LEADING_NAME}){CONTACT_AFTER}"),
        post_cue=re.compile(rf"(?P<name>{LEADING_NAME}){post}(?![\w-])"),
        stopwords=frozenset(data["stopwords"]),
        collective_after=re.compile(rf"[ \t]+(?:{alternation(data['collective_nouns'])})\b"),
        honorific_words=_cue_words(data["honorifics"]),
        before_words=_cue_words([p.lower() for p in data["before_phrases"]]),
        after_gate=fast.phrase_gate(data["after_phrases"]),
        after_phrase=re.compile(rf"[ \t](?:{alternation(data['after_phrases'])})\b"),
        role_words=_cue_words(data["role_heads"]),
        role_words_lower=_cue_words([r.lower() for r in data["role_heads"]]),
        post_words=_cue_words(data["post_nominals"]),
        has_contact=re.compile(r"\d[\d ]{8,}"),
        # compiled here, once, rather than on first use in each worker (they hold the long `hon`)
        list_item=re.compile(
            rf"\s*(?:and\s+)?(?:[-•*]\s*)?(?:{hon}\s+)?(?P<name>{TOKEN}[ \t]{UPPER_SURNAME}|{NAME})"
        ),
        field_value=re.compile(rf"\s*(?:{hon}\s+)?(?P<name>{NAME})"),
        hon_before=re.compile(rf"\b{hon}\s+$"),
        has_date=re.compile(r"\d{1,2}(?:st|nd|rd|th)?[ \t]+[A-Z][a-z]+[ \t]+\d{4}"),
        **_word_sets(data),
        **_list_patterns(data, hon),
        bracket_role=re.compile(rf"(?P<name>{LEADING_NAME})(?:{post})?[ \t]*{in_brackets}[^()\n]*\)"),
        post_in_brackets=re.compile(in_brackets),
        name_before=re.compile(rf"(?:{hon}[ \t]+)?(?P<name>{NAME})[ \t]+$"),
        **_label_cue_words(data),
    )


# What opens an appositive: a comma, a dash, whitespace before a hyphen, a bracket.
APPOSITIVE_OPENER = r"(?:,|–|—|\s-|\()"
# The same, each alternative opening with its own character ("\s-" as "-" after whitespace), for the
# search that only asks whether a section holds an appositive: `re` then skips to those few characters
# instead of trying every whitespace.  A match starts one character later, never at another place.
OPENER_FIRST = r"(?:,|–|—|-(?<=\s-)|\()"


def _appositive(roles: str, opener: str) -> str:
    """What follows a name in apposition: a post or a date after `opener` (a comma, dash or bracket)."""
    return (
        rf"{opener}[ \t]*(?i:the\s+)?"
        rf"(?i:former|interim|acting|joint|deputy|vice|statutory|independent|new|incoming|outgoing|\s)*"
        rf"(?:(?i:(?:[A-Za-z&]+[ \t]+){{0,4}}?(?:{roles}))\b"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+[A-Z][a-z]+[ \t]+\d{{4}})"
    )


def _label_cue_words(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "field_words": _cue_words([label.lower() for label in data["field_labels"]]),
        "inline_field_words": _cue_words(data["inline_field_labels"]),
        "list_label_words": _cue_words([label.lower() for label in data["list_labels"]]),
        "list_lead_gate": fast.phrase_gate([lead.lower() for lead in data["list_leads"]], open_end=True),
        "plural_words": _cue_words(data["plural_honorifics"]),
    }


def _word_sets(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    return {
        "given_name_stopwords": frozenset(data["given_name_stopwords"]),
        "given_names": _given_names() - set(data["not_given_names"]),
        "not_surnames": frozenset(data["not_surnames"]),
        "honorifics_cased": frozenset(data["honorifics"]),
        "title_words": _title_words(data, data["role_heads"]),
        "plural_honorifics": frozenset(data["plural_honorifics"]),
    }


def _list_patterns(data: dict[str, Any], hon: str) -> dict[str, re.Pattern[str]]:
    """The patterns of labels and phrases that open lists of people, or a name inside a run-on line."""
    return {
        "inline_field": re.compile(
            rf"(?:{word_start(data['inline_field_labels'])})[ \t]*:[ \t]*"
            rf"(?:{hon}[ \t]+)?(?P<name>{NAME})"
        ),
        # matched in the lower-cased text
        "list_lead": re.compile(
            rf"(?:{word_start([p.lower() for p in data['list_leads']])})[ \t]*:?[ \t]*"
        ),
        # a plural honorific opens a list too ("Councillors Ann LEE, Raj PATEL and Jo BELL")
        "plural_lead": re.compile(rf"(?:{word_start(data['plural_honorifics'])})\s"),
        "inline_list_label": re.compile(rf"(?:{word_start(data['list_labels'])})[ \t]*:[ \t]*"),
        "label_before": re.compile(rf"(?:^|\n)[ \t]*(?i:{alternation(data['list_labels'])})[ \t]+$"),
    }


def _trim(rules: _Rules, text: str, start: int, end: int, *, min_tokens: int) -> tuple[int, int] | None:
    """Cut a candidate name at its first non-name word; None if too little is left."""
    tokens = list(re.finditer(r"\S+", text[start:end]))
    if len(tokens) > 2 and tokens[0].group(0) == "I":
        tokens = tokens[1:]  # "I Paul Dennett, City Mayor, ... do hereby": the pronoun, not an initial
    kept: list[re.Match[str]] = []
    for i, token in enumerate(tokens):
        word = token.group(0).rstrip(".,")
        if not kept and word in rules.given_name_stopwords and i + 1 < len(tokens):
            kept.append(token)  # "Bill Okoro", not the "Bill" of "Health and Care Bill"
            continue
        if len(word) > 1 and (
            word in rules.stopwords
            or word in rules.post_set
            or word.lower() in rules.honorifics
            or word in rules.title_words
            or (kept and word in rules.not_surnames)
        ):
            break
        kept.append(token)
    surnames = [t for t in kept if len(t.group(0).rstrip(".")) > 1]
    if len(kept) < min_tokens or not surnames or len(kept[-1].group(0).rstrip(".")) == 1:
        return None
    return start + kept[0].start(), start + kept[-1].end()


def _blocked_spans(spans: Iterable[Any]) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in spans if s.label_ in ("BODY", "ROLE")]


def _norm(name: str) -> str:
    return collapse(re.sub(r"['’]s$", "", name))


def _list_items(rules: _Rules, text: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """(start, end, has_honorific) of names in attendance lists.  A plural honorific ("Councillors Ng and
    Roy") stands before each of the names after it, so a surname alone counts there.
    """
    found = []
    for block_start, block_end in blocks:
        plural = False
        for item_start, raw in _items(text[block_start:block_end]):
            piece = rules.list_item.match(raw)
            if not piece:
                continue
            tail = raw[piece.end() :].strip()
            if tail and not tail.startswith(("(", "–", "-", "—")):
                continue  # "Bury Council representatives": not a bare name
            hon = piece.groupdict().get("hon")
            if hon is not None:
                plural = hon.split()[-1].rstrip(".") in rules.plural_honorifics
            offset = block_start + item_start
            has_hon = hon is not None or plural
            found.append((offset + piece.start("name"), offset + piece.end("name"), has_hon))
    return found


def _list_blocks(rules: _Rules, text: str, words: _Words) -> Iterator[tuple[int, int]]:
    """(start, end) of the lists of people: after a label opening a line, up to a blank line; after a
    phrase inside a sentence ("apologies were received from"), up to the end of the line or sentence
    (a full stop after a word, not after an initial)."""
    labels: list[re.Match[str]] = []
    if fast.holds(rules.list_label_words, words.lower):
        labels = [*rules.list_label.finditer(text), *rules.inline_list_label.finditer(text)]
    for label in labels:
        start = SPACES.match(text, label.end()).end()  # "Present:\n\nAnn Lee"
        block_end = text.find("\n\n", start)
        yield label.end(), len(text) if block_end < 0 else block_end
    leads: Iterable[re.Match[str]] = ()
    if rules.list_lead_gate.allows(words.lower):
        lower = text.lower()
        leads = rules.list_lead.finditer(lower if len(lower) == len(text) else text)
    plurals = rules.plural_lead.finditer(text) if fast.holds(rules.plural_words, words.cased) else ()
    # the honorific is the first item's: its list starts with it
    starts = [lead.end() for lead in leads] + [lead.start() for lead in plurals]
    for start in starts:
        stop = SENTENCE_END.search(text, start)
        yield start, len(text) if stop is None else stop.start()


def _items(block: str) -> Iterator[tuple[int, str]]:
    """The items of a list: between commas, semicolons, line breaks, tabs and "and" / "&", but not inside
    brackets ("Ann Lee (Director of Finance and Estates)")."""
    masked = re.sub(r"\([^()\n]*\)", lambda m: "(" + "x" * (len(m.group(0)) - 2) + ")", block)
    for item in re.finditer(r"(?:(?!\s(?:and|&|together\s+with|as\s+well\s+as)\s)[^,;:\n\t])+", masked):
        yield item.start(), block[item.start() : item.end()]


@lru_cache(maxsize=64)
def _cover_names(cover_fields: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], ...]:
    """The names leading the cover-sheet values that name a person (`NAME_FIELDS`), as patterns to find
    them by; cached, as every section of a document asks with the same cover sheet.
    """
    rules = _rules()
    names = []
    for key, value in cover_fields:
        if key in NAME_FIELDS:
            lead = rules.field_value.match(value)
            if lead:
                span = _trim(rules, value, lead.start("name"), lead.end("name"), min_tokens=2)
                if span:
                    # `\b{name}\b`: a name opens with a capital, so \b before it is "no \w before it"
                    names.append(fast.literal(value[span[0] : span[1]], r"\w", r"\b"))
    return tuple(names)


@lru_cache(maxsize=1)
def _place_name_pattern() -> re.Pattern[str]:
    """The gazetteer's place names of two words or more, as whole words (one-word places are common
    surnames: Preston, Chester, Derby)."""
    from ..locality import load_places

    names = sorted({p.name for p in load_places() if " " in p.name}, key=len, reverse=True)
    return re.compile(fast.whole_alternation(names, r"\w-"))


def find_people(
    doc: Doc, *, cover_fields: dict[str, str] | None = None, text: str | None = None
) -> list[Found]:
    """PERSON spans in `doc` (a blank-English spaCy Doc), in text order, without overlaps.

    `text` is `doc.text` when the caller has it already (rebuilding it from the tokens costs time).
    """
    rules = _rules()
    text = doc.text if text is None else text
    # a list: each pass over a SpanGroup makes its Span objects anew, and the spans are read several times
    spans = list(doc.spans.get(SPAN_KEY, []))
    candidates: list[tuple[int, int]] = []
    # Found on first use: most sections have no candidate name to check, and the gazetteer scan would
    # cost a quarter of the search for people.
    places: set[tuple[int, int]] | None = None

    def is_place(span: tuple[int, int]) -> bool:
        nonlocal places
        if places is None:
            places = _place_spans(spans, text)
        return span in places

    def add(start: int, end: int, *, min_tokens: int = 2) -> None:
        span = _trim(rules, text, start, end, min_tokens=min_tokens)
        if span and not rules.collective_after.match(text, span[1]):  # "Suffolk Libraries colleagues"
            if min_tokens > 1 and is_place(span):
                return  # a place ("Moss Side") is a person's name only after an honorific
            candidates.append(span)

    words = _words(text)
    blocks = list(_list_blocks(rules, text, words))
    for start, end, min_tokens in _cued_names(rules, text, words, spans, blocks):
        add(start, end, min_tokens=min_tokens)
    for name in _cover_names(tuple((cover_fields or {}).items())):
        candidates.extend((m.start(), m.end()) for m in name.finditer(text))

    # in an attendance list a given name and a surname make a person even inside a run the body grammar
    # read as one long name ("... Borough Council Ann Lee Torus Housing ..."): only posts block them
    # pairs and run-on pairs need a given name: most sections hold none, and then skip the list scans
    named_blocks = blocks if fast.holds(rules.given_names, words.cased) else []
    listed = {span for span in _listed_given_names(rules, text, named_blocks) if not is_place(span)}
    if not candidates and not listed:  # most sections: nothing to check against the BODY and ROLE spans
        return []
    blocked = _blocked_spans(spans)
    roles = [(s.start_char, s.end_char) for s in spans if s.label_ == "ROLE"]
    confirmed = [(s, e) for s, e in candidates if not any(s < be and bs < e for bs, be in blocked)]
    exempt = {(s, e) for s, e in listed if not any(s < be and bs < e for bs, be in roles)}
    names = {text[s:e] for s, e in confirmed + list(exempt) if " " in text[s:e].strip()}
    for name in names:
        confirmed.extend(fast.whole_occurrences(text, name))
    return _to_found(rules, text, confirmed + list(exempt), blocked, exempt)


def _place_spans(spans: Iterable[Any], text: str) -> set[tuple[int, int]]:
    """(start, end) of the PLACE spans, and of the gazetteer's place names of two words or more: such a
    place is no person's name either where the place rules read it as part of a longer name ("Moss Side
    Chief Executive" in a run-on list): only an honorific makes it one."""
    places = {(s.start_char, s.end_char) for s in spans if s.label_ == "PLACE"}
    return places | {(m.start(), m.end()) for m in _place_name_pattern().finditer(text)}


def _listed_given_names(
    rules: _Rules, text: str, blocks: list[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """(start, end) of each given name + surname ("Ann Lee") in the attendance lists of `text`, however
    the list is laid out: one a line, between commas, or run on with organisations between them."""
    for block_start, block_end in blocks:
        yield from _paired_runs(rules, text, block_start, block_end)
        yield from _given_name_pairs(rules, text, block_start, block_end)


def _paired_runs(rules: _Rules, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Names run on two words each ("Ann Lee Gethin Hughes Mark Morgan"): a run of an even number of
    name words, at least four, whose first words are mostly given names, read pair by pair (so that
    "Hughes Mark" is not read as a name where Hughes ends one)."""
    for run in CAPITALISED_RUN.finditer(text, start, end):
        words = list(re.finditer(r"\S+", run.group(0)))
        cut = next((i for i, w in enumerate(words) if _never_in_name(rules, w.group(0))), len(words))
        words = words[:cut]
        if len(words) < 4 or len(words) % 2:
            continue
        firsts = [w.group(0) for w in words[::2]]
        if 2 * sum(first in rules.given_names for first in firsts) < len(firsts):
            continue
        for first, last in zip(words[::2], words[1::2], strict=True):
            yield run.start() + first.start(), run.start() + last.end()


def _never_in_name(rules: _Rules, word: str) -> bool:
    return (
        word in rules.stopwords
        or word in rules.title_words
        or word in rules.not_surnames
        or word in rules.honorifics_cased
        or word in rules.post_set
    )


def _given_name_pairs(rules: _Rules, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each given name (`given_names.txt`) followed by a capitalised word that can be a
    surname (not a stopword, post, honorific or street word) in `text[start:end]`."""
    for word in CAPITALISED.finditer(text, start, end):
        if word.group(0) not in rules.given_names or (word.start() and text[word.start() - 1] in "'’&.-"):
            continue
        after = SURNAME_AFTER.match(text, word.end(), end)
        if after and not _never_in_name(rules, after.group(1)):
            yield word.start(), after.end(1)


@dataclass(frozen=True)
class _Words:
    """The words of a section, as written and lower-cased: a cue pattern runs only when the section holds
    a word that every match of it holds (most sections hold none of the cue words)."""

    cased: frozenset[str]
    lower: frozenset[str]


def _words(text: str) -> _Words:
    cased = fast.word_set(text)
    return _Words(cased, frozenset(map(str.lower, cased)))


def _cued_names(
    rules: _Rules, text: str, section_words: _Words, spans: Iterable[Any], blocks: list[tuple[int, int]]
) -> Iterator[tuple[int, int, int]]:
    """(start, end, least number of words) of each capitalised run that a cue makes a name."""
    words, lower_words = section_words.cased, section_words.lower
    if fast.holds(rules.honorific_words, words):
        for match in rules.honorific.finditer(text):
            yield match.start("name"), match.end("name"), 1
    before_cues = rules.before_words & lower_words
    for match in fast.starts_scan(rules.before, rules.before_starts, text, before_cues):
        yield match.start("name"), match.end("name"), 1 if match.group("hon") else 2
    fields = (
        (rules.field, fast.holds(rules.field_words, lower_words)),
        (rules.inline_field, fast.holds(rules.inline_field_words, words)),
    )
    for pattern, needed in fields:
        for match in pattern.finditer(text) if needed else ():
            yield match.start("name"), match.end("name"), 1 if match.group("hon") else 2
    span_ends = {s.end_char for s in spans if s.label_ in ("BODY", "ROLE")}
    led = (
        (rules.after, rules.after_gate.allows(words) and rules.after_phrase.search(text)),
        (rules.apposition, (not rules.role_words_lower.isdisjoint(lower_words) or rules.has_date.search(text))
         and rules.appositive.search(text)),
        (rules.bracket_role, "(" in text and not rules.role_words_lower.isdisjoint(lower_words)
         and rules.post_in_brackets.search(text)),
        (rules.contact, "@" in text or rules.has_contact.search(text)),
        (rules.post_cue, not rules.post_words.isdisjoint(words)),
    )
    for pattern, needed in led:
        for match in pattern.finditer(text) if fast.worth(needed) else ():
            start = _past_stopwords(rules, text, match.start("name"), match.end("name"))
            if not _continues_phrase(text, start, span_ends):
                yield start, match.end("name"), 2
    for match in rules.role_before.finditer(text) if fast.holds(rules.role_words, words) else ():
        if not re.match(r"[ \t]+[A-Z]", text[match.end("name") :]):  # "GP Extended Hours General Medical ..."
            yield match.start("name"), match.end("name"), 2
    yield from _names_before_roles(rules, text, spans, span_ends)
    # a pair is a capitalised word, a whole word of the section, that is a given name: most sections hold none
    pairs = _given_name_pairs(rules, text, 0, len(text)) if fast.holds(rules.given_names, words) else ()
    for start, end in pairs:
        yield start, end, 2
    for start, end, has_hon in _list_items(rules, text, blocks):
        yield start, end, 1 if has_hon else 2


def _past_stopwords(rules: _Rules, text: str, start: int, end: int) -> int:
    """Where the name starts once the words before it that never open a name are skipped: a run read as
    "Services Ann Lee" is "Ann Lee" after the post "Director of Adult Services"."""
    for word in WORD.finditer(text, start, end):
        if word.group(0) not in rules.stopwords and word.group(0) not in rules.title_words:
            return word.start()
    return start


def _continues_phrase(text: str, start: int, span_ends: set[int]) -> bool:
    """The capitalised run at `start` continues a longer capitalised phrase ("GP Extended Hours"), so it
    is not a name on its own; unless that phrase is a body or a post that ends just before it, as in
    run-on lists of people ("Director of Adult Services Ann Lee, ...")."""
    before = re.search(r"[A-Z][\w&'’-]*([ \t]+)$", text[max(0, start - 40) : start])
    return before is not None and start - len(before.group(1)) not in span_ends


def _names_before_roles(
    rules: _Rules, text: str, spans: Iterable[Any], span_ends: set[int]
) -> Iterator[tuple[int, int, int]]:
    """A name written just before a post, as in tables and run-on attendance lists ("Ann Lee Chief
    Executive", "Cllr Ray Ng Cabinet Member for ..."), where the name opens a line or follows a body or
    a post, a list label or punctuation."""
    for span in spans:
        if span.label_ != "ROLE":
            continue
        window_start = max(0, span.start_char - 60)
        window = text[window_start : span.start_char]
        for match in _name_suffixes(rules, window):
            start = window_start + match.start()
            if _opens_item(rules, text, start, span_ends):
                yield window_start + match.start("name"), window_start + match.end("name"), (
                    1 if match.group("hon") else 2
                )
                break


def _name_suffixes(rules: _Rules, window: str) -> Iterator[re.Match[str]]:
    """Matches of `rules.name_before` at the end of `window`, longest first, starting at each word."""
    for word in re.finditer(r"(?<!\S)\S", window):
        match = rules.name_before.match(window, word.start())
        first = WORD.match(window, match.start("name")).group(0) if match else ""
        if match and first not in rules.stopwords and first not in rules.title_words:
            yield match


def _opens_item(rules: _Rules, text: str, start: int, span_ends: set[int]) -> bool:
    """`start` opens an item of a list or table: after a line break, a label, punctuation, or a body or
    post that ends just before it."""
    before = text[max(0, start - 20) : start]
    if re.search(r"(?:^|[\n:;,.(|•–—-])[ \t]*$", before) or rules.label_before.search(before):
        return True
    return len(text[:start].rstrip(" \t")) in span_ends


def _to_found(
    rules: _Rules,
    text: str,
    spans: list[tuple[int, int]],
    blocked: list[tuple[int, int]],
    exempt: Collection[tuple[int, int]] = (),
) -> list[Found]:
    result: list[Found] = []
    last_end = -1
    for start, end in sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0]))):
        if start < last_end:
            continue
        if (start, end) not in exempt and any(start < be and bs < end for bs, be in blocked):
            continue
        norm = _norm(text[start:end])
        span_start, span_end = start, end
        hon = rules.hon_before.search(text[max(0, start - 20) : start])
        if hon:
            span_start = start - (len(hon.group(0)))
        post = rules.post_nominals.match(text, end)
        if post:
            span_end = post.end()
        if span_start < last_end:
            span_start = start
        result.append(Found("PERSON", span_start, span_end, text[span_start:span_end], norm))
        last_end = span_end
    return result
