"""Document type from layout and wording cues (pipeline/locality.py infer_doc_type, data/doc_types.yaml)."""

import pytest

from pipeline.locality import doc_type_scores, infer_doc_type

PADDING = "\n\nThe paper sets out the background and the options considered.\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("Issue - decisions\n\nLeisure Centre Contract Award\n\n03/02/2021 - Leisure Centre Contract Award\n",
     "decision_record"),
    ("Decision details\n\nParking Charges Review\n\nDecision Maker: Cabinet Member for Transport\n"
     "Date of decision: 12/06/2019\n", "decision_record"),
    ("Borough Council - Record of Decision\n\nI, the Leader, in exercise of the powers delegated to me ...",
     "decision_record"),
    ("Agenda and minutes\n\nLicensing Committee - Monday, 2nd May, 2022 7.00 pm\n\nApologies for "
     "absence were "
     "received from Councillor Grey.\n", "minutes"),
    ("PLACE SCRUTINY PANEL\n\nPRESENT: Councillor A (Chair), Councillor B\n\nThe Panel considered a report.",
     "minutes"),
    ("Agenda item\n\nWinter Pressures Update\n\nMinutes:\n\nThe Committee received an update on winter.\n",
     "minutes"),
    ("Summons\n\nYou are hereby summoned to attend a meeting of the Council to be held on 1 March 2023.\n\n"
     "Agenda\n", "agenda"),
    ("Children's Partnership Board: Terms of Reference\n\nThe core membership comprises the Director of "
     "Children's Services and ... The meeting will be quorate when four members are "
     "present.", "terms_of_reference"),
    ("Subject: Stroke Pathway Review  Report to: Overview and Scrutiny Committee  Date: 2 March 2018\n"
     "1. Purpose of Report\n1.1 The purpose of this report is to ...", "board_paper"),
    ("Northvale Locality Plan 2017-2020\n\nForeword\n\nOur plan sets out how health and care will change.",
     "locality_plan"),
    ("Joint Carers Strategy 2022-2027\n\nOur vision is that every carer is recognised.\n", "strategy"),
    ("View all news\n\nHow one town joined up its care homes\n\nThis case study describes ...", "other"),
])
def test_types(text, expected):
    assert infer_doc_type(text + PADDING)[0] == expected


def test_no_cue_is_other():
    assert infer_doc_type("Some text about the weather in spring." + PADDING) == (
        "other", "inferred: no type cue strong enough")


def test_a_heading_cue_counts_only_near_the_start():
    late = "Introduction\n" + "Some words about the service. " * 30 + "\nIssue - decisions\n"
    assert doc_type_scores(late)["decision_record"] == 0
    assert doc_type_scores("Issue - decisions\n" + late)["decision_record"] == 5


def test_a_report_that_mentions_its_strategy_in_the_body_is_not_a_strategy():
    text = ("Report to: Cabinet  Date: 4 April 2022  Report of: Director of Place\n\n"
            "Purpose of Report\n\nThe report updates Cabinet on progress with the strategy agreed last year.")
    assert infer_doc_type(text)[0] == "board_paper"


def test_the_source_names_the_top_scores():
    kind, source = infer_doc_type("Agenda and draft minutes\n\nPRESENT: Councillor C\n")
    assert kind == "minutes"
    assert source.startswith("inferred from text cues (minutes 10, ")


def test_an_issue_meetings_page_is_minutes_when_it_narrates_and_a_decision_when_it_only_decides():
    narrated = ("Issue - meetings\n\nLibrary Opening Hours\n\nMeeting: 03/03/2020 - Cabinet (Item 7)\n\n"
                "The Cabinet Member for Culture introduced the report. "
                "The Cabinet discussed the proposals.\n")
    decided = ("Issue - meetings\n\nLibrary Opening Hours\n\nMeeting: 03/03/2020 - Cabinet (Item 7)\n\n"
               "1. That the revised opening hours be approved.\n")
    assert infer_doc_type(narrated)[0] == "minutes"
    assert infer_doc_type(decided)[0] == "decision_record"


def test_a_page_describing_a_board_is_its_terms_of_reference():
    text = ("Westvale Partnership Board\n\nThe Westvale Partnership Board brings together the council, "
            "the NHS "
            "and the voluntary sector.\n\n  • To provide oversight of the borough's shared plan\n")
    assert infer_doc_type(text)[0] == "terms_of_reference"
    assert infer_doc_type("The Board brings its annual report to the Council.\n" + PADDING)[0] == "other"


def test_a_forward_plan_title_is_a_strategy():
    assert infer_doc_type("Northern Counties Joint Forward Plan 2024 - 2029\n\nAbout us\n" + PADDING)[0] == \
        "strategy"


def test_a_paper_headed_report_of_an_officer_is_a_board_paper():
    text = ("Proposed Changes to Day Services\n\nReport of the Director of Adult Social Care\n\n"
            "1. Introduction\n\nThe purpose of this paper is to set out the changes.")
    assert infer_doc_type(text)[0] == "board_paper"
    scores = doc_type_scores("Introduction\n\nThe annual report of the coroner was published.")
    assert scores["board_paper"] == 0


def test_an_operating_model_or_consultation_response_is_other():
    model = ("Westmere Health and Care Partnership\n\nOperating Model 2023\n\nThis document describes how "
             "the partners will work together under our plan for health and care.")
    assert infer_doc_type(model + PADDING)[0] == "other"
    response = "Joint Engagement Response to the Draft Hospital Strategy\n"
    assert infer_doc_type(response + PADDING)[0] == "other"
    assert infer_doc_type("Draft Hospital Strategy 2024\n\nOur vision" + PADDING)[0] == "strategy"


def test_a_leaflet_reporting_what_cabinet_agreed_is_not_minutes():
    leaflet = ("Have your say on day centres\n\nThe review went to the Cabinet in March. "
               "At its meeting, Cabinet agreed to consult on the options." + PADDING)
    assert infer_doc_type(leaflet)[0] == "other"
    narrated = "Agenda item\n\nDay Centres\n\nThe Cabinet agreed to consult on the options." + PADDING
    assert infer_doc_type(narrated)[0] == "minutes"


def test_a_minutes_heading_and_a_tabbed_attendance_row():
    text = ("Northshire Carers Forum\n\nOPEN FORUM MEETING MINUTES\n\nDate\t\t4 June 2014\n"
            "Attendees\t\tA Person (Chair), B Person\n\n1.\tWelcome")
    assert infer_doc_type(text)[0] == "minutes"
    prose = "Northshire Carers Forum\n\nSee the minutes below for the detail.\n"
    assert doc_type_scores(prose)["minutes"] == 0


def test_an_nhs_cover_sheet_is_a_board_paper():
    text = ("Title of paper: Winter Resilience Plan\nPresented by: Chief Operating Officer\n"
            "Purpose: For approval\nRecommendation: The Board is asked to approve the plan.\n")
    assert infer_doc_type(text)[0] == "board_paper"
    assert doc_type_scores("The title of the paper was changed.\n")["board_paper"] == 0
