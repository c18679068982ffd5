"""Membership lists, and extract_document's offsets into the document's full text."""

from pathlib import Path

import pytest

from pipeline.extract import extract_document
from pipeline.extract.memberships import MemberFound, find_memberships

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "pdf"  # copies of the seeds


def rows(nlp, text, **kwargs):
    doc = nlp(text)
    return [(m.body, m.member, m.member_kind) for m in find_memberships(doc, **kwargs)]


def test_inline_list_after_subject(nlp):
    text = ("The Locality Board will include the Council, Northern Care Alliance, Pennine Care NHS FT, "
            "the Greater Manchester ICB, and Healthwatch.")
    assert rows(nlp, text) == [
        ("Locality Board", "Council", "other"),
        ("Locality Board", "Northern Care Alliance NHS Foundation Trust", "body"),
        ("Locality Board", "Pennine Care NHS Foundation Trust", "body"),
        ("Locality Board", "NHS Greater Manchester Integrated Care Board", "body"),
        ("Locality Board", "Healthwatch", "body"),
    ]


def test_bulleted_list_uses_heading_body(nlp):
    text = ("Minimum board membership\n - Chair\n - Chief Executive\n - Chief Financial Officer\n"
            "The next paragraph.")
    assert rows(nlp, text, heading_body="Leeds Committee of the West Yorkshire ICB") == [
        ("Leeds Committee of the West Yorkshire ICB", "Chair", "role"),
        ("Leeds Committee of the West Yorkshire ICB", "Chief Executive", "role"),
        ("Leeds Committee of the West Yorkshire ICB", "Chief Finance Officer", "role"),
    ]


def test_membership_names_its_body(nlp):
    text = ("Membership of the Wigan Borough Locality Board will comprise: the Leader of the Council, "
            "Cllr Jane Smith, the Director of Public Health and "
            "Wrightington, Wigan and Leigh NHS Foundation Trust.")
    assert rows(nlp, text) == [
        ("Wigan Borough Locality Board", "Leader of the Council", "role"),
        ("Wigan Borough Locality Board", "Cllr Jane Smith", "person"),
        ("Wigan Borough Locality Board", "Director of Public Health", "role"),
        ("Wigan Borough Locality Board", "Wrightington, Wigan and Leigh NHS Foundation Trust", "body"),
    ]


def test_person_from_people_spans(nlp):
    text = "The Kent Health Forum is made up of Sarah Price and the Medical Director."
    start = text.index("Sarah Price")
    doc = nlp(text)
    assert find_memberships(doc, people=[(start, start + 11)]) == [
        MemberFound("Kent Health Forum", "Sarah Price", "person", start, start + 11),
        MemberFound("Kent Health Forum", "Medical Director", "role", text.index("Medical"), len(text) - 1),
    ]


@pytest.mark.parametrize("text", [
    "The programme will include all four areas of leadership.",  # no body as subject
    "The plan includes a new clinic in Hyde.",
    "Members of the public attended.",
])
def test_no_membership(nlp, text):
    assert rows(nlp, text) == []


def test_extract_document_offsets_index_full_text(nlp):
    from pipeline.read import read_document
    from pipeline.sections import build_sections

    path = SAMPLES / "004_c425c1ce42fc7d0f.pdf"
    parsed = read_document(path)
    sections = build_sections("004", parsed)
    extraction = extract_document("004", parsed, sections, nlp)
    labels = {e.label for e in extraction.entities}
    assert {"BODY", "ROLE", "PLACE", "DATE"} <= labels
    for entity in extraction.entities:
        assert parsed.text[entity.char_start:entity.char_end] == entity.text
        assert entity.page == parsed.page_at(entity.char_start)
    bodies = {e.norm for e in extraction.entities if e.label == "BODY"}
    assert "NHS Greater Manchester Integrated Care Board" in bodies
    assert "Stockport Council" in bodies


def test_heading_path_names_the_body_of_a_list(nlp, tmp_path):
    from pipeline.read import read_document
    from pipeline.sections import build_sections

    paper = tmp_path / "paper.md"
    paper.write_text(
        "# 3. Calderdale Cares Partnership Board\n\nThe Bradford District Board is separate.\n\n"
        "## Minimum board membership\n\nMembership: the Chair and the Director of Public Health.\n\n"
        "# 4. Finance\n\nMembership: the Chief Finance Officer.\n", encoding="utf-8")
    parsed = read_document(paper)
    extraction = extract_document("paper.md", parsed, build_sections("paper.md", parsed), nlp)
    assert [(m.body, m.member) for m in extraction.memberships] == [
        ("Calderdale Cares Partnership Board", "Chair"),
        ("Calderdale Cares Partnership Board", "Director of Public Health"),
    ]


@pytest.mark.parametrize("suffix", ["docx", "md"])
def test_list_paragraphs_without_a_bullet_in_the_text_are_members(nlp, tmp_path, suffix):
    from pipeline.read import read_document
    from pipeline.sections import build_sections

    items = ["the Chief Executive of Kirklees Council", "the Director of Public Health",
             "Locala Health and Wellbeing CIC"]
    path = tmp_path / f"paper.{suffix}"
    if suffix == "docx":
        import docx

        document = docx.Document()
        document.add_heading("Kirklees Health and Care Partnership Board", 1)
        document.add_paragraph("The membership of the Board will include:")
        for item in items:
            document.add_paragraph(item, style="List Bullet")
        document.add_paragraph("It will meet monthly.")
        document.save(path)
    else:
        bullets = "".join(f"- {item}\n" for item in items)
        path.write_text("# Kirklees Health and Care Partnership Board\n\nThe membership of the Board will "
                        f"include:\n\n{bullets}\nIt will meet monthly.\n", encoding="utf-8")
    parsed = read_document(path)
    rows_ = [(m.body, m.member, m.member_kind)
             for m in extract_document(path.name, parsed, build_sections(path.name, parsed), nlp).memberships]
    body = "Kirklees Health and Care Partnership Board"
    assert rows_ == [(body, "Chief Executive of Kirklees Council", "other"),
                     (body, "Director of Public Health", "role"),
                     (body, "Locala Health and Wellbeing CIC", "body")]


def test_plain_paragraphs_after_a_lead_in_are_not_members(nlp, tmp_path):
    from pipeline.read import read_document
    from pipeline.sections import build_sections

    path = tmp_path / "paper.md"
    path.write_text("# Kirklees Health and Care Partnership Board\n\nThe membership of the Board will "
                    "include:\n\nThe Board met in May and agreed its terms of reference.\n", encoding="utf-8")
    parsed = read_document(path)
    assert extract_document(path.name, parsed, build_sections(path.name, parsed), nlp).memberships == ()
