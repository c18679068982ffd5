"""The speed shortcuts of the extractors find exactly what the plain way finds.

- `AnchoredMatcher` (token patterns run only where they can match) against a plain spaCy Matcher;
- `fast.gate_for` (skip a regex whose required literals are absent) never blocks a match;
- the people patterns rewritten to start with a character class, and `fast.starts_scan`, against the
  patterns as first written;
- the date patterns scanned without their leading weekday and opening with a digit or a month name, against
  the patterns as first written;
- the tokenizer skipping its rules for words of ASCII letters: no rule matches one, the tokens are the same;
- the lexical attributes the blank pipeline does not compute: none are tested (a pattern testing one is
  refused), and the lexeme flags of the rulers do not take their ids;
- the document's body names grouped by first word, against one alternative per name;
- the headings skipped by the body cue: no text without it has a BODY;
- the meeting body of a paper with no cover sheet, from the body its recommendations are addressed to;
- the text each Doc keeps (`doc_text`) is `doc.text`;
- the gazetteer place names in people, each checking the character before it after its first letter, against
  one look-behind before the flat alternation;
- locality's place names tried only from words that start one, against trying every word.
"""

import dataclasses
import itertools
import random
import re
import string
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.attrs import IDS
from spacy.matcher import Matcher
from spacy.tokens import Doc

from pipeline.datafiles import data_path
from pipeline.extract import _addressed_body
from pipeline.extract.dates import DAY, _alternation, _matches, _tables, _word_start_alternation
from pipeline.extract.fast import (
    PLAIN_WORD,
    UNREAD_LEXEME_ATTRS,
    WORD_TESTS_ATTR,
    AnchoredMatcher,
    _unread_getters,
    add_flag,
    by_first_letter,
    drop_getters,
    flag_column,
    gate_for,
    literal,
    names_alternation,
    names_finder,
    pattern_anchor,
    phrase_gate,
    refuse_unread_tests,
    starts_scan,
    whole_occurrences,
    word_set,
    word_start_alternation,
)
from pipeline.extract.memberships import _cues
from pipeline.extract.nlp import doc_text, role_patterns
from pipeline.extract.people import (
    APPOSITIVE_OPENER,
    CAPITALISED,
    LEADING_NAME,
    NAME,
    WORD,
    _appositive,
    _given_name_pairs,
    _place_name_pattern,
    _rules,
    _words,
)
from pipeline.locality import find_mentions, load_places, locality_rules
from pipeline.records import Recommendation
from pipeline.textutil import alternation

SAMPLE_TEXTS = sorted((Path(__file__).parents[1] / "corpus" / "samples" / "txt").glob("*.txt"))
TEXTS = [
    "The Interim Deputy Chief Executive and the Director of Adult Social Care and Housing attended.",
    "Moved by the Executive Director of Place, seconded by the ICB Chief Executive (Kent and Medway).",
    "Cabinet Member for Children's Services\nDirector of\nPublic Health\tChief Finance Officer",
    "Clinical Lead for Primary Care; PCN Clinical Director; Programme Lead; the Chair and Vice Chair.",
    "Managing Director Operations, Assistant Director (Finance & Commissioning), Section 151 Officer.",
    "",
    "  \n\n ",
    "nothing here but lower-case words, numbers 12 3/4 and punctuation !?;",
    "Department for Levelling Up, Housing and Communities and the Office for Health Improvement",
    "Board of Governors, Council of Governors, University of Central Lancashire, Healthwatch Cornwall",
]

EXTRA_PATTERNS = [
    # anchored on the rare "Ministry", not on the frequent "of"
    [{"ORTH": "Ministry"}, {"LOWER": "of"}, {"IS_TITLE": True, "OP": "+"}],
    # no word set at all: runs over the whole Doc
    [{"IS_TITLE": True}, {"IS_TITLE": True}, {"LOWER": "partnership"}],
    # a negated token can be anything: runs over the whole Doc
    [{"LOWER": "chief"}, {"LOWER": "executive", "OP": "!"}],
    # a whitespace-tolerant predicate: still exact, the runs simply include the spaces
    [{"LOWER": "director"}, {"IS_PUNCT": False, "OP": "*"}, {"LOWER": "health"}],
]


@pytest.fixture(scope="module")
def keyed_patterns():
    patterns = [(f"ROLE{i}", entry["pattern"]) for i, entry in enumerate(role_patterns())
                if not isinstance(entry["pattern"], str)]
    return patterns + [(f"EXTRA{i}", pattern) for i, pattern in enumerate(EXTRA_PATTERNS)]


@pytest.mark.parametrize("text", TEXTS)
def test_anchored_matcher_finds_what_a_plain_matcher_finds(nlp, keyed_patterns, text):
    plain = Matcher(nlp.vocab)
    for key, pattern in keyed_patterns:
        plain.add(key, [pattern])
    anchored = AnchoredMatcher(nlp.vocab, keyed_patterns)
    doc = nlp.make_doc(text)
    assert sorted(anchored(doc)) == sorted(plain(doc))


def test_pattern_anchor_prefers_a_rare_word_and_gives_up_on_unknowable_tokens():
    anchor, *_ = pattern_anchor(EXTRA_PATTERNS[0])
    assert anchor == ("ORTH", frozenset({"Ministry"}))
    assert pattern_anchor(EXTRA_PATTERNS[1])[0] == ("LOWER", frozenset({"partnership"}))
    assert pattern_anchor([{"IS_TITLE": True}, {"IS_UPPER": True}]) is None  # no word to anchor on
    assert pattern_anchor(EXTRA_PATTERNS[2]) is None
    assert pattern_anchor([{"LOWER": {"REGEX": "^dir"}}]) is None


def test_gate_reads_required_literals_from_the_pattern():
    gate = gate_for(re.compile(r"\bmembership\s+(?:includes|comprises)\b", re.IGNORECASE))
    assert gate.allows("The MEMBERSHIP comprises:", "the membership comprises:")
    assert not gate.allows("The members are listed below.", "the members are listed below.")
    either = gate_for(re.compile(r"\b(?:will|shall)\s+(?:include|comprise)"))
    assert either.allows("it shall comprise", "it shall comprise")
    assert not either.allows("It Shall Comprise", "it shall comprise")  # case-sensitive pattern
    assert gate_for(re.compile(r"\d+\s*[a-z]")).allows("", "")  # no literal: always open
    both = gate_for(re.compile(r"\b(?:will|shall)\s+(?:include|comprise)\b", re.IGNORECASE))
    assert len(both.needs) == 2  # each part requires one of its words
    assert not both.allows("it will be fine", "it will be fine")
    assert both.allows("It Will Include", "it will include")


@pytest.mark.parametrize(
    "text",
    [
        "Membership of the Joint Committee will include two elected members from each council.",
        "The Partnership Board is made up of:\n- the Chief Executive\n- two GPs",
        "CORE MEMBERSHIP:\n(a) Chair\n(b) Director of Finance",
        "Members: Cllr Ahmed, Dr Evans.",
        "Attendance will be recorded in the minutes.",
    ],
)
def test_gates_never_block_a_membership_cue_that_matches(text):
    cues = _cues()
    for pattern in cues.explicit + cues.verb:
        if pattern.search(text):
            assert cues.gates[pattern].allows(text, text.lower()), pattern.pattern


LEADING_NAMES = [
    "Siobhan McDonagh, Director of Finance", "Ruth O'Neil – Chief Officer", "J. K. Rowling reported that",
    "Anne-Marie Smith-Jones MBE, Chair", "Mr MacLeod said that", "A Patel (Lead GP)",
    "Mac, the Board", "McX Y", "x Jane Doe, Director", "Leaders' Group noted that",
]


@pytest.mark.parametrize("text", LEADING_NAMES)
def test_patterns_that_open_with_a_name_match_as_first_written(text):
    rules = _rules()
    for written in (rules.after, rules.apposition, rules.contact, rules.post_cue):
        assert f"(?P<name>{LEADING_NAME})" in written.pattern
        original = re.compile(written.pattern.replace(LEADING_NAME, NAME))
        found = [m.groupdict() for m in written.finditer(text)]
        assert found == [m.groupdict() for m in original.finditer(text)]


def test_roles_grouped_by_first_letter_match_as_a_flat_alternation():
    words = ["Chair", "Chairman", "Chief", "Clerk", "CEO", "Co-ordinator", "Director", "DPH", "SRO", "Vice"]
    text = "the chairman, CHIEF, ceo and co-ordinator; dph. Sro, vices, Directorate, clerks and the chair"
    flat = re.compile(rf"(?i:(?:{alternation(words)}))\b")
    grouped = re.compile(rf"(?i:(?:{by_first_letter(words)}))\b")
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in flat.finditer(text)]


@pytest.mark.parametrize("name", ["Will Blandamer", "Chris O'Gorman", "A Smith", "Mel  McGuiness"])
def test_literal_names_match_as_first_written(name):
    text = f"{name}, x{name} -{name} ({name}) {name}s {name}-Jones {name}. {name.upper()} {name}"
    for not_before, after, written in ((r"[\w-]", r"(?![\w-])", rf"(?<![\w-]){re.escape(name)}(?![\w-])"),
                                       (r"\w", r"\b", rf"\b{re.escape(name)}\b")):
        fast = literal(name, not_before, after)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(written, text)]


@pytest.mark.parametrize("text", [*LEADING_NAMES, "Su Long will lead the work", "Su Long\twill be leading"])
def test_after_phrase_gate_never_blocks_an_after_match(text):
    rules = _rules()
    if rules.after.search(text):
        assert rules.after_phrase.search(text)
        assert rules.after_gate.allows(_words(text).cased)


def _people_data() -> dict:
    return yaml.safe_load(data_path("people.yaml").read_text(encoding="utf-8"))


def test_every_after_phrase_passes_its_own_gate():
    """A phrase an analyst adds to `after_phrases` is gated by its own words: a name before it is found."""
    rules = _rules()
    for phrase in _people_data()["after_phrases"]:
        text = f"Ann Lee {phrase} the Board."
        assert rules.after.search(text), phrase
        assert rules.after_gate.allows(_words(text).cased), phrase


def test_every_list_lead_passes_its_own_gate():
    rules = _rules()
    for lead in _people_data()["list_leads"]:
        text = f"The Chair said that {lead.upper()} Ann Lee and Raj Patel."
        assert rules.list_lead.search(text.lower()), lead
        assert rules.list_lead_gate.allows(_words(text).lower), lead


def test_after_phrase_gate_needs_every_word_of_one_phrase():
    gate = phrase_gate(["will lead", "is leading", "thanked"])
    assert gate.allows(frozenset({"Su", "Long", "will", "lead"}))
    assert gate.allows(frozenset({"lead", "The", "will", "work"}))  # both words anywhere: the regex decides
    assert gate.allows(frozenset({"Board", "thanked"}))
    assert not gate.allows(frozenset({"Su", "Long", "will", "be", "there"}))  # "will" alone
    assert not gate.allows(frozenset({"leading", "the", "work"}))  # "leading" without "is"
    assert not gate.allows(frozenset({"Will", "Lead"}))  # the phrases are matched as written
    assert not gate.allows(frozenset())


def test_phrase_gate_is_open_on_the_reference_path(monkeypatch):
    gate = phrase_gate(["will lead"])
    monkeypatch.setattr("pipeline.extract.fast.ENABLED", False)
    assert gate.allows(frozenset())


def test_open_ended_phrase_gate_does_not_need_the_last_word():
    """`list_lead` has no boundary after a lead, so its last word may run on ("together withdrawn")."""
    gate = phrase_gate(["together with", "sent their apologies"], open_end=True)
    assert gate.allows(frozenset({"together", "withdrawn"}))
    assert gate.allows(frozenset({"sent", "their", "regrets"}))
    assert not gate.allows(frozenset({"with", "their", "apologies"}))
    assert phrase_gate(["present", "attended by"], open_end=True).allows(frozenset())  # one word: no gate


@pytest.mark.parametrize(
    "text",
    [
        "PRESENT: Cllr Ann Lee (Chair), Dr Raj Patel\n\nMinutes: Jo Bell",
        "The minutes were taken; Board Members: Su Long, Tom Kerr",
        "Apologies for absence were received from Mr Ian Hall and Ms Eve Ray.",
        "Also in attendance were Councillors Moss and Reid, together with Kim Tan.",
        "Sam Cole sent their apologies.  Report Author: Lin Wu",
        "CONTACT OFFICER\tNia Green",
        "The item was together withdrawn by Jim Bond",  # a phrase whose last word runs on
        "Presenter Ann Lee spoke on the attendance figures; members noted them.",  # cue words, no label
        "",
    ],
)
def test_word_gates_never_block_a_list_or_label_match(text):
    """The label and list patterns run only on sections holding one of their cue words (`_Words`): any
    text they match holds one."""
    rules = _rules()
    words = _words(text)
    if rules.list_lead.search(text.lower()):
        assert rules.list_lead_gate.allows(words.lower)
    gated = [
        (rules.list_label, rules.list_label_words, words.lower),
        (rules.inline_list_label, rules.list_label_words, words.lower),
        (rules.plural_lead, rules.plural_words, words.cased),
        (rules.field, rules.field_words, words.lower),
        (rules.inline_field, rules.inline_field_words, words.cased),
    ]
    for pattern, cues, section_words in gated:
        if pattern.search(text.lower() if pattern is rules.list_lead else text):
            assert not cues.isdisjoint(section_words), pattern.pattern[:60]
    assert not rules.list_label_words.isdisjoint(_words("Board members present: Ann Lee").lower)
    assert rules.list_label_words.isdisjoint(_words("The Board noted the report.").lower)


@pytest.mark.parametrize(
    "text",
    [
        "The group is co-chaired by Jane Smith and led by Dr Bob Jones; CHAIRED BY Anne Lee.",
        "Xled by Jo Bloggs",  # not a phrase: inside a word
        "on behalf of Mary Brown, on behalf of the Board",
        "contact contact Sam Hill",
        "Led by\nTom Kerr",
        "",
    ],
)
def test_before_matches_equal_a_plain_scan(text):
    rules = _rules()
    plain = [m.span() for m in rules.before.finditer(text)]
    assert [m.span() for m in starts_scan(rules.before, rules.before_starts, text)] == plain
    cues = rules.before_words & {word.lower() for word in WORD.findall(text)}  # as find_people passes them
    assert [m.span() for m in starts_scan(rules.before, rules.before_starts, text, cues)] == plain


@pytest.mark.parametrize("text", [
    "Cllr Jane Smith and The Rt Hon Tom Kerr MP; XDr Jane Smith; Dr.Jane Smith; Director Sam Hill",
    "Mr. J. Smith; Prof Dr A Lee; Chief Executive Mo Farah; the DPH Lesley Jones; XChair Bo Li",
])
def test_patterns_that_open_with_a_word_start_alternation_match_as_first_written(text):
    rules = _rules()
    data = yaml.safe_load(data_path("people.yaml").read_text(encoding="utf-8"))
    for written, words in ((rules.honorific, data["honorifics"]), (rules.role_before, data["role_heads"])):
        fast = f"(?:{word_start_alternation(words)})"
        assert fast in written.pattern
        original = re.compile(written.pattern.replace(fast, rf"\b(?:{alternation(words)})"))
        found = [(m.span(), m.groupdict()) for m in written.finditer(text)]
        assert found == [(m.span(), m.groupdict()) for m in original.finditer(text)]
        assert found  # the texts hold both kinds of cue


DATE_TEXTS = [
    "held on Monday 7 June 2021, Monday, 7 June and Wednesday,\n\n 3 March; XMonday 7 June; Monday,7 June",
    "Tuesday 1st April 2022 and Thursday, June 3 2021; WEDNESDAY 5 MAY 2021; Sat 1 Jan 2022 Sun, Jan 2 2022",
    "Monday 7 June 2021 Tuesday 8 June 2021; 7 June 2021Monday 8 June; Wednesday Wednesday 7 June",
    "Fri. 7 June, 20th-26th May 2021, 20 to 26 May, £12 June 2021, 3.5 June, x1 June, a-1 June, May 20th",
    "June 21, Sept. 2021, SEPT 2021, SUMMARY 2021, Mar 2020 MAR 2020 Marching 2020, AMay 2020",
    "1/4/22, 26/05/2021, 7.6.2021, 7-6-2021, 2021-06-07, x2021-06-07, -2021-06-07, on 31/02/2021",
    "12/25/2021, 1/2/2021-3-2021, 2021-22 and 2022/23",
    "",
]
WRITTEN_DAY = r"(?<![\w£$/.:-])\d{1,2}"


@pytest.mark.parametrize("text", DATE_TEXTS)
def test_date_patterns_match_as_first_written(text):
    tables = _tables()
    for spec in tables.patterns:
        written = re.compile(spec.pattern.pattern.replace(DAY, WRITTEN_DAY))
        found = [(m.span(), m.groupdict()) for m in _matches(tables, spec, text)]
        assert found == [(m.span(), m.groupdict()) for m in written.finditer(text)], spec.kind


@pytest.mark.parametrize("text", DATE_TEXTS)
def test_word_start_alternation_is_a_word_boundary_then_the_words(text):
    words = ["March", "Mar", "May", "Sept"]
    fast = re.compile(_word_start_alternation(words, r"\.?"))
    written = re.compile(r"\b(?:" + "|".join(rf"(?:{w})\.?" for w in _alternation(words).split("|")) + ")")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in written.finditer(text)]


def test_no_tokenizer_rule_matches_a_word_of_ascii_letters():
    rules = spacy.blank("en").tokenizer
    letters = string.ascii_letters
    short = ["".join(word) for n in (1, 2, 3) for word in itertools.product(letters, repeat=n)]  # all of them
    texts = " ".join(path.read_text(encoding="utf-8") for path in SAMPLE_TEXTS)
    words = short + sorted(set(re.findall(r"[A-Za-z]+", texts))) + ["Supercalifragilistic" * 5]
    assert all(PLAIN_WORD.fullmatch(word) for word in words)
    odd = ["", "é", "Straße", "abc1", "a-b", "A.", "ǅ", "\u00aa", "ＡＢ"]  # the quick test is PLAIN_WORD's
    quick = [w.isascii() and w.isalpha() for w in odd + words]
    assert quick == [bool(PLAIN_WORD.fullmatch(w)) for w in odd + words]
    for word in words:
        assert rules.prefix_search(word) is None and rules.suffix_search(word) is None, word
        assert not list(rules.infix_finditer(word)) and rules.url_match(word) is None, word


def test_tokens_are_those_of_the_plain_tokenizer(nlp):
    plain = spacy.blank("en")
    for text in [*TEXTS, *DATE_TEXTS, *(path.read_text(encoding="utf-8") for path in SAMPLE_TEXTS)]:
        assert [t.text_with_ws for t in nlp.make_doc(text)] == [t.text_with_ws for t in plain.make_doc(text)]


def test_each_word_test_column_is_the_test_of_each_token(nlp):
    """Every component's word test, read from the shared column of test bits, is its getter's answer for
    each token: words known before a test was added (pattern words), after it, and new to the vocab."""
    rng = random.Random(3)
    new_words = " ".join("".join(rng.choice("BCDFGaeiou") for _ in range(6)) for _ in range(40))
    texts = [*TEXTS, new_words, "Board Council CCG ward venue OL16 Director of Public Health NHS"]
    tests = nlp.vocab.lex_attr_getters[WORD_TESTS_ATTR].tests
    assert len(tests) >= 8  # two per ruler, the layout cues, the body grammar's heads
    for text in texts:
        doc = nlp(text)
        for bit, test in tests:
            assert (flag_column(doc, bit) != 0).tolist() == [bool(test(t.text)) for t in doc], (text, bit)


def test_conditional_heads_are_found_as_by_comparing_the_words_before(nlp):
    """`_is_head` checks the word just before a conditional head first; it finds what comparing every
    condition's words finds ("Integrated Care System", not "operating system"), on random word runs."""
    grammar = next(c for _, c in nlp.pipeline if hasattr(c, "_is_head"))
    conditional = grammar.grammar.conditional_heads
    words = sorted({w for head, phrases in conditional.items() for p in phrases for w in (head, *p)})
    words += ["Board", "the", "operating", "Care"]

    def plain(doc, i):
        token = doc[i]
        if token.text in grammar.grammar.acronym_heads or token.lower_ in grammar.grammar.heads:
            return True
        return any(i >= len(b) and tuple(t.lower_ for t in doc[i - len(b):i]) == b
                   for b in conditional.get(token.lower_, ()))

    rng = random.Random(9)
    found = 0
    for _ in range(400):
        doc = nlp.make_doc(" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))))
        for i in range(len(doc)):
            assert grammar._is_head(doc, i) == plain(doc, i), (doc.text, i)
            found += plain(doc, i)
    assert found > 50
    doc = nlp.make_doc("the Integrated Care System and an operating system")
    assert grammar._is_head(doc, 3) and not grammar._is_head(doc, 7)


def test_word_tests_pass_and_fail_as_their_getters():
    vocab = spacy.blank("en").vocab
    vocab.strings.add("Board")
    before = vocab["Board"]  # a word known before the tests
    board = add_flag(vocab, lambda text: text == "Board")
    upper = add_flag(vocab, str.isupper)
    assert board != upper
    doc = Doc(vocab, words=["Board", "board", "NHS", "Board"])
    assert (flag_column(doc, board) != 0).tolist() == [True, False, False, True]
    assert (flag_column(doc, upper) != 0).tolist() == [False, False, True, False]
    assert before.lang == board


def test_word_tests_are_lexeme_flags_on_the_reference_path(monkeypatch):
    monkeypatch.setattr("pipeline.extract.fast.ENABLED", False)
    vocab = spacy.blank("en").vocab
    language = vocab.lex_attr_getters[WORD_TESTS_ATTR]
    flag = add_flag(vocab, lambda text: text == "Board")
    assert flag in vocab.lex_attr_getters and vocab.lex_attr_getters[WORD_TESTS_ATTR] is language
    doc = Doc(vocab, words=["Board", "board"])
    assert flag_column(doc, flag).tolist() == [1, 0]


def test_a_pattern_testing_an_attribute_the_pipeline_does_not_compute_is_refused(nlp):
    assert nlp.make_doc("fourteen")[0].like_num is False  # not computed: a pattern testing it never matches
    unread = ("is_ascii", "like_url", "is_stop", "is_alpha")
    assert all(getattr(nlp.make_doc("fourteen,")[0], a) is False for a in unread)
    assert nlp.make_doc("2024")[0].is_digit is False
    # the components' word tests are bits of one attribute of their own, not spaCy's unread getters
    getters = nlp.vocab.lex_attr_getters
    flags = {c.tokens.anchor_flag for _, c in nlp.pipeline if hasattr(c, "tokens")}
    assert flags <= {bit for bit, _ in getters[WORD_TESTS_ATTR].tests}
    assert not (set(getters) - {WORD_TESTS_ATTR}) & {IDS[name] for name in UNREAD_LEXEME_ATTRS}
    blank = spacy.blank("en")
    unread = _unread_getters(blank.vocab)
    ruler = blank.add_pipe("icsdocs_ruler_v2", name="money", config={"rules": "roles"})
    ruler.tested_attrs = ruler.tested_attrs | {"LIKE_NUM"}
    drop_getters(blank.vocab, unread)
    with pytest.raises(ValueError, match="LIKE_NUM"):
        refuse_unread_tests(blank)


def test_names_grouped_by_first_word_match_as_a_flat_alternation():
    names = sorted(["bury strategic commissioning board", "bury health and care partnership board",
                    "bury health and care partnership", "care quality commission", "career pathways group",
                    "gm health and care partnership", "health and care partnership"], key=len, reverse=True)
    flat = re.compile("(?:" + "|".join(
        rf"{re.escape(n.split()[0])}(?<![\w-]{re.escape(n.split()[0])})"
        + "".join(rf"\s+{re.escape(w)}" for w in n.split()[1:]) for n in names) + r")(?![\w-])")
    text = ("the bury health and care partnership board and bury health and care partnership; "
            "xbury strategic commissioning board, career pathways group, care quality commissions, "
            "gm health and care partnership-x, health  and\ncare partnership")
    grouped = re.compile(names_alternation(names))
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in flat.finditer(text)]
    assert names_finder(names)(text) == [m.span() for m in flat.finditer(text)]


def test_names_finder_matches_the_alternation_on_random_text():
    """`names_finder` finds by `str.find` what `names_alternation` finds, edges, whitespace runs and
    names sharing a first word included."""
    names = sorted(["nhs fenby ccg", "nhs fenby ccg board", "fenby care board", "fenby care", "a b c",
                    "care (icp) board", "nhs.x y"], key=len, reverse=True)
    flat = re.compile(rf"(?<![\w-])(?:{alternation(names)})(?![\w-])")
    rng = random.Random(11)
    words = ["nhs", "fenby", "ccg", "board", "care", "(icp)", "a", "b", "c", "nhs.x", "y", "é", "", *names]
    gaps = [" ", " ", " ", "  ", "\n", " \t", "-", "_", "x", "", "."]
    finder = names_finder(names)
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(0, 12)))
        expected = [m.span() for m in flat.finditer(text)]
        assert finder(text) == expected, text
        matched += bool(expected)
    assert matched > 300  # the texts do hold names



def _recommendation(addressed_to):
    return Recommendation("d", "s", "To note the report.", "recommendation", addressed_to, 0, 10, 1)


def test_meeting_body_from_the_body_the_recommendations_address(nlp):
    recs = [_recommendation(None), _recommendation("Health and Wellbeing Board"),
            _recommendation("Overview and Scrutiny Committee"), _recommendation("Health and Wellbeing Board")]
    assert _addressed_body(recs, nlp) == "Health and Wellbeing Board"
    # the first of equals
    recs = [_recommendation("Cabinet"), _recommendation("Audit and Governance Committee")]
    assert _addressed_body(recs, nlp) == "Cabinet"


def test_no_meeting_body_from_addressees_that_are_not_bodies(nlp):
    recs = [_recommendation("NHS organisations"), _recommendation("all partners"), _recommendation(None)]
    assert _addressed_body(recs, nlp) is None
    assert _addressed_body([], nlp) is None


def test_each_doc_keeps_the_text_it_was_made_from(nlp):
    texts = TEXTS + [path.read_text(encoding="utf-8")[:5000] for path in SAMPLE_TEXTS]
    for text, doc in zip(texts, nlp.pipe(texts), strict=True):
        assert doc_text(doc) == doc.text == text
    assert doc_text(nlp("Report of the Clerk.")) == "Report of the Clerk."
    assert nlp.tokenizer.rules  # the wrapped tokenizer's own attributes are still there


PLACE_TEXT = ("Venue: Moss Side Library, then Stoke on Trent and Stoke-on-Trent; xMoss Side, Moss Sides, "
              "Greater Manchester-wide and Greater Manchester. Kingston upon Hull's plan; West Yorkshire\n"
              "Humber, Coast and Vale; St Helens, St. Helens")


def test_place_names_in_people_match_as_a_flat_alternation():
    names = sorted({p.name for p in load_places() if " " in p.name}, key=len, reverse=True)
    flat = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    texts = [PLACE_TEXT] + [path.read_text(encoding="utf-8") for path in SAMPLE_TEXTS]
    for text in texts:
        spans = [m.span() for m in _place_name_pattern().finditer(text)]
        assert spans == [m.span() for m in flat.finditer(text)]
    assert _place_name_pattern().search(PLACE_TEXT)


class _Everything(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


def test_locality_tries_place_names_only_from_words_that_start_one():
    rules = locality_rules()
    every_word = dataclasses.replace(rules, first_words=_Everything())
    texts = [PLACE_TEXT, "Bolton's and Wigan's boards met in Farnworth, Horwich and Bolton."]
    texts += [path.read_text(encoding="utf-8") for path in SAMPLE_TEXTS]
    for text in texts:
        assert find_mentions(text, rules) == find_mentions(text, every_word)
    names = [m.place.name for m in find_mentions(texts[1], rules)]
    assert names == ["Bolton", "Wigan", "Farnworth", "Horwich", "Bolton"]


@pytest.mark.parametrize("text", [
    "Present: Ann Lee, O'Brien Kay, Anne-Marie Ross; Dr Raj Patel-Shah and Jo BELL.",
    "MaryJane Fox, Ann_Lee, Ann2 Lee and Ann's report were noted.",
    "The Board noted the report of the Director of Finance.",
])
def test_given_name_gate_never_blocks_a_pair(text):
    """Given-name pairs are looked for only in sections holding a given name as a whole word: every
    capitalised word the pair scan tries is one."""
    rules = _rules()
    words = _words(text).cased
    for word in CAPITALISED.finditer(text):
        assert word.group(0) in words
    has_pairs = bool(list(_given_name_pairs(rules, text, 0, len(text))))
    if has_pairs:
        assert not rules.given_names.isdisjoint(words)
    assert has_pairs == ("Ann Lee" in text)


@pytest.mark.parametrize("text", [
    *LEADING_NAMES,
    "Priya Shah, the interim Deputy Director of Housing, presented the plan.",
    "Tom Kerr – Head of Waste Services; Lin Wu - Finance Lead",
    "Signed: Ruth Adams, 3rd March 2023",
    "Omar Said (Senior Commissioning Manager for Mental Health) joined.",
    "Omar Said (see the appendix) and the Chief Officer",  # a post, but not in the brackets
    "The Board, having noted the report, agreed it.",  # a comma, no post after it
])
def test_the_post_after_a_name_is_searched_before_the_name(text):
    """`apposition` and `bracket_role` run only where what follows the name (`appositive`,
    `post_in_brackets`) occurs: any text they match holds it."""
    rules = _rules()
    if rules.apposition.search(text):
        assert rules.appositive.search(text)
    if rules.bracket_role.search(text):
        assert rules.post_in_brackets.search(text)


@pytest.mark.parametrize("text", [
    *LEADING_NAMES,
    "Priya Shah, the interim Deputy Director of Housing, presented the plan.",
    "Tom Kerr – Head of Waste Services; Lin Wu - Finance Lead",
    "Lin Wu - Finance Lead",
    "-x Lin Wu\t- Finance Lead",
    "Lin Wu\n-Finance Lead",
    "Signed: Ruth Adams (3rd March 2023)",
    "Jo Bell — Chief Officer",
    "The Board, having noted the report, agreed it.",
    "Director of Finance and no separator at all",
    "",
])
def test_appositive_gate_opening_with_its_characters_finds_what_the_written_opener_finds(text):
    """`appositive` opens with "-(?<=\\s-)" for "\\s-": a match one character later, never another."""
    rules = _rules()
    written = re.compile(_appositive(by_first_letter(_people_data()["role_heads"]), APPOSITIVE_OPENER))
    full = written.search(text)
    found = rules.appositive.search(text)
    assert bool(found) == bool(full)
    if full:
        assert found.span() in (full.span(), (full.start() + 1, full.end()))


@pytest.mark.parametrize("name", ["Ann Lee", "Ann Ann", "A A", "Zoë Ng", "O'Neil Roy"])
@pytest.mark.parametrize("text", [
    "Ann Lee, Ann Lee-Smith, xAnn Lee, Ann Lees, _Ann Lee, Ann Lee_, -Ann Lee, Ann Lee2, ²Ann Lee, Ann Lee.",
    "Ann Ann Ann Ann Ann, A A A A, A A",
    "Zoë Ng Zoë Ngé ÉZoë Ng (Zoë Ng)\nZoë Ng",
    "O'Neil Roy O'Neil Royal ''O'Neil Roy",
    "",
])
def test_whole_occurrences_are_those_of_the_pattern_with_lookarounds(name, text):
    written = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    assert whole_occurrences(text, name) == [m.span() for m in written.finditer(text)]


def test_whole_occurrences_match_the_pattern_on_random_text():
    rng = random.Random(7)
    pieces = ["Ann", "Lee", " ", "-", "_", "x", "2", "é", "²", ".", "\n", "Ann Lee"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for name in ("Ann Lee", "Ann", "Lee Ann"):
            written = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            assert whole_occurrences(text, name) == [m.span() for m in written.finditer(text)], (text, name)


@pytest.mark.parametrize("text", [
    "The Board's plan (2022-23) was_agreed: 5 items.",
    "Café São Paulo – Zoë’s naïve café",
    "İstanbul ß Straße ١٢٣ x\u0301y",
    "line\x85break\u2028sep\x1funit\u00a0nbsp",
    "",
])
def test_word_set_is_the_set_of_word_pattern_matches(text):
    assert word_set(text) == frozenset(re.findall(r"\w+", text))


def test_word_set_matches_the_word_pattern_on_random_text():
    """ASCII and non-ASCII word and non-word characters, whitespace str.split knows and re does not."""
    rng = random.Random(5)
    pieces = ["Board", "a", "Z", "_", "9", " ", "\t", "\n", ".", ",", "-", "'", "’", "é", "\u00a0", "\u2028",
              "İ", "ß", "\u0301", "٣", "\x85", "\x1f", "€", "\ud800", "²"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        assert word_set(text) == frozenset(re.findall(r"\w+", text)), repr(text)


def test_what_follows_a_name_in_apposition_or_brackets():
    rules = _rules()
    assert rules.appositive.search("Priya Shah, the interim Deputy Director of Housing")
    assert rules.appositive.search("Signed: Ruth Adams, 3rd March 2023")
    assert not rules.appositive.search("The Board, having noted the report, agreed it.")
    assert rules.post_in_brackets.search("Omar Said (Senior Commissioning Manager) joined")
    assert not rules.post_in_brackets.search("Omar Said (see the appendix) and the Chief Officer")
