"""Is a page's text readable?  Detects text layers that are not text: letters shifted by a font
without a Unicode map ("WKLV OLQH ORRNV"), pdfminer's "(cid:N)" codes, runs of unmapped glyphs, and
strings of consonants.  Thresholds and the function-word list are data: pipeline/data/garbled.yaml.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from ..datafiles import read_yaml

WORDS = re.compile(r"[A-Za-z]+")
UNMAPPED = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff]")
VOWELS = set("aeiouyAEIOUY")


@dataclass(frozen=True)
class GarbledRules:
    min_words: int
    max_function_share: float
    shifted_function_share: float
    max_vowelless_share: float
    max_unmapped_share: float
    function_words: frozenset[str]


@lru_cache(maxsize=1)
def rules() -> GarbledRules:
    data = read_yaml("garbled.yaml")
    return GarbledRules(
        min_words=int(data["min_words"]), max_function_share=float(data["max_function_share"]),
        shifted_function_share=float(data["shifted_function_share"]),
        max_vowelless_share=float(data["max_vowelless_share"]),
        max_unmapped_share=float(data["max_unmapped_share"]),
        function_words=frozenset(data["function_words"].lower().split()),
    )


def is_garbled(text: str) -> bool:
    """True when `text` (one page) is not readable text."""
    r = rules()
    visible = sum(1 for ch in text if not ch.isspace())
    unmapped = sum(len(m.group()) for m in UNMAPPED.finditer(text))
    if visible and unmapped / visible > r.max_unmapped_share:
        return True
    words = WORDS.findall(text)
    if len(words) < r.min_words:
        return False
    if _function_share(words, 0) > r.max_function_share:
        return False
    if any(_function_share(words, shift) >= r.shifted_function_share for shift in range(1, 26)):
        return True
    long_words = [w for w in words if len(w) >= 3]
    vowelless = sum(1 for w in long_words if not VOWELS.intersection(w))
    return bool(long_words) and vowelless / len(long_words) > r.max_vowelless_share


def _function_share(words: list[str], shift: int) -> float:
    table = _shift_table(shift)
    function_words = rules().function_words
    hits = sum(1 for w in words if w.translate(table).lower() in function_words)
    return hits / len(words)


@lru_cache(maxsize=26)
def _shift_table(shift: int) -> dict[int, int]:
    lower, upper = string.ascii_lowercase, string.ascii_uppercase
    return str.maketrans(lower + upper, lower[shift:] + lower[:shift] + upper[shift:] + upper[:shift])
