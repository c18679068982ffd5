"""The one spaCy pipeline: BODY, ROLE and PLACE spans from gazetteers and productive rules.

`build_nlp()` returns a blank English pipeline (or a statistical one if `en_core_web_sm` happens to be
installed; it is never required) with five rule components, all reading their data from `pipeline/data/`:

- `icsdocs_bodies_v1` (SpanRuler): `bodies.csv` aliases and `body_patterns.jsonl` token patterns;
- `icsdocs_roles_v1` (SpanRuler): `roles.csv` titles (case-insensitive) and `role_patterns.jsonl`, whose
  `"$name"` placeholders are word lists from `role_vocab.yaml`;
- `icsdocs_places_v1` (SpanRuler): `places.csv` names and `place_patterns.jsonl`;
- `icsdocs_place_layout_v1`: places no gazetteer lists, from layout cues in `place_context.yaml` (ward
  lists, the town closing a venue line);
- `icsdocs_body_grammar_v1`: productive bodies ("Oldham Cares Alliance Board", "Lancashire and South
  Cumbria ICB") from the vocabulary in `body_grammar.yaml`;
- `icsdocs_resolve_v1`: turns the overlapping candidates in `doc.user_data["icsdocs_raw"]` into the final,
  non-overlapping spans in `doc.spans["icsdocs"]`, each with its canonical form in `span.id_` (also
  readable as `span._.icsdocs_norm`).

The final spans never overlap: the longest wins, so a place inside a body ("Bury" in "Bury Council")
and a body inside a role ("Cabinet" in "Cabinet Member") are dropped.  A place also yields to the words
around it (`place_context.yaml`): "Chorley Road", "Mayor of Liverpool" and "Cllr Derby" are not places.

The rulers' token matcher, the tokenizer's shortcuts and the lexeme flags that let a component skip a Doc
are speed-ups: they live in `pipeline/extract/fast.py`, and `ICSDOCS_REFERENCE=1` runs the plain way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from pipeline.datafiles import read_csv_rows, read_jsonl, read_lines, read_yaml
from pipeline.extract import fast
from pipeline.gcpause import paused_gc
from pipeline.textutil import collapse

SPANS_KEY = "icsdocs"
TEXT_KEY = "icsdocs_text"
RAW_KEY = "icsdocs_raw"
LABELS = ("BODY", "ROLE", "PLACE")
SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "on", "to", "with", "a", "an"})
ROLE_TRIM = frozenset({"the", "a", "an", "as", "and", "&", ",", "of", "for", "-", "–", "—", "'s", "’s"})
ACRONYM = re.compile(r"^[A-Z][A-Za-z/&]*[A-Z][A-Za-z/&]*$")
GM = re.compile(r"\bGM\b")
NAME_WORD = re.compile(r"^[A-Za-z][A-Za-z'’.&]*$")
INNER_ACRONYM = re.compile(r"\s*\([A-Z][A-Za-z&/]{1,7}\)(?=\s)")  # an acronym in brackets inside a name
# "(CCGs)", "(PCNs)": a plural acronym after a name says the name is a class, not one body
PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,}s$")
WELLBEING = re.compile(r"\b[Ww]ell[- ]?[Bb]eing\b")
# a bracket whose last word may say what kind of organisation the name before it is: "(out of hours provider)"
KIND_IN_BRACKETS = re.compile(r"\((?:[^()\n]{0,50}\s)?([A-Za-z]+)\)")
POSSESSIVE = frozenset({"’", "'"})
ENUMERATOR = re.compile(r"^[A-Za-z][.)]$")  # "C." or "b)" opening a list item, not a name word


@dataclass(frozen=True)
class Gazetteers:
    body_alias: dict[str, str]        # alias as written -> canonical
    body_alias_folded: dict[str, str]  # folded alias -> canonical
    body_kind: dict[str, str]         # canonical -> kind
    role_alias: dict[str, str]        # lower-cased alias -> canonical
    role_acronyms: frozenset[str]     # aliases that only count in their own case ("AO", "DPH")
    places: dict[str, str]            # name -> kind
    ambiguous_places: frozenset[str]


@dataclass(frozen=True)
class PlaceContext:
    """The words around a place that decide whether it stands alone (see `place_context.yaml`)."""
    openers: frozenset[str]
    name_openers: frozenset[str]
    honorifics: frozenset[str]
    continuations_ok: frozenset[str]
    place_continuations: tuple[tuple[str, ...], ...]
    name_heads_next_line: frozenset[str]
    bracket_qualified: frozenset[str]
    prefixes: frozenset[str]
    of_prefixes: tuple[tuple[str, ...], ...]
    suffixes: frozenset[str]
    ward_lead: re.Pattern[str]
    address: re.Pattern[str]
    bullet_item: re.Pattern[str]
    venue_line: re.Pattern[str]
    venue_nouns: frozenset[str]


@dataclass(frozen=True)
class BodyGrammar:
    heads: frozenset[str]
    conditional_heads: dict[str, tuple[tuple[str, ...], ...]]
    acronym_heads: frozenset[str]
    lowercase_modifiers: frozenset[str]
    connectors: frozenset[str]
    stop_first: frozenset[str]
    run_breakers: frozenset[str]
    head_blockers: frozenset[str]
    lowercase_head_blockers: frozenset[str]
    generic: frozenset[str]
    type_names: frozenset[str]
    generic_determiners: frozenset[str]
    acronym_pattern: re.Pattern[str]
    table_words: frozenset[str]
    max_name_words: int
    place_reach: int
    standalone_heads: frozenset[str]
    meeting_verbs: frozenset[str]
    wrapped_line_chars: int
    capital_only_heads: frozenset[str]
    meeting_openers: frozenset[str]
    distributive_determiners: frozenset[str]
    heading_words: frozenset[str]
    role_words: frozenset[str]
    compass_words: frozenset[str]
    joined_by_of: frozenset[str]
    takes_of: frozenset[str]
    kind_nouns: frozenset[str]


# Memoised: the resolver and the body grammar fold and normalise the same few hundred names over and over
# (the gazetteers these read are loaded once and never change).
NORM_CACHE = 16_384


@lru_cache(maxsize=NORM_CACHE)
def _fold(text: str) -> str:
    """Key for alias look-up: case, '&', a leading 'the', punctuation spacing and 'GM' folded away."""
    text = GM.sub("Greater Manchester", collapse(text))
    text = text.replace("&", " and ").replace("’", "'")
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"[\s,]+", " ", text).strip().lower()


@lru_cache(maxsize=1)
def gazetteers() -> Gazetteers:
    body_alias: dict[str, str] = {}
    body_kind: dict[str, str] = {}
    for row in read_csv_rows("bodies.csv", required=("alias", "canonical", "kind")):
        body_alias[row["alias"]] = row["canonical"]
        body_kind[row["canonical"]] = row["kind"]
    role_alias: dict[str, str] = {}
    acronyms = set()
    for row in read_csv_rows("roles.csv", required=("alias", "canonical")):
        role_alias[row["alias"].lower()] = row["canonical"]
        if ACRONYM.match(row["alias"]) and " " not in row["alias"]:
            acronyms.add(row["alias"])
    ambiguous = set(read_lines("place_ambiguous.txt"))
    return Gazetteers(
        body_alias=body_alias,
        body_alias_folded={_fold(alias): canonical for alias, canonical in body_alias.items()},
        body_kind=body_kind,
        role_alias=role_alias,
        role_acronyms=frozenset(acronyms),
        places={row["name"]: row["kind"] for row in read_csv_rows("places.csv", required=("name", "kind"))},
        ambiguous_places=frozenset(ambiguous),
    )


# A place name as a bare run of capitalised words, small joining words between ("Milnrow and Newhey",
# "Newcastle upon Tyne"): what a ward-list item or the town part of an address must look like.
PLACE_WORD = r"[A-Z][A-Za-z'’.-]*"
PLACE_JOIN = r"(?:and|upon|on|under|in|le|by|with|the|&)"
BARE_PLACE = re.compile(rf"{PLACE_WORD}(?:[ \t]+(?:{PLACE_JOIN}[ \t]+)?{PLACE_WORD}){{0,4}}")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?(?:[ \t]*\d[A-Z]{2})?\b")


@lru_cache(maxsize=1)
def place_context() -> PlaceContext:
    data = read_yaml("place_context.yaml")

    def words(key: str) -> frozenset[str]:
        return frozenset(str(word) for word in data[key])

    return PlaceContext(
        openers=words("openers"),
        name_openers=words("name_openers"),
        honorifics=words("honorifics"),
        continuations_ok=words("continuations_ok"),
        place_continuations=tuple(tuple(str(phrase).split()) for phrase in data["place_continuations"]),
        name_heads_next_line=words("name_heads_next_line"),
        bracket_qualified=words("bracket_qualified"),
        prefixes=words("prefixes"),
        of_prefixes=tuple(tuple(str(phrase).split()) for phrase in data["of_prefixes"]),
        suffixes=words("suffixes") | words("landforms"),
        ward_lead=re.compile(data["ward_lead"], re.MULTILINE),
        address=re.compile(data["address"]),
        bullet_item=re.compile(rf"^[ \t]*{data['bullet']}[ \t]*(?P<item>{BARE_PLACE.pattern})[ \t]*$"),
        venue_line=re.compile(data["venue_line"]),
        venue_nouns=words("venue_nouns"),
    )


@lru_cache(maxsize=1)
def body_grammar() -> BodyGrammar:
    data = read_yaml("body_grammar.yaml")

    def words(key: str) -> frozenset[str]:
        return frozenset(str(word).lower() for word in data[key])

    return BodyGrammar(
        heads=words("heads"),
        conditional_heads={head.lower(): tuple(tuple(str(phrase).lower().split()) for phrase in after)
                           for head, after in data["conditional_heads"].items()},
        acronym_heads=frozenset(str(word) for word in data["acronym_heads"]),
        lowercase_modifiers=words("lowercase_modifiers"),
        connectors=words("connectors"),
        stop_first=words("stop_first"),
        run_breakers=words("run_breakers"),
        head_blockers=words("head_blockers"),
        lowercase_head_blockers=words("lowercase_head_blockers"),
        generic=words("generic"),
        type_names=frozenset(_fold(str(name)) for name in data["type_names"]),
        generic_determiners=words("generic_determiners"),
        acronym_pattern=re.compile(data["acronym_pattern"]),
        table_words=words("table_words"),
        max_name_words=int(data["max_name_words"]),
        place_reach=int(data["place_reach"]),
        standalone_heads=frozenset(str(word) for word in data["standalone_heads"]),
        meeting_verbs=words("meeting_verbs"),
        wrapped_line_chars=int(data["wrapped_line_chars"]),
        capital_only_heads=words("capital_only_heads"),
        meeting_openers=words("meeting_openers"),
        distributive_determiners=words("distributive_determiners"),
        heading_words=words("heading_words"),
        role_words=words("role_words"),
        compass_words=words("compass_words"),
        joined_by_of=words("joined_by_of"),
        takes_of=words("takes_of"),
        kind_nouns=words("kind_nouns"),
    )


# --------------------------------------------------------------------------------------------- norms

@lru_cache(maxsize=NORM_CACHE)
def body_norm(text: str) -> str:
    """Canonical body name: the gazetteer's canonical for a known alias, else a normalised surface form.

    The surface form has whitespace collapsed, '&' as 'and', no leading 'the', 'GM' spelt 'Greater
    Manchester', lower-case words capitalised except small words ("of", "and").
    """
    gaz = gazetteers()
    text = INNER_ACRONYM.sub("", collapse(text))  # "West Yorkshire and Harrogate (WY&H) Health and ..."
    if text in gaz.body_alias:
        return gaz.body_alias[text]
    folded = _fold(text)
    if folded in gaz.body_alias_folded:
        return gaz.body_alias_folded[folded]
    surface = GM.sub("Greater Manchester", text).replace(" & ", " and ").replace("’", "'")
    surface = WELLBEING.sub("Wellbeing", surface)  # one spelling: "Well-Being", "Well Being", "wellbeing"
    surface = re.sub(r"^the\s+", "", surface, flags=re.IGNORECASE)
    words = surface.split(" ")
    out = []
    for index, word in enumerate(words):
        if word.islower() and (index == 0 or word not in SMALL_WORDS):
            word = word[0].upper() + word[1:]
        elif word.isupper() and len(word) > 1 and word.lower() in SMALL_WORDS:
            word = word.lower()
        out.append(word)
    return " ".join(out)


@lru_cache(maxsize=NORM_CACHE)
def role_norm(text: str) -> str:
    """Canonical post title: the gazetteer's canonical, else the title with small words lower-cased."""
    text = collapse(text)
    canonical = gazetteers().role_alias.get(text.lower())
    if canonical:
        return canonical
    words = text.split(" ")
    out = [w if w.isupper() else (w.lower() if i and w.lower() in SMALL_WORDS else w[:1].upper() + w[1:])
           for i, w in enumerate(words)]
    return " ".join(out)


@lru_cache(maxsize=1)
def _places_by_capitals() -> dict[str, str]:
    """Gazetteer names written in capitals ("BRIDGWATER") -> as listed, for headings set in capitals.  Short
    names and ambiguous words ("BATH", "SALE", "STREET") are left out: in capitals they are mostly words."""
    gaz = gazetteers()
    return {name.upper(): name for name in gaz.places
            if len(name) >= MIN_CAPITALS_PLACE and name not in gaz.ambiguous_places}


MIN_CAPITALS_PLACE = 5


def place_norm(text: str) -> str:
    text = collapse(text)
    return _places_by_capitals().get(text, text) if text.isupper() else text


NORMS = {"BODY": body_norm, "ROLE": role_norm, "PLACE": place_norm}


def norm_for(label: str, text: str) -> str:
    return NORMS[label](text)


# ---------------------------------------------------------------------------------------- patterns

def _expand(pattern: Any, vocab: dict[str, list[str]]) -> Any:
    """Replace "$name" placeholders in a token pattern by the word list `vocab[name]`; "$a|$b" is both
    lists."""
    if isinstance(pattern, str) and pattern.startswith("$"):
        return [str(word).lower() for name in pattern.split("|") for word in vocab[name.lstrip("$")]]
    if isinstance(pattern, list):
        return [_expand(item, vocab) for item in pattern]
    if isinstance(pattern, dict):
        return {key: _expand(value, vocab) for key, value in pattern.items()}
    return pattern


def body_patterns() -> list[dict[str, Any]]:
    gaz = gazetteers()
    phrases = [{"label": "BODY", "pattern": alias, "id": canonical}
               for alias, canonical in gaz.body_alias.items()]
    return phrases + read_jsonl("body_patterns.jsonl")


def role_patterns() -> list[dict[str, Any]]:
    vocab = read_yaml("role_vocab.yaml")
    phrases = [{"label": "ROLE", "pattern": alias, "id": canonical}
               for alias, canonical in gazetteers().role_alias.items()]
    lines = read_jsonl("role_patterns.jsonl")
    return phrases + [p for line in lines for p in fast.anchored(_expand(line, vocab))]


def place_patterns() -> list[dict[str, Any]]:
    phrases = [{"label": "PLACE", "pattern": name, "id": name} for name in gazetteers().places]
    capitals = [{"label": "PLACE", "pattern": upper, "id": name}
                for upper, name in _places_by_capitals().items()]
    return phrases + capitals + read_jsonl("place_patterns.jsonl")


# -------------------------------------------------------------------------------------- components

def doc_text(doc: Doc) -> str:
    """`doc.text`, as the tokenizer was given it (`fast.keep_text`): rebuilding it from the tokens
    costs more than most rules that read it."""
    text = doc.user_data.get(TEXT_KEY)
    return doc.text if text is None else text


def raw_candidates(doc: Doc) -> list[Span]:
    """The overlapping candidate spans of the components so far, in `doc.user_data[RAW_KEY]`: a plain
    list, as a SpanGroup in `doc.spans` would be rebuilt at every component (a tenth of the pipeline)."""
    return doc.user_data.setdefault(RAW_KEY, [])


class RulerComponent:
    """Gazetteer phrases (PhraseMatcher on `attr`) and token patterns (`fast.token_matcher`) of one label set.

    Behaves as a SpanRuler with `overwrite=False`: the matches, deduplicated and sorted, are appended to
    the document's raw candidates (`raw_candidates`), each span's `id_` the pattern's "id" (a gazetteer
    canonical) if it has one.
    """

    def __init__(self, nlp: Language, patterns: list[dict[str, Any]], attr: str):
        self.labels: dict[int, tuple[str, str]] = {}
        self.phrases = PhraseMatcher(nlp.vocab, attr=attr)
        phrase_keys: dict[str, list[str]] = {}
        token_patterns: list[tuple[str, list[dict[str, Any]]]] = []
        for entry in patterns:
            label, span_id = str(entry["label"]), str(entry.get("id", ""))
            key = repr((label, span_id))
            self.labels[nlp.vocab.strings.add(key)] = (label, span_id)
            if isinstance(entry["pattern"], str):
                phrase_keys.setdefault(key, []).append(entry["pattern"])
            else:
                token_patterns.append((key, entry["pattern"]))
        for key, texts in phrase_keys.items():
            self.phrases.add(key, [nlp.make_doc(text) for text in texts])
        self.tested_attrs = frozenset(str(key).upper() for _, pattern in token_patterns
                                      for token in pattern for key in token)
        self.tokens = fast.token_matcher(nlp.vocab, token_patterns)

    def __call__(self, doc: Doc) -> Doc:
        matches = self.tokens(doc) + list(self.phrases(doc))
        spans = {Span(doc, start, end, label=self.labels[key][0], span_id=self.labels[key][1])
                 for key, start, end in matches if start != end}
        raw_candidates(doc).extend(sorted(spans))
        return doc


LAYOUT_PLACE = "layout"  # span id of a place found from the layout rather than the gazetteer
ADDRESS_REACH = 200  # how far back from a postcode an address may start
# Words of the ward-list and venue cues in `place_context.yaml`, and the first half of a postcode ("OL16").
LAYOUT_CUE_WORDS = frozenset({"ward", "wards", "venue", "location", "address", "held"})
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


def _is_layout_cue(text: str) -> bool:
    return text.lower() in LAYOUT_CUE_WORDS or bool(OUTWARD_CODE.match(text))


class PlaceLayoutComponent:
    """Places no gazetteer lists, read from the page layout (cues in `place_context.yaml`): each bulleted
    item under a line that introduces wards ("made up of the following wards:" then "- Hill Top") and the
    town that closes a venue line ("Venue: Civic Suite, Town Hall, Ashby, LE65 1HU") and the names just before
    a postcode in an address ("Unit 4, Mill Yard, Hartwell, Elmstead, EL4 7QP")."""

    def __init__(self, vocab: Vocab, context: PlaceContext):
        self.ctx = context
        # Only a Doc holding a cue word or a postcode's first half (a lexeme flag, computed once per word
        # type) can yield anything: the three rules' scans of the text are skipped on the others.
        self.cue_flag = fast.add_flag(vocab, _is_layout_cue)

    def __call__(self, doc: Doc) -> Doc:
        if not fast.worth(fast.flag_column(doc, self.cue_flag).any()):
            return doc
        found = []
        text = doc_text(doc)
        for start, end in [*self._ward_items(text), *self._venue_towns(text), *self._address_places(text)]:
            span = doc.char_span(start, end, label="PLACE", span_id=LAYOUT_PLACE)
            if span is not None:
                found.append(span)
        raw_candidates(doc).extend(found)
        return doc

    def _ward_items(self, text: str) -> list[tuple[int, int]]:
        items = []
        for lead in self.ctx.ward_lead.finditer(text):
            pos = lead.end()
            while pos < len(text):
                line_end = text.find("\n", pos)
                line_end = len(text) if line_end < 0 else line_end
                line = text[pos:line_end]
                item = self.ctx.bullet_item.match(line)
                if item is None and line.strip():
                    break  # the list ends at the first line that is not a bulleted name
                if item is not None:
                    items.append((pos + item.start("item"), pos + item.end("item")))
                pos = line_end + 1
        return items

    def _venue_towns(self, text: str) -> list[tuple[int, int]]:
        towns = []
        for line in self.ctx.venue_line.finditer(text):
            parts = list(re.finditer(r"[^,;.()]+", line.group(1)))[1:]  # the first part names the building
            for part in reversed(parts):
                town = self._town(part.group())
                if town is not None:
                    offset = line.start(1) + part.start()
                    towns.append((offset + town[0], offset + town[1]))
                    break
        return towns

    def _address_places(self, text: str) -> list[tuple[int, int]]:
        """The bare names just before a postcode in a comma-separated address (at most two: a
        neighbourhood and its town), walking back until a street, building or number."""
        places = []
        for postcode in self.ctx.address.finditer(text):
            line_start = max(text.rfind("\n", 0, postcode.start()) + 1, postcode.start() - ADDRESS_REACH)
            parts = list(re.finditer(r"[^,]+", text[line_start:postcode.start()]))
            found = 0
            for part in reversed(parts[1:]):  # the first part is a building or street, or no address at all
                if not part.group().strip():
                    continue  # "Fareham, PO17": the postcode's own part
                town = self._town(part.group())
                if town is None or found == 2:
                    break
                places.append((line_start + part.start() + town[0], line_start + part.start() + town[1]))
                found += 1
        return places

    def _town(self, part: str) -> tuple[int, int] | None:
        """Where a bare town name is in one part of an address (a postcode after it cut off), else None."""
        postcode = POSTCODE.search(part)
        if postcode is not None:
            part = part[:postcode.start()]
        name = BARE_PLACE.search(part)
        if name is None or part.strip() != name.group() or any(ch.isdigit() for ch in part):
            return None
        if any(word in self.ctx.venue_nouns for word in name.group().split()):
            return None
        return name.start(), name.end()


class BodyGrammarComponent:
    """Bodies nobody listed: a run of name words ending in a head noun (see `body_grammar.yaml`).

    Walking left from a head, name words are capitalised words, acronyms and a few lower-case modifiers
    ("GM provider collaborative"), joined by "and" / "&" / "," / "-" / "'s".  The walk stops at a line
    break, at a ROLE candidate ("Chief Executive Bury Council") and before a connector that follows
    another head ("Bury Council and Bury CCG" is two bodies).  Words that never start a name ("The",
    "In", "Each", months) are trimmed from the left; a bare head ("the Board") is not a body.
    """

    def __init__(self, vocab: Vocab, grammar: BodyGrammar):
        self.grammar = grammar
        words, acronyms = grammar.heads | frozenset(grammar.conditional_heads), grammar.acronym_heads
        self.head_flag = fast.add_flag(vocab, lambda text: text.lower() in words or text in acronyms)

    def _is_head(self, doc: Doc, i: int) -> bool:
        token = doc[i]
        g = self.grammar
        if token.text in g.acronym_heads:
            return True
        lower = token.lower_
        if lower in g.heads:
            return True
        previous = None  # the word before: it rules out most conditions without making their slice
        for before in g.conditional_heads.get(lower, ()):
            if not before:
                return True
            if i < len(before):
                continue
            if previous is None:
                previous = doc[i - 1].lower_
            if before[-1] == previous and tuple(t.lower_ for t in doc[i - len(before):i]) == before:
                return True
        return False

    def _blocks_head(self, token) -> bool:
        return token.lower_ in self.grammar.head_blockers

    def _blocked_in_lower_case(self, doc: Doc, start: int, i: int) -> bool:
        """Whether a lower-case word after the head makes it a modifier: "Board members", "Steering Group
        meeting", "Primary Care Network funding"; a name of words of its own is still named ("the Fenby
        Cares Alliance agreement")."""
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is None or not nxt.is_lower or nxt.lower_ not in self.grammar.lowercase_head_blockers:
            return False
        return i - start < 2 or _fold(doc[start:i + 1].text) in self.grammar.type_names

    def _is_plural_head(self, token) -> bool:
        lower = token.lower_
        heads = self.grammar.heads
        if token.text[-1:] == "s" and token.text[:-1] in self.grammar.acronym_heads:
            return True  # "CCGs"
        if lower.endswith("ies"):
            return lower[:-3] + "y" in heads  # "Bodies"
        return lower.endswith("s") and lower[:-1] in heads

    def _names_lowercase_head(self, doc: Doc, start: int, head: int, places: dict[int, Span]) -> bool:
        """Whether the words before a lower-case head make it a name: "GM provider collaborative", "BAME
        forum", "Clinical and professional senate", but not "Bury partnership", nor one capitalised word
        that only opens a line or sentence ("Staff group" heading a table column)."""
        first = doc[start]
        if not first.text[:1].isupper() or (start < head and self._is_head(doc, start)):
            return False  # "the Council governance forum": the Council's forum, no name of its own
        if head - start == 1:
            return start not in places and (first.is_upper or not _opens_line_or_sentence(doc, start))
        return True

    def _is_name_word(self, doc: Doc, k: int) -> bool:
        token = doc[k]
        text = token.text
        if not NAME_WORD.match(text):
            return False
        if text[:1].isupper():
            return True
        if token.lower_ in self.grammar.lowercase_modifiers:
            return True
        # "Place-based", "System-wide": a lower-case word joined by a hyphen to a capitalised one
        return (k >= 2 and doc[k - 1].text == "-" and not doc[k - 1].whitespace_
                and not doc[k - 2].whitespace_ and doc[k - 2].text[:1].isupper())

    def _wrapped_head_after(self, doc: Doc, k: int, possible: list[bool]) -> int | None:
        """The head that continues head `k` after a line break that only wraps a long line: "... the
        Fenby Care Partnership\nBoard has identified" (not a list of names one a line: short lines)."""
        j, gap = k + 1, doc[k].whitespace_
        while j < len(doc) and doc[j].is_space:
            gap += doc[j].text_with_ws
            j += 1
        breaks = gap.count("\n")
        if breaks not in (1, 2) or j >= len(doc) or not possible[k]:
            return None
        if not (possible[j] and doc[j].text[:1].isupper() and self._is_head(doc, j)):
            return None
        if breaks == 2 and not (j + 1 < len(doc) and doc[j + 1].is_lower):
            return None  # a reader may make each line a paragraph: then the sentence must go on ("Board has")
        line_start = doc_text(doc).rfind("\n", 0, doc[k].idx) + 1
        return j if doc[k].idx + len(doc[k]) - line_start >= self.grammar.wrapped_line_chars else None

    def _crosses_acronym(self, doc: Doc, k: int) -> bool:
        """Whether `doc[k]` closes an acronym in brackets inside a name: "West Yorkshire and Harrogate
        (WY&H) Health and Care Partnership"."""
        return (doc[k].text == ")" and k >= 3 and doc[k - 2].text == "("
                and bool(self.grammar.acronym_pattern.match(doc[k - 1].text))
                and NAME_WORD.match(doc[k - 3].text) is not None and doc[k - 3].text[:1].isupper())

    def _stops_at_connector(self, doc: Doc, k: int, i: int, possible: list[bool]) -> bool:
        t = doc[k]
        if k == i - 1 and (t.lower_ in {"and", "&", ","} or (t.text == "-" and t.whitespace_)):
            return True  # "Locality and Collaborative": a head follows a name word
        # the word before the connector, before any acronym in brackets: "... Partnership (ICP) and"
        before = k - 4 if k >= 4 and self._crosses_acronym(doc, k - 1) else k - 1
        if before >= 0 and t.text != "-" and not doc[before].is_lower and (
                (possible[before] and self._is_head(doc, before)) or self._is_plural_head(doc[before])):
            return True  # "Bury Council and Bury CCG", "the Fenby CCGs and Fenby City Council"
        if t.lower_ in {"and", "&"} and _fold(doc[k + 1:i + 1].text) in self.grammar.type_names:
            return True  # "the One Fenby and Health and Wellbeing Board Strategy": a name, then a board
        if t.text == "-" and (t.whitespace_ or doc[k - 1].whitespace_):
            return True  # "Partnership - System Board" is two names; "Sub-Committee" is one
        # a comma only inside "Health, Care and Well Being Partnership"
        return t.text == "," and not any(doc[j].lower_ in {"and", "&"} for j in range(k + 1, i))

    def _walk_left(self, doc: Doc, i: int, possible: list[bool], role_tokens: set[int]) -> int:
        """The index of the first token left of head `i` that is not part of its name (-1 at the start)."""
        g = self.grammar
        k = i - 1
        while k >= 0:
            t = doc[k]
            if k in role_tokens:
                break
            if t.is_space or "\n" in t.whitespace_:
                p = k
                while p >= 0 and doc[p].is_space:
                    p -= 1
                if p < 0 or self._wrapped_head_after(doc, p, possible) != k + 1:
                    break
                k = p - 1  # a wrapped line: the head before the break is a name word
                continue
            if t.lower_ in g.connectors:
                if self._stops_at_connector(doc, k, i, possible):
                    break
            elif t.lower_ == "of" and k > 0 and doc[k - 1].lower_ in g.joined_by_of:
                k -= 1  # "Fenby Chamber of Commerce"
                continue
            elif t.text == ")" and self._crosses_acronym(doc, k):
                k -= 3
                continue
            elif t.text in POSSESSIVE and _plural_possessive(doc, k):
                k -= 2  # "Fenby CCGs’ Joint Board": a plural possessive
                continue
            elif not self._is_name_word(doc, k) or self._starts_other_name(doc, k, i, possible):
                break
            k -= 1
        return k

    def _starts_other_name(self, doc: Doc, k: int, i: int, possible: list[bool]) -> bool:
        """Whether the name of head `i` starts after `doc[k]`: "The" opens a sentence; "Minutes",
        "Protocol" end a heading run into the name; a plural head ("CCGs") names a class; "NHS" after a
        head opens the next name ("NHS North Fenby CCG NHS South Fenby CCG")."""
        t, g = doc[k], self.grammar
        if not t.is_lower and t.lower_ in g.run_breakers and not _after_lowercase_the(doc, k):
            return True
        if not t.is_lower and (t.lower_ in g.heading_words or t.lower_ in g.role_words):
            return True  # "Public Governor West Fenby CCG": a post title before the name
        if self._is_plural_head(t):
            return True
        return (doc[k + 1].text == "NHS" and k + 1 < i and possible[k] and self._is_head(doc, k)
                and not (possible[k + 2] and self._is_head(doc, k + 2)))

    def _after_of_object(self, doc: Doc, k: int, i: int) -> int:
        """Where the name starts when the run begins after "of": past the object of "University of Fenby
        and Fenby Teaching Hospitals NHS Trust" up to the first "and" (the run names a second body)."""
        if k < 1 or doc[k].lower_ != "of" or doc[k - 1].lower_ not in self.grammar.takes_of:
            return k + 1
        for j in range(k + 1, i):
            if doc[j].lower_ in {"and", "&"}:
                return j + 1
        return k + 1

    def _trim_left(self, doc: Doc, start: int, i: int) -> int:
        g = self.grammar
        while start < i:
            t = doc[start]
            if t.lower_ in g.run_breakers and not t.is_lower and _after_lowercase_the(doc, start):
                break  # "within the Our Healthier Fenby Partnership": the name begins with "Our"
            if (t.lower_ in g.connectors or t.is_lower or t.lower_ in g.stop_first
                    or not t.text[:1].isalnum() or len(t.text) == 1 or ENUMERATOR.match(t.text)):
                start += 1
            else:
                break
        return start

    def _cut_long_run(self, doc: Doc, start: int, i: int, places: dict[int, Span],
                      listed: bool) -> int | None:
        """A run of more name words than any body has is table cells flattened into one line ("Jo
        Bloggs Norfolk County Council Sam Lee Harbour Homes ..."): keep only a place and the words after it
        just before the head ("Norfolk County Council"), else nothing.  A run that follows a post title
        (`listed`: "... MP Jo Bloggs Norfolk County Council") is cut at such a place too."""
        g = self.grammar
        if not listed and (i - start <= g.max_name_words or sum(
                1 for t in doc[start:i] if t.lower_ not in g.connectors and t.text[:1].isalpha())
                <= g.max_name_words):
            return start
        for place_start in range(max(start, i - g.place_reach), i):
            if place_start in places:
                while place_start > start and doc[place_start - 1].lower_ in g.compass_words:
                    place_start -= 1  # "West Norfolk", "North East Fenbyshire"
                return place_start
        return start if listed else None

    def _head_ends_here(self, doc: Doc, i: int, possible: list[bool]) -> bool:
        """Whether the head at `i` ends a name: not "Partnership Board" (the later head does), nor
        "partnership working", "Board members", "Locality System Partnership Boards" (a class)."""
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is None:
            return True
        if nxt.is_space or "\n" in doc[i].whitespace_:
            return self._wrapped_head_after(doc, i, possible) is None
        if (possible[i + 1] and self._is_head(doc, i + 1)) or (
                nxt.text == "-" and possible[i + 2] and self._is_head(doc, i + 2)):
            return False
        return not (self._blocks_head(nxt) or self._is_plural_head(nxt))

    def _standalone(self, doc: Doc, i: int) -> Span | None:
        """A one-word body ("Executive") where the page names it as a meeting: "Meeting: 08/02/2022 -
        Executive", "The Executive received a report", "discussion by the Executive,"."""
        g = self.grammar
        token = doc[i]
        if token.text not in g.standalone_heads or i == 0:
            return None
        before, nxt = doc[i - 1], doc[i + 1] if i + 1 < len(doc) else None
        after_date = before.text == "-" and i >= 2 and doc[i - 2].text[:1].isdigit()
        after_the = before.lower_ in g.meeting_openers and (nxt is None or nxt.is_punct or nxt.is_space
                                                            or nxt.lower_ in g.meeting_verbs)
        return Span(doc, i, i + 1, label="BODY") if after_date or after_the else None

    def _candidate(self, doc: Doc, i: int, possible: list[bool], role_tokens: set[int],
                   places: dict[int, Span]) -> Span | None:
        g = self.grammar
        k = self._walk_left(doc, i, possible, role_tokens)
        if any(doc[j].lower_ in g.table_words for j in range(max(k, 0), i)):
            return None  # "Unrestricted Restricted Total Council Board": a row of column headers
        start = self._trim_left(doc, self._after_of_object(doc, k, i), i)
        if start == i:
            return self._standalone(doc, i)
        listed = k >= 0 and not doc[k].is_lower and doc[k].lower_ in g.role_words
        start = self._cut_long_run(doc, start, i, places, listed)
        if start is None or self._blocked_in_lower_case(doc, start, i):
            return None
        end = i + 1
        if end + 1 < len(doc) and doc[end].lower_ in {"for", "in", "of"} and (end + 1) in places:
            end = places[end + 1].end  # "Integrated Care Board for Greater Manchester"
        if doc[i].is_lower and (doc[i].lower_ in g.capital_only_heads
                                or not self._names_lowercase_head(doc, start, i, places)):
            return None  # "GM provider collaborative", "BAME forum" but not "Bury partnership"
        span = Span(doc, start, end, label="BODY")
        return None if _fold(span.text) in g.generic else span

    def __call__(self, doc: Doc) -> Doc:
        raw = raw_candidates(doc)
        role_tokens = {i for span in raw if span.label_ == "ROLE" for i in range(span.start, span.end)}
        places = {span.start: span for span in raw if span.label_ == "PLACE"}
        found: list[Span] = []
        flagged = fast.flag_column(doc, self.head_flag)
        # A head has the flag (a word of the heads): `_is_head` runs only on the few tokens that have it.
        possible = (flagged != 0).tolist() + [False, False]  # plain bools, made by numpy
        for i in fast.choose(flagged.nonzero()[0].tolist(), range(len(doc))):
            if i in role_tokens or not self._is_head(doc, i) or not self._head_ends_here(doc, i, possible):
                continue
            span = self._candidate(doc, i, possible, role_tokens, places)
            if span is not None:
                found.append(span)
        found.extend(self._described(doc, role_tokens))
        raw.extend(found)
        return doc

    def _described(self, doc: Doc, role_tokens: set[int]) -> list[Span]:
        """Names the page describes as an organisation in brackets: "Fenby Care United (out of hours
        provider)", "Community Action Fenby (voluntary sector support organisation)"."""
        found = []
        for match in KIND_IN_BRACKETS.finditer(doc_text(doc)):
            kind = match.group(1)
            if not kind.islower() or kind not in self.grammar.kind_nouns:
                continue  # "Jo Bloggs (Fenby Housing Company)": a person and their organisation
            bracket = doc.char_span(match.start(), match.start() + 1)
            start = self._name_before(doc, bracket.start, role_tokens) if bracket is not None else None
            if start is not None:
                found.append(Span(doc, start, bracket.start, label="BODY"))
        return found

    def _name_before(self, doc: Doc, end: int, role_tokens: set[int]) -> int | None:
        """The start of the capitalised name just before token `end` on its line, if there is one."""
        g = self.grammar
        k = end - 1
        while k >= 0 and end - k <= g.max_name_words and k not in role_tokens and not doc[k].is_space:
            t = doc[k]
            if not (t.lower_ in {"and", "&"} or (NAME_WORD.match(t.text) and t.text[:1].isupper())):
                break
            if "\n" in t.whitespace_ and k < end - 1:
                break
            k -= 1
        start = self._trim_left(doc, k + 1, end)
        if start >= end or _fold(doc[start:end].text) in g.generic:
            return None
        return start if end - start >= 2 else None  # one word ("The Plan (...)"): too often not a name


# Words after which an ambiguous place name ("Sale", "Reading") is read as a place.
PLACE_LEAD_WORDS = frozenset({"in", "at", "to", "from", "near", "around", "across", "within", "between",
                              "and", "&", ",", "of", "into", "towards", "outside", "including", "covering",
                              "serving"})


def _joined(doc: Doc, i: int) -> bool:
    """Whether token i runs on into token i + 1 on the same line."""
    return not doc[i].is_space and "\n" not in doc[i].whitespace_


JOINERS = frozenset({"and", "&", ","})


def _followed_by_of(doc: Doc, i: int) -> bool:
    return i + 1 < len(doc) and doc[i + 1].text == "of" and _joined(doc, i)


def _drop_joint_names(places: list[Span], name_starts: set[int]) -> list[Span]:
    """Places joined by "and" / "," to a place that opens a name are in that name too: "Medway and Swale
    CCG", "Heywood, Middleton and Rochdale Locality Board"."""
    dropped = set(name_starts)
    kept = []
    for span in sorted(places, key=lambda s: s.start, reverse=True):
        doc, end = span.doc, span.end
        if end + 1 < len(doc) and doc[end].text in JOINERS and end + 1 in dropped and _joined(doc, end):
            dropped.add(span.start)
        else:
            kept.append(span)
    return kept[::-1]


INITIAL_WORD = re.compile(r"^[A-Z]\.?$")


def _wrapped_line(doc: Doc, i: int) -> bool:
    """Whether the space token i may be a line break that a wrapped line runs on across: one break, or two
    where a reader set the lines of a PDF paragraph apart."""
    return doc[i].text.count("\n") <= 2 and i + 1 < len(doc) and not doc[i + 1].is_space


def _qualifies_a_name(span: Span, heads: frozenset[str]) -> bool:
    """A place alone in brackets right after an organisation's name: "Probation Service (London)"."""
    doc, i = span.doc, span.start - 1
    closes = span.end < len(doc) and doc[span.end].text == ")"
    return closes and i > 0 and _joined(doc, i - 1) and doc[i - 1].text in heads


def _is_title_word(text: str) -> bool:
    return len(text) > 1 and text.isalpha() and text[0].isupper() and text[1:].islower()


def _after_place_word(span: Span) -> bool:
    i = span.start - 1
    return i >= 0 and _joined(span.doc, i) and span.doc[i].lower_ in PLACE_LEAD_WORDS


def _opens_line_or_sentence(doc: Doc, i: int) -> bool:
    if i == 0:
        return True
    before = doc[i - 1]
    return before.is_space or "\n" in before.whitespace_ or before.text in {".", "!", "?", ":", ";", "•"}


def _after_lowercase_the(doc: Doc, k: int) -> bool:
    return k > 0 and doc[k - 1].text == "the"


def _plural_possessive(doc: Doc, k: int) -> bool:
    """Whether `doc[k]` is the apostrophe of a plural possessive: "CCGs’"."""
    return doc[k].text in POSSESSIVE and k > 0 and doc[k - 1].text[-1:] == "s" and not doc[k - 1].whitespace_


def _before_plural_acronym(span: Span) -> bool:
    """Whether a plural acronym in brackets follows: "GM Clinical Commissioning Group (CCGs)"."""
    doc, end = span.doc, span.end
    return (end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")"
            and bool(PLURAL_ACRONYM.match(doc[end + 1].text)))


class ResolveComponent:
    """Final spans: cleaned candidates, the longest winning, each with its canonical form in `id_`."""

    def __init__(self, gaz: Gazetteers, grammar: BodyGrammar, places: PlaceContext):
        self.gaz = gaz
        self.grammar = grammar
        self.places = places

    def _clean_role(self, span: Span) -> Span | None:
        start, end = span.start, span.end
        doc = span.doc
        while start < end and doc[start].lower_ in ROLE_TRIM:
            start += 1
        while end > start and doc[end - 1].lower_ in ROLE_TRIM:
            end -= 1
        if start == end:
            return None
        span = Span(doc, start, end, label="ROLE")
        text = span.text
        if len(span) == 1 and text.islower():
            return None  # "chair", "lead": verbs as often as titles
        acronyms = self.gaz.role_acronyms
        for token in span:
            upper = token.text.upper()
            if (upper in acronyms or upper.rstrip("S") in acronyms) and token.text not in acronyms:
                return None  # acronyms count only in their own case ("AO", not "ao")
        return span

    def _places(self, raw: list[Span]) -> list[Span]:
        """Gazetteer places grown into their compounds ("North Warwickshire", "Bradford District") that stand
        alone, and layout places.  A place is dropped when it is an ambiguous word in a place-less context
        ("Sale of land") or part of a longer name ("Bury Town Hall", "Mayor of Liverpool", "Cllr Derby"),
        and so is every place inside it ("North East" in "North East Lincolnshire Council")."""
        # Places next to each other are a list ("Essex West Sussex" in a table), when both are listed names
        listed = [span for span in raw if span.label_ == "PLACE" and span.id_ not in ("", LAYOUT_PLACE)]
        place_starts = frozenset(span.start for span in listed)
        place_ends = frozenset(span.end for span in listed)
        kept: list[Span] = []
        in_names: list[Span] = []
        for span in raw:
            if span.label_ != "PLACE":
                continue
            if span.id_ == LAYOUT_PLACE:
                kept.append(span)
                continue
            if span.text in self.gaz.ambiguous_places and not _after_place_word(span):
                continue
            grown = self._grow_place(span, place_starts)
            if self._continues_into_name(grown, place_starts) or self._closes_a_name(grown, place_ends):
                in_names.append(grown)
            else:
                kept.append(grown)
        if in_names:
            kept = [span for span in kept
                    if not any(name.start <= span.start and span.end <= name.end for name in in_names)]
        return _drop_joint_names(kept, {span.start for span in in_names})

    def _grow_place(self, span: Span, place_starts: frozenset[int]) -> Span:
        doc, ctx = span.doc, self.places
        start, end = span.start, span.end
        while start > 0 and span.start - start < 2 and doc[start - 1].text in ctx.prefixes \
                and _joined(doc, start - 1):
            start -= 1
        start = self._of_prefix_start(doc, start)
        if end < len(doc) and doc[end].text in ctx.suffixes and _joined(doc, end - 1) \
                and end not in place_starts and not _followed_by_of(doc, end):
            end += 1  # not "Essex West Sussex" (a list), nor "London Borough of Brent" (a council)
        if (start, end) == (span.start, span.end):
            return span
        return Span(doc, start, end, label="PLACE", span_id=span.id_)

    def _of_prefix_start(self, doc: Doc, start: int) -> int:
        """Where "City of" / "County of" before a place starts ("City of Manchester" is one place)."""
        if start < 2 or doc[start - 1].text != "of" or not _joined(doc, start - 2):
            return start
        for words in self.places.of_prefixes:
            first = start - 1 - len(words)
            if first >= 0 and tuple(t.text for t in doc[first:start - 1]) == words:
                named = first > 0 and _joined(doc, first - 1) and doc[first - 1].text[:1].isupper()
                return start if named else first  # "London Borough of Brent" is a council's name
        return start

    def _continues_into_name(self, span: Span, place_starts: frozenset[int]) -> bool:
        """A capitalised word right after the place on its line makes it part of a name: "Chorley Road",
        "Sheffield City Council", "Greater Manchester (GM) Devolution Agreement"."""
        doc, i = span.doc, span.end
        if i < len(doc) and doc[i].text == "(" and _joined(doc, i - 1):
            if i + 1 < len(doc) and doc[i + 1].text in self.places.venue_nouns:
                return True  # "Hollingworth (Room 108)": a room's name
            close = next((k for k in range(i + 1, min(i + 4, len(doc))) if doc[k].text == ")"), None)
            if close is None:
                return False
            i = close + 1  # "Greater Manchester (GM) Devolution Agreement": the name goes on
        if i >= len(doc) or i in place_starts:
            return False
        word = doc[i].text
        if doc[i].is_space:
            return _wrapped_line(doc, i) and doc[i + 1].text in self.places.name_heads_next_line
        if word in self.places.continuations_ok or word in self.places.honorifics:
            return False  # "Bolton and Bury", "Wigan Cllr Ann Jones": a new name starts
        following = tuple(t.text for t in doc[i:i + 2])
        if any(following[:len(words)] == words for words in self.places.place_continuations):
            return False  # "Ashford Town Centre" is still Ashford
        return word.isalpha() and word[0].isupper()

    def _closes_a_name(self, span: Span, place_ends: frozenset[int]) -> bool:
        """A place ending a name: after a capitalised word on its line ("Golden Square Warrington", "Anne
        Derby"), after an honorific or a name-opening word ("Cllr Sutton", "NHS Bury", "One Halton"), or after
        "<Title> of" ("Mayor of Liverpool", "University of Bolton")."""
        doc, i = span.doc, span.start - 1
        if i < 0 or not _joined(doc, i) or (span.start in place_ends and span.id_):
            return False  # nothing before it on the line, or another place ("Essex West Sussex" in a table)
        before = doc[i].text
        if before in self.places.name_openers | self.places.honorifics or INITIAL_WORD.match(before):
            return True  # "Cllr Sutton", "NHS Bury", "Councillor J Preston"
        if before == "(" and _qualifies_a_name(span, self.places.bracket_qualified):
            return True  # "Probation Service (London)"
        if before == "of" and i > 0 and _joined(doc, i - 1):
            before = doc[i - 1].text
        return _is_title_word(before) and before not in self.places.openers and before not in SMALL_WORDS

    def _keep(self, span: Span) -> bool:
        if span.label_ != "BODY":
            return True
        return not (_fold(span.text) in self.grammar.generic or self._names_a_kind(span)
                    or _before_plural_acronym(span))

    def _names_a_kind(self, span: Span) -> bool:
        """A type name after an indefinite or generic word: "an Integrated Care System", "each Locality
        Board", "their local Health and Wellbeing Board"."""
        if span.start == 0:
            return False
        before = span.doc[span.start - 1].lower_
        if before in self.grammar.distributive_determiners:
            return True  # "Each CCG Board is asked to": every one of a kind
        return _fold(span.text) in self.grammar.type_names and before in self.grammar.generic_determiners

    def __call__(self, doc: Doc) -> Doc:
        raw = doc.user_data.pop(RAW_KEY, [])
        candidates = self._places(raw)
        for span in raw:
            label = span.label_
            if label == "ROLE":
                cleaned = self._clean_role(span)
                if cleaned is None:
                    continue
                span = cleaned
            elif label == "PLACE" or not self._keep(span):
                continue
            candidates.append(span)
        final = []
        for span in filter_spans(candidates):
            out = Span(doc, span.start, span.end, label=span.label_)
            out.id_ = norm_for(span.label_, span.text)
            final.append(out)
        doc.spans[SPANS_KEY] = final
        return doc


# Pattern sets of the rulers: name -> (patterns, attribute the gazetteer phrases are matched on).
RULERS = {
    "bodies": (body_patterns, "ORTH"),
    "roles": (role_patterns, "LOWER"),
    "places": (place_patterns, "ORTH"),
}


@Language.factory("icsdocs_ruler_v2", default_config={"rules": "bodies"})
def make_ruler(nlp: Language, name: str, rules: str) -> RulerComponent:
    patterns, attr = RULERS[rules]
    return RulerComponent(nlp, patterns(), attr)


@Language.factory("icsdocs_body_grammar_v1")
def make_body_grammar(nlp: Language, name: str) -> BodyGrammarComponent:
    return BodyGrammarComponent(nlp.vocab, body_grammar())


@Language.factory("icsdocs_place_layout_v1")
def make_place_layout(nlp: Language, name: str) -> PlaceLayoutComponent:
    return PlaceLayoutComponent(nlp.vocab, place_context())


@Language.factory("icsdocs_resolve_v1")
def make_resolve(nlp: Language, name: str) -> ResolveComponent:
    return ResolveComponent(gazetteers(), body_grammar(), place_context())


def _blank() -> Language:
    try:
        return spacy.load("en_core_web_sm", exclude=["parser", "lemmatizer", "ner", "attribute_ruler"])
    except OSError:
        return spacy.blank("en")


def build_nlp(*, use_model: bool = False) -> Language:
    """The project's spaCy pipeline; blank English unless `use_model` and a small model is installed.

    On the fast path the blank pipeline's tokens have no NORM, SHAPE, LIKE_NUM and the other
    `fast.UNREAD_LEXEME_ATTRS`.
    """
    with paused_gc():
        return _build_nlp(use_model)


def _build_nlp(use_model: bool) -> Language:
    nlp = _blank() if use_model else fast.blank_english()
    if not use_model:  # a statistical model's components read the attributes
        # dropped before the rulers are added: the few thousand words of their patterns skip them too
        fast.drop_getters(nlp.vocab, fast.unread_getters(nlp.vocab))
    nlp.max_length = 2_000_000
    fast.keep_text(nlp, TEXT_KEY)
    if not Span.has_extension("icsdocs_norm"):
        Span.set_extension("icsdocs_norm", getter=lambda span: span.id_ or norm_for(span.label_, span.text))
    for rules in RULERS:
        nlp.add_pipe("icsdocs_ruler_v2", name=f"icsdocs_{rules}_v2", config={"rules": rules})
    nlp.add_pipe("icsdocs_place_layout_v1")
    nlp.add_pipe("icsdocs_body_grammar_v1")
    nlp.add_pipe("icsdocs_resolve_v1")
    fast.refuse_unread_tests(nlp)
    from pipeline.extract import warm_up  # the extractors import this module

    warm_up(nlp)
    return nlp
