"""The PDF reader on the seed papers (PDF renditions of the .txt beside them) and on made-up files."""

from __future__ import annotations

import re
import struct
from functools import cache
from hashlib import md5
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.errors import CorruptDocument, EncryptedDocument, NoTextLayer
from pipeline.read.pdf import read_pdf
from pipeline.read.pdf_layout import Segment, join_broken_line, list_marker, reading_order
from pipeline.records import Block, RawDocument

SHARED = Path(__file__).parents[2] / "shared"
SEEDS = SHARED / "corpus" / "seeds"
REAL = SHARED / "corpus" / "real"
SEED_PDFS = sorted(SEEDS.glob("*.pdf")) if SEEDS.is_dir() else []
WORD = re.compile(r"[A-Za-z0-9]+")


@cache
def read_seed(name: str) -> RawDocument:
    """Each seed is read once per test session."""
    if not SEEDS.is_dir():
        pytest.skip(f"sample corpus not found at {SEEDS}")
    return read_pdf(SEEDS / name)


def seed_names() -> list[str]:
    return [path.name for path in SEED_PDFS] or ["000_e10ba511dbb6f219.pdf"]


# --- seed papers -----------------------------------------------------------------------------------


def test_cover_sheet_is_the_first_block_as_table_rows():
    doc = read_seed("002_dd004184d169712a.pdf")
    first = doc.blocks[0]
    assert first.kind == "table"
    assert first.page == 1
    assert first.rows[:4] == (
        ("Meeting: Strategic Commissioning Board",),
        ("Meeting Date", "07 June 2021", "Action", "Consider"),
        ("Item No", "7b", "Confidential / Freedom of Information Status", "No"),
        ("Title", "Update on Bury Partnership Arrangements"),
    )
    assert first.text.split("\n")[1] == "Meeting Date\t07 June 2021\tAction\tConsider"


def test_checkbox_glyphs_stay_in_their_cells():
    doc = read_seed("002_dd004184d169712a.pdf")
    implications = next(b for b in doc.blocks if b.kind == "table" and b.text.startswith("Implications"))
    assert implications.rows[1] == (
        "Are there any quality, safeguarding or patient experience implications?",
        "Yes", "☐", "No", "☐", "N/A", "☒",
    )


def test_document_fields():
    doc = read_seed("002_dd004184d169712a.pdf")
    assert (doc.format, doc.n_pages, doc.title) == ("pdf", 9, "Executive Summary")


def test_headings_ranked_by_font_size():
    doc = read_seed("002_dd004184d169712a.pdf")
    headings = [b for b in doc.blocks if b.kind == "heading" and b.page == 3]
    assert headings[:3] == [
        Block("heading", "Bury Health Care and Well Being Partnership Transition", 3,
              level=2, style="12.0pt bold"),
        Block("heading", "1. The Bury Locality Plan.", 3, level=1, style="14.0pt bold"),
        Block("heading", "Overview", 3, level=2, style="12.0pt bold"),
    ]


def test_paragraph_lines_are_joined():
    doc = read_seed("002_dd004184d169712a.pdf")
    assert Block(
        "paragraph",
        "A first draft of the refresh has been shared with the IDCB for comment and circulated to wider "
        "stakeholders.",
        3, style="11.0pt",
    ) in doc.blocks


def test_glyph_bullets_become_list_items_without_the_bullet():
    doc = read_seed("002_dd004184d169712a.pdf")
    items = [b.text for b in doc.blocks if b.kind == "list_item" and b.page == 7]
    assert items[:2] == [
        "Stocktake of all CCG staff contracts and employment arrangements to establish a clear baseline.",
        "Review of commissioned activity through GMSS",
    ]


@pytest.mark.parametrize("name", seed_names())
def test_running_header_and_page_numbers_are_furniture(name):
    doc = read_seed(name)
    assert not [b.text for b in doc.blocks if re.search(r"\bPage \d+ of \d+\b", b.text)]
    furniture_pages = {b.page for b in doc.furniture if re.fullmatch(r"Page \d+ of \d+", b.text)}
    assert furniture_pages == set(range(1, doc.n_pages + 1))
    header = next(b.text for b in doc.furniture if b.page == 2 and not b.text.startswith("Page"))
    assert header not in {b.text for b in doc.blocks}


@pytest.mark.parametrize("name", seed_names())
def test_every_word_of_the_paper_is_read(name):
    doc = read_seed(name)
    source = re.sub(r"<[^>]+>", " ", (SEEDS / name).with_suffix(".txt").read_text(encoding="utf-8"))
    read_words = {w.lower() for b in doc.blocks for w in WORD.findall(b.text)}
    assert {w.lower() for w in WORD.findall(source)} - read_words == set()


def test_landscape_eight_column_table():
    doc = read_seed("000_e10ba511dbb6f219.pdf")
    table = next(b for b in doc.blocks if b.kind == "table" and b.page == 14)
    assert table.rows[0] == (
        "Public health", "Primary care", "Community services", "Social care", "Mental health",
        "Diagnostics", "Secondary / acute care", "Emergency services & transport",
    )


def test_two_columns_read_left_before_right():
    path = REAL / "leeds-shared-research-innovation-strategy-2020-2030.pdf"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    texts = [b.text for b in read_pdf(path).blocks if b.page == 9]
    assert texts[0].startswith("Across the next decade, health and care will continue its evolution")
    assert texts[-1].endswith("equally their physical, psychological, social and economic wellbeing.")


# --- layout rules on made-up input -----------------------------------------------------------------


def test_hyphenated_word_is_repaired():
    assert join_broken_line("new digital infra-", "structure for the region", set()) == (
        "new digital infrastructure for the region"
    )


def test_known_compound_keeps_its_hyphen():
    vocab = {"top-down", "approach"}
    assert join_broken_line("a top-", "down approach", vocab) == "a top-down approach"
    assert join_broken_line("the non-", "elective list", set()) == "the non-elective list"
    assert join_broken_line("during Covid-", "19 recovery", set()) == "during Covid-19 recovery"
    assert join_broken_line("health care -", "in Bury", set()) == "health care - in Bury"


def test_list_markers():
    assert list_marker("• Review of commissioned activity") == (True, "Review of commissioned activity")
    assert list_marker("\uf0b7 Regular briefings") == (True, "Regular briefings")
    assert list_marker("1) Agree the plan") == (True, "1) Agree the plan")
    assert list_marker("a. Note the report") == (True, "a. Note the report")
    assert list_marker("e.g. the board") == (False, "e.g. the board")


def test_reading_order_puts_left_column_first():
    def line(x0: float, y0: float, text: str) -> Segment:
        return Segment(x0, y0, x0 + 240, y0 + 10, text, 10.0, False)

    left = [line(40, 100 + 14 * i, f"left {i}") for i in range(6)]
    right = [line(310, 100 + 14 * i, f"right {i}") for i in range(6)]
    title = Segment(40, 60, 550, 80, "A title across both columns", 20.0, True)
    flows = reading_order([*right, *left, title])
    assert [[s.text for s in flow] for flow in flows] == [
        ["A title across both columns"],
        [f"left {i}" for i in range(6)],
        [f"right {i}" for i in range(6)],
    ]


# --- failures --------------------------------------------------------------------------------------


def test_truncated_pdf_is_corrupt(tmp_path):
    if not SEED_PDFS:
        pytest.skip(f"sample corpus not found at {SEEDS}")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(SEED_PDFS[0].read_bytes()[:2048])
    with pytest.raises(CorruptDocument, match="truncated"):
        read_pdf(truncated)


def test_blank_page_has_no_text_layer(tmp_path):
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    blank = tmp_path / "blank.pdf"
    pdf.save(blank)
    pdf.close()
    with pytest.raises(NoTextLayer) as caught:
        read_pdf(blank)
    assert str(caught.value) == "The PDF has 1 page but no text layer; it is probably scanned and needs OCR."


def test_password_protected_pdf(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf(user_password=b"secret"))
    with pytest.raises(EncryptedDocument, match=r"^The PDF is password-protected; locked\.pdf"):
        read_pdf(locked)


def test_a_file_without_pages_read_after_a_locked_one_is_not_called_locked(tmp_path):
    """pdfium keeps the locked file's password error as its last error when it fails on the next file."""
    from tests.pdfbuild import build_pdf

    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf(user_password=b"secret"))
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                 b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    with pytest.raises(EncryptedDocument):
        read_pdf(locked)
    with pytest.raises(CorruptDocument) as caught:
        read_pdf(empty)
    assert caught.value.reason == "no_pages"


def test_owner_password_only_opens_with_the_empty_password(tmp_path):
    restricted = tmp_path / "restricted.pdf"
    restricted.write_bytes(encrypted_pdf(user_password=b""))
    with pytest.raises(NoTextLayer):  # it opens; the made-up page simply has no text
        read_pdf(restricted)


# PDF standard security handler, revision 2 (40-bit RC4): small enough to write by hand, so the test
# needs no PDF-writing library.  The page has no content stream, so nothing else needs encrypting.
PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
FILE_ID = bytes(range(16))


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes, owner_password: bytes = b"owner") -> bytes:
    def padded(password: bytes) -> bytes:
        return (password + PASSWORD_PAD)[:32]

    permissions = -44
    owner_entry = rc4(md5(padded(owner_password)).digest()[:5], padded(user_password))
    key = md5(padded(user_password) + owner_entry + struct.pack("<i", permissions) + FILE_ID).digest()[:5]
    user_entry = rc4(key, PASSWORD_PAD)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner_entry.hex().encode(), user_entry.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1, FILE_ID.hex().encode(), FILE_ID.hex().encode())
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
