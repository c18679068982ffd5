"""Cheap tests that let a text skip a regular expression that cannot match it.

The extractors run dozens of regular expressions (most from the data files) over every section, and a
pattern that opens with `\\b`, a look-behind or a case-insensitive alternation makes `re` try every
position of the text.  Most sections hold none of the words such a pattern needs, so each pattern gets a
gate (`Gate`) built from the pattern itself: the literal strings one of which every match must contain
("membership", "made", or one of "include" / "comprise" / "consist"), looked for as plain substrings; for
a pattern of parts that each require one ("will|shall ... include|comprise"), the two most selective
parts, both needed.  A gate never changes what a pattern finds; a pattern with no required literal gets
no gate and always runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

try:  # Python 3.11+
    from re import _constants as constants  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as constants  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

MIN_LITERAL = 3  # shorter required strings ("of", "s.") select too little to be worth a test

# A required-literal option: (text, case-insensitive); a set of options is "one of these must occur".
_Options = frozenset[tuple[str, bool]]


def _score(options: _Options) -> int:
    return min(len(text) for text, _ in options)


def _ranked(candidates: list[_Options]) -> list[_Options]:
    """The usable candidates, the most selective (longest shortest literal, then fewest options) first."""
    usable = [c for c in candidates if c and _score(c) >= MIN_LITERAL]
    return sorted(usable, key=lambda c: (-_score(c), len(c)))


def _best(candidates: list[_Options]) -> _Options | None:
    ranked = _ranked(candidates)
    return ranked[0] if ranked else None


def _required(items, ignore_case: bool) -> _Options | None:  # noqa: ANN001 - sre parse tree
    """The most selective set of literal strings one of which every match of `items` contains."""
    found = _requirements(items, ignore_case)
    return found[0] if found else None


def _requirements(items, ignore_case: bool) -> list[_Options]:  # noqa: ANN001 - sre parse tree
    """Every usable set of literal strings one of which every match of `items` contains, best first
    (the parts of a sequence are all required: "will|shall" and then "include|comprise").
    """
    candidates: list[_Options] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            text = "".join(run)
            candidates.append(frozenset({(text.lower() if ignore_case else text, ignore_case)}))
            run.clear()

    for op, av in items:
        if op is constants.LITERAL:
            run.append(chr(av))
            continue
        close_run()
        if op is constants.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            case = (ignore_case or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            found = _required(sub.data, case)
            if found:
                candidates.append(found)
        elif op is constants.BRANCH:
            options: set[tuple[str, bool]] = set()
            for branch in av[1]:
                found = _required(branch.data, ignore_case)
                if not found:
                    options = set()
                    break
                options |= found
            if options:
                candidates.append(frozenset(options))
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and av[0] >= 1:
            found = _required(av[2].data, ignore_case)
            if found:
                candidates.append(found)
    close_run()
    return _ranked(candidates)


@dataclass(frozen=True)
class Gate:
    """`gate.allows(text, lower)` is False only when `pattern` cannot match `text`: every match holds one
    literal of each of `needs`, each (literals to find in the text as written, lower-cased literals to
    find in the lower-cased text).  Plain substring tests: quicker than a regex for a few literals.
    """

    needs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]

    def allows(self, text: str, lower: str) -> bool:
        if not self.needs:
            return True
        if len(lower) != len(text):
            return True  # case folding changed the length (rare characters): no shortcut
        for exact, folded in self.needs:  # plain loops: every section goes through some twenty gates
            for literal in exact:
                if literal in text:
                    break
            else:
                for literal in folded:
                    if literal in lower:
                        break
                else:
                    return False
        return True


OPEN = Gate(())
# More literal sets than this are not worth a test each (the first one or two select nearly all).
MAX_NEEDS = 2


def gate_for(pattern: re.Pattern[str]) -> Gate:
    """The gate of a compiled pattern (an always-open one when no literal is required)."""
    try:
        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unusual pattern simply gets no gate
        return OPEN
    required = _requirements(tree.data, bool(pattern.flags & re.IGNORECASE))
    return Gate(tuple(
        (tuple(sorted(t for t, ci in options if not ci)), tuple(sorted(t for t, ci in options if ci)))
        for options in required[:MAX_NEEDS]
    ))
