"""LEGISLATION: Acts, Bills, NHS Act sections ("section 75", "s75") and White / Green Papers.

Norms: an Act or Bill by its title and year as written without a leading "the" ("Health and Care Act 2022",
"Health and Care Bill"); a cited section as "section <n>"; a paper as "<quoted title> White Paper" when the
title is quoted just before it, otherwise "White Paper".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.datafiles import read_yaml
from pipeline.extract import fast
from pipeline.extract.fast import Gate, gate_for
from pipeline.extract.found import Found
from pipeline.textutil import alternation, collapse

TITLE_WORD = r"(?:[A-Z][\w'’()-]*|NHS)"


@dataclass(frozen=True)
class _Rules:
    act: re.Pattern[str]
    section: re.Pattern[str]
    paper: re.Pattern[str]
    title_skip: frozenset[str]
    act_gate: Gate
    paper_gate: Gate
    section_gate: re.Pattern[str]  # the section numbers: a match holds one (too short for `gate_for`)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = read_yaml("legislation.yaml")
    connectives = alternation(data["connectives"])
    kinds = alternation(data["kinds"])
    sections = "|".join(str(n) for n in data["sections"])
    papers = alternation(data["papers"])
    act = re.compile(
        rf"(?<![\w-])(?P<title>{TITLE_WORD}(?:[ \t]+(?:{TITLE_WORD}|{connectives}))*?)[ \t]+"
        rf"(?P<kind>{kinds})(?:[ \t]+(?P<year>(?:19|20)\d{{2}}))?(?![\w-])(?![ \t]+[A-Z][a-z])"
    )
    paper = re.compile(
        rf"(?:(?P<quote>['‘\"“])(?P<title>[^'’\"”\n]{{5,200}})['’\"”][ \t]+)?(?P<paper>{papers})\b"
    )
    return _Rules(
        act=act,
        act_gate=gate_for(act),
        paper_gate=gate_for(paper),
        section=re.compile(
            rf"(?<![\w.])(?i:section|s\.?)[ \t]?(?P<num>{sections})(?![\w.]?\d)(?![ \t]+[Oo]fficer)"
        ),
        title_skip=frozenset(data["title_skip"]),
        paper=paper,
        section_gate=re.compile(sections),
    )


def find_legislation(text: str) -> list[Found]:
    """Acts, Bills, cited NHS Act sections and policy papers in `text`, in text order.

    >>> [f.norm for f in find_legislation("a section 75 agreement under the Care Act 2014")]
    ['section 75', 'Care Act 2014']
    """
    rules = _rules()
    found: list[Found] = []
    lower = text.lower()
    for match in rules.act.finditer(text) if rules.act_gate.allows(text, lower) else ():
        words = list(re.finditer(r"\S+", match.group("title")))
        while words and words[0].group(0) in rules.title_skip:
            words.pop(0)
        if not words or not re.match(TITLE_WORD, words[0].group(0)):
            continue
        start = match.start("title") + words[0].start()
        title = text[start : match.end("title")]
        norm = f"{title} {match.group('kind')}" + (f" {match.group('year')}" if match.group("year") else "")
        found.append(
            Found("LEGISLATION", start, match.end(), text[start : match.end()], collapse(norm))
        )
    for match in rules.section.finditer(text) if fast.worth(rules.section_gate.search(text)) else ():
        found.append(
            Found("LEGISLATION", match.start(), match.end(), match.group(0), f"section {match.group('num')}")
        )
    for match in rules.paper.finditer(text) if rules.paper_gate.allows(text, lower) else ():
        paper = " ".join(w.capitalize() for w in match.group("paper").split())
        title = match.group("title")
        norm = f"{collapse(title)} {paper}" if title else paper
        found.append(Found("LEGISLATION", match.start(), match.end(), match.group(0), norm))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    result: list[Found] = []
    for item in found:
        if result and item.start < result[-1].end:
            continue
        result.append(item)
    return result
