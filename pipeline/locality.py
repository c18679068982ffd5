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


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    text = resources.files("pipeline.data").joinpath("places.csv").read_text(encoding="utf-8")
    return tuple(
        Place(row["name"].strip(), row["kind"].strip(), (row.get("locality") or "").strip(),
              (row.get("region") or "").strip())
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
    pair_head_chars: int


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
    alternation = "|".join(re.escape(name) for name in sorted(places, key=len, reverse=True))
    plain = [name for name in sorted(places, key=len, reverse=True) if name not in _ambiguous_names()]
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
        pair_head_chars=int(data["pair_head_chars"]),
    )


def _folded_places(places: dict[str, Place]) -> dict[str, Place]:
    """The gazetteer by lower-cased name, for cues matched case-insensitively ("VENUE: ... BOLTON")."""
    return {name.lower(): place for name, place in places.items()}


def _cue_place(match: re.Match[str], places: dict[str, Place]) -> Place | None:
    for name, value in match.groupdict().items():
        if name.startswith("place") and value:
            return places.get(value) or _folded_places(places).get(value.lower())
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
        in_head = match.start() < rules.head_chars
        scores[place.locality] += rules.head_mention if in_head else rules.mention_weight
    owner_at, owner = len(text), None
    for cue in rules.cues:
        for match in cue.pattern.finditer(text):
            place = _cue_place(match, rules.places)
            if place is None:
                continue
            in_head = match.start() < rules.head_chars
            scores[place.locality] += cue.head_weight if in_head else cue.weight
            cues.setdefault(place.locality, []).append(cue.name)
            if cue.owner and in_head and match.start() < owner_at:
                owner_at, owner = match.start(), place.locality
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


def _pair_in_head(text: str, best: str, rules: LocalityRules) -> str | None:
    """A footprint joining `best` and others ("Coventry and Warwickshire") named at the top of the paper."""
    head = text[:rules.pair_head_chars]
    for name, place in rules.places.items():
        if place.kind == "health area" and place.locality == name and best in name and name in head:
            return name
    return None


def _inside(locality: str, area: str, rules: LocalityRules) -> bool:
    """Whether `locality` lies in the wider `area` ("Trafford" in "Greater Manchester")."""
    place = rules.places.get(locality)
    return place is not None and place.region == area


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
    pair = _pair_in_head(text, best, rules)
    if pair and pair != best:
        return pair, f"inferred from text: {pair} named at the top (weighted evidence: {summary})"
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


@dataclass(frozen=True)
class _TypeCue:
    pattern: re.Pattern[str]
    weight: int
    within: int  # characters from the start of the document searched


@lru_cache(maxsize=1)
def _doc_type_rules() -> tuple[int, dict[str, list[_TypeCue]]]:
    data = yaml.safe_load(resources.files("pipeline.data").joinpath("doc_types.yaml").read_text("utf-8"))
    window = int(data["window"])
    rules = {
        name: [_TypeCue(re.compile(cue["cue"], re.IGNORECASE | re.MULTILINE), int(cue["weight"]),
                        int(cue.get("within", window))) for cue in cues]
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
