import pytest

from pipeline.extract.recommendations import find_recommendations
from pipeline.records import Block, ParsedDocument, PlacedBlock, Section


def run(text, heading=None, offset=0):
    full = "x" * offset + text
    parsed = ParsedDocument(
        path="p.txt",
        format="txt",
        n_pages=2,
        text=full,
        blocks=(
            PlacedBlock(Block("paragraph", "x", 1), 0, 1),
            PlacedBlock(Block("paragraph", "y", 2), offset, offset + 1),
        ),
    )
    section = Section(
        "d",
        "s1",
        1,
        None,
        heading,
        (heading,) if heading else (),
        1,
        "body",
        text,
        1,
        2,
        offset,
        offset + len(text),
    )
    return find_recommendations("d", [section], parsed)


def rows(text, heading=None):
    return [(r.text, r.kind, r.addressed_to) for r in run(text, heading)]


def test_it_is_recommended_that_with_offsets_and_page():
    text = (
        "Recommendations\nIt is recommended that the Strategic Commissioning Board "
        "note the content of the report."
    )
    (rec,) = run(text, offset=100)
    assert (rec.text, rec.kind, rec.addressed_to) == (
        "It is recommended that the Strategic Commissioning Board note the content of the report.",
        "recommendation",
        "Strategic Commissioning Board",
    )
    assert (rec.char_start, rec.char_end, rec.page, rec.section_id) == (116, 204, 2, "s1")


def test_items_under_a_recommendations_heading_line():
    text = (
        "8. Recommendations to the Cabinet\n\nThis paper proposes the following recommendations:\n\n"
        "- The establishment of a shadow board. To agree its name.\n"
        "- The establishment of an Executive Group.\n\n"
        "9. Background\n\nThe board met in May."
    )
    assert rows(text) == [
        ("The establishment of a shadow board. To agree its name.", "recommendation", "Cabinet"),
        ("The establishment of an Executive Group.", "recommendation", "Cabinet"),
    ]


def test_is_asked_to_with_numbered_items():
    text = (
        "The Health and Wellbeing Board is asked to:\n1. note the progress made;\n"
        "2) approve the plan.\n\nNext steps"
    )
    assert rows(text) == [
        ("note the progress made;", "recommendation", "Health and Wellbeing Board"),
        ("approve the plan.", "recommendation", "Health and Wellbeing Board"),
    ]


def test_is_recommended_to_sentence():
    assert rows("Intro. The Scrutiny Committee is recommended to comment on and note the report.") == [
        (
            "The Scrutiny Committee is recommended to comment on and note the report.",
            "recommendation",
            "Scrutiny Committee",
        )
    ]


def test_one_of_the_recommendations_was():
    text = "- One of the recommendations was for a new statutory footing for ICS boards. Engagement followed."
    assert rows(text) == [
        ("One of the recommendations was for a new statutory footing for ICS boards.", "recommendation", None)
    ]


def test_resolved_minutes_formats():
    text = (
        "45/21 Minutes of the last meeting\n"
        "RESOLVED: That the minutes of the meeting held on 3 March 2022 be "
        "approved as a correct record.\n\n46/21 Finance report\nRESOLVED:\n(1) That the report be noted.\n"
        "(2) That the revised budget be approved.\n\n47/21 Any other business\nIt was RESOLVED that the "
        "Committee meets again in June.\nResolved – that: (a) the risk register be noted; and (b) the "
        "actions be endorsed."
    )
    assert rows(text) == [
        (
            "That the minutes of the meeting held on 3 March 2022 be approved as a correct record.",
            "resolution",
            None,
        ),
        ("That the report be noted.", "resolution", None),
        ("That the revised budget be approved.", "resolution", None),
        ("that the Committee meets again in June.", "resolution", None),
        ("the risk register be noted", "resolution", None),
        ("the actions be endorsed.", "resolution", None),
    ]


def test_decision_label_and_heading_section():
    assert rows("Decision: To approve the business case for the new hub.") == [
        ("To approve the business case for the new hub.", "decision", None)
    ]
    assert rows("To approve the locality plan.\nTo note the risks.", heading="Decisions") == [
        ("To approve the locality plan.", "decision", None),
        ("To note the risks.", "decision", None),
    ]


def test_cover_cell_recommendation():
    assert rows("Recommendation(s)\tThe Board is asked to note the report.") == [
        ("The Board is asked to note the report.", "recommendation", "Board")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Provider organisations being asked to step forward in formal collaborative arrangements.",
        "The recommendations in the paper that need further development include:\nfinancial flows",
        "Decision-making and resources are delegated.",
        "Decision required\tYes",
        "Members were asked to provide feedback last year.",
        "The recommended approach is set out below.",
        "The policy, which is recommended to be reviewed annually, stands.",
        "Recommendations\n\nLinks to Strategic Objectives\tChoose an item.",
    ],
)
def test_not_recommendations(text):
    assert rows(text) == []


def test_heading_opens_a_lead_in_only_in_its_first_section():
    text = (
        "Recommendations\n\nIt is recommended that Cabinet approves the plan.\n"
        "Bury Partnership.\nAdd details here."
    )
    parsed = ParsedDocument(path="p.txt", format="txt", n_pages=1, text=text, blocks=())
    second = text.index("Bury")
    sections = [
        Section(
            "d",
            "s1",
            1,
            None,
            "Recommendations",
            ("Recommendations",),
            1,
            "body",
            text[:second],
            1,
            1,
            0,
            second,
        ),
        Section(
            "d",
            "s2",
            2,
            None,
            "Recommendations",
            ("Recommendations",),
            1,
            "body",
            text[second:],
            1,
            1,
            second,
            len(text),
        ),
    ]
    recs = find_recommendations("d", sections, parsed)
    assert [(r.text, r.addressed_to, r.section_id) for r in recs] == [
        ("It is recommended that Cabinet approves the plan.", "Cabinet", "s1")
    ]


def test_reader_list_items_count_as_bullets():
    text = (
        "Recommendations to Council\n\nThe following are proposed:\n\n"
        "A new board is set up.\n\nA budget is pooled."
    )
    starts = [text.index("A new"), text.index("A budget")]
    blocks = tuple(PlacedBlock(Block("list_item", text[s : s + 5], 1), s, s + 5) for s in starts)
    parsed = ParsedDocument(path="p.docx", format="docx", n_pages=1, text=text, blocks=blocks)
    section = Section(
        "d",
        "s1",
        1,
        None,
        "Recommendations to Council",
        ("Recommendations to Council",),
        1,
        "body",
        text,
        1,
        1,
        0,
        len(text),
    )
    assert [(r.text, r.addressed_to) for r in find_recommendations("d", [section], parsed)] == [
        ("A new board is set up.", "Council"),
        ("A budget is pooled.", "Council"),
    ]
