"""BODY spans: gazetteer aliases, the productive grammar, canonical norms and what is not a body."""

import pytest

from pipeline.extract.nlp import SPANS_KEY, body_norm


def spans(nlp, text, label="BODY"):
    doc = nlp(text)
    return [(s.text, s.id_) for s in doc.spans[SPANS_KEY] if s.label_ == label]


@pytest.mark.parametrize(("text", "expected"), [
    # gazetteer aliases resolve to one canonical name
    ("Funding flows from the GM ICB to localities.",
     [("GM ICB", "NHS Greater Manchester Integrated Care Board")]),
    ("A letter from NHSEI and a reply to NHSE.",
     [("NHSEI", "NHS England and NHS Improvement"), ("NHSE", "NHS England")]),
    ("Bury MBC and the Care Quality Commission.",
     [("Bury MBC", "Bury Council"), ("Care Quality Commission", "Care Quality Commission")]),
    # productive patterns: bodies listed nowhere
    ("The Tameside and Glossop Integrated Care NHS Foundation Trust will host it.",
     [("Tameside and Glossop Integrated Care NHS Foundation Trust",
       "Tameside and Glossop Integrated Care NHS Foundation Trust")]),
    ("Papers went to the Oldham Cares Alliance Board in May.",
     [("Oldham Cares Alliance Board", "Oldham Cares Alliance Board")]),
    ("The Wigan Borough Locality Board met.",
     [("Wigan Borough Locality Board", "Wigan Borough Locality Board")]),
    ("Lancashire and South Cumbria ICB approved the plan.",
     [("Lancashire and South Cumbria ICB", "Lancashire and South Cumbria Integrated Care Board")]),
    ("Reported to the Audit and Governance Committee and the Quality and Performance Sub-Committee.",
     [("Audit and Governance Committee", "Audit and Governance Committee"),
      ("Quality and Performance Sub-Committee", "Quality and Performance Sub-Committee")]),
    ("Leeds Health and Wellbeing Board",
     [("Leeds Health and Wellbeing Board", "Leeds Health and Wellbeing Board")]),
    ("Healthwatch Kirklees responded.", [("Healthwatch Kirklees", "Healthwatch Kirklees")]),
    ("the Department of Health and Social Care said",
     [("Department of Health and Social Care", "Department of Health and Social Care")]),
    ("through the GM provider collaborative",
     [("GM provider collaborative", "Greater Manchester Provider Collaborative")]),
    ("the Integrated Care Board for Greater Manchester",
     [("Integrated Care Board for Greater Manchester", "NHS Greater Manchester Integrated Care Board")]),
    ("a Younger People's Forum", [("Younger People's Forum", "Younger People's Forum")]),
    # NHS regions, today's and the former strategic health authorities
    ("NHSEI North West wrote to us.", [("NHSEI North West", "NHS England North West")]),
    ("chaired by a former chief executive of NHS North West.", [("NHS North West", "NHS North West")]),
    ("NHS North West London CCG", [("NHS North West London CCG", "NHS North West London CCG")]),
])
def test_bodies_found(nlp, text, expected):
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # coordination splits into two bodies
    ("Bury Council and Bury CCG have agreed.",
     [("Bury Council", "Bury Council"), ("Bury CCG", "NHS Bury CCG")]),
    ("Sheffield City Council, Doncaster Council and the Mid Yorkshire Hospitals NHS Trust.",
     [("Sheffield City Council", "Sheffield City Council"), ("Doncaster Council", "Doncaster Council"),
      ("Mid Yorkshire Hospitals NHS Trust", "Mid Yorkshire Hospitals NHS Trust")]),
    # a role before a body is not part of its name
    ("Chief Executive Bury Council & Accountable Officer NHS Bury CCG",
     [("Bury Council", "Bury Council"), ("NHS Bury CCG", "NHS Bury CCG")]),
    # words that never start a name are trimmed
    ("The Locality Board will report.", [("Locality Board", "Locality Board")]),
    ("B. Wakefield District Partnership",
     [("Wakefield District Partnership", "Wakefield District Partnership")]),
    # a capitalised word after a head names part of the body, except a few title nouns
    ("7. Staffing Committee Terms of Reference", [("Staffing Committee", "Staffing Committee")]),
    ("Arts Council Funding 0 50 50", [("Arts Council", "Arts Council")]),
    # a lower-case head named by several words, even opening a table row
    ("Clinical and professional senate\tBroad system endorsement",
     [("Clinical and professional senate", "Clinical and Professional Senate")]),
    # a type name with a place, or one not in the list of kinds, is one body even after "a"
    ("It will establish a Kirklees Health and Wellbeing Board.",
     [("Kirklees Health and Wellbeing Board", "Kirklees Health and Wellbeing Board")]),
    ("Bury will also seek to establish a GP Collaborative.", [("GP Collaborative", "GP Collaborative")]),
    ("Proposed Stockport Integrated Care System",
     [("Stockport Integrated Care System", "Stockport Integrated Care System")]),
])
def test_body_boundaries(nlp, text, expected):
    assert spans(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "The CCGs and Trusts will work with Locality Boards and Provider Collaboratives.",  # generic plurals
    "partnership working across the VCSE sector and the NHS",  # sector, adjective use
    "The Board agreed; the Committee noted it.",  # bare heads
    "Government policy and the Public Health team",  # government, internal team
    "the Bury partnership arrangements",  # head used as an adjective
    "a joint committee of the statutory partners",  # class, lower case
    "Bury Health and Care System",  # not an integrated care system
    "as a Joint Committee",
    # a kind of body after an indefinite or generic word
    "Each Locality Board will report.",
    "working at both an Integrated Care System and place-based level",
    "An articulated relationship with their local Health and Well Being Board",
    "oversight of the local integrated care system",
    # a head followed by a plural head or a title noun is a modifier
    "May receive funding from the Locality System Partnership Boards",
    "Update on Bury Partnership Arrangements",
    "Sefton Partnership Leadership",
    # a list letter is not a name word; one capitalised word opening a row is not a name
    "C. Partnership System",
    "Staff group\tTotal headcount",
    "Age group\t0-15",
    # a capitalised "The" opens a sentence: minutes items run into their first line
    "5. CCTV Policy The Board accepted this policy.",
    "Appointment of Additional Board Members The board had received two expressions of interest.",
])
def test_not_bodies(nlp, text):
    assert spans(nlp, text) == []


@pytest.mark.parametrize(("text", "norm"), [
    ("GMICB", "NHS Greater Manchester Integrated Care Board"),
    ("the Greater Manchester ICB", "NHS Greater Manchester Integrated Care Board"),
    ("Greater Manchester Health & Social Care Partnership",
     "Greater Manchester Health and Social Care Partnership"),
    ("GM  Joint\nCommissioning Board", "Greater Manchester Joint Commissioning Board"),
    ("recovery and transformation board", "Recovery and Transformation Board"),
    ("Wigan Borough Locality Board", "Wigan Borough Locality Board"),
])
def test_body_norm(text, norm):
    assert body_norm(text) == norm


def _document(paragraphs):
    from pipeline.records import Block, ParsedDocument, PlacedBlock, Section

    text, placed, sections, pos = "", [], [], 0
    for index, para in enumerate(paragraphs):
        placed.append(PlacedBlock(Block("paragraph", para, page=index + 1), pos, pos + len(para)))
        sections.append(Section("d", f"s{index:04d}", index, None, None, (), 1, "body", para,
                                index + 1, index + 1, pos, pos + len(para)))
        text += para + "\n\n"
        pos = len(text)
    return ParsedDocument("d.txt", "text", len(paragraphs), text, tuple(placed)), tuple(sections)


def test_document_acronyms_and_case_variants(nlp):
    from pipeline.extract import extract_document

    parsed, sections = _document([
        "The Rotherham Place Board (RPB) and the Recovery and Transformation Board met on 3 March 2022.",
        "The RPB agreed. The recovery and transformation board noted it. RPBs and RPB-wide plans are not it.",
    ])
    extraction = extract_document("d", parsed, sections, nlp)
    bodies = [(e.text, e.norm, e.page, e.flag) for e in extraction.entities if e.label == "BODY"]
    assert bodies == [
        ("Rotherham Place Board", "Rotherham Place Board", 1, None),
        ("RPB", "Rotherham Place Board", 1, "document_alias"),
        ("Recovery and Transformation Board", "Recovery and Transformation Board", 1, None),
        ("RPB", "Rotherham Place Board", 2, "document_alias"),
        ("recovery and transformation board", "Recovery and Transformation Board", 2, "document_alias"),
    ]
    for entity in extraction.entities:
        assert parsed.text[entity.char_start:entity.char_end] == entity.text


def test_long_section_is_cut_for_spacy(nlp, monkeypatch):
    import pipeline.extract as extract

    monkeypatch.setattr(extract, "MAX_CHUNK", 60)
    line = "Reported to the Oldham Cares Alliance Board.\n"
    parsed, sections = _document([line * 5])
    extraction = extract.extract_document("d", parsed, sections, nlp)
    starts = [e.char_start for e in extraction.entities if e.label == "BODY"]
    assert starts == [16 + i * len(line) for i in range(5)]


# ---------------------------------------------------------------- bodies of other places (issue 10)

@pytest.mark.parametrize(("text", "expected"), [
    ("The Harbourside Place-Based Partnership met on Tuesday.",
     [("Harbourside Place-Based Partnership", "Harbourside Place-Based Partnership")]),
    ("Northshire Community Health NHS Trust and Eastmoor Teaching Hospitals NHS Trust signed it.",
     [("Northshire Community Health NHS Trust", "Northshire Community Health NHS Trust"),
      ("Eastmoor Teaching Hospitals NHS Trust", "Eastmoor Teaching Hospitals NHS Trust")]),
    ("NHS Eastmoor CCG wrote to Westvale Clinical Commissioning Group.",
     [("NHS Eastmoor CCG", "NHS Eastmoor CCG"),
      ("Westvale Clinical Commissioning Group", "Westvale Clinical Commissioning Group")]),
    ("Fenby Town Council and Little Fenby Parish Council objected.",
     [("Fenby Town Council", "Fenby Town Council"),
      ("Little Fenby Parish Council", "Little Fenby Parish Council")]),
    # councils named "<kind> of <place>"
    ("The London Borough of Kingsmere consulted the Royal Borough of Eastmoor and Westvale.",
     [("London Borough of Kingsmere", "London Borough of Kingsmere"),
      ("Royal Borough of Eastmoor and Westvale", "Royal Borough of Eastmoor and Westvale")]),
    # trusts named "<kind> Hospitals of <place>", with or without their NHS suffix
    ("Beds at University Hospitals of Northshire and Fenby NHS Trust rose.",
     [("University Hospitals of Northshire and Fenby NHS Trust",
       "University Hospitals of Northshire and Fenby NHS Trust")]),
    ("Discharges from United Hospitals of Kingsmere fell.",
     [("United Hospitals of Kingsmere", "United Hospitals of Kingsmere")]),
    ("Northshire Community Health Services runs the clinics.",
     [("Northshire Community Health Services", "Northshire Community Health Services")]),
    # boards of trusts and committees
    ("The Trust Board received the quality report.", [("Trust Board", "Trust Board")]),
    ("Referred to the Licensing Sub-Committee by the Planning and Highways Committee.",
     [("Licensing Sub-Committee", "Licensing Sub-Committee"),
      ("Planning and Highways Committee", "Planning and Highways Committee")]),
    # companies named in licensing and planning items, by their suffix
    ("The premises licence is held by Quayside Taverns Limited; the agent is Northgate Homes PLC.",
     [("Quayside Taverns Limited", "Quayside Taverns Limited"),
      ("Northgate Homes PLC", "Northgate Homes PLC")]),
    # a hyphenated name word: "Place-led", "System-wide"
    ("Reports go to the Place-led Quality Board.", [("Place-led Quality Board", "Place-led Quality Board")]),
    # an acronym in brackets inside a name; the norm drops it
    ("Welcome to the Northshire and Fenby (N&F) Health and Care Partnership newsletter.",
     [("Northshire and Fenby (N&F) Health and Care Partnership",
       "Northshire and Fenby Health and Care Partnership")]),
    # a name wrapped at the end of a long line of a paragraph
    ("Following the review of the joint needs assessment for the district, the Kingsmere Alliance\n"
     "Board has set five priorities.",
     [("Kingsmere Alliance\nBoard", "Kingsmere Alliance Board")]),
    # a short line ends a name: names listed one a line are not one name
    ("Westvale Alliance\nBoard Development Group", [("Westvale Alliance", "Westvale Alliance"),
                                                  ("Board Development Group", "Board Development Group")]),
    # a head before "meeting" names the body when the name has words of its own
    ("the Harbourside Alliance Board meeting on 3 March",
     [("Harbourside Alliance Board", "Harbourside Alliance Board")]),
    # "Executive" alone where the page names it as the meeting
    ("Meeting: 14/06/2023 - Executive (Item 12)", [("Executive", "Executive")]),
    ("The Executive resolved to defer the item.", [("Executive", "Executive")]),
])
def test_bodies_of_other_places(nlp, text, expected):
    assert spans(nlp, text) == expected


@pytest.mark.parametrize("text", [
    # column headers flattened into a line
    "Unrestricted Restricted Total Council Board",
    "Budget Forecast Variance Trust Board 120 118 2",
    "The Local Authority will consult.",
    # a plural acronym after a name says it is a class
    "the Northshire Clinical Commissioning Group (CCGs) signed the memorandum",
    # a one-word name before "meeting" is a label, as in a table cell
    "Steering Group meeting\tPlan to be agreed",
    # "the Council's governance forum", not a body called "Council governance forum"
    "It is the formal internal Council governance forum for monitoring.",
    "the premises are owned by the GP partnership",
    # "Executive" as an adjective or a role
    "The Executive team met. The Executive Director agreed.",
])
def test_not_bodies_of_other_places(nlp, text):
    assert spans(nlp, text) == []


def test_flattened_table_row_keeps_council_after_place(nlp):
    row = ("Attendees Company Jo Bloggs Harbour Homes Ann Smith Tom Jones Norfolk County Council "
           "Sam Lee Ben Wood Fenby Disability Forum Kim Ray Norfolk County Council")
    assert spans(nlp, row) == [("Norfolk County Council", "Norfolk County Council")] * 2


def test_short_names_take_the_fuller_body(nlp):
    from pipeline.extract import extract_document

    parsed, sections = _document([
        "Kingsmere City Council and NHS Fenby Clinical Commissioning Group signed the agreement.",
        "The City Council will host it; the Clinical Commissioning Group will fund it.",
    ])
    extraction = extract_document("d", parsed, sections, nlp)
    bodies = [(e.text, e.norm, e.flag) for e in extraction.entities if e.label == "BODY"]
    assert bodies == [
        ("Kingsmere City Council", "Kingsmere City Council", None),
        ("NHS Fenby Clinical Commissioning Group", "NHS Fenby Clinical Commissioning Group", None),
        ("City Council", "Kingsmere City Council", "document_alias"),
        ("Clinical Commissioning Group", "NHS Fenby Clinical Commissioning Group", "document_alias"),
    ]


def test_short_name_of_two_bodies_stays(nlp):
    from pipeline.extract import extract_document

    parsed, sections = _document([
        "Kingsmere City Council and Fenby City Council signed the agreement.",
        "The City Council will host it.",
    ])
    extraction = extract_document("d", parsed, sections, nlp)
    norms = [e.norm for e in extraction.entities if e.label == "BODY"]
    assert norms == ["Kingsmere City Council", "Fenby City Council", "City Council"]


@pytest.mark.parametrize(("text", "expected"), [
    # a plural head ends one name before a connector; a plural possessive joins one
    ("Section 75 terms signed by both Fenby CCGs and Fenby City Council.",
     [("Fenby City Council", "Fenby City Council")]),
    ("papers for the Fenby CCGs’ Joint Board in June",
     [("Fenby CCGs’ Joint Board", "Fenby CCGs' Joint Board")]),
    # "NHS" after a head opens the next name in a flattened list
    ("Signed for NHS East Fenby CCG NHS West Fenby CCG",
     [("NHS East Fenby CCG", "NHS East Fenby CCG"), ("NHS West Fenby CCG", "NHS West Fenby CCG")]),
    # but an NHS board of a named system is one name
    ("reported to the Fenby ICS NHS Board", [("Fenby ICS NHS Board", "Fenby ICS NHS Board")]),
    # coordination across an acronym in brackets
    ("the Fenby Care Partnership (FCP) and Kingsmere Alliance Board",
     [("Fenby Care Partnership", "Fenby Care Partnership"),
      ("Kingsmere Alliance Board", "Kingsmere Alliance Board")]),
    # a heading run into the next line's name
    ("3. Opening Remarks and Housekeeping Protocol Trust Board 14.09.2021 Minutes",
     [("Trust Board", "Trust Board")]),
    # a post title in a flattened attendee list ends the name; "West" belongs to the place
    ("Anne Bell Public Governor West Norfolk CCG Associate Director",
     [("West Norfolk CCG", "West Norfolk CCG")]),
    ("Sam Lee MP Tom Ray Norfolk County Council", [("Norfolk County Council", "Norfolk County Council")]),
    # a named body before a lower-case noun is still named
    ("under the Harbourside Cares Alliance agreement of 2019",
     [("Harbourside Cares Alliance", "Harbourside Cares Alliance")]),
    # "Our" opening a name after "the"
    ("priorities set by the Our Fenby Together Partnership", [("Our Fenby Together Partnership",
                                                             "Our Fenby Together Partnership")]),
    # Executive as the meeting after "to"
    ("the revised scheme goes to Executive in March", [("Executive", "Executive")]),
    # a lower-case council after a capitalised name is still the council
    ("a letter from Fenby Town council", [("Fenby Town council", "Fenby Town Council")]),
    # "of" inside a chamber of commerce's name
    ("The Fenby Chamber of Commerce and Harbour Homes Ltd objected.",
     [("Fenby Chamber of Commerce", "Fenby Chamber of Commerce"),
      ("Harbour Homes Ltd", "Harbour Homes Ltd")]),
    # the 42 integrated care boards by their NHS names
    ("NHS Norfolk and Waveney wrote to the Black Country ICB.",
     [("NHS Norfolk and Waveney", "NHS Norfolk and Waveney Integrated Care Board"),
      ("Black Country ICB", "NHS Black Country Integrated Care Board")]),
])
def test_body_boundaries_on_real_layouts(nlp, text, expected):
    assert spans(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "Each CCG Board is asked to approve the merger.",  # every one of a kind
    "as a GM organisation we will",  # a lower-case head of a kind
    "the Fenby CCG areas and the Kingsmere ICS development",  # geography and change, not the body
    "Primary Care Network funding",  # a type name before a lower-case noun
    "within the existing Fenby CCG areas",
    "a chamber of commerce in every town",  # lower case: a kind
])
def test_not_bodies_on_real_layouts(nlp, text):
    assert spans(nlp, text) == []


@pytest.mark.parametrize(("text", "norm"), [
    ("Health & Well-Being Board", "Health and Wellbeing Board"),
    ("Fenby Health and Well Being Board", "Fenby Health and Wellbeing Board"),
    ("Northshire and Fenby (N&F) Integrated Care Partnership",
     "Northshire and Fenby Integrated Care Partnership"),
])
def test_body_norm_spellings(text, norm):
    assert body_norm(text) == norm


def test_name_wrapped_over_a_paragraph_break(nlp):
    text = ("After consulting residents across all six neighbourhoods over the summer, the Kingsmere Care "
            "Partnership\n\nBoard agreed five priorities for the coming years.")
    assert spans(nlp, text) == [("Kingsmere Care Partnership\n\nBoard", "Kingsmere Care Partnership Board")]


def test_heading_line_before_a_short_paragraph_is_not_joined(nlp):
    text = "Kingsmere Care Partnership\n\nBoard papers are published on the website."
    assert spans(nlp, text) == [("Kingsmere Care Partnership", "Kingsmere Care Partnership")]


@pytest.mark.parametrize(("text", "expected"), [
    # "<word> of <place> and ...": the run after "and" names a second body
    ("the University of Fenby and Fenby Teaching Hospitals NHS Trust",
     [("University of Fenby", "University of Fenby"),
      ("Fenby Teaching Hospitals NHS Trust", "Fenby Teaching Hospitals NHS Trust")]),
    # but a trust's own name may hold "and" after a role's "of"
    ("the Chair of Northshire, Fenby and Kingsmere University Hospitals NHS Trust",
     [("Northshire, Fenby and Kingsmere University Hospitals NHS Trust",
       "Northshire, Fenby and Kingsmere University Hospitals NHS Trust")]),
    # a type name after "and" is a body of its own
    ("the joint Kingsmere Cares and Health and Wellbeing Board action plan",
     [("Health and Wellbeing Board", "Health and Wellbeing Board")]),
    ("the Northshire and Fenby Health and Care Partnership",
     [("Northshire and Fenby Health and Care Partnership",
       "Northshire and Fenby Health and Care Partnership")]),
])
def test_coordinated_names(nlp, text, expected):
    assert spans(nlp, text) == expected


def test_short_name_takes_the_body_named_far_more_often(nlp):
    from pipeline.extract import extract_document

    parsed, sections = _document(["Northshire County Council runs the service."] * 4 + [
        "Fenby County Council was consulted.",
        "The County Council will decide.",
    ])
    extraction = extract_document("d", parsed, sections, nlp)
    norms = [e.norm for e in extraction.entities if e.label == "BODY"]
    assert norms == ["Northshire County Council"] * 4 + ["Fenby County Council", "Northshire County Council"]


def test_names_joined_by_and_are_not_a_fuller_name(nlp):
    from pipeline.extract import extract_document

    parsed, sections = _document([
        "Write to Fenby Library and Fenby Town Council.",
        "Fenby Town Council replied.",
    ])
    extraction = extract_document("d", parsed, sections, nlp)
    bodies = [(e.text, e.norm) for e in extraction.entities if e.label == "BODY"]
    assert bodies[-1] == ("Fenby Town Council", "Fenby Town Council")


def test_names_described_as_organisations_in_brackets(nlp):
    text = ("Night cover comes from Harbourside Night Doctors (out of hours provider), and advice from\n"
            "- Voluntary Action Kingsmere (local support organisation)")
    assert spans(nlp, text) == [("Harbourside Night Doctors", "Harbourside Night Doctors"),
                                ("Voluntary Action Kingsmere", "Voluntary Action Kingsmere")]


@pytest.mark.parametrize("text", [
    "Present: Jo Bloggs (Fenby Housing Company), Sam Lee (Kingsmere Rehabilitation Company)",  # people
    "The Plan (see the organisation)",  # one word
    "Harbour (provider)",
])
def test_not_described_bodies(nlp, text):
    assert spans(nlp, text) == []


def test_defined_acronym_before_and_is_a_body_of_its_own(nlp):
    from pipeline.extract import extract_document

    parsed, sections = _document([
        "Northshire County Council (NCC) leads the programme.",
        "NCC and Fenby City Council will fund it.",
    ])
    extraction = extract_document("d", parsed, sections, nlp)
    bodies = [(e.text, e.norm) for e in extraction.entities if e.label == "BODY"]
    assert bodies == [("Northshire County Council", "Northshire County Council"),
                      ("NCC", "Northshire County Council"),
                      ("NCC", "Northshire County Council"),
                      ("Fenby City Council", "Fenby City Council")]
    for entity in extraction.entities:
        assert parsed.text[entity.char_start:entity.char_end] == entity.text
