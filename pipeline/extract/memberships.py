"""Which members (bodies, roles, people) sit on which body, from membership lists.

A lead-in ("Membership:", "membership will include", "The Board will include", "made up of") is followed
either by an inline list up to the end of the sentence or by list-item lines.  The body is the BODY span
that is the lead-in's subject in the same sentence; for cues that speak of membership themselves it may
also be the body named in the section heading or the last body named before the lead-in.  Cues are data
(`data/membership_cues.yaml`).  Offsets are relative to the section text the Doc was made from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from spacy.tokens import Doc, Span

from pipeline.datafiles import read_yaml
from pipeline.extract.fast import Gate, gate_for
from pipeline.extract.nlp import SPANS_KEY, body_norm
from pipeline.textutil import alternation, collapse

MemberKind = Literal["body", "role", "person", "other"]
SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.(?:\s|$)|\n\s*\n")


@dataclass(frozen=True)
class MemberFound:
    body: str
    member: str
    member_kind: MemberKind
    start: int
    end: int


@dataclass(frozen=True)
class _Cues:
    explicit: tuple[re.Pattern[str], ...]
    verb: tuple[re.Pattern[str], ...]
    gates: dict[re.Pattern[str], Gate]
    list_item: re.Pattern[str]
    person: re.Pattern[str]  # a member that is an honorific and a name (honorifics of people.yaml)
    separators: re.Pattern[str]
    drop_leading: frozenset[str]
    max_member_chars: int


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = read_yaml("membership_cues.yaml")
    flags = re.IGNORECASE | re.MULTILINE
    explicit = tuple(re.compile(p, flags) for p in data["explicit"])
    verb = tuple(re.compile(p, flags) for p in data["verb"])
    return _Cues(
        explicit=explicit,
        verb=verb,
        gates={pattern: gate_for(pattern) for pattern in explicit + verb},
        list_item=re.compile(data["list_item"]),
        person=re.compile(rf"^(?:(?:{alternation(read_yaml('people.yaml')['honorifics'])})\.?\s+)"
                          r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){0,2}$"),
        separators=re.compile(data["separators"], re.IGNORECASE),
        drop_leading=frozenset(w.lower() for w in data["drop_leading"]),
        max_member_chars=int(data["max_member_chars"]),
    )


def _sentence_start(text: str, pos: int) -> int:
    start = 0
    for match in SENTENCE_END.finditer(text, 0, pos):
        start = match.end()
    line_start = text.rfind("\n", 0, pos) + 1
    return max(start, line_start)


def _sentence_end(text: str, pos: int) -> int:
    match = SENTENCE_END.search(text, pos)
    line_end = text.find("\n", pos)
    ends = [e for e in (match.start() if match else -1, line_end) if e >= 0]
    return min(ends) if ends else len(text)


def _list_after(text: str, pos: int, cues: _Cues,
                list_blocks: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Item spans of the list-item lines that follow `pos` (blank lines between items allowed).

    A line is an item when it opens with a bullet or number, or when it opens one of `list_blocks`: the
    (start, end) of list paragraphs whose bullet is formatting, not text (Word, HTML, markdown lists).
    """
    starts = {start: end for start, end in list_blocks}
    items: list[tuple[int, int]] = []
    line_start = text.find("\n", pos)
    while line_start >= 0:
        line_start += 1
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        if not line.strip():
            line_start = line_end if line_end < len(text) else -1
            continue
        marker = cues.list_item.match(line)
        if marker:
            items.append((line_start + marker.end() - 1, line_end))
        elif line_start in starts:
            items.append((line_start, min(starts[line_start], len(text))))
            line_end = items[-1][1]  # the item's paragraph may hold line breaks
        else:
            break
        line_start = line_end if line_end < len(text) else -1
    return items


def _pieces(text: str, start: int, end: int, spans: list[Span], cues: _Cues) -> list[tuple[int, int]]:
    """Split an inline list at separators that do not fall inside a span."""
    inside = [(s.start_char, s.end_char) for s in spans]
    cuts = [start]
    for match in cues.separators.finditer(text, start, end):
        if any(a < match.start() < b for a, b in inside):
            continue
        cuts.extend((match.start(), match.end()))
    cuts.append(end)
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]


def _member(text: str, start: int, end: int, spans: list[Span], cues: _Cues,
            people: Sequence[tuple[int, int]]) -> tuple[str, MemberKind, int, int] | None:
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end = start + len(piece.strip().rstrip(".;:,"))
    piece = text[start:end]
    words = piece.split(" ", 1)
    while words and words[0].lower() in cues.drop_leading and len(words) > 1:
        start += len(words[0]) + 1
        piece = text[start:end]
        words = piece.split(" ", 1)
    if not piece.strip() or len(piece) > cues.max_member_chars:
        return None
    for span in spans:
        if span.start_char <= start and span.end_char >= end - 1 and span.label_ in ("BODY", "ROLE"):
            kind: MemberKind = "body" if span.label_ == "BODY" else "role"
            return span.id_ or collapse(span.text), kind, span.start_char, span.end_char
    covering = [s for s in spans
                if start <= s.start_char and s.end_char <= end and s.label_ in ("BODY", "ROLE")]
    if len(covering) == 1 and len(covering[0].text) >= 0.6 * len(piece.strip()):
        span = covering[0]
        kind = "body" if span.label_ == "BODY" else "role"
        return span.id_ or collapse(span.text), kind, span.start_char, span.end_char
    if _cues().person.match(piece.strip()) or any(a <= start and end <= b for a, b in people):
        return collapse(piece), "person", start, end
    return collapse(piece), "other", start, end


def find_memberships(
    doc: Doc, *, heading_body: str | None = None, people: Sequence[tuple[int, int]] = (),
    text: str | None = None, list_blocks: Sequence[tuple[int, int]] = (),
) -> list[MemberFound]:
    """Membership rows in one section's Doc (with the pipeline's spans); offsets relative to `doc.text`.

    `heading_body` is the canonical body named in the section heading, if any: the body of explicit
    membership lists ("Membership:") that do not name one themselves.  `people` are the character spans of
    PERSON mentions in `doc.text`; a member that is one of them is a person.  `text` is `doc.text` when
    the caller has it already.  `list_blocks` are the (start, end) in `doc.text` of list paragraphs whose
    bullet the reader kept as formatting.
    """
    cues = _cues()
    text = doc.text if text is None else text
    lower = text.lower()
    active = [(explicit, pattern) for explicit, patterns in ((True, cues.explicit), (False, cues.verb))
              for pattern in patterns if cues.gates[pattern].allows(text, lower)]
    if not active:  # most sections: no cue can occur, so no need for the spans either
        return []
    spans = sorted(doc.spans.get(SPANS_KEY, []), key=lambda s: s.start_char)
    bodies = [s for s in spans if s.label_ == "BODY"]
    results: list[MemberFound] = []
    seen_cues: list[tuple[int, int]] = []
    for explicit, pattern in active:
        for match in pattern.finditer(text):
            if any(a <= match.start() < b or a < match.end() <= b for a, b in seen_cues):
                continue
            sentence_start = _sentence_start(text, match.start())
            subject = [b for b in bodies if sentence_start <= b.start_char and b.end_char <= match.end()]
            if subject:
                body = subject[-1].id_ or body_norm(subject[-1].text)
            elif explicit:
                before = [b for b in bodies if b.end_char <= match.start()]
                body = heading_body or (before[-1].id_ if before else None)
            else:
                body = None
            if not body:
                continue
            seen_cues.append((match.start(), match.end()))
            rest_end = _sentence_end(text, match.end())
            if text[match.end():rest_end].strip(" :\t"):
                items = _pieces(text, match.end(), rest_end, spans, cues)
            else:
                items = _list_after(text, match.end(), cues, list_blocks)
            for start, end in items:
                member = _member(text, start, end, spans, cues, people)
                if member and member[0] != body:
                    results.append(MemberFound(body, member[0], member[1], member[2], member[3]))
    results.sort(key=lambda m: m.start)
    return results
