"""Small text helpers shared by the stages: one home, so that they cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Iterable


def collapse(text: str) -> str:
    """Whitespace runs (line breaks included) as one space, ends stripped."""
    return " ".join(text.split())


def alternation(words: Iterable[str], *, spaces: bool = True) -> str:
    """A regular-expression alternation of the literal `words`, longest first (so that "Chairman" is
    tried before "Chair"), each escaped; with `spaces`, a space in a phrase matches any whitespace run.
    """
    escaped = (re.escape(word) for word in sorted(words, key=len, reverse=True))
    return "|".join(word.replace(r"\ ", r"\s+") for word in escaped) if spaces else "|".join(escaped)
