"""The text, Markdown and HTML readers on the seed papers and on made-up files unlike them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pipeline.errors import NoTextLayer
from pipeline.read.html import read_html
from pipeline.read.text import read_text, unwrap_paragraphs
from pipeline.read.textual import decode_bytes
from pipeline.records import RawDocument

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "corpus" / "seeds"


@cache
def read_seed(stem_prefix: str) -> RawDocument:
    """Each seed is read once per test session; tests skip cleanly without the shared corpus."""
    matches = sorted(SEEDS.glob(f"{stem_prefix}_*.txt")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed {stem_prefix} not found under {SEEDS}")
    return read_text(matches[0])


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _texts(raw: RawDocument) -> list[str]:
    return [block.text for block in raw.blocks]


# --- decoding --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("£5 – ok".encode("utf-8-sig"), "£5 – ok"),
        (b"\xff\xfe" + "£5 – ok".encode("utf-16-le"), "£5 – ok"),
        (b"\xfe\xff" + "£5 – ok".encode("utf-16-be"), "£5 – ok"),
        ("£5 – ok".encode(), "£5 – ok"),
        (b"\xa35 \x96 ok", "£5 – ok"),  # cp1252: £ is A3, en dash is 96
        ("Board papers".encode("utf-16-le"), "Board papers"),  # UTF-16 without a BOM
        (b"", ""),
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf8", "cp1252", "utf16-no-bom", "empty"],
)
def test_decode_bytes(data, expected):
    assert decode_bytes(data) == expected


def test_decode_bytes_survives_bytes_cp1252_cannot_decode():
    # 0x81 is undefined in cp1252; the fallback must still return text rather than raise.
    text = decode_bytes(b"Caf\xe9 \x81 menu")
    assert text.startswith("Caf") and text.endswith(" menu")


# --- seed papers ------------------------------------------------------------------------------------


def test_seed_002_checkboxes_become_glyphs():
    text = "\n".join(_texts(read_seed("002")))
    assert (text.count("☐"), text.count("☒")) == (26, 13)
    assert "<input" not in text


def test_seed_002_paragraph_fragments_split_and_tags_dropped():
    texts = _texts(read_seed("002"))
    start = texts.index("Executive Summary")
    assert [text[:40] for text in texts[start + 1:start + 5]] == [
        "The Strategic Commissioning Board has pr",
        "For Bury the focus has been on continuin",
        "This paper provides an update on all asp",
        "This paper should be read in conjunction",
    ]
    assert texts[start + 5:start + 7] == [
        "Recommendations",
        "It is recommended that the Strategic Commissioning Board note the content of the report.",
    ]
    assert not any("<p>" in text or "<i>" in text for text in texts)


def test_seed_002_bulleted_lines_are_list_items_without_markers():
    items = [(block.text, block.level) for block in read_seed("002").blocks if block.kind == "list_item"]
    assert items[:3] == [
        ("Bury Locality System Board - 20th May", 1),
        ("Bury CCG Governing Body – 26th May", 1),
        ("Bury Strategic Commissioning Board – 7th June.", 1),
    ]


def test_seed_000_nested_items_and_labels():
    blocks = read_seed("000").blocks
    items = [block for block in blocks if block.kind == "list_item"]
    assert ("1) HR Transition principles", 1) in [(item.text, item.level) for item in items]
    nested = next(item for item in items if item.text.startswith("through the use of wider local authority"))
    assert nested.level == 2
    # A short numbered line standing alone is a section title, left for the sectioner as a paragraph.
    assert next(block for block in blocks if block.text == "1. GM ICS operating model").kind == "paragraph"


def test_seed_000_emphasis_markers_removed():
    texts = _texts(read_seed("000"))
    assert not any("**" in text for text in texts)
    assert "Bury Locality System Board - 20th May" in texts


def test_seed_001_html_list_in_cell_becomes_lines():
    tables = [block for block in read_seed("001").blocks if block.kind == "table"]
    pillars = next(table for table in tables if table.rows[0] == ("Pillars", "Functions"))
    assert pillars.rows[1] == (
        "Strategy Planning and System Development",
        "• Strategy Development\n• Business Planning\n• Business Intelligence\n• Organisational development"
        "\n• Policy & Partnerships\n• Ensuring enabling functions support system delivery\n• Benchmarking",
    )


def test_seed_is_one_page_without_form_feeds():
    raw = read_seed("003")
    assert raw.n_pages == 1
    assert {block.page for block in raw.blocks} == {1}
    assert raw.format == "text"


# --- made-up text unlike the samples -------------------------------------------------------------

MARKDOWN = """\
# Annual Report

Intro with **bold** and *italic* words and a [link](https://example.org).

## Key Risks

* First risk
  * Sub-risk one
  * Sub-risk two
* Second risk

1) Labelled item one
2) Labelled item two
a. Lettered item

Setext Title
------------

This paragraph was hard wrapped at seventy two columns by an e-mail
client, so its lines must be joined back together into one paragraph
again.
Next line starts a new paragraph because the one above is short.
"""


def test_markdown_headings_lists_and_emphasis(tmp_path):
    raw = read_text(_write(tmp_path, "report.md", MARKDOWN))
    kinds = [(block.kind, block.level, block.text) for block in raw.blocks]
    assert kinds[:12] == [
        ("heading", 1, "Annual Report"),
        ("paragraph", None, "Intro with bold and italic words and a link."),
        ("heading", 2, "Key Risks"),
        ("list_item", 1, "First risk"),
        ("list_item", 2, "Sub-risk one"),
        ("list_item", 2, "Sub-risk two"),
        ("list_item", 1, "Second risk"),
        ("list_item", 1, "1) Labelled item one"),
        ("list_item", 1, "2) Labelled item two"),
        ("list_item", 1, "a. Lettered item"),
        ("heading", 2, "Setext Title"),
        (
            "paragraph",
            None,
            "This paragraph was hard wrapped at seventy two columns by an e-mail client, so its lines "
            "must be joined back together into one paragraph again.",
        ),
    ]
    last = "Next line starts a new paragraph because the one above is short."
    assert kinds[12:] == [("paragraph", None, last)]
    assert raw.title == "Annual Report"


def test_short_lines_are_not_joined():
    assert unwrap_paragraphs(["Bury Council", "Town Hall", "Knowsley Street"]) == [
        "Bury Council", "Town Hall", "Knowsley Street",
    ]


def test_consecutive_tab_lines_form_one_table(tmp_path):
    content = "Before\r\nName\tRole\t\t\r\nA. Smith\tChair\r\n\tVice chair\r\nAfter\r\n"
    raw = read_text(_write(tmp_path, "t.txt", content))
    assert [block.kind for block in raw.blocks] == ["paragraph", "table", "paragraph"]
    table = raw.blocks[1]
    assert table.rows == (("Name", "Role"), ("A. Smith", "Chair"), ("", "Vice chair"))
    assert table.text == "Name\tRole\nA. Smith\tChair\n\tVice chair"


def test_form_feed_starts_a_new_page(tmp_path):
    raw = read_text(_write(tmp_path, "paged.txt", "Page one text\n\fPage two text\n\f\n"))
    assert [(block.text, block.page) for block in raw.blocks] == [("Page one text", 1), ("Page two text", 2)]
    assert raw.n_pages == 2


def test_inline_checkboxes_and_paragraph_fragments_outside_tables(tmp_path):
    content = (
        '<p>First <i>part</i>.</p> <p>Second &amp; last.</p>\n'
        'Agreed <input checked="" type="checkbox"/>\n'
    )
    raw = read_text(_write(tmp_path, "frag.txt", content))
    assert _texts(raw) == ["First part.", "Second & last.", "Agreed ☒"]


def test_prose_with_angle_brackets_and_ampersands_is_kept(tmp_path):
    raw = read_text(_write(tmp_path, "p.txt", "Waits <5 days for R&D teams &nothing else.\n"))
    assert _texts(raw) == ["Waits <5 days for R&D teams &nothing else."]


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "], ids=["empty", "whitespace"])
def test_empty_text_file_has_no_text_layer(tmp_path, content):
    with pytest.raises(NoTextLayer, match="The file is empty."):
        read_text(_write(tmp_path, "empty.txt", content))


def test_utf16_file_with_bom(tmp_path):
    data = b"\xff\xfe" + "Minutes\r\n\r\nCost £1,200 – agreed\r\n".encode("utf-16-le")
    path = _write(tmp_path, "u16.txt", data)
    assert _texts(read_text(path)) == ["Minutes", "Cost £1,200 – agreed"]


def test_cp1252_file(tmp_path):
    path = _write(tmp_path, "win.txt", "Budget £2m – approved\n".encode("cp1252"))
    assert _texts(read_text(path)) == ["Budget £2m – approved"]


# --- HTML ------------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><title>Board &amp; Papers</title><style>p { color: red }</style>
<script>alert(1)</script></head>
<body><nav>Home | Meetings</nav>
<h1>Agenda</h1><h3>Item 1</h3>
<p>Intro <b>bold</b> text<br>second line</p>
<ul><li>One<ul><li>One (a)</li></ul></li><li>Two</li></ul>
<table>
 <thead><tr><th>Question</th><th>Yes</th><th>No</th><th></th></tr></thead>
 <tr><td>Any risk?</td><td><input type="checkbox" checked></td><td><input type="checkbox"></td></tr>
 <tr><td>Notes<table><tr><td>a</td><td>b</td></tr></table></td><td><ul><li>x</li><li>y</li></ul></td></tr>
</table>
<table><tr><td><p>Boxed one</p><p>Boxed two</p></td></tr></table>
<div>Loose text<noscript>Enable JS</noscript></div><template><p>Hidden</p></template>
</body></html>"""


def test_html_blocks(tmp_path):
    raw = read_html(_write(tmp_path, "page.html", HTML))
    summary = [(block.kind, block.level, block.text) for block in raw.blocks if block.kind != "table"]
    assert summary == [
        ("heading", 1, "Agenda"),
        ("heading", 3, "Item 1"),
        ("paragraph", None, "Intro bold text\nsecond line"),
        ("list_item", 1, "One"),
        ("list_item", 2, "One (a)"),
        ("list_item", 1, "Two"),
        ("paragraph", None, "Boxed one"),
        ("paragraph", None, "Boxed two"),
        ("paragraph", None, "Loose text"),
    ]
    table = next(block for block in raw.blocks if block.kind == "table")
    assert table.rows == (("Question", "Yes", "No"), ("Any risk?", "☒", "☐"), ("Notes\na | b", "• x\n• y"))
    assert [block.text for block in raw.furniture] == ["Home | Meetings"]
    assert raw.title == "Board & Papers"
    assert (raw.format, raw.n_pages) == ("html", 1)


def test_html_script_style_noscript_template_never_reach_blocks(tmp_path):
    raw = read_html(_write(tmp_path, "page.html", HTML))
    everything = "\n".join(block.text for block in (*raw.blocks, *raw.furniture))
    for hidden in ("alert(1)", "color: red", "Enable JS", "Hidden"):
        assert hidden not in everything


def test_html_in_cp1252_with_xml_declaration(tmp_path):
    markup = '<?xml version="1.0" encoding="windows-1252"?><html><body><p>Cost £5 – paid</p></body></html>'
    raw = read_html(_write(tmp_path, "old.htm", markup.encode("cp1252")))
    assert _texts(raw) == ["Cost £5 – paid"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The file is empty."), (b"<html><head><script>alert(1)</script></head><body> </body></html>",
                                   "The HTML page has no visible text.")],
    ids=["empty", "script-only"],
)
def test_html_without_text(tmp_path, content, message):
    with pytest.raises(NoTextLayer, match=message):
        read_html(_write(tmp_path, "blank.html", content))
