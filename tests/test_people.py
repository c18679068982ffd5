import pytest
import spacy
from spacy.tokens import Span

from pipeline.extract.people import find_people


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def people(blank, text, **kwargs):
    return [(f.text, f.norm) for f in find_people(blank.make_doc(text), **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Presented By\tGeoff Little, Chief Executive Bury Council", [("Geoff Little", "Geoff Little")]),
        (
            "Report of: Sarah Brown, Strategic Director (Place), Leeds City Council",
            [("Sarah Brown", "Sarah Brown")],
        ),
        ("Contact Officer: Peter O'Neill  Tel: 0113 222 3333", [("Peter O'Neill", "Peter O'Neill")]),
        ("The IDCB is independently chaired by Chris O'Gorman.", [("Chris O'Gorman", "Chris O'Gorman")]),
        ("The work was led by Dr Amir Khan.", [("Dr Amir Khan", "Amir Khan")]),
        ("Jane Smith, Director of Public Health, presented the report.", [("Jane Smith", "Jane Smith")]),
        (
            "Will Blandamer – Executive Director Strategic Commissioning",
            [("Will Blandamer", "Will Blandamer")],
        ),
        ("This strand is led by the statutory DPH Lesley Jones and", [("Lesley Jones", "Lesley Jones")]),
        ("Su Long is leading this work.", [("Su Long", "Su Long")]),
        ("Mike Farrar CBE, FRCGP, FRCP (April 2021)", [("Mike Farrar CBE, FRCGP, FRCP", "Mike Farrar")]),
        ("Sarah Price, 13 May 2021", [("Sarah Price", "Sarah Price")]),
        ("contact Kathryn Rees on 0161 474 3174", [("Kathryn Rees", "Kathryn Rees")]),
        (
            "Dr Aisha McDonald OBE will chair the new committee.",
            [("Dr Aisha McDonald OBE", "Aisha McDonald")],
        ),
        (
            "The group is chaired by Professor Sir Michael Marmot.",
            [("Professor Sir Michael Marmot", "Michael Marmot")],
        ),
        ("The Board thanked Mary Jones-Clarke for her work.", [("Mary Jones-Clarke", "Mary Jones-Clarke")]),
    ],
)
def test_people_from_context(blank, text, expected):
    assert people(blank, text) == expected


def test_minutes_attendance_list(blank):
    text = (
        "Present: Cllr A Smith (Chair), Dr B Jones, Ms Claire Patel (Director of Finance)\n"
        "Apologies: Councillor Tom Hughes, Mr D. Evans\n\nThe meeting opened at 2pm."
    )
    assert people(blank, text) == [
        ("Cllr A Smith", "A Smith"),
        ("Dr B Jones", "B Jones"),
        ("Ms Claire Patel", "Claire Patel"),
        ("Councillor Tom Hughes", "Tom Hughes"),
        ("Mr D. Evans", "D. Evans"),
    ]


def test_confirmed_name_found_again(blank):
    text = "chaired by Mike Farrar. Later Mike Farrar will work with both groups."
    assert [f.start for f in find_people(blank.make_doc(text))] == [11, 30]


def test_cover_field_names_found_in_text(blank):
    text = "The paper from Sam Taylor sets out options."
    assert people(blank, text, cover_fields={"author": "Sam Taylor, Head of Policy"}) == [
        ("Sam Taylor", "Sam Taylor")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The Chief Executive and Greater Manchester Health and Care Board met.",
        "Health and Care Act 2022 Chief Executive Leeds Teaching Hospitals",
        "Integrated Care, Director of Nursing",
        "GP Extended Hours General Medical Services - national contracts",
        "the GM Joint Commissioning Board, the GM Partnership Executive board",
        "Strategic Commissioning Board\nMeeting Date\t07 June 2021",
        "Present: Bury Council representatives, all partners",
        "A Board was formed. A New Plan was agreed.",
        "The Chair thanked Suffolk Libraries colleagues and the volunteers.",
        "The report was prepared on behalf of Calderdale Cares staff.",
    ],
)
def test_not_people(blank, text):
    assert people(blank, text) == []


def test_body_spans_block_people(blank):
    doc = blank.make_doc("The report was written by Carnall Farrar for the Board.")
    doc.spans["icsdocs"] = [Span(doc, 5, 7, label="BODY")]
    assert find_people(doc) == []


def test_a_surname_alone_takes_the_one_full_name_of_the_document(nlp):
    from pipeline.extract import extract_document
    from tests.test_extract_bodies import _document

    parsed, sections = _document([
        "Present: Cllr Sarah Stamp, Colin Rockall, Cllr Richard Smith, Cllr Anna Smith",
        "The Chair will raise this with Cllr Stamp. Cllr Smith agreed.",
    ])
    people = [(e.text, e.norm, e.flag) for e in extract_document("d", parsed, sections, nlp).entities
              if e.label == "PERSON" and e.page == 2]
    assert people == [("Cllr Stamp", "Sarah Stamp", "document_name"), ("Cllr Smith", "Smith", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cover label inside a run-on line, the name as written
        ("Key Decision: Yes Author: Priya Raman Author Tel: 01632 960 000", ["Priya Raman"]),
        # a name before brackets holding a post, whatever comes first inside them
        ("an update from Omar Haddad (Kirkdale Trust, Lead Programme Manager) on the plan", ["Omar Haddad"]),
        # words of a post end the name: no "Principal" or "Democratic" in it
        ("Contact: Tessa Quinlan Principal Democratic Services Officer", ["Tessa Quinlan"]),
        # the pronoun "I" opening a signed decision is not an initial
        ("I Rowan Pike, Elected Mayor, do hereby approve", ["Rowan Pike"]),
        # a stopword that is also a given name opens a name
        ("The Board noted thanks to Bill Okonjo for his years of service.", ["Bill Okonjo"]),
    ],
)
def test_more_cues(blank, text, expected):
    assert [norm for _, norm in people(blank, text)] == expected


def test_sentence_list_with_plural_honorific(blank):
    text = (
        "Apologies for absence were received from Councillors Farrow and Leckie, Dr Imran Shah "
        "together with Nadia Kowalski and Tom Brereton. The Chair opened the meeting."
    )
    assert [norm for _, norm in people(blank, text)] == [
        "Farrow",
        "Leckie",
        "Imran Shah",
        "Nadia Kowalski",
        "Tom Brereton",
    ]


def test_surname_alone_needs_an_honorific_in_a_list(blank):
    text = "Apologies were received from Farrow and Nadia Kowalski."
    assert [norm for _, norm in people(blank, text)] == ["Nadia Kowalski"]


def test_names_beside_posts_in_a_run_on_list(nlp):
    text = (
        "Officers Petra Lindqvist Chief Executive Dr Kofi Mensah Director of Public Health "
        "Ellen Marsh City Solicitor\n\nThe meeting started."
    )
    assert [f.norm for f in find_people(nlp(text))] == ["Petra Lindqvist", "Kofi Mensah", "Ellen Marsh"]


def test_name_after_a_post_that_ends_just_before_it(nlp):
    text = "Report of: Director of Adult Services Joan Pettigrew, Director of Children's Services"
    assert [f.norm for f in find_people(nlp(text))] == ["Joan Pettigrew"]


@pytest.mark.parametrize(
    "text",
    [
        "Apologies were received from the Health Scrutiny Panel and Moss Side ward members.",
        "Officers Moss Side Chief Executive",  # a place before a post is not a person
        "Present: May 2021 Board members",
        "The Director of Public Health Sandwell Trust Chief Executive met.",
        "Author: the Health Scrutiny Panel",
    ],
)
def test_not_people_new_cues(nlp, text):
    assert [f.text for f in find_people(nlp(text))] == []


def test_given_name_and_surname_anywhere(nlp):
    text = "Vaccination update - Rhiannon Pryce & Gareth Nowak / All"
    assert [f.norm for f in find_people(nlp(text))] == ["Rhiannon Pryce", "Gareth Nowak"]


def test_given_names_in_a_run_on_attendance_list(nlp):
    text = (
        "Attendees: Organisation Kirsty Nolan Harbour Homes Trust Declan Moore Eastfield Borough Council "
        "Priya Raman Northgate Street Traders\n\nItem 1"
    )
    assert [f.norm for f in find_people(nlp(text))] == ["Kirsty Nolan", "Declan Moore", "Priya Raman"]


@pytest.mark.parametrize(
    "text",
    [
        "Attendees: Victoria Street Residents Association, Albert Square Traders",  # streets, not people
        "The works at Victoria Square and the Elsie Rooms were agreed.",  # venues
        "The Florence Nightingale Hospice Board met.",  # inside a body's name
        "Hope Street Surgery and Grace Lane Clinic",
        "The Bill received Royal Assent after the Charity Commission had reported.",  # word-like given names
        "Alison\tHartley",  # a tab is a column break in a table, not a space inside a name
    ],
)
def test_given_names_need_a_surname(nlp, text):
    assert [f.norm for f in find_people(nlp(text))] == []


def test_surnames_in_capitals(nlp):
    text = (
        "Elected members:\n\nCouncillors Bronwen PRICE-DAVIES, Idris MORGAN (Chair) and Femi ADEYEMI\n\n"
        "Officers:\n\nGareth ELLIS (Director of Adult Social Care)\n\nDr Nadia KHAN (Westbrook GP Federation)"
    )
    assert [f.norm for f in find_people(nlp(text))] == [
        "Bronwen PRICE-DAVIES",
        "Idris MORGAN",
        "Femi ADEYEMI",
        "Gareth ELLIS",
        "Nadia KHAN",
    ]


def test_capitals_after_a_given_name_can_be_an_acronym(nlp):
    assert [f.norm for f in find_people(nlp("Update from Sarah NHS colleagues and the Mark CEO forum"))] == []


def test_names_run_on_in_pairs(nlp):
    # half of the first words are known given names; "Hughes Mark" and "Morgan Paul" must not be read
    text = "Board meeting Members: Olwen Pryce Tegid Hughes Mark Morgan Paul Streat Chair Non-Executive"
    expected = ["Olwen Pryce", "Tegid Hughes", "Mark Morgan", "Paul Streat"]
    assert [f.norm for f in find_people(nlp(text))] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officer contact: Naomi Driscoll, 07700900123, naomi@example.org", ["Naomi Driscoll"]),
        ("Proposed by Councillor Tresize Seconded by Councillor Pengelly", ["Tresize", "Pengelly"]),
        ("The Appointed Governor Secretariat: Neal Osei", ["Neal Osei"]),
    ],
)
def test_phase_two_cues(nlp, text, expected):
    assert [f.norm for f in find_people(nlp(text))] == expected
