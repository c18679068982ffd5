import pytest

from pipeline.extract.recommendations import find_recommendations, outcome_of
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


# --- Lead-ins, item grammar and outcomes (rules in pipeline/data/recommendations.yaml) ---------------------


def outcomes(text, heading=None):
    return [(r.text, r.outcome) for r in run(text, heading)]


def test_a_qualified_label_opens_a_lead_in():
    text = "Officer decision:\n\n1. That the tender for grounds maintenance be awarded to the lowest bidder."
    assert rows(text) == [
        ("That the tender for grounds maintenance be awarded to the lowest bidder.", "decision", None)
    ]
    assert rows("Cabinet resolution: to adopt the revised parking charges from 1 April.") == [
        ("to adopt the revised parking charges from 1 April.", "resolution", None)
    ]


def test_a_qualified_label_with_a_cover_sheet_value_is_no_item():
    assert rows("Key decision: No\nWards affected: All") == []
    assert rows("Key decision: Yes - the spend exceeds the threshold for two wards") == []


def test_hereby_lead_in_of_a_decision_record():
    text = (
        "I, the Portfolio Holder for Housing, in exercise of my delegated powers do hereby:\n\n"
        "(a) Agree the allocations policy for sheltered housing\n"
        "(b) Defer the review of garage rents to the autumn\n\n"
        "Reasons for the decision:\n\n- Demand for sheltered flats has risen sharply since 2019"
    )
    assert rows(text) == [
        ("Agree the allocations policy for sheltered housing", "decision", None),
        ("Defer the review of garage rents to the autumn", "decision", None),
    ]


def test_hereby_in_an_ordinary_sentence_opens_nothing():
    text = "The Council hereby gives notice that the meeting will be held in the Guildhall.\n- Item one here"
    assert rows(text) == []


def test_a_verb_in_the_lead_in_gives_items_without_one_their_outcome():
    text = (
        "I, Leader of the Council, do hereby approve the:\n"
        "1. purchase of two electric refuse vehicles;\n2. lease of the depot at Mill Lane."
    )
    assert outcomes(text) == [
        ("purchase of two electric refuse vehicles;", "approved"),
        ("lease of the depot at Mill Lane.", "approved"),
    ]


def test_the_board_agreed_lead_in():
    text = (
        "The Joint Scrutiny Panel agreed:\n"
        "- to write to the ambulance trust about handover delays;\n"
        "- to receive a further update in March.\n"
    )
    assert rows(text) == [
        ("to write to the ambulance trust about handover delays;", "decision", None),
        ("to receive a further update in March.", "decision", None),
    ]


def test_agreed_inside_a_sentence_is_not_a_lead_in():
    assert rows("The Joint Scrutiny Panel agreed that the item was urgent.\n- Handover delays") == []


def test_considered_a_recommendation_that_opens_a_list():
    text = (
        "Cabinet considered a recommendation that –\n"
        "(i) the library opening hours be extended on Saturdays;\n"
        "(ii) the cost be met from reserves."
    )
    assert rows(text) == [
        ("the library opening hours be extended on Saturdays;", "recommendation", None),
        ("the cost be met from reserves.", "recommendation", None),
    ]


def test_flattened_numbered_items_after_is_asked_to_are_split():
    text = (
        "4. Recommendations 4.1 The Licensing Committee is asked to: 4.1.1 adopt the revised taxi policy "
        "4.1.2 delegate fee setting to the Head of Regulatory Services 4.1.3 note the consultation responses"
    )
    assert rows(text) == [
        ("adopt the revised taxi policy", "recommendation", "Licensing Committee"),
        ("delegate fee setting to the Head of Regulatory Services", "recommendation", "Licensing Committee"),
        ("note the consultation responses", "recommendation", "Licensing Committee"),
    ]


def test_one_inline_item_after_is_asked_to_keeps_its_numbers_and_loses_a_page_number():
    text = "SUMMARY: The Overview Panel is asked to: Approve the 12 month work plan and 2025 budget 14"
    assert rows(text) == [
        ("Approve the 12 month work plan and 2025 budget", "recommendation", "Overview Panel")
    ]


def test_a_number_after_a_reference_word_is_kept():
    assert rows("Recommendation: The Trust Board is asked to: approve option 2") == [
        ("approve option 2", "recommendation", "Trust Board")
    ]


def test_resolution_grammar_paragraph_without_a_lead_in():
    text = (
        "12 Air quality action plan\n"
        "1. That the draft air quality action plan be published for consultation.\n"
        "2. That authority be delegated to the Director of Place to make minor changes.\n"
        "The Committee heard from the air quality officer."
    )
    assert rows(text) == [
        ("That the draft air quality action plan be published for consultation.", "resolution", None),
        ("That authority be delegated to the Director of Place to make minor changes.", "resolution", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "That is to be expected given the weather.",
        "That we agree a single front door is to be welcomed by all partners.",
        "That group, to be chaired by the lead GP, will meet monthly.",
        "That the hospital has been rebuilt is a credit to the trust.",
    ],
)
def test_not_resolution_grammar(text):
    assert rows(text) == []


def test_a_motion_and_its_tail_clause():
    text = (
        "It was moved and seconded that the ward boundaries in the Appendix be adopted by Council, the main "
        "changes being:\n- two wards merged in the north"
    )
    assert rows(text) == [
        (
            "It was moved and seconded that the ward boundaries in the Appendix be adopted by Council",
            "resolution",
            None,
        )
    ]


def test_the_standing_declarations_line_is_no_item_but_other_asks_are():
    text = (
        "Members of the Licensing Sub-Committee are asked to consider whether they have a disclosable "
        "pecuniary interest "
        "in any item.\nCouncillors are reminded to declare any interests at the start of the item.\n"
        "Members are asked to consider the three options for the bus station."
    )
    assert rows(text) == [
        ("Members are asked to consider the three options for the bus station.", "recommendation", "Members")
    ]


def test_a_narrative_paragraph_under_decisions_ends_the_lead_in():
    text = (
        "Decisions:\n\nThe Panel received a presentation from the Head of Waste on recycling rates.\n\n"
        "The paper set out three options for:\n\n- weekly food waste\n- fortnightly glass\n\n"
        "RESOLVED – That the fortnightly glass collection be piloted in two wards."
    )
    assert rows(text) == [
        ("That the fortnightly glass collection be piloted in two wards.", "resolution", None)
    ]


def test_a_plain_decision_paragraph_under_decisions_is_an_item():
    assert rows("Decisions:\n\nThe Panel approved the revised charter for tenants.") == [
        ("The Panel approved the revised charter for tenants.", "decision", None)
    ]


def test_names_listed_under_an_item_are_not_items_but_clauses_are():
    text = (
        "RESOLVED:\n1. That the following schools be designated for the pilot:-\n"
        "· Hill Top Primary\n· Oak Lane Academy\n"
        "Ashfield Partnership to comprise the following schools:\n· Ashfield Juniors\n"
        "2. That the report be noted."
    )
    assert rows(text) == [
        ("That the following schools be designated for the pilot", "resolution", None),
        ("That the report be noted.", "resolution", None),
    ]
    clauses = (
        "RESOLVED:\n1. That the pilot proceed on these terms:-\n"
        "· each school nominates one governor to the steering group\n"
        "· the pilot is evaluated by the university after one year"
    )
    assert [text for text, _, _ in rows(clauses)] == [
        "That the pilot proceed on these terms",
        "each school nominates one governor to the steering group",
        "the pilot is evaluated by the university after one year",
    ]


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("That the revised fees be approved.", "approved"),
        ("Ratify the decision taken under urgency.", "approved"),
        ("That Councillor Ahmed be appointed Vice-Chair.", "approved"),
        ("To note the quarterly performance report.", "noted"),
        ("The update was received.", "noted"),
        ("Agrees to hold a workshop in the spring.", "agreed"),
        ("That agreement be given to the joint protocol.", "agreed"),
        ("That the carers strategy be endorsed.", "endorsed"),
        ("Supports the bid to the levelling up fund.", "endorsed"),
        ("That consideration of the item be deferred to the next meeting.", "deferred"),
        ("That the application be refused.", "rejected"),
        ("That the proposal not be approved.", "rejected"),
        ("The Board is asked not to agree the extension.", "rejected"),
        ("That authority be delegated to the Chief Executive.", "delegated"),
        ("Delegated authority to the Director of Finance to sign the lease.", "delegated"),
        ("That the Monitoring Officer be authorised to seal the deed.", "delegated"),
        ("The Board is invited to endorse the plan and to note the risks.", "endorsed"),
        ("That the report submitted, which the Cabinet agreed in May, be noted.", "noted"),
        ("The establishment of a youth forum.", "other"),
        ("It is recommended that the Health Scrutiny Panel note the winter plan.", "noted"),
        ("The Audit Committee is recommended to review and approve the accounts.", "approved"),
        ("The Audit Committee is asked to note and approve the accounts.", "noted"),
        ("The purchase of two refuse vehicles and an approved supplier list.", "other"),
        ("That the Sub-Committee Grant the licence subject to conditions.", "approved"),
        ("Will comment on the draft by Friday.", "other"),
    ],
)
def test_outcome_from_the_verb(text, outcome):
    assert outcome_of(text) == outcome


def test_outcome_falls_back_to_the_lead_in_then_other():
    assert outcome_of("The establishment of a youth forum.", "approved") == "approved"
    assert outcome_of("That the youth forum be noted.", "approved") == "noted"
    assert outcome_of("The establishment of a youth forum.") == "other"


def test_outcome_is_on_each_recommendation():
    assert outcomes("RESOLVED:\n(1) That the report be noted.\n(2) That the budget be not approved.") == [
        ("That the report be noted.", "noted"),
        ("That the budget be not approved.", "rejected"),
    ]


def test_agreed_to_and_resolved_to_labels():
    text = "Agreed to:\n1. Refer the parking review to the Place Scrutiny Panel.\n2. Publish the survey."
    assert rows(text) == [
        ("Refer the parking review to the Place Scrutiny Panel.", "decision", None),
        ("Publish the survey.", "decision", None),
    ]
    assert rows("Resolved to:\n- adopt the tree planting charter") == [
        ("adopt the tree planting charter", "resolution", None)
    ]


def test_a_reported_request_for_a_decision():
    text = "The Leader spoke. The Executive were asked to adopt the housing strategy. Debate followed."
    assert rows(text) == [("The Executive were asked to adopt the housing strategy.", "recommendation", None)]
    assert rows("Governors were asked to share the survey with parents.") == []


def test_numbered_decisions_of_a_body_and_their_lettered_parts():
    text = (
        "1. The Harbour Board approved the dredging contract for the outer channel.\n"
        "2. The Harbour Board endorsed the marina masterplan, including:\n"
        "a) a new slipway for the lifeboat station and visiting yachts next spring;\n"
        "b) moorings for forty small fishing boats on the east quay.\n"
        "3. Members asked about the cost of the slipway.\n"
        "The Harbour Board noted that visitor numbers had fallen.\n"
    )
    assert rows(text) == [
        ("The Harbour Board approved the dredging contract for the outer channel.", "decision", None),
        ("The Harbour Board endorsed the marina masterplan, including:", "decision", None),
        ("a new slipway for the lifeboat station and visiting yachts next spring;", "decision", None),
        ("moorings for forty small fishing boats on the east quay.", "decision", None),
    ]
    assert outcomes(text)[1][1] == "endorsed"


def test_parts_of_a_numbered_decision_end_at_prose():
    text = (
        "- The Schools Forum agreed the funding formula below:\n"
        "- a lump sum of £120,000 for each primary school\n"
        "Officers then presented the next item.\n"
        "- a reading scheme was also discussed by members at length"
    )
    assert [r[0] for r in rows(text)] == [
        "The Schools Forum agreed the funding formula below:",
        "a lump sum of £120,000 for each primary school",
    ]


def test_it_is_recommended_that_colon_is_a_lead_in_and_wrapped_bullets_are_joined():
    text = (
        "It is recommended that:\n\n"
        "\uf0b7 The depot is relocated to the business park once the\n\n"
        "lease on the current site has expired. Staff were consulted in May.\n\n"
        "\uf0b7 A review of vehicle routes is carried out.\n\n"
        "Background\n\nhistory of the depot site"
    )
    assert rows(text) == [
        (
            "The depot is relocated to the business park once the\n\nlease on the current site has expired.",
            "recommendation",
            None,
        ),
        ("A review of vehicle routes is carried out.", "recommendation", None),
    ]


def test_unbulleted_lower_case_items_stay_apart():
    text = "The Board is asked to:\nnote the report\napprove the plan"
    assert [r[0] for r in rows(text)] == ["note the report", "approve the plan"]


def test_capitalised_decisions_of_nhs_board_minutes():
    text = (
        "Finance report. The Trust Board NOTED the month 6 position and APPROVED the capital plan.\n"
        "APPROVED MINUTES\n"
        "RATIFIED the appointment of two consultant radiologists.\n"
        "The Quality Committee noted the report."
    )
    assert rows(text) == [
        ("The Trust Board NOTED the month 6 position and APPROVED the capital plan.", "decision", None),
        ("RATIFIED the appointment of two consultant radiologists.", "decision", None),
    ]
    assert [o for _, o in outcomes(text)] == ["noted", "approved"]


def test_a_body_and_a_colon_opens_a_list_of_decisions_only():
    text = (
        "The Finance Committee:\n- noted the month 8 forecast;\n- approved the treasury strategy;\n"
        "- Officers to circulate the report\n- deferred the estates item"
    )
    assert rows(text) == [
        ("noted the month 8 forecast;", "decision", None),
        ("approved the treasury strategy;", "decision", None),
    ]
    terms = "The Board:\n- meets every two months in public\n- is chaired by the Leader of the Council"
    assert rows(terms) == []
    assert rows("Background:\n- the hospital opened in 1974") == []


def test_that_the_body_colon_under_recommendations_names_the_addressee():
    text = (
        "Recommendation(s)\nThat the Cabinet:\n(a) approves the fees and charges for 2025/26;\n"
        "(b) notes the consultation feedback;\n(c) the new fees be published in March.\n\n"
        "Reasons for recommendation(s)\nThe fees have not risen since 2019."
    )
    assert [(r.text, r.kind, r.addressed_to, r.outcome) for r in run(text)] == [
        ("approves the fees and charges for 2025/26;", "recommendation", "Cabinet", "approved"),
        ("notes the consultation feedback;", "recommendation", "Cabinet", "noted"),
        ("the new fees be published in March.", "recommendation", "Cabinet", "other"),
    ]


def test_it_is_recommended_that_body_colon_with_paragraph_numbered_items():
    text = (
        "7. RECOMMENDATIONS\n7.1 It is recommended that Cabinet:\n7.1.1 Approves the draft budget.\n"
        "7.1.2 Notes the savings proposals at Appendix B.\n7.2 The budget is balanced.\n"
        "8. REASONS FOR RECOMMENDATIONS\n8.1 The Council must set a balanced budget."
    )
    assert rows(text) == [
        ("Approves the draft budget.", "recommendation", "Cabinet"),
        ("Notes the savings proposals at Appendix B.", "recommendation", "Cabinet"),
    ]
    assert rows("It is recommended that the new depot opens in spring, as set out below:") == [
        ("It is recommended that the new depot opens in spring, as set out below:", "recommendation", None)
    ]


def test_outcome_of_a_named_decision_maker():
    assert outcome_of("The Cabinet Member for Adult Social Care approved the award of the contract.") == (
        "approved"
    )


def test_a_tab_after_the_item_marker_is_layout():
    text = "RESOLVED – That:\n\n1.\tthe report be noted;\n2.\tthe plan be approved.\n\nItem\tOwner\tDate"
    assert rows(text) == [
        ("the report be noted;", "resolution", None),
        ("the plan be approved.", "resolution", None),
    ]


def test_inline_parts_nested_in_a_numbered_resolution_stay_in_it():
    text = (
        "RESOLVED – (1) That the scheme be adopted, with (a) a review in May and (b) a report to Cabinet; "
        "(2) That the cost be met from reserves."
    )
    assert [r[0] for r in rows(text)] == [
        "That the scheme be adopted, with (a) a review in May and (b) a report to Cabinet",
        "That the cost be met from reserves.",
    ]


def test_unbulleted_decisions_that_open_with_a_past_tense_verb_continue_the_list():
    text = (
        "Decisions:\nApproved the refreshed carers strategy.\n"
        "Delegated authority to the Director of Housing to finalise the lease.\n"
        "Noted the risks to the winter plan.\n"
        "Officers would circulate the slides after the meeting."
    )
    assert [(r.text, r.outcome) for r in run(text)] == [
        ("Approved the refreshed carers strategy.", "approved"),
        ("Delegated authority to the Director of Housing to finalise the lease.", "delegated"),
        ("Noted the risks to the winter plan.", "noted"),
    ]
