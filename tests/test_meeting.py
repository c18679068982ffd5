"""Meeting body, date and title read from page layout and grammar (pipeline/extract/meeting.py)."""

import pytest

from pipeline.extract.meeting import BodyMention, find_meeting


def _fields(text, bodies=()):
    meeting = find_meeting(text, bodies)
    return tuple(part.value if part else None for part in (meeting.body, meeting.date, meeting.title))


def _mention(text, name):
    start = text.index(name)
    return BodyMention(start, start + len(name), name)


@pytest.mark.parametrize(("text", "expected"), [
    ("Agenda and minutes\n\nAudit and Governance Committee - Tuesday, 7th March, 2023 10.00 am\n\n"
     "Venue: Council Chamber, Guildhall\n",
     ("Audit and Governance Committee", "2023-03-07", None)),
    ("Agenda\n\nAdult Social Care Scrutiny Panel\nMonday, 2nd October, 2017 2.00 pm\n\nVenue: Room 4\n",
     ("Adult Social Care Scrutiny Panel", "2017-10-02", None)),
    ("SCRUTINY COMMISSION\n\nTHURSDAY, 9 FEBRUARY 2012\n\n(2.00 p.m. - 3.10 p.m.)\n",
     ("SCRUTINY COMMISSION", "2012-02-09", None)),
    ("{meta} Agenda for Corporate Parenting Board on Thursday, 11 July 2019, 4.00 pm\n\nAgenda\n",
     ("Corporate Parenting Board", "2019-07-11", None)),
    ("Minutes of the meeting of the Children's Trust Partnership held at County Hall on 3 December 2014\n",
     ("Children's Trust Partnership", "2014-12-03", None)),
    ("MINUTES of a meeting of the Pensions Committee held remotely on Tuesday, 4 May 2021 at 10am\n",
     ("Pensions Committee", "2021-05-04", None)),
    ("Minutes of the Public Board meeting held on Wednesday 6 March 2019 at Kingsway House\n",
     ("Public Board", "2019-03-06", None)),
    ("Notes of meeting\nMinutes of Meeting held on Monday 14th October 2019 at the Town Hall\n",
     (None, "2019-10-14", None)),
])
def test_meeting_headings(text, expected):
    assert _fields(text) == expected


def test_a_month_only_date_is_kept_as_a_month():
    text = "Minutes of the meeting of the Safeguarding Adults Board held on November 2018\n"
    assert _fields(text) == ("Safeguarding Adults Board", "2018-11", None)


def test_moderngov_issue_page_gives_the_meeting_and_the_item_title():
    text = ("Issue - meetings\n\nApproval of the Carers Strategy 2024-2027\n\n"
            "Meeting: 14/05/2024 - Health Scrutiny Committee (Item 12)\n\n12 Approval of the Carers "
            "Strategy\n")
    title = "Approval of the Carers Strategy 2024-2027"
    assert _fields(text) == ("Health Scrutiny Committee", "2024-05-14", title)


def test_a_dated_decision_title_under_issue_decisions_is_a_single_member_decision():
    text = ("Issue - decisions\n\nDisposal of the Old Library Site\n\n"
            "22/09/2016 - Disposal of the Old Library Site\n\nThe Executive Member for Resources "
            "approved ...")
    meeting = find_meeting(text)
    assert (meeting.body.value, meeting.date.value, meeting.title.value) == (
        None, "2016-09-22", "Disposal of the Old Library Site")
    assert meeting.body.cue == "moderngov dated decision title"


def test_decision_record_labels():
    text = ("Decision details\n\nHome Care Framework Extension\n\nDecision Maker: Adults and Health "
            "Cabinet Member\n"
            "\nDecision status: Approved\n\nPublication date: 09/01/2020\n\nDate of decision: 06/01/2020\n")
    expected = ("Adults and Health Cabinet Member", "2020-01-06", "Home Care Framework Extension")
    assert _fields(text) == expected


def test_a_decided_at_meeting_line_beats_the_decision_maker_label():
    text = ("Decision Maker: Housing Panel\n\nDate of decision: 10/10/2018\n\n"
            "Decided at meeting: 11/10/2018 - Housing and Communities Panel\n")
    assert _fields(text) == ("Housing and Communities Panel", "2018-10-11", None)


def test_run_together_cover_sheet():
    text = ("3 Subject: Falls Prevention Service Status: For Publication Report to: Adult Care "
            "Scrutiny Committee "
            "Date: 12 September 2016 Report of: Director of Adult Services Author: A Person")
    assert _fields(text) == ("Adult Care Scrutiny Committee", "2016-09-12", "Falls Prevention Service")


def test_board_name_run_into_its_date_label():
    text = ("2 North Riding Care Partnership Board Date: 8 May 2019 Subject: Winter Plan Report of: "
            "Chief Officer")
    assert _fields(text) == ("North Riding Care Partnership Board", "2019-05-08", "Winter Plan")


def test_a_lower_case_subject_in_site_chrome_is_no_title():
    text = "subject: winter plan update · download pdf\n\nSome text about the winter plan."
    assert _fields(text) == (None, None, None)


def test_record_of_decision_names_its_body_in_brackets():
    text = "Agenda item\n\nReport of the Director\n\nBorough Council - Record of Decision (Executive Board)\n"
    assert _fields(text)[0] == "Executive Board"


def test_resolved_that_the_body_takes_the_body_entity_there():
    text = ("Agenda item\n\nDementia Friendly City\n\nRESOLVED: That the Northfield Health and "
            "Wellbeing Board:\n")
    bodies = [_mention(text, "Northfield Health and Wellbeing Board")]
    assert _fields(text, bodies) == ("Northfield Health and Wellbeing Board", None, "Dementia Friendly City")


def test_resolved_that_without_a_body_entity_there_gives_no_body():
    text = "Agenda item\n\nBudget Monitoring\n\nRESOLVED: That the report be noted.\n"
    assert _fields(text) == (None, None, "Budget Monitoring")


def test_a_bare_board_as_subject_stands_for_the_pages_board():
    text = "Agenda item\n\nChildren's Partnership Board Annual Report\n\nThe Board noted the annual report."
    bodies = [_mention(text, "Children's Partnership Board")]
    assert _fields(text, bodies)[0] == "Children's Partnership Board"


def test_a_bare_council_as_subject_is_the_council_but_a_bare_board_alone_is_nothing():
    assert _fields("To agree the calendar of meetings.\nCouncil considered a report on the calendar.")[0] == \
        "Council"
    assert _fields("To note the update.\nThe Board noted the update.")[0] is None


def test_a_heading_caught_by_layout_that_is_no_body_is_dropped():
    text = "Agenda and minutes\nMonday, 3rd April, 2017 6.00 pm\n"
    assert _fields(text)[0] is None


def test_the_first_of_two_meetings_is_recorded():
    text = ("Housing Committee - Monday, 5th June, 2023 6.00 pm\n\n"
            "Planning Committee - Tuesday, 6th June, 2023 6.00 pm\n")
    assert _fields(text)[:2] == ("Housing Committee", "2023-06-05")


def test_a_previous_meeting_deep_in_the_page_does_not_count():
    text = "Agenda item\n\nApologies\n\n" + "Some business. " * 80 + (
        "\nMinutes of the meeting of the Licensing Committee held on 3 March 2020 were agreed.\n")
    assert _fields(text)[:2] == (None, None)


def test_spans_index_the_text():
    text = "Agenda and minutes\n\nLicensing Sub-Committee - Friday, 1st July, 2022 10.00 am\n"
    meeting = find_meeting(text)
    assert text[meeting.body.char_start:meeting.body.char_end] == "Licensing Sub-Committee"
    assert text[meeting.date.char_start:meeting.date.char_end] == "Friday, 1st July, 2022"


def test_ingest_stores_the_meeting_with_its_spans_and_a_month_only_date(tmp_path):
    from pipeline.ingest import ingest
    from pipeline.store import run_query

    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Agenda item\n\nWinter Plan\n\nMinutes of the meeting of the Eastfield Scrutiny Board held on "
        "October 2021\n\nThe Board noted the winter plan.\n", encoding="utf-8")
    (folder / "b.txt").write_text(
        "Agenda and minutes\n\nWestbrook Health Board - Friday, 8th April, 2022 2.00 pm\n\nPRESENT: "
        "A Person\n",
        encoding="utf-8")
    (folder / "c.txt").write_text(
        "Title: Lettings Policy Review\n\nDecision Maker: Cabinet Member for Housing\n\n"
        "Date of decision: 14/02/2023\n\n"
        "The Cabinet Member approved the lettings policy.\n", encoding="utf-8")
    db = tmp_path / "db.duckdb"
    ingest([folder], db_path=db, workers=1, timeout=60, classify=False)
    _, rows = run_query(db, "SELECT filename, meeting_body, meeting_date, meeting_date_text, meeting_title, "
                            "substr(text, meeting_body_start + 1, meeting_body_end - meeting_body_start), "
                            "substr(text, meeting_date_start + 1, meeting_date_end - meeting_date_start), "
                            "meeting_source, doc_type FROM documents ORDER BY filename")
    a, b, c = rows
    assert (c[1], c[3], c[4]) == (None, "2023-02-14", "Lettings Policy Review")  # the cover's title
    assert c[7].startswith("body: cover sheet: decision by a post holder")
    assert a[:7] == ("a.txt", "Eastfield Scrutiny Board", None, "2021-10", "Winter Plan",
                     "Eastfield Scrutiny Board", "October 2021")
    assert str(b[2]) == "2022-04-08"
    assert b[3:6] == ("2022-04-08", None, "Westbrook Health Board")
    assert b[7] == "body: moderngov heading; date: moderngov heading"
    assert b[8] == "minutes"


def test_a_report_heading_names_the_meeting_then_its_month_first_date():
    text = "Eastshire Joint Commissioning Board Meeting\nMarch 3rd 2019\nReport of: Chief Officer\n"
    assert _fields(text)[:2] == ("Eastshire Joint Commissioning Board", "2019-03-03")
    not_a_heading = "Eastshire Joint Commissioning Board\nMarch 3rd 2019 was a busy day.\n"
    assert _fields(not_a_heading)[:2] == (None, None)


def test_a_decision_maker_that_is_a_post_is_a_single_member_decision():
    text = "Decision Maker: Executive Member for Children's Services\n\nDate of decision: 02/11/2021\n"
    meeting = find_meeting(text)
    assert (meeting.body.value, meeting.date.value) == (None, "2021-11-02")
    assert _fields("Decision Maker: Joint Waste Committee\n\nDate of decision: 02/11/2021\n")[0] == \
        "Joint Waste Committee"


def test_a_committee_of_a_council_is_the_committee():
    text = ("MINUTES of the meeting of the Finance Committee of Northport Town Council held in the Guildhall "
            "on "
            "Monday 4th March 2019 at 7pm.\n")
    assert _fields(text)[:2] == ("Finance Committee", "2019-03-04")
    text = "MINUTES of the meeting of the Friends of Riverside Park held on Monday 4th March 2019.\n"
    assert _fields(text)[0] == "Friends of Riverside Park"


def test_a_bare_board_meeting_in_public_stands_for_the_pages_board():
    text = ("Riverside Community NHS Trust Minutes of the Board Meeting in Public Thursday 6 June 2019 "
            "Members: ... The Riverside Community Trust Board thanked the staff.")
    bodies = [_mention(text, "Riverside Community Trust Board")]
    assert _fields(text, bodies)[:2] == ("Riverside Community Trust Board", "2019-06-06")
    assert _fields(text)[:2] == (None, "2019-06-06")


def test_a_named_body_as_the_subject_of_a_decision_verb():
    text = "Agenda item\n\nCarers Hub\n\n1.  The Eastmoor Health and Wellbeing Board noted the proposals.\n"
    bodies = [_mention(text, "Eastmoor Health and Wellbeing Board")]
    assert _fields(text, bodies)[0] == "Eastmoor Health and Wellbeing Board"
    text = "Agenda item\n\nCarers Hub\n\n1.  The Eastmoor Health and Wellbeing Board will meet in May.\n"
    assert _fields(text, [_mention(text, "Eastmoor Health and Wellbeing Board")])[0] is None


def test_members_of_a_bare_cabinet():
    assert _fields("Agenda item\n\nLibraries\n\nThe report asked Cabinet Members to agree the plan.")[0] == \
        "Cabinet"
    lower_case = "Agenda item\n\nLibraries\n\nThe report asked cabinet members to agree the plan."
    assert _fields(lower_case)[0] is None


def test_a_dated_line_is_a_meeting_only_with_its_label_or_item_number():
    assert _fields("Background papers\n\n12/03/2021 - Budget Monitoring Report\n")[:2] == (None, None)
    assert _fields("Background papers\n\n12/03/2021 - Overview and Scrutiny Board (Item 9)\n")[:2] == (
        "Overview and Scrutiny Board", "2021-03-12")


def test_a_publication_or_review_date_is_no_meeting_date():
    text = "Policy on home adaptations\n\nPublication date: 4 May 2021\n\nReview date: 4 May 2024\n"
    assert _fields(text)[1] is None
    assert _fields("Report to: Cabinet Date: 4 May 2021 Author: A Person")[:2] == ("Cabinet", "2021-05-04")


def test_a_tabbed_cover_table_names_the_meeting_and_its_date():
    text = ("OPEN FORUM MEETING MINUTES\n\nTitle of Meeting\t\tNorthshire Carers Forum Meeting\n"
            "Date\t\t4th June 2014\nPlace\t\tTown Library\n")
    assert _fields(text)[:2] == ("Northshire Carers Forum", "2014-06-04")
    assert _fields("Review date\t\t4th June 2014\n")[1] is None


def test_a_body_as_subject_must_be_the_whole_subject():
    text = ("The Northshire Carers Trust Limited working across the county supported by the council\n\n"
            "Agenda item\n")
    assert _fields(text, [_mention(text, "Northshire Carers Trust Limited")])[0] is None


def test_a_name_broken_over_two_lines_keeps_its_span():
    text = "Minutes of the meeting of the Northshire Schools\nForum held on 2 May 2018\n"
    meeting = find_meeting(text)
    assert meeting.body.value == "Northshire Schools Forum"
    assert text[meeting.body.char_start:meeting.body.char_end] == "Northshire Schools\nForum"


@pytest.mark.parametrize(("text", "expected"), [
    ("MINUTES OF THE MEETING OF THE CORPORATE PARENTING PANEL HELD ON THURSDAY 12 MARCH 2020 AT 2PM\n",
     ("CORPORATE PARENTING PANEL", "2020-03-12")),
    ("ADOPTION PANEL\n\nMINUTES of the meeting held on 12 March 2020 at 2.00 pm\n\nPRESENT: A Person\n",
     ("ADOPTION PANEL", "2020-03-12")),
    ("Council of Governors Meeting in Public\nMinutes of the meeting held on Thursday 5 May 2022, Hall\n",
     ("Council of Governors", "2022-05-05")),
    ("Item 7\nNorthshire Clinical Commissioning Group\nGoverning Body\nMeeting date: 7 January 2020\n",
     ("Governing Body", "2020-01-07")),
    ("Overview\nThe Committee\nDate: 12 March 2020\n", (None, "2020-03-12")),
    ("Welcome to the\nMinutes of the meeting held on 12 March 2020\n", (None, "2020-03-12")),
])
def test_a_body_heading_above_the_minutes_line_or_date_label(text, expected):
    assert _fields(text)[:2] == expected


def test_an_item_page_without_a_title_line_has_no_title():
    assert _fields("Agenda item\n\n\n\nThe Director presented the item and gave an overview;\n")[2] is None
    assert _fields("Issue - meetings\n\n\nMeeting: 01/12/2015 - Schools Forum (Item 3)\n")[2] is None
    assert _fields("Agenda item\n\nSchool Place Planning\n\nThe Director presented the item.\n")[2] == \
        "School Place Planning"


@pytest.mark.parametrize(("text", "expected"), [
    ("Minutes of Licensing Committee meeting, 3 May 2022\n", ("Licensing Committee", "2022-05-03")),
    ("Meeting of Schools Forum, Tuesday 4 May 2021 10.00 am\n", ("Schools Forum", "2021-05-04")),
    ("Minutes of a meeting of the Northshire Integrated Care Board held in public at 10.00am on "
     "Wednesday 5 April 2023 at Civic Offices\n", ("Northshire Integrated Care Board", "2023-04-05")),
    ("Minutes of the meeting of the Audit Committee held. The next meeting is on 2 May 2018\n", (None, None)),
])
def test_more_minutes_and_meeting_lines(text, expected):
    assert _fields(text)[:2] == expected


GATE_PAGES = [
    "Northfield Scrutiny Panel - Thursday, 9th March, 2023 7.00 pm\nVenue: Council Chamber",
    "Report to: Eastmoor Health Partnership Board Date: 12 October 2022\nSubject: Winter plan",
    "Minutes of the meeting of the Lakeside Licensing Committee held in the Town Hall on 3 May 2019",
    "Item 4\nThe Panel noted the update. RESOLVED - that the Eastmoor Health Partnership Board agrees.",
    "A short note about the weather with no meeting in it at all.",
]


@pytest.mark.parametrize("page", GATE_PAGES)
def test_cue_gates_change_no_reading(page, monkeypatch):
    """A cue skipped by its gate could not have matched: the same meeting as with every gate open."""
    import dataclasses

    from pipeline.extract import meeting
    from pipeline.extract.fast import OPEN

    name = "Eastmoor Health Partnership Board"
    start = page.find(name)
    bodies = [BodyMention(start, start + len(name), name)] if start >= 0 else []
    gated = find_meeting(page, bodies)
    rules = meeting._rules()
    open_rules = dataclasses.replace(rules, cues=tuple(dataclasses.replace(c, gate=OPEN) for c in rules.cues))
    monkeypatch.setattr(meeting, "_rules", lambda: open_rules)
    assert find_meeting(page, bodies) == gated


def test_cue_gate_skips_a_page_without_its_words():
    from pipeline.extract.meeting import _rules

    report_to = next(c for c in _rules().cues if c.name == "report to")
    assert report_to.gate.allows("Report to: Cabinet", "report to: cabinet")
    assert not report_to.gate.allows("Presented to Cabinet", "presented to cabinet")
