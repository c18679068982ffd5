"""ROLE and PLACE spans: post titles without names, places on their own (not inside a body's name)."""

import pytest

from pipeline.extract.nlp import SPANS_KEY


def spans(nlp, text, label):
    doc = nlp(text)
    return [(s.text, s.id_) for s in doc.spans[SPANS_KEY] if s.label_ == label]


@pytest.mark.parametrize(("text", "expected"), [
    ("Director of Public Health Lesley Jones", [("Director of Public Health", "Director of Public Health")]),
    ("the DPH and the Section 151 Officer", [("DPH", "Director of Public Health"),
                                             ("Section 151 Officer", "Section 151 Officer")]),
    ("Cabinet Member for Adult Social Care", [("Cabinet Member for Adult Social Care",
                                              "Cabinet Member for Adult Social Care")]),
    ("Joint Director of Finance", [("Joint Director of Finance", "Joint Director of Finance")]),
    ("Executive Director for Health and Care", [("Executive Director for Health and Care",
                                                 "Executive Director for Health and Care")]),
    ("Executive Director Strategic Commissioning, Bury CCG", [("Executive Director Strategic Commissioning",
                                                              "Executive Director Strategic Commissioning")]),
    ("Corporate Director (Corporate and Support Services)",
     [("Corporate Director (Corporate and Support Services)",
       "Corporate Director (Corporate and Support Services)")]),
    ("the place based lead for Rochdale", [("place based lead", "Place-based lead")]),
    ("the Council's Monitoring Officer", [("Monitoring Officer", "Monitoring Officer")]),
    ("the Vice-Chair of the Trust", [("Vice-Chair", "Vice Chair")]),
    ("the ICS Chief Executive", [("ICS Chief Executive", "ICS Chief Executive")]),
    ("the CCG AO", [("CCG AO", "CCG AO")]),
    ("the financial planning pillar lead",
     [("financial planning pillar lead", "Financial Planning Pillar Lead")]),
    ("Chief Executive Bury Council", [("Chief Executive", "Chief Executive")]),
])
def test_roles(nlp, text, expected):
    assert spans(nlp, text, "ROLE") == expected


@pytest.mark.parametrize("text", [
    "She will chair the meeting and lead the work.",  # verbs
    "the ao of the text",  # acronyms count only in their own case
    "Director Bury Council",  # no portfolio
    "leaders across the borough",
])
def test_not_roles(nlp, text):
    assert spans(nlp, text, "ROLE") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Services in Ramsbottom, Tottington and Radcliffe",
     [("Ramsbottom", "Ramsbottom"), ("Tottington", "Tottington"), ("Radcliffe", "Radcliffe")]),
    ("across Greater Manchester and West Yorkshire", [("Greater Manchester", "Greater Manchester"),
                                                      ("West Yorkshire", "West Yorkshire")]),
    ("clinics in Ashton-under-Lyne and Sale", [("Ashton-under-Lyne", "Ashton-under-Lyne"), ("Sale", "Sale")]),
    ("the Northeast Sector of the borough", [("Northeast Sector", "Northeast Sector")]),
    ("the Bury Council plan for Bury", [("Bury", "Bury")]),  # only the second Bury stands alone
])
def test_places(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected


@pytest.mark.parametrize("text", [
    "Sale of surplus land",  # a common word at the start of a sentence
    "the Oldham Cares Alliance Board",  # a place inside a body's name
    "NHS Leeds CCG",
])
def test_not_places(nlp, text):
    assert spans(nlp, text, "PLACE") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Cllr Ana Ruiz, Cabinet Member – Leisure, Tourism & Culture",
     ["Cllr", "Cabinet Member – Leisure, Tourism & Culture"]),
    ("the Portfolio Holder for Housing and Regeneration", ["Portfolio Holder for Housing and Regeneration"]),
    ("the Deputy City Mayor and the Assistant Mayor of Northby",
     ["Deputy City Mayor", "Assistant Mayor of Northby"]),
    ("Director – Adults & Housing Services", ["Director – Adults & Housing Services"]),
    ("Head of Finance – Schools, Families & Youth", ["Head of Finance – Schools, Families & Youth"]),
    ("the Chief Officer for Digital & Innovation", ["Chief Officer for Digital & Innovation"]),
    ("Lena Ward, Principal Democratic Services Advisor", ["Principal Democratic Services Advisor"]),
    ("the Senior Governance and Committee Services Officer",
     ["Senior Governance and Committee Services Officer"]),
    ("Strategic Director of Children’s and Adult Services",
     ["Strategic Director of Children’s and Adult Services"]),
    ("Paul Ng MP and County Councillor Jo Bell", ["MP", "County Councillor"]),
    ("the Leader of the Opposition", ["Leader of the Opposition"]),
    ("a Public Health Registrar", ["Public Health Registrar"]),
])
def test_roles_of_minutes(nlp, text, expected):
    assert [t for t, _ in spans(nlp, text, "ROLE")] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the mayor said", []),  # lower-case single words are not titles
    ("Officers and members attended", []),
    ("the project manager will", []),  # a lower-case staff title without a capitalised word
    ("the locality Executive Director of each area", ["Executive Director"]),  # "locality" only describes
    ("Director – Bury Council", []),  # a dash and a body, no portfolio
])
def test_not_roles_of_minutes(nlp, text, expected):
    assert [t for t, _ in spans(nlp, text, "ROLE")] == expected


# ------------------------------------------------------------------ places from the national gazetteer

@pytest.mark.parametrize(("text", "expected"), [
    ("A pilot of social prescribing in Kirklees and Calderdale",
     [("Kirklees", "Kirklees"), ("Calderdale", "Calderdale")]),
    ("hospital discharge delays seen in Tunbridge Wells", [("Tunbridge Wells", "Tunbridge Wells")]),
    ("Residents from Grimsby travel to the clinic", [("Grimsby", "Grimsby")]),
])
def test_national_places(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("community hubs across East Kirklees", [("East Kirklees", "East Kirklees")]),  # compass prefix
    ("the wider Greater Norfolk footprint", [("Greater Norfolk", "Greater Norfolk")]),
    ("services for the Leeds District population", [("Leeds District", "Leeds District")]),  # suffix
    ("both Preston City and Chorley", [("Preston City", "Preston City"), ("Chorley", "Chorley")]),
    ("walks on Pendle Moor each spring", [("Pendle Moor", "Pendle Moor")]),  # landform
])
def test_compound_places(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected


@pytest.mark.parametrize("text", [
    "Clinic moved to Preston Road last year",  # a street
    "funded from the Kirklees Wellbeing Fund",  # a fund's name
    "the Leeds District Partnership met",  # the compound inside a body's name
    "a letter from the Lord Mayor of Sheffield",  # inside a post title
    "the University of Nottingham study",  # inside an institution
    "apologies from Cllr Sutton and Ms Derby",  # surnames after honorifics
    "Karen Chester presented the item",  # a surname after a first name
    "Yorkshire Water Services",  # a company
    "the Sheffield (SHSC) Foundation Trust",  # an acronym in brackets inside a name
    "the North East Lincolnshire Council budget",  # the region inside the council name goes too
    "Reading the papers beforehand helped",  # an ambiguous word at the start of a sentence
    "the report was put up for Sale",  # an ambiguous word after no place word
])
def test_places_inside_names(nlp, text):
    assert spans(nlp, text, "PLACE") == []


def test_ambiguous_place_after_place_word(nlp):
    assert spans(nlp, "a drop-in clinic in Reading and one in Wells", "PLACE") == [
        ("Reading", "Reading"), ("Wells", "Wells")]


# --------------------------------------------------------------------------- places from the layout

def test_ward_list_items_are_places(nlp):
    text = ("The area committee covers these wards:\n- Moorside Vale\n- Hillcrest and Parkfield\n"
            "- Ashgrove\nThe committee meets quarterly.")
    assert spans(nlp, text, "PLACE") == [("Moorside Vale", "Moorside Vale"),
                                         ("Hillcrest and Parkfield", "Hillcrest and Parkfield"),
                                         ("Ashgrove", "Ashgrove")]


def test_ward_items_run_on_after_the_lead(nlp):
    text = "members elected for these wards • Brookfield Lane End\n\n• Highmoor"
    assert spans(nlp, text, "PLACE") == [("Brookfield Lane End", "Brookfield Lane End"),
                                         ("Highmoor", "Highmoor")]


def test_bullets_without_a_ward_lead_are_not_places(nlp):
    text = "The plan has three aims:\n- Better Care\n- Healthy Homes\n- Stronger Families"
    assert spans(nlp, text, "PLACE") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Venue: Committee Room 2, Council Offices, Market Place, Thornbury Vale, TV1 4AB. View directions",
     [("Thornbury Vale", "Thornbury Vale")]),
    ("Location: The Pavilion, Lockfield", [("Lockfield", "Lockfield")]),
])
def test_venue_line_town(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected


@pytest.mark.parametrize("text", [
    "Venue: Microsoft Teams",  # a single part names the building or service
    "Venue: Council Chamber, Civic Hall",  # every part is a building
    "Venue: Room 4, Westgate House, 12 Eastern Road",  # a street with a number
])
def test_venue_line_without_town(nlp, text):
    assert spans(nlp, text, "PLACE") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Acting Corporate Director, Housing, Families and Culture",
     ["Acting Corporate Director, Housing, Families and Culture"]),
    ("Head of Governance, Audit & Risk", ["Head of Governance, Audit & Risk"]),
    ("Interim Director Adult Services, Housing & Communities",
     ["Interim Director Adult Services, Housing & Communities"]),
    ("Director of Strategy, Policy & Corporate Assurance",
     ["Director of Strategy, Policy & Corporate Assurance"]),
    ("Director of Operations (Mental Health & Learning Disabilities)",
     ["Director of Operations (Mental Health & Learning Disabilities)"]),
    ("the Independent Chairman", ["Independent Chairman"]),
    ("a Public Governor and a Staff Governor", ["Public Governor", "Staff Governor"]),
    ("the Deputy Parish Clerk", ["Deputy Parish Clerk"]),
    ("the Administrative Assistant", ["Administrative Assistant"]),
    ("the Designated Premises Supervisor and the Licence Holder",
     ["Designated Premises Supervisor", "Licence Holder"]),
    ("the Joint Chief Finance Officer", ["Joint Chief Finance Officer"]),
    ("Deputy Place Based Lead", ["Deputy Place Based Lead"]),
])
def test_roles_phase_two(nlp, text, expected):
    assert [t for t, _ in spans(nlp, text, "ROLE")] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the governor of the school", []),  # lower case, no title
    ("an assistant will take notes", []),
    ("Director of Finance, Bury Council", ["Director of Finance"]),  # a comma list needs a final "and" / "&"
])
def test_not_roles_phase_two(nlp, text, expected):
    assert [t for t, _ in spans(nlp, text, "ROLE")] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("a review of the City of Leeds housing stock", [("City of Leeds", "City of Leeds")]),
    ("investment in Ashford Town Centre this year", [("Ashford", "Ashford")]),  # the place's own centre
    ("bus links for west Kent and east Sussex", [("west Kent", "west Kent"), ("east Sussex", "east Sussex")]),
    ("Bury North Cllr Ann Lee", [("Bury North", "Bury North")]),  # an honorific opens a new name
    ("MINUTES OF THE MEETING HELD AT THE GUILDHALL, TRURO\nPRESENT", [("TRURO", "Truro")]),  # capitals
])
def test_more_compound_places(nlp, text, expected):
    assert spans(nlp, text, "PLACE") == expected


@pytest.mark.parametrize("text", [
    "an agreement with the Sunderland City\nCouncil cabinet",  # a wrapped body name
    "apologies from Councillor R Preston",  # a surname after an initial
    "reports from the Fire Service (Cumbria) were noted",  # a place qualifying a name in brackets
    "the new Bolton and Wigan Alliance",  # both places open the name
    "the Bristol, Bath and Weston CCG",  # a listed name
    "SALE OF THE DEPOT",  # an ambiguous word in capitals
])
def test_more_places_inside_names(nlp, text):
    assert spans(nlp, text, "PLACE") == []


def test_address_names_before_postcode(nlp):
    text = "Premises: The Old Mill, 4 Quay Lane, Thornleigh, Exeter, EX2 9QT (ref 1123)"
    assert spans(nlp, text, "PLACE") == [("Thornleigh", "Thornleigh"), ("Exeter", "Exeter")]


def test_address_stops_at_a_street(nlp):
    text = "send replies to 10 Station Road, Millbrook Park, PO1 2AB"
    assert spans(nlp, text, "PLACE") == []


def test_places_listed_side_by_side_in_a_table(nlp):
    assert spans(nlp, "Norfolk West Sussex Cumbria", "PLACE") == [
        ("Norfolk", "Norfolk"), ("West Sussex", "West Sussex"), ("Cumbria", "Cumbria")]


@pytest.mark.parametrize("text", [
    "a letter from the London Borough of Merton",  # a council's name, not "Borough of Merton"
    "the Leeds North Township committee",  # a listed place before a pattern place is still a name
])
def test_council_and_township_names(nlp, text):
    assert spans(nlp, text, "PLACE") == []


def test_place_in_brackets_after_a_person_stands_alone(nlp):
    assert spans(nlp, "Members: Cllr Ann Lee (Wigan), Cllr Raj Patel (Stockport)", "PLACE") == [
        ("Wigan", "Wigan"), ("Stockport", "Stockport")]


@pytest.mark.parametrize("text", [
    "crews will bury the cables along the verge",  # the verb, in lower case
    "support for GM localities and GM partners",  # "GM" is never a place
    "the Street Games programme",  # an ambiguous word inside a name
    "a Town Deal worth millions",  # an ambiguous word after no place word
])
def test_words_that_are_not_places(nlp, text):
    assert spans(nlp, text, "PLACE") == []


def test_place_naming_a_room_is_not_a_place(nlp):
    assert spans(nlp, "Venue: Mossley (Room 2), First Floor, Civic Centre, Bolton", "PLACE") == [
        ("Bolton", "Bolton")]
