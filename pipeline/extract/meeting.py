"""The meeting a page records or goes to: body, date and (on a single-item page) the item's title.

Read from the page's layout and grammar by the cues of `pipeline/data/meeting.yaml`: moderngov headings
("Cabinet - Tuesday, 4th May, 2021"), "Minutes of the meeting of the X held on ...", decision-record labels
("Decision Maker:", "Date of decision:"), run-together cover sheets ("Report to: X Date: ..."), and, as a
fallback, where the page speaks of its body ("RESOLVED – That the X ...", "Chair of the X", "The Board
noted").  For each field the lowest-ranked cue that gives it wins, the earliest of equals; every field keeps
the span of the text it came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.datafiles import read_yaml
from pipeline.extract.dates import find_dates
from pipeline.extract.fast import Gate, gate_for
from pipeline.records import Meeting, MeetingPart
from pipeline.textutil import collapse

FRAGMENT = re.compile(r"\{([a-z_]+)\}")
FIELDS = ("body", "date", "title")
# Cues of this rank and above only guess from where the page speaks of a body: a body the paper's
# recommendations are addressed to ("Recommendations to the Cabinet") says more.
FALLBACK_RANK = 4


@dataclass(frozen=True)
class _Cue:
    name: str
    pattern: re.Pattern[str]
    rank: int
    within: int
    no_body: bool
    # the literals every match holds (see `fast.gate_for`): a page whose head has none of them skips the cue
    gate: Gate


@dataclass(frozen=True)
class _Rules:
    cues: tuple[_Cue, ...]
    standalone_heads: frozenset[str]
    heads: frozenset[str]
    not_bodies: re.Pattern[str]
    single_members: re.Pattern[str]
    body_of_owner: re.Pattern[str]


@dataclass(frozen=True)
class BodyMention:
    """A BODY entity of the page: where it starts and ends in the text, and its surface."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Candidate:
    rank: int
    start: int
    part: MeetingPart


def _expand(pattern: str, fragments: dict[str, str]) -> str:
    """`pattern` with each {fragment} replaced, fragments themselves expanded first."""
    for _ in range(5):  # fragments nest a few levels deep at most
        expanded = FRAGMENT.sub(lambda m: fragments.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = read_yaml("meeting.yaml")
    fragments = data["fragments"]
    cues = []
    for cue in data["cues"]:
        flags = re.MULTILINE | (0 if cue.get("case") else re.IGNORECASE)
        pattern = re.compile(_expand(cue["pattern"], fragments), flags)
        cues.append(_Cue(cue["name"], pattern, int(cue["rank"]), int(cue["within"]), bool(cue.get("no_body")),
                         gate_for(pattern)))
    return _Rules(tuple(cues), frozenset(h.lower() for h in data["standalone_heads"]),
                  frozenset(h.lower() for h in data["heads"]), re.compile(data["not_bodies"], re.IGNORECASE),
                  re.compile(data["single_members"], re.IGNORECASE),
                  re.compile(data["body_of_owner"], re.IGNORECASE))


NAME_EDGES = " \t\n.,-–"


def _clean_name(text: str) -> str:
    return collapse(text).strip(NAME_EDGES)


def _iso_date(text: str) -> str | None:
    """The first date in `text`, ISO (day or month precision), unless it had to be guessed."""
    for found in find_dates(text, default_year=None):
        if found.norm and not found.flag:
            return found.norm
    return None


def _part(rules: _Rules, cue: _Cue, match: re.Match[str], field: str,
          bodies: Sequence[BodyMention]) -> MeetingPart | None:
    """The field a cue's match gives, or None when the captured text is not one."""
    start, end = match.span(field)
    raw = match.group(field)
    if field == "date":
        value = _iso_date(raw)
        return MeetingPart(value, start, end, cue.name) if value else None
    value = _clean_name(raw)
    if not value:
        return None
    # the span of the name as written (its whitespace may differ from the collapsed value)
    start += raw.find(value) if value in raw else len(raw) - len(raw.lstrip(NAME_EDGES))
    written = len(value) if value in raw else len(raw.strip(NAME_EDGES))
    if field != "body":
        return MeetingPart(value, start, start + written, cue.name)
    if rules.not_bodies.search(value) or any(c.isdigit() for c in value):
        return None
    article = re.match(r"the\s+", value, re.IGNORECASE)
    if article:  # "The Committee" is the page's committee; "The Northshire Board" is the Northshire Board
        value, start, written = value[article.end():], start + article.end(), written - article.end()
    if rules.single_members.match(value):
        return MeetingPart(None, start, start + written, cue.name)
    if value.lower() in rules.heads:
        return _head_body(rules, bodies, value, start, cue)
    owned = rules.body_of_owner.match(value)
    if owned:
        value, written = owned.group("body"), len(owned.group("body")) if value in raw else written
    return MeetingPart(value, start, start + written, cue.name)


def _entity_at(bodies: Sequence[BodyMention], offset: int) -> BodyMention | None:
    return next((b for b in bodies if b.start == offset and len(b.text.split()) >= 2), None)


def _head_body(rules: _Rules, bodies: Sequence[BodyMention], head: str, start: int,
               cue: _Cue) -> MeetingPart | None:
    """The body a bare "Board" or "Council" stands for: the page's first body ending in that word."""
    word = head.lower()
    named = next((b for b in bodies if b.text.split()[-1].lower() == word and len(b.text.split()) >= 2), None)
    if named:
        return MeetingPart(_clean_name(named.text), named.start, named.end, cue.name)
    if word in rules.standalone_heads:
        return MeetingPart(head, start, start + len(head), cue.name)
    return None


def _cue_parts(rules: _Rules, cue: _Cue, match: re.Match[str],
               bodies: Sequence[BodyMention]) -> dict[str, MeetingPart]:
    groups = match.re.groupindex
    parts: dict[str, MeetingPart] = {}
    for field in FIELDS:
        if field in groups and match.group(field) is not None:
            part = _part(rules, cue, match, field, bodies)
            if part:
                parts[field] = part
    if "body_at" in groups:
        entity = _entity_at(bodies, match.start("body_at"))
        if entity and "body_run" in groups and entity.end != match.end("body_run"):
            entity = None  # the body must be the whole subject, not the start of a longer phrase
        if entity:
            parts["body"] = MeetingPart(_clean_name(entity.text), entity.start, entity.end, cue.name)
    if "head" in groups:
        part = _head_body(rules, bodies, match.group("head"), match.start("head"), cue)
        if part:
            parts["body"] = part
    if cue.no_body and "date" in parts:
        parts["body"] = MeetingPart(None, match.start(), match.end(), cue.name)
    return parts


def is_fallback(part: MeetingPart | None) -> bool:
    """Whether a meeting field was only guessed by a fallback cue (rank `FALLBACK_RANK` or more)."""
    ranks = {cue.name: cue.rank for cue in _rules().cues}
    return part is not None and ranks.get(part.cue, 0) >= FALLBACK_RANK


def single_member(name: str) -> bool:
    """Whether a decision maker's name is a post ("Cabinet Member for Housing"), not a meeting body."""
    return bool(_rules().single_members.match(_clean_name(name)))


def find_meeting(text: str, bodies: Sequence[BodyMention] = ()) -> Meeting:
    """The meeting of a page from its text and its BODY entities (offsets into `text`, in order)."""
    rules = _rules()
    best: dict[str, _Candidate] = {}
    heads: dict[int, tuple[str, str]] = {}  # end -> the text's head up to there, and lower-cased
    for cue in rules.cues:
        end = min(len(text), cue.within + 400)
        if end not in heads:
            heads[end] = (text[:end], text[:end].lower())
        if not cue.gate.allows(*heads[end]):
            continue  # cheaper than the regex: most cues' words are not in most pages' heads
        for match in cue.pattern.finditer(text, 0, end):
            if match.start() > cue.within:
                break
            for field, part in _cue_parts(rules, cue, match, bodies).items():
                candidate = _Candidate(cue.rank, match.start(), part)
                held = best.get(field)
                if held is None or (candidate.rank, candidate.start) < (held.rank, held.start):
                    best[field] = candidate
    return Meeting(**{field: best[field].part for field in FIELDS if field in best})


__all__ = ["BodyMention", "find_meeting", "is_fallback", "single_member"]
