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

# Mentions near the start (cover sheet, title) say more about a paper's locality than the body does.
HEAD_CHARS = 3000
HEAD_WEIGHT = 3
MIN_MENTIONS = 3
DOMINANCE = 1.5


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


@lru_cache(maxsize=1)
def _place_pattern() -> tuple[re.Pattern[str], dict[str, Place]]:
    places = {place.name: place for place in load_places() if place.locality}
    names = sorted(places, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in names) + r")\b")
    return pattern, places


def locality_scores(text: str) -> Counter[str]:
    """Weighted mentions of each locality (a town counts for its locality)."""
    pattern, places = _place_pattern()
    scores: Counter[str] = Counter()
    for match in pattern.finditer(text):
        place = places[match.group(1)]
        scores[place.locality] += HEAD_WEIGHT if match.start() < HEAD_CHARS else 1
    return scores


def infer_locality(text: str) -> tuple[str | None, str]:
    scores = locality_scores(text)
    if not scores:
        return None, "inferred: no known place mentioned"
    ranked = scores.most_common(3)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    summary = ", ".join(f"{name} {score}" for name, score in ranked)
    if best_score < MIN_MENTIONS or best_score < DOMINANCE * runner_up:
        return None, f"inferred: no dominant place (weighted mentions: {summary})"
    return best, f"inferred from text (weighted mentions: {summary})"


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
