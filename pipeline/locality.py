"""Which locality a document is about, and what kind of document it is.

An analyst's manifest CSV (`path,locality,doc_type`) wins; otherwise both are inferred from the text
with the place gazetteer (`data/places.csv`) and the cue list (`data/doc_types.yaml`), and the record
says how it was decided so that an analyst can tell a guess from a given fact.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .records import DocumentMeta


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    locality: str
    region: str
    county: str = ""  # the county council over a district's locality, in two-tier areas


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    text = resources.files("pipeline.data").joinpath("places.csv").read_text(encoding="utf-8")
    return tuple(
        Place(row["name"].strip(), row["kind"].strip(), (row.get("locality") or "").strip(),
              (row.get("region") or "").strip(), (row.get("county") or "").strip())
        for row in csv.DictReader(text.splitlines())
        if row.get("name")
    )


@dataclass(frozen=True)
class LocalityCue:
    name: str
    pattern: re.Pattern[str]
    weight: int
    head_weight: int
    owner: bool


@dataclass(frozen=True)
class LocalityRules:
    """`locality_cues.yaml` compiled against the place gazetteer."""
    places: dict[str, Place]  # name -> place, for names that have a locality
    by_key: dict[str, str]    # "sthelens" -> "St Helens": e-mail domains to localities
    mention: re.Pattern[str]
    cues: tuple[LocalityCue, ...]
    email: re.Pattern[str]
    email_weight: int
    head_chars: int
    mention_weight: int
    head_mention: int
    owner_bonus: int
    min_score: int
    dominance: float
    joint_tail: re.Pattern[str]


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _with_places(pattern: str, alternation: str) -> str:
    """The cue's "{place}" slots as named groups place0, place1, ... of the gazetteer names."""
    parts = pattern.split("{place}")
    out = [parts[0]]
    for index, part in enumerate(parts[1:]):
        out.append(f"(?P<place{index}>{alternation}){part}")
    return "".join(out)


def _ambiguous_names() -> frozenset[str]:
    text = resources.files("pipeline.data").joinpath("place_ambiguous.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def locality_rules() -> LocalityRules:
    data = yaml.safe_load(resources.files("pipeline.data").joinpath("locality_cues.yaml").read_text("utf-8"))
    places = {place.name: place for place in load_places() if place.locality}
    # Ambiguous names ("Street", "Sale") never anchor a cue: "Venue: Town Hall, High Street" is no Somerset.
    plain = [name for name in sorted(places, key=len, reverse=True) if name not in _ambiguous_names()]
    alternation = "|".join(re.escape(name) for name in plain)
    cues = tuple(
        LocalityCue(cue["name"], re.compile(_with_places(cue["pattern"], alternation)), int(cue["weight"]),
                    int(cue.get("head_weight", cue["weight"])), bool(cue.get("owner", False)))
        for cue in data["cues"]
    )
    return LocalityRules(
        places=places,
        by_key={_key(name): place.locality for name, place in places.items()},
        mention=re.compile(r"\b(" + "|".join(re.escape(name) for name in plain) + r")\b"),
        cues=cues,
        email=re.compile(data["email"]["pattern"]),
        email_weight=int(data["email"]["weight"]),
        head_chars=int(data["head_chars"]),
        mention_weight=int(data["mention"]),
        head_mention=int(data["head_mention"]),
        owner_bonus=int(data["first_owner_bonus"]),
        min_score=int(data["min_score"]),
        dominance=float(data["dominance"]),
        joint_tail=re.compile(
            rf"(?<![\w-])({alternation})(?:,[ \t]+(?:{alternation}))*[ \t]+(?:and|&)[ \t]+$"),
    )


def _folded_places(places: dict[str, Place]) -> dict[str, Place]:
    """The gazetteer by lower-cased name, for cues matched case-insensitively ("VENUE: ... BOLTON")."""
    return {name.lower(): place for name, place in places.items()}


# How far back a joint name's first place may start ("Bristol, North Somerset and South Gloucestershire CCG").
JOINT_LOOKBACK = 80


def _cue_locality(text: str, match: re.Match[str], rules: LocalityRules) -> str | None:
    """The locality a cue names: a town's own council names the town ("Ashby Town Council"); a joint name
    ("Medway and Swale CCG") names its first place; otherwise the place in the cue names its locality."""
    groups = match.groupdict()
    if groups.get("town"):
        return groups["town"]
    for name, value in groups.items():
        if name.startswith("place") and value:
            start = match.start(name)
            joint = rules.joint_tail.search(text[max(0, start - JOINT_LOOKBACK):start])
            if joint:
                value = joint.group(1)
            place = rules.places.get(value) or _folded_places(rules.places).get(value.lower())
            return place.locality if place else None
    return None


@dataclass(frozen=True)
class LocalityEvidence:
    """Weighted evidence for each locality, and which cues gave it (for `documents.locality_source`)."""
    scores: Counter[str]
    cues: dict[str, list[str]]
    owner: str | None


def locality_evidence(text: str) -> LocalityEvidence:
    """Mentions of places (a town counts for its locality, more in the head) plus layout cues: the council or
    NHS body that issues the paper, a local board, the venue, a council e-mail address."""
    rules = locality_rules()
    scores: Counter[str] = Counter()
    cues: dict[str, list[str]] = {}
    for match in rules.mention.finditer(text):
        place = rules.places[match.group(1)]
        weight = rules.head_mention if match.start() < rules.head_chars else rules.mention_weight
        scores[place.locality] += weight
        if place.county:  # a district's town is in its county too: "Basingstoke" is evidence for Hampshire
            scores[place.county] += weight
    owner_at, owner = len(text), None
    for cue in rules.cues:
        for match in cue.pattern.finditer(text):
            locality = _cue_locality(text, match, rules)
            if locality is None:
                continue
            in_head = match.start() < rules.head_chars
            scores[locality] += cue.head_weight if in_head else cue.weight
            cues.setdefault(locality, []).append(cue.name)
            if cue.owner and in_head and match.start() < owner_at:
                owner_at, owner = match.start(), locality
    for match in rules.email.finditer(text):
        locality = rules.by_key.get(_key(match.group("name")))
        if locality:
            scores[locality] += rules.email_weight
            cues.setdefault(locality, []).append("e-mail")
    if owner:
        scores[owner] += rules.owner_bonus
    return LocalityEvidence(scores, cues, owner)


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
    why = [f"{best} is the issuing body" if evidence.owner == best else ""]
    why += sorted(set(evidence.cues.get(best, [])))
    reasons = "; cues: " + ", ".join(w for w in why if w) if any(why) else ""
    return best, f"inferred from text (weighted evidence: {summary}{reasons})"


@lru_cache(maxsize=1)
def _doc_type_rules() -> tuple[int, int, dict[str, list[tuple[re.Pattern[str], int]]]]:
    data = yaml.safe_load(resources.files("pipeline.data").joinpath("doc_types.yaml").read_text("utf-8"))
    rules = {
        name: [(re.compile(cue["cue"], re.IGNORECASE | re.MULTILINE), int(cue["weight"])) for cue in cues]
        for name, cues in data["types"].items()
    }
    return int(data["window"]), int(data["min_score"]), rules


def infer_doc_type(text: str) -> tuple[str, str]:
    window, min_score, rules = _doc_type_rules()
    head = text[:window]
    scores = {name: sum(weight for cue, weight in cues if cue.search(head)) for name, cues in rules.items()}
    best = max(scores, key=lambda name: scores[name])
    if scores[best] < min_score:
        return "other", "inferred: no type cue strong enough"
    return best, f"inferred from text cues (score {scores[best]})"


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
