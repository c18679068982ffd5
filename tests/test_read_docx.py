"""The DOCX reader on the seed papers (Word renditions of the .txt beside them) and on made-up files."""

from __future__ import annotations

import zipfile
from functools import cache
from pathlib import Path

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.errors import CorruptDocument, EncryptedDocument, NoTextLayer, UnsupportedFormat
from pipeline.read.docx import read_docx
from pipeline.read.text import read_text
from pipeline.records import RawDocument

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SEED_STEMS = sorted(path.stem for path in SEEDS.glob("*.docx")) if SEEDS.is_dir() else []


@cache
def read_seed(stem_prefix: str, suffix: str = ".docx") -> RawDocument:
    """Each seed rendition is read once per test session; tests skip cleanly without the shared corpus."""
    matches = sorted(SEEDS.glob(f"{stem_prefix}*{suffix}")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed {stem_prefix}{suffix} not found under {SEEDS}")
    return read_docx(matches[0]) if suffix == ".docx" else read_text(matches[0])


# --- seed papers ------------------------------------------------------------------------------------


def test_seed_002_headings_and_levels():
    headings = [(block.text, block.level) for block in read_seed("002").blocks if block.kind == "heading"]
    assert headings[:2] == [("Executive Summary", 2), ("Recommendations", 2)]
    assert ("1. The Bury Locality Plan.", 1) in headings


def test_seed_002_checkbox_glyphs_kept():
    text = "\n".join(block.text for block in read_seed("002").blocks)
    assert (text.count("☐"), text.count("☒")) == (26, 13)


def test_seed_002_header_and_footer_are_furniture_only():
    raw = read_seed("002")
    assert [(block.kind, block.style, block.text) for block in raw.furniture] == [
        ("page_furniture", "header", "Bury Strategic Commissioning Board – 7 June 2021 – Item 7b"),
        ("page_furniture", "footer", "Page 1 of 1"),
    ]
    assert not any("Item 7b" in block.text for block in raw.blocks)


def test_seed_002_one_cell_box_is_read_as_paragraphs():
    texts = [block.text for block in read_seed("002").blocks]
    start = texts.index("Executive Summary")
    assert [text[:40] for text in texts[start + 1:start + 3]] == [
        "The Strategic Commissioning Board has pr",
        "For Bury the focus has been on continuin",
    ]


def test_seed_000_lists_keep_literal_labels_and_nesting():
    items = [(block.text, block.level, block.style) for block in read_seed("000").blocks
             if block.kind == "list_item"]
    # The label's tab stop in Word becomes one space.
    assert ("1) HR Transition principles", 1, "List Paragraph") in items
    nested = next(item for item in items if item[0].startswith("through the use of wider local authority"))
    assert nested[1:] == (2, "List Bullet 2")


def test_seed_000_landscape_sections_start_new_pages():
    raw = read_seed("000")
    # Two new-page section breaks around the landscape table; app.xml's stale "1" is not believed.
    assert raw.n_pages == 3
    assert [block.page for block in raw.blocks if block.kind == "table"] == [1, 1, 1, 1, 1, 2, 2]
    assert raw.blocks[-1].page == 3


@pytest.mark.parametrize("stem", SEED_STEMS or ["missing"])
def test_seed_docx_and_txt_give_same_text_and_tables(stem):
    word, text = read_seed(stem, ".docx"), read_seed(stem, ".txt")
    assert [block.text for block in word.blocks] == [block.text for block in text.blocks]
    assert [block.rows for block in word.blocks if block.kind == "table"] == [
        block.rows for block in text.blocks if block.kind == "table"
    ]


# --- made-up documents -----------------------------------------------------------------------------


def _numbered(paragraph, ilvl: int, num_id: int = 1):
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return paragraph


def _build_styled(path: Path) -> Path:
    document = Document()
    document.add_paragraph("Annual Report", style="Title")
    document.add_heading("Purpose", level=1)
    document.add_heading("Detail", level=3)
    custom = document.styles.add_style("NHS Sub Heading", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("Custom heading", style="NHS Sub Heading")
    document.add_paragraph("Bullet one", style="List Bullet")
    document.add_paragraph("Number one", style="List Number")
    _numbered(document.add_paragraph("Nested by numPr"), ilvl=1)
    document.add_paragraph("1)\tLiteral label", style="List Paragraph")
    document.add_paragraph("Plain body text.")
    document.core_properties.title = "Stale template title"
    document.save(path)
    return path


def test_styles_give_kinds_and_levels(tmp_path):
    raw = read_docx(_build_styled(tmp_path / "styled.docx"))
    assert [(block.kind, block.level, block.text) for block in raw.blocks] == [
        ("heading", 1, "Annual Report"),
        ("heading", 1, "Purpose"),
        ("heading", 3, "Detail"),
        ("heading", 2, "Custom heading"),
        ("list_item", 1, "Bullet one"),
        ("list_item", 1, "Number one"),
        ("list_item", 2, "Nested by numPr"),
        ("list_item", 1, "1) Literal label"),
        ("paragraph", None, "Plain body text."),
    ]
    assert raw.title == "Annual Report"
    assert (raw.format, raw.n_pages, raw.furniture) == ("docx", 1, ())


def _build_tables(path: Path) -> Path:
    document = Document()
    document.add_paragraph("Before the table")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Spanning title"
    for column, text in enumerate(("Risk", "☐", "☒")):
        table.cell(1, column).text = text
    table.cell(2, 0).text = "Owner"
    inner = table.cell(2, 1).add_table(rows=2, cols=2)
    for (row, column), text in {(0, 0): "a", (0, 1): "b", (1, 0): "c", (1, 1): "d"}.items():
        inner.cell(row, column).text = text
    document.add_paragraph("After the table")
    document.save(path)
    return path


def test_tables_merged_nested_and_checkboxes(tmp_path):
    raw = read_docx(_build_tables(tmp_path / "tables.docx"))
    assert [block.kind for block in raw.blocks] == ["paragraph", "table", "paragraph"]
    table = raw.blocks[1]
    # The nested table is flattened into its cell, one line per row, cells joined by " | ".
    assert table.rows == (("Spanning title",), ("Risk", "☐", "☒"), ("Owner", "a | b\nc | d"))
    assert table.text == "Spanning title\nRisk\t☐\t☒\nOwner\ta | b\nc | d"


def test_explicit_page_breaks_and_header_footer(tmp_path):
    document = Document()
    document.add_paragraph("Page one")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Page two")
    document.add_paragraph("Ends on three").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Page three")
    document.sections[0].header.paragraphs[0].text = "Running header"
    document.sections[0].footer.paragraphs[0].text = "Footer text"
    document.save(tmp_path / "paged.docx")
    raw = read_docx(tmp_path / "paged.docx")
    assert [(block.text, block.page) for block in raw.blocks] == [
        ("Page one", 1), ("Page two", 2), ("Ends on three", 2), ("Page three", 3),
    ]
    assert raw.n_pages == 3
    assert [block.text for block in raw.furniture] == ["Running header", "Footer text"]
    assert all(block.kind != "page_furniture" for block in raw.blocks)


def test_rendered_page_breaks_are_preferred_over_explicit_ones(tmp_path):
    document = Document()
    document.add_paragraph("First")
    second = document.add_paragraph("Second")
    # Word writes a rendered break at the start of each laid-out page, including after a hard break.
    second.runs[0]._r.insert(0, parse_xml(f'<w:lastRenderedPageBreak {nsdecls("w")}/>'))
    third = document.add_paragraph("Third")
    third.runs[0]._r.insert(0, parse_xml(f'<w:lastRenderedPageBreak {nsdecls("w")}/>'))
    document.paragraphs[0].add_run().add_break(WD_BREAK.PAGE)
    document.save(tmp_path / "rendered.docx")
    raw = read_docx(tmp_path / "rendered.docx")
    assert [(block.text, block.page) for block in raw.blocks] == [("First", 1), ("Second", 2), ("Third", 3)]
    assert raw.n_pages == 3


def test_content_controls_tracked_changes_and_form_checkboxes(tmp_path):
    document = Document()
    body = document.element.body
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Choose an item.</w:t></w:r></w:p>'
        "</w:sdtContent></w:sdt>"
    )
    tracked = parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
        "<w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins></w:p>"
    )
    form = parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Agreed </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin">'
        '<w:ffData><w:checkBox><w:sizeAuto/><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar></w:r>'
        '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    for element in (sdt, tracked, form):
        body.insert(len(body) - 1, element)
    document.save(tmp_path / "controls.docx")
    assert [block.text for block in read_docx(tmp_path / "controls.docx").blocks] == [
        "Choose an item.", "Kept inserted", "Agreed ☒",
    ]


# --- bad files -------------------------------------------------------------------------------------


def test_renamed_doc_is_unsupported(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    with pytest.raises(UnsupportedFormat, match=r"old Word 97-2003 \.doc renamed to \.docx; save it as"):
        read_docx(path)


def test_password_protected_docx_is_encrypted(tmp_path):
    path = tmp_path / "locked.docx"
    stream_name = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + stream_name)
    with pytest.raises(EncryptedDocument, match="password-protected"):
        read_docx(path)


def test_non_zip_docx_is_corrupt(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("just some text, not a zip")
    with pytest.raises(CorruptDocument, match="not a zip archive"):
        read_docx(path)


def test_zip_without_document_part_is_corrupt(tmp_path):
    path = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(CorruptDocument, match="without word/document.xml"):
        read_docx(path)


def test_highly_compressed_member_is_refused_as_zip_bomb(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/big.bin", "w") as member:
            for _ in range(8):
                member.write(b"\0" * (1024 * 1024))
    with pytest.raises(CorruptDocument, match=r"compressed \d+ to 1 .*zip bomb"):
        read_docx(path)


def test_total_uncompressed_size_limit(tmp_path):
    path = _build_styled(tmp_path / "ok.docx")
    with pytest.raises(CorruptDocument, match="would expand to .* zip bomb"):
        read_docx(path, max_total_bytes=1024)


def test_document_without_text(tmp_path):
    document = Document()
    document.add_paragraph("")
    document.sections[0].header.paragraphs[0].text = "Only the header has words"
    document.save(tmp_path / "blank.docx")
    with pytest.raises(NoTextLayer, match="The document has no text."):
        read_docx(tmp_path / "blank.docx")


def test_reader_does_not_change_the_file(tmp_path):
    path = _build_tables(tmp_path / "tables.docx")
    before = path.read_bytes()
    read_docx(path)
    assert path.read_bytes() == before
