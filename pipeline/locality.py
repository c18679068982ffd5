"""Which locality a document is about, and what kind of document it is.

An analyst's manifest CSV (`path,locality,doc_type`) wins; otherwise both are inferred from the text:
the locality from the place gazetteer (`data/places.csv`) and the layout cues of `data/locality_cues.yaml`
(the council or NHS body that issues the paper, its venue, ...), the type from `data/doc_types.yaml`.
The record says how it was decided so that an analyst can tell a guess from a given fact.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .datafiles import compile_pattern, read_csv_rows, read_lines, read_yaml
from .records import DocumentMeta

PLACES = "places.csv"
LOCALITY_CUES = "locality_cues.yaml"
DOC_TYPES = "doc_types.yaml"


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    locality: str
    region: str
    county: str = ""  # the county council over a district's locality, in two-tier areas


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    return tuple(
        Place(row["name"], row["kind"], row.get("locality", ""), row.get("region", ""), row.get("county", ""))
        for row in read_csv_rows(PLACES, required=("name", "kind"))
    )


@dataclass(frozen=True)
class LocalityCue:
    """Words around a place mention that say whose paper it is ("Bolton Council", "Venue: ..., Bolton")."""
    name: str
    before: re.Pattern[str] | None  # must match the text just before the mention (it ends with `$`)
    after: re.Pattern[str] | None   # must match from the end of the mention
    weight: int
    head_weight: int
    owner: bool


@dataclass(frozen=True)
class LocalityRules:
    """`locality_cues.yaml` and the place gazetteer, ready to apply."""
    places: dict[str, Place]  # name -> place, for names that have a locality
    ambiguous: frozenset[str]  # names that are also words ("Reading", "Street"): counted only before a cue
    max_words: int            # the longest name, in words
    first_words: frozenset[str]  # the first word of each name (with its comma: "Humber,")
    by_key: dict[str, str]    # "sthelens" -> "St Helens": e-mail domains to localities
    cues: tuple[LocalityCue, ...]
    town_council: LocalityCue
    email: re.Pattern[str]
    email_weight: int
    head_chars: int
    mention_weight: int
    head_mention: int
    owner_bonus: int
    min_score: int
    dominance: float


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _cue(data: dict) -> LocalityCue:
    name = data.get("name", "")
    before, after = (_pattern(data, key, f"cue {name!r}") for key in ("before", "after"))
    return LocalityCue(name, before, after, int(data["weight"]), int(data.get("head_weight", data["weight"])),
                       bool(data.get("owner", False)))


def _pattern(data: dict, key: str, where: str, flags: int = 0) -> re.Pattern[str] | None:
    value = data.get(key)
    return compile_pattern(value, LOCALITY_CUES, f"{where}, {key}", flags) if value else None


@lru_cache(maxsize=1)
def locality_rules() -> LocalityRules:
    data = read_yaml(LOCALITY_CUES)
    places = {place.name: place for place in load_places() if place.locality}
    return LocalityRules(
        places=places,
        ambiguous=frozenset(read_lines("place_ambiguous.txt")),
        max_words=max(len(name.split()) for name in places),
        first_words=frozenset(name.split(" ", 1)[0] for name in places),
        by_key={_key(name): place.locality for name, place in places.items()},
        cues=tuple(_cue(cue) for cue in data["cues"]),
        town_council=_town_council(data),
        email=_pattern(data["email"], "pattern", "email"),
        email_weight=int(data["email"]["weight"]),
        head_chars=int(data["head_chars"]),
        mention_weight=int(data["mention"]),
        head_mention=int(data["head_mention"]),
        owner_bonus=int(data["first_owner_bonus"]),
        min_score=int(data["min_score"]),
        dominance=float(data["dominance"]),
    )


def _town_council(data: dict) -> LocalityCue:
    town = data["town_council"]
    return LocalityCue("town council", None, _pattern(town, "pattern", "town_council"), int(town["weight"]),
                       int(town.get("head_weight", town["weight"])), bool(town.get("owner", False)))


# A run of capitalised words and the small words inside place names ("Newcastle upon Tyne", "Isle of
# Wight", "Heywood, Middleton and Rochdale"): only such runs are looked up in the gazetteer.
NAME_RUN = re.compile(
    r"(?<![\w'’-])[A-Z][A-Za-z'’-]*(?:,?[ \t]+(?:[A-Z][A-Za-z'’-]*|and|of|upon|with|the)(?![\w'’-]))*")
RUN_WORD = re.compile(r"[^\s,]+(,?)")
POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    place: Place


def find_mentions(text: str, rules: LocalityRules) -> list[Mention]:
    """Gazetteer places in the text, longest first, each as written (a possessive "Bolton's" counts)."""
    mentions = []
    for run in NAME_RUN.finditer(text):
        words = [(w.start(), w.end() - len(w.group(1)), w.group(1)) for w in RUN_WORD.finditer(run.group())]
        i = 0
        while i < len(words):
            found = _longest_name(run, words, i, rules)
            if found is None:
                i += 1
                continue
            j, end, place = found
            mentions.append(Mention(run.start() + words[i][0], run.start() + end, place))
            i = j
    return mentions


def _longest_name(run: re.Match[str], words: list[tuple[int, int, str]], i: int,
                  rules: LocalityRules) -> tuple[int, int, Place] | None:
    text = run.group()
    # Most capitalised words start no place name: the names tried below all start with the word as
    # written (with its comma when the name goes on, without its possessive when it is the name).
    first = text[words[i][0]:words[i][1]]
    if (first + words[i][2] not in rules.first_words and first not in rules.first_words
            and POSSESSIVE.sub("", first) not in rules.first_words):
        return None
    for j in range(min(len(words), i + rules.max_words), i, -1):
        # a word's comma stays with it, as in "Humber, Coast and Vale"
        name = " ".join(text[words[k][0]:words[k][1]] + words[k][2] for k in range(i, j - 1))
        last = text[words[j - 1][0]:words[j - 1][1]]
        for candidate in dict.fromkeys((last, POSSESSIVE.sub("", last))):
            full = f"{name} {candidate}" if name else candidate
            if full in rules.places:
                return j, words[j - 1][0] + len(candidate), rules.places[full]
    return None


def _first_of_joint(text: str, mentions: list[Mention], k: int) -> Mention:
    """The first place of a joint name ending in mention k: "Medway" in "Medway and Swale CCG",
    "Bristol" in "Bristol, North Somerset and South Gloucestershire"."""
    if k == 0 or not JOINT_AND.match(text[mentions[k - 1].end:mentions[k].start]):
        return mentions[k]
    k -= 1
    while k > 0 and JOINT_COMMA.match(text[mentions[k - 1].end:mentions[k].start]):
        k -= 1
    return mentions[k]


JOINT_AND = re.compile(r"[ \t]+(?:and|&)[ \t]+$")
JOINT_COMMA = re.compile(r",[ \t]+$")
# How far back a `before` cue may look from a mention.
BEFORE_WINDOW = 200


@dataclass(frozen=True)
class LocalityEvidence:
    """Weighted evidence for each locality, and which cues gave it (for `documents.locality_source`)."""
    scores: Counter[str]
    cues: dict[str, list[str]]
    owner: str | None


class _Tally:
    """Scores, cue names and the first owner cue in the head, as the evidence is read."""

    def __init__(self, rules: LocalityRules):
        self.rules = rules
        self.scores: Counter[str] = Counter()
        self.cues: dict[str, list[str]] = {}
        self.owner_at, self.owner = -1, None

    def cue(self, cue: LocalityCue, locality: str, at: int) -> None:
        in_head = at < self.rules.head_chars
        self.scores[locality] += cue.head_weight if in_head else cue.weight
        self.cues.setdefault(locality, []).append(cue.name)
        if cue.owner and in_head and (self.owner is None or at < self.owner_at):
            self.owner_at, self.owner = at, locality


def _cue_matches(cue: LocalityCue, text: str, mention: Mention) -> bool:
    if cue.after is not None and not cue.after.match(text, mention.end):
        return False
    if cue.before is not None:
        window = text[max(0, mention.start - BEFORE_WINDOW):mention.start]
        return cue.before.search(window) is not None
    return True


def _ambiguous_cues(text: str, mentions: list[Mention], k: int, tally: _Tally) -> None:
    """A name that is also a word counts only with a cue right after it ("Reading Borough Council"): on its
    own, or after "Venue: Town Hall, High", it is as likely the word ("Street")."""
    for cue in tally.rules.cues:
        if cue.after is not None and _cue_matches(cue, text, mentions[k]):
            first = _first_of_joint(text, mentions, k)
            tally.cue(cue, first.place.locality, first.start)
            return


def locality_evidence(text: str) -> LocalityEvidence:
    """Mentions of places (a town counts for its locality, a district's also for its county, more in the
    head) plus layout cues around them: the council or NHS body that issues the paper, a local board, the
    venue, a civic post; a town's own council; a council e-mail address."""
    rules = locality_rules()
    tally = _Tally(rules)
    mentions = find_mentions(text, rules)
    for k, mention in enumerate(mentions):
        if mention.place.name in rules.ambiguous:
            _ambiguous_cues(text, mentions, k, tally)
            continue
        weight = rules.head_mention if mention.start < rules.head_chars else rules.mention_weight
        tally.scores[mention.place.locality] += weight
        if mention.place.county:  # "Basingstoke" is evidence for Hampshire too
            tally.scores[mention.place.county] += weight
        named = set()  # "NHS Sefton CCG" is one NHS body cue, not two
        for cue in rules.cues:
            if cue.name not in named and _cue_matches(cue, text, mention):
                named.add(cue.name)
                first = _first_of_joint(text, mentions, k)
                tally.cue(cue, first.place.locality, first.start)
    for match in rules.town_council.after.finditer(text):
        tally.cue(rules.town_council, match.group("town"), match.start())
    for match in rules.email.finditer(text):
        locality = rules.by_key.get(_key(match.group("name")))
        if locality:
            tally.scores[locality] += rules.email_weight
            tally.cues.setdefault(locality, []).append("e-mail")
    if tally.owner:
        tally.scores[tally.owner] += rules.owner_bonus
    return LocalityEvidence(tally.scores, tally.cues, tally.owner)


def locality_scores(text: str) -> Counter[str]:
    """Weighted evidence for each locality (see `locality_evidence`)."""
    return locality_evidence(text).scores


def _inside(locality: str, area: str, rules: LocalityRules) -> bool:
    """Whether `locality` lies in the wider `area` ("Trafford" in "Greater Manchester", "Winchester" in
    "Hampshire")."""
    place = rules.places.get(locality)
    return place is not None and area in (place.region, place.county)


def _footprint_joining(first: str, second: str, text: str, rules: LocalityRules) -> str | None:
    """A joint footprint named in the text whose places include both leading localities: a paper that
    weighs Coventry and Warwickshire evenly and names "Coventry and Warwickshire" is about the footprint."""
    for name, place in rules.places.items():
        if place.kind != "health area" or name not in text:
            continue
        members = {rules.places[part].locality if part in rules.places else part
                   for part in re.split(r",\s*|\s+and\s+", name)}
        if {first, second} <= members:
            return name
    return None


def _owner_holds(owner: str, best: str, scores: Counter[str], rules: LocalityRules) -> bool:
    """The issuing body's locality is the paper's unless another place clearly outweighs it; a wider area
    that contains it never does (a Trafford paper about Greater Manchester is Trafford's)."""
    return owner == best or _inside(owner, best, rules) or scores[owner] * rules.dominance >= scores[best]


def infer_locality(text: str) -> tuple[str | None, str]:
    """The paper's locality and why: a footprint joining two evenly weighted places, else the issuing body's
    locality unless another place clearly outweighs it, else the dominant place, else None."""
    evidence = locality_evidence(text)
    scores = evidence.scores
    if not scores:
        return None, "inferred: no known place mentioned"
    rules = locality_rules()
    ranked = scores.most_common(3)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    summary = ", ".join(f"{name} {score}" for name, score in ranked)
    if len(ranked) > 1 and best_score < rules.dominance * runner_up:
        footprint = _footprint_joining(best, ranked[1][0], text, rules)
        if footprint:
            return footprint, (f"inferred from text: {footprint} joins the two leading places "
                               f"(weighted evidence: {summary})")
    owner = evidence.owner
    if owner and _owner_holds(owner, best, scores, rules):
        cues = ", ".join(sorted(set(evidence.cues.get(owner, []))))
        return owner, (f"inferred from text: {owner} is the issuing body "
                       f"(weighted evidence: {summary}; cues: {cues})")
    if best_score < rules.min_score or best_score < rules.dominance * runner_up:
        return None, f"inferred: no dominant place (weighted evidence: {summary})"
    cues = sorted(set(evidence.cues.get(best, [])))
    reasons = "; cues: " + ", ".join(cues) if cues else ""
    return best, f"inferred from text (weighted evidence: {summary}{reasons})"


@dataclass(frozen=True)
class _TypeCue:
    pattern: re.Pattern[str]
    weight: int
    within: int  # characters from the start of the document searched


@lru_cache(maxsize=1)
def _doc_type_rules() -> tuple[int, dict[str, list[_TypeCue]]]:
    data = read_yaml(DOC_TYPES)
    window = int(data["window"])
    flags = re.IGNORECASE | re.MULTILINE
    rules = {
        name: [_TypeCue(compile_pattern(cue["cue"], DOC_TYPES, f"type {name}, cue #{n}", flags),
                        int(cue["weight"]), int(cue.get("within", window))) for n, cue in enumerate(cues, 1)]
        for name, cues in data["types"].items()
    }
    return int(data["min_score"]), rules


def doc_type_scores(text: str) -> dict[str, int]:
    """The summed weight of each type's cues found in the text (each cue counts once)."""
    _, rules = _doc_type_rules()
    return {name: sum(cue.weight for cue in cues if cue.pattern.search(text, 0, cue.within))
            for name, cues in rules.items()}


def infer_doc_type(text: str) -> tuple[str, str]:
    min_score, _ = _doc_type_rules()
    scores = doc_type_scores(text)
    best = max(scores, key=lambda name: scores[name])  # the first listed of equals
    if scores[best] < min_score:
        return "other", "inferred: no type cue strong enough"
    ranked = ", ".join(f"{name} {score}" for name, score in sorted(scores.items(), key=lambda kv: -kv[1])[:3])
    return best, f"inferred from text cues ({ranked})"


@dataclass(frozen=True)
class ManifestEntry:
    locality: str | None
    doc_type: str | None


def read_manifest(path: str | Path) -> dict[str, ManifestEntry]:
    """Map both resolved paths and bare filenames to the analyst's entry."""
    manifest_path = Path(path)
    entries: dict[str, ManifestEntry] = {}
    with open(manifest_path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            raw = (row.get("path") or "").strip()
            if not raw:
                continue
            entry = ManifestEntry((row.get("locality") or "").strip() or None,
                                  (row.get("doc_type") or "").strip() or None)
            file_path = Path(raw)
            if not file_path.is_absolute():
                file_path = manifest_path.parent / file_path
            entries[str(file_path.resolve())] = entry
            entries.setdefault(Path(raw).name, entry)
    return entries


def lookup_manifest(manifest: dict[str, ManifestEntry], path: str | Path) -> ManifestEntry | None:
    resolved = Path(path).resolve()
    return manifest.get(str(resolved)) or manifest.get(resolved.name)


def warm_up() -> None:
    """Read the gazetteer and the cue files now, once, so that ingest workers, forked after it, do not
    each pay for it on their first document."""
    locality_rules()
    _doc_type_rules()


def document_meta(text: str, entry: ManifestEntry | None) -> DocumentMeta:
    if entry and entry.locality:
        locality, locality_source = entry.locality, "manifest"
    else:
        locality, locality_source = infer_locality(text)
    if entry and entry.doc_type:
        doc_type, doc_type_source = entry.doc_type, "manifest"
    else:
        doc_type, doc_type_source = infer_doc_type(text)
    return DocumentMeta(locality, locality_source, doc_type, doc_type_source)
