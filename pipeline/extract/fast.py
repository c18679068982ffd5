"""The extraction stage's speed-ups, all of them, behind one switch.

Each function here gives the extractors a quicker way to find exactly what a plain way finds, and the
plain way itself when the switch is off.  The switch is the environment variable `ICSDOCS_REFERENCE`:
`ICSDOCS_REFERENCE=1` (read once, when this module is first imported) runs the reference path: a plain
spaCy `Matcher`, the tokenizer as spaCy makes it, every regular expression as first written and run over
the whole text, no gate.  `tests/test_extract_equivalence.py` runs both paths over the samples and the
devset and asserts the same entities, recommendations, memberships and meetings.

The speed-ups, and what a rule writer needs to know about each:
- token patterns (`token_matcher`): run only on the runs of tokens where they can match (`AnchoredMatcher`),
  and a pattern opening with an optional token split in two (`anchored`); a new pattern needs nothing;
- gates (`gate_for`): a regular expression from the data files is tried only on texts holding a literal
  that every match of it holds, read from the pattern itself (so a new cue is gated by its own words);
  `holds` / `worth`: the same for the cue word sets and pre-searches the people rules declare;
  `phrase_gate`: a pattern of phrases from a data file tried only on texts holding every word of one of
  them (built from the phrases, so a new phrase gates itself);
- regular expressions rewritten to open with literals or a character class, which `re` skips to quickly
  (`word_start_alternation`, `by_first_letter`, `literal`, `names_alternation`, `acronym_alternation`,
  `place_names`, and `choose` for the patterns rewritten by hand beside their plain form);
- `starts_scan`: a case-insensitive phrase pattern tried only where one of its phrases starts;
- literal names looked for once per document by `str.find` rather than a pattern compiled for them
  (`whole_occurrences`, `names_finder`): compiling costs more than the search;
- the components' word tests (`add_flag`, `flag_column`) as bits of one lexeme attribute: one getter per
  new word type and one `Doc.to_array` column per Doc, whatever the number of tests;
- a section's set of words (`word_set`) split by `bytes.translate` and `str.split` rather than `\\w+`;
- the tokenizer (`blank_english`): no prefix/suffix/infix search on words of ASCII letters, a cache of
  `TOKENIZER_CACHE` chunks rather than spaCy's 10,000, and the lexical attributes no rule reads not
  computed (`unread_getters`, `drop_getters`, `refuse_unread_tests`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import spacy
from spacy import attrs
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry
from spacy.vocab import Vocab

from pipeline.textutil import alternation

try:  # Python 3.11+.  The parse tree of a pattern has no public API; see `gate_for`.
    from re import _constants as constants  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as constants  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

REFERENCE_ENV = "ICSDOCS_REFERENCE"
ENABLED = os.environ.get(REFERENCE_ENV, "").strip().lower() not in {"1", "true", "yes", "on"}


def choose(fast: Any, reference: Any) -> Any:
    """`fast` unless the switch is off; for a pattern rewritten by hand beside its plain form."""
    return fast if ENABLED else reference


def holds(cues: frozenset[str] | set[str], words: frozenset[str] | set[str]) -> bool:
    """Whether a text holding `words` may match a rule whose every match holds one of `cues`."""
    return not ENABLED or not cues.isdisjoint(words)


def worth(condition: object) -> bool:
    """Whether to run a rule whose every match implies `condition` (a pre-search, a character test)."""
    return not ENABLED or bool(condition)


# ------------------------------------------------------------------------------------------------ gates

# Cheap tests that let a text skip a regular expression that cannot match it.
#
# The extractors run dozens of regular expressions (most from the data files) over every section, and a
# pattern that opens with `\b`, a look-behind or a case-insensitive alternation makes `re` try every
# position of the text.  Most sections hold none of the words such a pattern needs, so each pattern gets a
# gate (`Gate`) built from the pattern itself: the literal strings one of which every match must contain
# ("membership", "made", or one of "include" / "comprise" / "consist"), looked for as plain substrings; for
# a pattern of parts that each require one ("will|shall ... include|comprise"), the two most selective
# parts, both needed.  A gate never changes what a pattern finds; a pattern with no required literal gets
# no gate and always runs.

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
    """The gate of a compiled pattern: an always-open one when no literal is required, or on the
    reference path.

    The literals come from the pattern's parse tree (`re._parser`, the only reader of one in the
    standard library): declaring them beside each pattern in the data files would let a new cue be
    skipped by a gate its writer forgot.
    """
    if not ENABLED:
        return OPEN
    try:
        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unusual pattern simply gets no gate
        return OPEN
    required = _requirements(tree.data, bool(pattern.flags & re.IGNORECASE))
    return Gate(tuple(
        (tuple(sorted(t for t, ci in options if not ci)), tuple(sorted(t for t, ci in options if ci)))
        for options in required[:MAX_NEEDS]
    ))


WORD_RUN = re.compile(r"\w+")

# Bytes of a UTF-8 text kept by `word_set` (ASCII word characters, and every byte of a non-ASCII
# character); the other ASCII bytes become spaces.
_WORD_BYTES = bytes(b if b >= 0x80 or chr(b).isalnum() or b == ord("_") else 0x20 for b in range(256))


def word_set(text: str) -> frozenset[str]:
    r"""`frozenset(re.findall(r"\w+", text))`.  Fast: ASCII non-word characters made spaces by
    `bytes.translate` and the text split on whitespace; a piece holding a non-ASCII character (rare) is
    split by the pattern, as its characters may be word characters or not.  The pieces end where the
    words do: at an ASCII non-word character, which `\w` never matches.
    """
    if not ENABLED:
        return frozenset(WORD_RUN.findall(text))
    pieces = set(text.encode("utf-8", "surrogatepass").translate(_WORD_BYTES)
                 .decode("utf-8", "surrogatepass").split())
    if text.isascii():
        return frozenset(pieces)
    words = {piece for piece in pieces if piece.isascii()}
    for piece in pieces - words:
        words.update(WORD_RUN.findall(piece))
    return frozenset(words)


@dataclass(frozen=True)
class PhraseGate:
    """`gate.allows(words)` is False only when a text whose words are `words` holds none of the phrases a
    pattern is built from: each phrase needs all of its words (not just one), so a section holding "will"
    and "lead" far apart passes, one holding only "will" does not.  Built from the phrases themselves
    (`phrase_gate`), never from a list of its own, so a phrase added to a data file gates itself.
    """

    by_cue: dict[str, tuple[frozenset[str], ...]]  # a phrase's longest word -> the words of such phrases
    cues: frozenset[str]
    always: bool  # a phrase with no word it must hold whole: no gate

    def allows(self, words: frozenset[str] | set[str]) -> bool:
        if not ENABLED or self.always:
            return True
        for cue in self.cues & words:
            for needed in self.by_cue[cue]:
                if needed <= words:
                    return True
        return False


def phrase_gate(phrases: Iterable[str], *, open_end: bool = False) -> PhraseGate:
    """The gate of a pattern matching any of `phrases` as whole words (each word a whole word of the text:
    a word boundary before the phrase, whitespace between its words, a boundary after it).  With
    `open_end` the pattern has no boundary after a phrase, so its last word may run on ("together
    withdrawn") and is not required.
    """
    by_cue: dict[str, list[frozenset[str]]] = {}
    always = False
    for phrase in phrases:
        words = WORD_RUN.findall(phrase)
        needed = frozenset(words[:-1] if open_end else words)
        if not needed:
            always = True
            continue
        by_cue.setdefault(max(sorted(needed), key=len), []).append(needed)
    return PhraseGate({cue: tuple(sets) for cue, sets in by_cue.items()}, frozenset(by_cue), always)


# ------------------------------------------------------------------------------------- token patterns

def _anchored(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """A pattern opening with an optional ("*") token, as two patterns that open with a required token.

    Same matches, but the Matcher no longer starts a partial match at every token (much faster).
    """
    pattern = entry["pattern"]
    if not pattern or pattern[0].get("OP") != "*":
        return [entry]
    first = {key: value for key, value in pattern[0].items() if key != "OP"}
    with_first = dict(entry, pattern=[first, {**first, "OP": "*"}] + pattern[1:])
    return _anchored(dict(entry, pattern=pattern[1:])) + [with_first]


REQUIRED_OPS = (None, "1", "+")
OPTIONAL_OPS = ("?", "*")
WORD_KEYS = ("LOWER", "ORTH", "TEXT")
FLAG_KEYS = {name: getattr(attrs, name) for name in ("IS_TITLE", "IS_UPPER", "IS_LOWER", "IS_ALPHA",
                                                      "IS_DIGIT", "IS_PUNCT", "IS_SPACE", "LIKE_NUM")}
# Words too common to anchor a pattern on when a rarer required token exists.
COMMON_ANCHORS = frozenset({"and", "of", "for", "the", "in", "on", "to", "with", "a", "an",
                            "&", ",", "(", ")", "-", "/"})


def _words(value: Any) -> list[str] | None:
    """The words a LOWER/ORTH predicate accepts ("x" or {"IN": [...]}), else None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
        return [str(word) for word in value["IN"]]
    return None


def _token_test(token: dict[str, Any]) -> tuple[str, Any] | None:
    """One vectorisable condition every token matching `token` meets: ("LOWER"/"ORTH", words) or
    (flag, bool); None if the token could be anything (no such condition, or a "!" / counted operator).
    """
    if token.get("OP") not in REQUIRED_OPS + OPTIONAL_OPS:
        return None
    for key in WORD_KEYS:
        words = _words(token.get(key))
        if words is not None:
            attr = "LOWER" if key == "LOWER" else "ORTH"
            return attr, frozenset(word.lower() if attr == "LOWER" else word for word in words)
    for key in FLAG_KEYS:
        if isinstance(token.get(key), bool):
            return key, token[key]
    return None


def pattern_anchor(pattern: list[dict[str, Any]]) -> tuple[tuple[str, Any], ...] | None:
    """The tests of a token pattern's tokens, its anchor (rarest required word set) first; None if a token
    has no test or no required token has a word set.

    A match is a run of tokens that each pass one of the tests and it holds an anchor word, so running
    the Matcher only on such runs (`AnchoredMatcher`) finds exactly what a run over the whole Doc finds.
    """
    tokens = [{key.upper(): value for key, value in token.items()} for token in pattern]
    tests = [_token_test(token) for token in tokens]
    if not tokens or any(test is None for test in tests):
        return None
    anchors = [test for token, test in zip(tokens, tests, strict=True)
               if token.get("OP") in REQUIRED_OPS and test and test[0] in ("LOWER", "ORTH")]
    if not anchors:
        return None

    def cost(test: tuple[str, Any]) -> tuple[int, int]:
        common = sum(1 for word in test[1] if word.lower() in COMMON_ANCHORS or len(word) < 3)
        return common, len(test[1])

    anchor = min(anchors, key=cost)
    return (anchor, *(test for test in tests if test is not None))


# The components' word tests (a ruler's anchor and run words, the body grammar's heads, the layout cues) are
# computed once per word type.  On the fast path each is one bit of a single lexeme attribute that nothing
# reads (`WORD_TESTS_ATTR`, the word's language, which `build_nlp` stops computing): one getter call per
# new word type instead of one per test, and one `Doc.to_array` column per Doc, shared by the components
# (`flag_column`), instead of one per test.  On the reference path each test is a lexeme flag of its own.
WORD_TESTS_ATTR = attrs.LANG
WORD_TESTS_KEY = "icsdocs_word_tests"  # the Doc's column of test bits, in `doc.user_data`


class _WordTests:
    """The getter of `WORD_TESTS_ATTR`: the bits of the tests a word passes (`add_flag`)."""

    def __init__(self) -> None:
        self.tests: list[tuple[int, Callable[[str], bool]]] = []

    def __call__(self, text: str) -> int:
        bits = 0
        for bit, test in self.tests:
            if test(text):
                bits |= bit
        return bits


def add_flag(vocab: Vocab, getter: Callable[[str], bool]) -> int:
    """A word test computed once per word type, read by `flag_column`: a bit of `WORD_TESTS_ATTR` (its
    mask is returned), or on the reference path `vocab.add_flag(getter)` on an id of its own, never one of
    spaCy's attributes (ids below FLAG19): `build_nlp` stops computing some of those, which frees their ids.
    """
    if not ENABLED:
        free = next(flag for flag in range(attrs.FLAG19, attrs.FLAG63 + 1)
                    if flag not in vocab.lex_attr_getters)
        return vocab.add_flag(getter, flag_id=free)
    tests = vocab.lex_attr_getters.get(WORD_TESTS_ATTR)
    if not isinstance(tests, _WordTests):  # the first test: the attribute holds no language any more
        tests = _WordTests()
        vocab.lex_attr_getters[WORD_TESTS_ATTR] = tests
        for lexeme in vocab:
            lexeme.lang = 0
    bit = 1 << len(tests.tests)
    if bit > WORD_TESTS_MAX:
        raise ValueError("too many word tests for one lexeme attribute")
    tests.tests.append((bit, getter))
    for lexeme in vocab:  # the words already known, as `Vocab.add_flag` does
        if getter(lexeme.orth_):
            lexeme.lang = lexeme.lang | bit
    return bit


WORD_TESTS_MAX = 1 << 63


def flag_column(doc: Doc, flag: int) -> Any:
    """A 1-D array, non-zero at the tokens whose word passes the test `flag` (from `add_flag`)."""
    if not ENABLED:
        return doc.to_array([flag]).reshape(-1)
    bits = doc.user_data.get(WORD_TESTS_KEY)
    if bits is None:
        bits = doc.user_data[WORD_TESTS_KEY] = doc.to_array(WORD_TESTS_ATTR)
    return bits & flag


class AnchoredMatcher:
    """A spaCy Matcher run only on the stretches of a Doc where its token patterns can match.

    Token patterns such as "... Director of <domain>+" spend most of their time starting partial matches
    at every token.  Here every token is first tested (vectorised) against the patterns' token tests; the
    Matcher then runs only on maximal runs of passing tokens that hold an anchor word.  Patterns without
    an anchor (see `pattern_anchor`) run over the whole Doc as usual.  Match tuples index the Doc.

    The anchored patterns are split into one Matcher per anchor word set, and a run goes only through
    the Matchers whose anchor words it holds: a match of a pattern holds one of its own anchor words, so
    the matches are the same, and a Matcher call costs about as much per pattern as per token (runs are
    short: most tokens of a run would only feed partial matches of patterns that cannot complete).
    """

    def __init__(self, vocab: Vocab, patterns: list[tuple[str, list[dict[str, Any]]]]):
        self.anchored = Matcher(vocab, validate=True)
        self.free = Matcher(vocab, validate=True)
        # anchor (attr, words) -> the Matcher of the patterns anchored on it; word -> those Matchers' indexes
        by_anchor: dict[tuple[str, frozenset[str]], Matcher] = {}
        getters = vocab.lex_attr_getters
        words: dict[str, set[str]] = {"LOWER": set(), "ORTH": set()}
        anchors: dict[str, set[str]] = {"LOWER": set(), "ORTH": set()}
        flags: set[tuple[str, bool]] = set()
        for key, pattern in patterns:
            tests = pattern_anchor(pattern)
            unknown = tests is None or any(FLAG_KEYS[a] not in getters for a, _ in tests if a in FLAG_KEYS)
            if unknown:
                self.free.add(key, [pattern])
                continue
            self.anchored.add(key, [pattern])
            (anchor_attr, anchor_words), *rest = tests
            group = by_anchor.setdefault((anchor_attr, anchor_words), Matcher(vocab, validate=True))
            group.add(key, [pattern])
            anchors[anchor_attr].update(anchor_words)
            for attr, value in rest:
                if attr in words:
                    words[attr].update(value)
                else:
                    flags.add((attr, value))
        self.matchers = list(by_anchor.values())
        self.lower_groups: dict[str, list[int]] = {}
        self.orth_groups: dict[str, list[int]] = {}
        for index, (anchor_attr, anchor_words) in enumerate(by_anchor):
            groups = self.lower_groups if anchor_attr == "LOWER" else self.orth_groups
            for word in anchor_words:
                groups.setdefault(word, []).append(index)
        lower_words, orth_words = frozenset(words["LOWER"]), frozenset(words["ORTH"])
        lower_anchors, orth_anchors = frozenset(anchors["LOWER"]), frozenset(anchors["ORTH"])
        flag_tests = [(getters[FLAG_KEYS[attr]], value) for attr, value in sorted(flags)]

        def passes_words(text: str) -> bool:
            return text.lower() in lower_words or text in orth_words

        def passes(text: str) -> bool:
            return passes_words(text) or any(bool(getter(text)) == value for getter, value in flag_tests)

        # Lexeme flags: computed once per word type, read per token by `Doc.to_array`.
        self.anchor_flag = add_flag(vocab, lambda text: text.lower() in lower_anchors or text in orth_anchors)
        self.pass_flag = add_flag(vocab, passes if flag_tests else passes_words)

    def runs(self, doc: Doc) -> list[tuple[int, int]]:
        """(start, end) token runs on which the anchored patterns can match."""
        return [(start, end) for start, end, _ in self._runs_with_hits(doc)]

    def _runs_with_hits(self, doc: Doc) -> list[tuple[int, int, list[int]]]:
        """(start, end, anchor token indexes) of each run on which the anchored patterns can match."""
        # one column at a time: most Docs hold no anchor word and need no second column
        hits = flag_column(doc, self.anchor_flag).nonzero()[0].tolist()
        if not hits:
            return []
        passing = (flag_column(doc, self.pass_flag) != 0).astype("uint8").tobytes()  # anchor words pass too
        runs: list[tuple[int, int, list[int]]] = []
        for hit in hits:
            if runs and hit < runs[-1][1]:
                runs[-1][2].append(hit)
                continue
            end = passing.find(b"\x00", hit)
            runs.append((passing.rfind(b"\x00", 0, hit) + 1, len(passing) if end < 0 else end, [hit]))
        return runs

    def _run_matchers(self, doc: Doc, hits: list[int]) -> list[Matcher]:
        """The Matchers of the anchors that the tokens `hits` are."""
        indexes: set[int] = set()
        for hit in hits:
            token = doc[hit]
            indexes.update(self.lower_groups.get(token.lower_, ()))
            indexes.update(self.orth_groups.get(token.text, ()))
        return [self.matchers[index] for index in sorted(indexes)]

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        matches = list(self.free(doc)) if len(self.free) else []
        if len(self.anchored) and len(doc):
            for start, end, hits in self._runs_with_hits(doc):
                run = doc[start:end]
                for matcher in self._run_matchers(doc, hits):
                    matches.extend((key, start + a, start + b) for key, a, b in matcher(run))
        return matches


class PlainMatcher:
    """The reference for `AnchoredMatcher`: one spaCy Matcher over the whole Doc."""

    def __init__(self, vocab: Vocab, patterns: list[tuple[str, list[dict[str, Any]]]]):
        self.matcher = Matcher(vocab, validate=True)
        for key, pattern in patterns:
            self.matcher.add(key, [pattern])

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        return list(self.matcher(doc)) if len(self.matcher) else []


def token_matcher(vocab: Vocab, patterns: list[tuple[str, list[dict[str, Any]]]]) -> Callable[[Doc], Any]:
    """A matcher of the keyed token `patterns`: anchored, or plain on the reference path."""
    return AnchoredMatcher(vocab, patterns) if ENABLED else PlainMatcher(vocab, patterns)


def anchored(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """`_anchored(entry)`, or `[entry]` as written on the reference path."""
    return _anchored(entry) if ENABLED else [entry]




# -------------------------------------------------------------------------------------------- tokenizer

# Lexical attributes spaCy computes for every new word type and nothing here reads (the rules read ORTH,
# LOWER and the IS_* flags; the extractors read text, offsets and spans).  The blank pipeline does not
# compute them: on text with many new words this is about a tenth of extraction.
UNREAD_LEXEME_ATTRS = ("NORM", "PREFIX", "SUFFIX", "SHAPE", "LANG", "IS_STOP", "IS_ASCII", "IS_BRACKET",
                       "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY", "LIKE_URL", "LIKE_EMAIL",
                       "LIKE_NUM", "IS_ALPHA", "IS_DIGIT")


def _unread_getters(vocab: Vocab) -> list[int]:
    """The ids of spaCy's own getters of `UNREAD_LEXEME_ATTRS` (taken before the components add theirs)."""
    return [attrs.IDS[name] for name in UNREAD_LEXEME_ATTRS if attrs.IDS[name] in vocab.lex_attr_getters]


def drop_getters(vocab: Vocab, ids: list[int]) -> None:
    """Stop computing the attributes `ids` for new words: `build_nlp` does it before adding the rulers,
    whose patterns make a few thousand words, and then checks them (`refuse_unread_tests`)."""
    for getter_id in ids:
        if not isinstance(vocab.lex_attr_getters[getter_id], _WordTests):  # the components' own
            del vocab.lex_attr_getters[getter_id]


def refuse_unread_tests(nlp: Language) -> None:
    """ValueError if a ruler's token patterns test one of `UNREAD_LEXEME_ATTRS` (it would never match)."""
    tested = {name for _, component in nlp.pipeline for name in getattr(component, "tested_attrs", ())}
    unread = sorted(tested & set(UNREAD_LEXEME_ATTRS))
    if unread:
        raise ValueError(f"token patterns test {', '.join(unread)}: remove them from UNREAD_LEXEME_ATTRS in "
                         "pipeline/extract/fast.py")


# A word of ASCII letters only ("Board", "transformation"): most of the words new to a worker.
PLAIN_WORD = re.compile(r"[A-Za-z]+")


class _UnlessPlainWord:
    """A tokenizer rule (prefix, suffix or infix search, URL match) that gives `no_match` at once for a
    `PLAIN_WORD`.  Under the English rules none of them can match one (every prefix, suffix and infix
    holds a digit, a punctuation mark or a symbol, or needs one next to it; a URL needs a dot), so the
    tokens are the same (`tests/test_extract_shortcuts.py` checks both); tokenising new text is faster.
    """

    def __init__(self, rule: Callable[[str], Any], no_match: Any):
        self.rule, self.no_match = rule, no_match

    def __call__(self, text: str) -> Any:
        return self.no_match if text.isascii() and text.isalpha() else self.rule(text)  # PLAIN_WORD


# Whitespace-separated chunks the tokenizer keeps the tokens of.  spaCy's default (10,000) fills within the
# first few documents of a batch and then stops caching, so every later new word pays for the prefix,
# suffix and infix search again; the cache keeps only token pointers per chunk (a few MB at this size).
TOKENIZER_CACHE = 200_000


# spaCy's own tokenizer (`spacy.Tokenizer.v1`: the language's defaults), its rules skipped for plain words.
PLAIN_WORDS_TOKENIZER = "icsdocs_plain_words_tokenizer_v1"


@registry.tokenizers(PLAIN_WORDS_TOKENIZER)
def make_plain_words_tokenizer() -> Callable[[Language], Tokenizer]:
    # Made with the wrapped rules at once: a rule changed on a tokenizer already made reloads its
    # thousands of special cases.
    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab, rules=defaults.tokenizer_exceptions, token_match=defaults.token_match,
            prefix_search=_UnlessPlainWord(compile_prefix_regex(defaults.prefixes).search, None),
            suffix_search=_UnlessPlainWord(compile_suffix_regex(defaults.suffixes).search, None),
            infix_finditer=_UnlessPlainWord(compile_infix_regex(defaults.infixes).finditer, ()),
            url_match=_UnlessPlainWord(defaults.url_match, None), max_cache_size=TOKENIZER_CACHE,
        )

    return make


class _TextKeepingTokenizer:
    """The pipeline's tokenizer, keeping the text each Doc was made from in its `user_data[key]` (see
    `nlp.doc_text`).  Anything else is the wrapped tokenizer's."""

    def __init__(self, tokenizer: Callable[[str], Doc], key: str):
        self.tokenizer, self.key = tokenizer, key

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[self.key] = text
        return doc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)


def keep_text(nlp: Language, key: str) -> None:
    """Each Doc keeps the text it was made from in `doc.user_data[key]`, as rebuilding `doc.text` from the
    tokens costs more than most rules that read it; on the reference path, nothing (`doc.text` is read)."""
    if ENABLED:
        nlp.tokenizer = _TextKeepingTokenizer(nlp.tokenizer, key)


def unread_getters(vocab: Vocab) -> list[int]:
    """`_unread_getters(vocab)`; none on the reference path (spaCy computes every attribute)."""
    return _unread_getters(vocab) if ENABLED else []


def blank_english() -> Language:
    """`spacy.blank("en")`, its tokenizer skipping its rules for plain words, with a larger cache (the
    same tokens); as spaCy makes it on the reference path."""
    if not ENABLED:
        return spacy.blank("en")
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": PLAIN_WORDS_TOKENIZER}}})


# -------------------------------------------------------------------------------- regular expressions

def word_start_alternation(phrases: Iterable[str], after: str = "") -> str:
    """Any of `phrases` (longest first, a space matching any whitespace) at the start of a word, each
    followed by `after`: `\\b(?:...)`.  Fast: each alternative opens with its first word and checks the
    word boundary in a look-behind after it, so that `re` jumps to the words' first letters.
    """
    ordered = sorted(phrases, key=len, reverse=True)
    if not ENABLED:
        return r"\b(?:" + "|".join(f"(?:{alternation([phrase])}){after}" for phrase in ordered) + ")"
    alternatives = []
    for phrase in ordered:
        first, *rest = (re.escape(word) for word in phrase.split(" "))
        head = rf"{first}(?<!\w{first})" if re.match(r"\w", phrase) else rf"\b{first}"
        alternatives.append(head + "".join(rf"\s+{word}" for word in rest) + after)
    return "|".join(alternatives)


def by_first_letter(words: Iterable[str]) -> str:
    """`alternation(words)` for a case-insensitive pattern.  Fast: grouped by first letter
    ("c(?:hief|hair|...)"), as `re` cannot skip case-insensitive alternatives by their first letter; words
    with different first letters cannot match at one place.
    """
    if not ENABLED:
        return alternation(words)
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0].lower(), []).append(re.escape(word[1:]).replace(r"\ ", r"\s+"))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


def literal(text: str, not_before: str, after: str) -> re.Pattern[str]:
    """`(?<!{not_before}){text}{after}` with `text` as written.  Fast: the look-behind checked after its
    first character, so that `re` searches for the literal text instead of trying every position.
    """
    if not ENABLED:
        return re.compile(rf"(?<!{not_before}){re.escape(text)}{after}")
    first = re.escape(text[:1])
    return re.compile(rf"{first}(?<!{not_before}{first}){re.escape(text[1:])}{after}")


def _word_or_hyphen(char: str) -> bool:
    r"""Whether `char` is in re's `[\w-]` (re's `\w` is `str.isalnum` and the underscore)."""
    return char.isalnum() or char == "_" or char == "-"


def whole_occurrences(text: str, name: str) -> list[tuple[int, int]]:
    r"""(start, end) of each occurrence of `name` in `text` with no word character or hyphen either side,
    as `re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)` finds them: left to right, none
    overlapping.  Fast: `str.find`, no pattern to compile (each name is looked for in one text only).
    """
    if not ENABLED:
        return [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    found = []
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        whole_before = at == 0 or not _word_or_hyphen(text[at - 1])
        if whole_before and (end == len(text) or not _word_or_hyphen(text[end])):
            found.append((at, end))
            at = text.find(name, end) if name else -1
        else:
            at = text.find(name, at + 1)
    return found


def names_alternation(names: list[str]) -> str:
    """Any of `names` (of two words or more, any whitespace between words) as whole words (no word
    character or hyphen either side), the first in the list where several match at one place.  Fast:
    names grouped by first word, written once with its look-behind (names with different first words
    cannot match at one place, as a second word must follow the first after a space).
    """
    if not ENABLED:
        return rf"(?<![\w-])(?:{alternation(names)})(?![\w-])"  # names come collapsed: one space
    rests: dict[str, list[str]] = {}
    for name in names:
        first, *words = name.split()
        rests.setdefault(first, []).append("".join(rf"\s+{re.escape(word)}" for word in words))
    return "(?:" + "|".join(
        rf"{re.escape(first)}(?<![\w-]{re.escape(first)})(?:{'|'.join(group)})"
        for first, group in rests.items()
    ) + r")(?![\w-])"


def names_finder(names: list[str]) -> Callable[[str], list[tuple[int, int]]]:
    r"""(start, end) of each match of `names_alternation(names)` in a text, as its `finditer` finds them.
    Fast: no pattern to compile (a document's names are looked for in that document only, and compiling
    their alternation costs more than the search): each name's first word is found with `str.find`, and
    the names of that word are tried there in list order, word by word (`\s+` between words), with the
    same edge tests.  On the reference path, the pattern.
    """
    if not ENABLED:
        pattern = re.compile(names_alternation(names))
        return lambda text: [m.span() for m in pattern.finditer(text)]
    rests: dict[str, list[list[str]]] = {}
    for name in names:
        first, *words = name.split()
        rests.setdefault(first, []).append(words)
    firsts = list(rests)  # in the alternation's order: the first name of each first word first
    return lambda text: _find_names(text, firsts, rests)


def _find_names(text: str, firsts: list[str], rests: dict[str, list[list[str]]]) -> list[tuple[int, int]]:
    """`names_finder`'s search: the matches left to right, none overlapping."""
    starts = []
    for order, first in enumerate(firsts):
        at = text.find(first)
        while at >= 0:
            starts.append((at, order))
            at = text.find(first, at + 1)
    starts.sort()
    found: list[tuple[int, int]] = []
    taken = 0
    for at, order in starts:
        if at < taken or (at and _word_or_hyphen(text[at - 1])):
            continue
        first = firsts[order]
        for words in rests[first]:
            end = _words_after(text, at + len(first), words)
            if end >= 0 and (end == len(text) or not _word_or_hyphen(text[end])):
                found.append((at, end))
                taken = end
                break
    return found


def _words_after(text: str, pos: int, words: list[str]) -> int:
    r"""The end of `words` each after `\s+` from `pos` (str.isspace is re's \s), or -1."""
    for word in words:
        after = pos
        while after < len(text) and text[after].isspace():
            after += 1
        if after == pos or not text.startswith(word, after):
            return -1
        pos = after + len(word)
    return pos


def whole_alternation(words: Iterable[str], edge: str) -> str:
    """Any of `words` (longest first, as written) with no `edge` character (a class body such as
    `\\w-`) either side.  Fast: each word checks the character before it in a look-behind after its
    first letter, so that `re` skips to the words' first letters.
    """
    ordered = sorted(words, key=len, reverse=True)
    if not ENABLED:
        return rf"(?<![{edge}])(?:{alternation(ordered, spaces=False)})(?![{edge}])"
    return "(?:" + "|".join(
        rf"{re.escape(word[0])}(?<![{edge}]{re.escape(word[0])}){re.escape(word[1:])}" for word in ordered
    ) + rf")(?![{edge}])"


def phrase_starts(phrases: list[str], cue_word: Callable[[str], str]) -> dict[str, re.Pattern[str]]:
    """For each cue word (`cue_word(phrase)`), where a phrase holding it starts: an alternation of the
    lower-cased phrases at the start of a word (see `starts_scan`)."""
    by_cue: dict[str, list[str]] = {}
    for phrase in phrases:
        by_cue.setdefault(cue_word(phrase.lower()), []).append(phrase.lower())
    return {cue: re.compile(word_start_alternation(group)) for cue, group in by_cue.items()}


def starts_scan(pattern: re.Pattern[str], starts: dict[str, re.Pattern[str]], text: str,
                cue_words: Collection[str] | None = None) -> list[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern opening with case-insensitive phrases.  Fast: tried only
    where a phrase starts (`starts`, found in the lower-cased text) instead of at every word; `cue_words`
    are the cue words the text holds (a phrase without its cue word cannot occur), all when not given.
    """
    if ENABLED and cue_words is not None and not cue_words:
        return []
    lower = text.lower()
    if not ENABLED or len(lower) != len(text):  # case folding changed the length: no shortcut
        return list(pattern.finditer(text))
    words = starts if cue_words is None else cue_words
    at = sorted({start for word in words for start in _starts(starts[word], lower)})
    found: list[re.Match[str]] = []
    end = 0
    for start in at:
        if start < end:
            continue
        match = pattern.match(text, start)
        if match:
            found.append(match)
            end = match.end()
    return found


def _starts(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """Every position where `pattern` matches, overlapping ones included."""
    found = pattern.search(text)
    while found:
        yield found.start()
        found = pattern.search(text, found.start() + 1)
