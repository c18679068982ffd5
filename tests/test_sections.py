"""Sections: heading recognition rules, the heading stack, and the same sections across formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.read import read_document
from pipeline.records import Block, ParsedDocument, PlacedBlock
from pipeline.sections import HeadingMark, build_sections, heading_mark, in_numbered_run

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
STEMS = sorted(p.stem for p in (SAMPLES / "txt").glob("*.txt"))


def _para(text: str, kind: str = "paragraph", level: int | None = None) -> Block:
    return Block(kind=kind, text=text, page=1, level=level)


@pytest.mark.parametrize(("text", "expected"), [
    ("6.2 Neighbourhood Working", HeadingMark("number", 2)),
    ("6. Conclusions", HeadingMark("number", 1)),
    ("2.2.1 Locality model", HeadingMark("number", 3)),
    ("A. Background and Context", HeadingMark("letter", 1)),
    ("E) Financial Flows", HeadingMark("letter", 1)),
    ("3) Joint Planning and Delivery Committee", HeadingMark("paren", 1)),
    ("Section C", HeadingMark("part:section", 1)),
    ("Appendix 2 – Terms of Reference", HeadingMark("part:appendix", 1)),
    ("Executive Summary", HeadingMark("named", 1)),
    ("RESOLVED:", HeadingMark("named", 1)),
    ("## Our priorities", HeadingMark("markdown", 2)),
    ("Wigan Borough Care Partnership", HeadingMark("plain", 1)),
])
def test_headings_are_recognised(text, expected):
    assert heading_mark(_para(text)) == expected


@pytest.mark.parametrize("text", [
    "6.2 The Board will meet monthly and will be chaired by the Leader of the Council, with the place-based "
    "lead attending as a member.",
    "The Place Based Lead.",
    "2021/22 budget £4.5m",
    "Bury Council will lead the work, as agreed.",
    "12 members",
    "This is a sentence that is long enough to be body text and is not a heading at all because it goes on",
])
def test_body_text_is_not_a_heading(text):
    assert heading_mark(_para(text)) is None


@pytest.mark.parametrize(("text", "before", "after", "expected"), [
    ("2) Health and Care Partnership", "1) Integrated Care Board", None, True),
    ("1. Provider Partnership", "Sub-groups:", "2. Clinical Forum", True),
    ("b) Finance", "a) People", "c) Estates", True),
    ("2) Creating primary care", "- allocating resources to neighbourhoods", "- GM has services", False),
    ("3) Shared Executive Group", "- Considers issues", "- Brings together leaders", False),
])
def test_numbered_runs_are_lists_not_headings(text, before, after, expected):
    assert in_numbered_run(text, before, after) is expected


def test_heading_stack_nests_and_closes_levels():
    texts = ["1. Introduction", "Some text.", "1.1 Scope", "More text.", "A. First annex point",
             "1.2 Method", "2. Findings", "Body."]
    blocks, offset, parts = [], 0, []
    for text in texts:
        blocks.append(PlacedBlock(_para(text), offset, offset + len(text)))
        parts.append(text)
        offset += len(text) + 2
    parsed = ParsedDocument(path="x", format="text", n_pages=1, text="\n\n".join(parts), blocks=tuple(blocks))
    sections = build_sections("x", parsed)
    assert [(s.heading, s.level, s.heading_path) for s in sections] == [
        ("1. Introduction", 1, ("1. Introduction",)),
        ("1.1 Scope", 2, ("1. Introduction", "1.1 Scope")),
        ("A. First annex point", 3, ("1. Introduction", "1.1 Scope", "A. First annex point")),
        ("1.2 Method", 2, ("1. Introduction", "1.2 Method")),
        ("2. Findings", 1, ("2. Findings",)),
    ]
    assert sections[1].parent_id == sections[0].section_id
    assert sections[4].text == "2. Findings\n\nBody."


def _sections(texts):
    blocks, offset = [], 0
    for text in texts:
        blocks.append(PlacedBlock(_para(text), offset, offset + len(text)))
        offset += len(text) + 2
    parsed = ParsedDocument(path="x", format="text", n_pages=1, text="\n\n".join(texts), blocks=tuple(blocks))
    return build_sections("x", parsed)


def test_repeated_subheadings_stay_under_their_numbered_item():
    # the plain style of "Overview" / "Progress" is also used higher up ("Transition Programme")
    sections = _sections([
        "Transition Programme", "The programme has ten parts.",
        "1. Locality Plan", "Overview", "The plan was refreshed.", "Progress", "A draft is out.",
        "2. Place Based Lead", "Overview", "A lead is to be named.", "Progress", "Interviews in May.",
    ])
    assert [s.heading_path for s in sections if s.heading in ("Overview", "Progress")] == [
        ("Transition Programme", "1. Locality Plan", "Overview"),
        ("Transition Programme", "1. Locality Plan", "Progress"),
        ("Transition Programme", "2. Place Based Lead", "Overview"),
        ("Transition Programme", "2. Place Based Lead", "Progress"),
    ]


def test_unnumbered_heading_after_a_numbered_item_with_text_closes_it():
    sections = _sections(["Background", "Text.", "1. Scope", "The scope is wide.", "Next Steps", "We will."])
    assert [s.heading_path for s in sections] == [
        ("Background",), ("Background", "1. Scope"), ("Next Steps",)]


NUMBERED = re.compile(r"^(\d+(\.\d+)*\.?|[A-Z][.)]|\d+\))\s")


@pytest.fixture(scope="module")
def parsed_samples():
    return {(stem, fmt): read_document(SAMPLES / fmt / f"{stem}.{fmt}")
            for stem in STEMS for fmt in ("txt", "docx", "pdf")}


def _numbered_headings(parsed):
    return [s.heading for s in build_sections("d", parsed) if s.heading and NUMBERED.match(s.heading)]


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_same_numbered_sections_in_every_format(parsed_samples, stem, fmt):
    expected = _numbered_headings(parsed_samples[(stem, "txt")])
    assert expected, "the text rendition has numbered headings"
    assert _numbered_headings(parsed_samples[(stem, fmt)]) == expected


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_section_spans_point_into_the_text(parsed_samples, stem, fmt):
    parsed = parsed_samples[(stem, fmt)]
    sections = build_sections("d", parsed)
    for section in sections:
        assert parsed.text[section.char_start:section.char_end] == section.text
        assert 1 <= section.page_start <= section.page_end <= parsed.n_pages
        if section.heading and section.kind == "body":  # continuations after a table carry no heading
            assert section.text.replace("**", "").startswith(section.heading[:20])
    starts = [s.char_start for s in sections]
    assert starts == sorted(starts)


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_heading_pages_match_the_pdf(parsed_samples, stem):
    """Each numbered heading is on the page the section says, read independently with pypdfium2."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(SAMPLES / "pdf" / f"{stem}.pdf"))
    page_texts = [" ".join(page.get_textpage().get_text_range().split()) for page in pdf]
    for section in build_sections("d", parsed_samples[(stem, "pdf")]):
        if section.heading and NUMBERED.match(section.heading) and section.kind == "body":
            assert " ".join(section.heading.split()) in page_texts[section.page_start - 1], section.heading


def test_cover_sheet_is_its_own_section(parsed_samples):
    for fmt in ("txt", "docx", "pdf"):
        sections = build_sections("d", parsed_samples[("002_dd004184d169712a", fmt)])
        cover = [s for s in sections if s.kind == "cover_sheet"]
        assert cover, fmt
        assert "Meeting Date" in cover[0].text and "07 June 2021" in cover[0].text, fmt
        assert cover[0].page_start == 1
