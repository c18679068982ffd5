"""The codebook's vocabulary as a lexical score: how much of a principle's own wording a passage uses.

A principle's lexicon is built from its codebook entry only (name, definition, phrases), never from
sample documents: the stems of its words, plus adjacent stem pairs of its name and of each phrase (a
phrase match is more specific than a word, so pairs weigh `PAIR_WEIGHT`).  Each term's weight is divided
by the number of principles whose lexicon holds it, so words every principle shares ("care", "health")
count for little.  A passage's feature for a principle is log(1 + the summed weights of the terms it
holds).  Stems are crude on purpose (lower case, one common suffix stripped, first `STEM_CHARS` letters):
"pooled budgets" and "pooling the budget" meet, and wording a sample paper never used still counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

STEM_CHARS = 6
PAIR_WEIGHT = 2.0
MIN_WORD_CHARS = 3
_WORD = re.compile(r"[a-z][a-z0-9]+")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ies", "ied", "ers", "er",
             "ed", "es", "ly", "al", "s")

Lexicon = list[dict[str, float]]  # one {term: weight} per principle


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


@lru_cache(maxsize=1 << 16)  # the same words recur passage after passage
def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_WORD_CHARS:
            word = word[: -len(suffix)]
            break
    return word[:STEM_CHARS]


def stems(text: str, stop: frozenset[str] | None = None) -> list[str]:
    stop = _stop_words() if stop is None else stop
    return [stem(w) for w in _WORD.findall(text.lower()) if len(w) >= MIN_WORD_CHARS and w not in stop]


def terms(text: str, stop: frozenset[str] | None = None) -> set[str]:
    """The stems of `text` and its adjacent stem pairs ("pool_budget")."""
    words = stems(text, stop)
    return {*words, *(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))}


def build_lexicon(principles: Sequence) -> Lexicon:
    """One {term: weight} per principle, from the codebook's names, definitions and phrases."""
    stop = _stop_words()
    vocab: list[set[str]] = []
    for p in principles:
        found = set(stems(" ".join([p.name, p.definition, *p.phrases]), stop))
        for phrase in (p.name, *p.phrases):
            words = stems(phrase, stop)
            found |= {f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)}
        vocab.append(found)
    shared: dict[str, int] = {}
    for found in vocab:
        for term in found:
            shared[term] = shared.get(term, 0) + 1
    return [{t: (PAIR_WEIGHT if "_" in t else 1.0) / shared[t] for t in sorted(found)} for found in vocab]


def lexical_features(texts: Sequence[str], lexicon: Lexicon, *, stop: frozenset[str] | None = None
                     ) -> np.ndarray:
    """(n_texts, n_principles): log(1 + summed weights of each principle's terms found in the text);
    `stop` is the stop-word list when the caller has it (ingest does not import scikit-learn)."""
    index: dict[str, list[tuple[int, float]]] = {}
    for j, entries in enumerate(lexicon):
        for term, weight in entries.items():
            index.setdefault(term, []).append((j, weight))
    stop = _stop_words() if stop is None else stop
    out = np.zeros((len(texts), len(lexicon)))
    for i, text in enumerate(texts):
        for term in terms(text, stop):
            for j, weight in index.get(term, ()):
                out[i, j] += weight
    return np.log1p(out)
