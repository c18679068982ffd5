from pipeline.extract.cover import read_cover_sheet
from pipeline.records import Section


def section(text="", rows=None, kind="cover_sheet", ordinal=0):
    return Section("d", f"s{ordinal}", ordinal, None, None, (), 1, kind, text, 1, 1, 0, len(text), rows)


def fields(cover):
    return [(f.field, f.value) for f in cover.fields]


def test_rows_with_pairs_and_tick_boxes():
    rows = (
        ("Meeting: Strategic Commissioning Board", "", "", ""),
        ("Meeting Date", "07 June 2021", "Action", "Consider"),
        ("Item No", "7a", "Confidential / Freedom of Information Status", "No"),
        ("Title", "Update on GM ICS Transition"),
        ("Presented By", "Geoff Little, Chief Executive Bury Council"),
        ("Links to Strategic Objectives/Corporate Plan", "Choose an item."),
        ("Are there any financial implications?", "Yes", "☐", "No", "☐", "N/A", "☒"),
        ("Are there any legal implications?", "Yes", "☒", "No", "☐", "N/A", "☐"),
        ("Meeting", "Date", "Outcome"),
    )
    cover = read_cover_sheet("d", [section(rows=rows)])
    assert fields(cover) == [
        ("meeting", "Strategic Commissioning Board"),
        ("meeting_date", "07 June 2021"),
        ("action", "Consider"),
        ("item_no", "7a"),
        ("confidential", "No"),
        ("title", "Update on GM ICS Transition"),
        ("presented_by", "Geoff Little, Chief Executive Bury Council"),
        ("financial_implications", "N/A"),
        ("legal_implications", "Yes"),
    ]
    assert (cover.meeting_body, cover.meeting_date, cover.title) == (
        "Strategic Commissioning Board",
        "2021-06-07",
        "Update on GM ICS Transition",
    )


def test_text_lines_tabs_html_boxes_and_colons():
    text = (
        "Date of Meeting\t14 October 2021\nReport Title: Winter Plan 2021/22\nReport Author: Jo Bloggs\n"
        'Are there any financial implications?\tYes\t<input type="checkbox"/>\tNo\t'
        '<input checked="" type="checkbox"/>\n'
        "Is an equality impact assessment required? Yes ☐ No ☐ N/A ☒\n"
        "Note: this is body text\n"
    )
    cover = read_cover_sheet("d", [section(text=text, kind="body")])
    assert fields(cover) == [
        ("meeting_date", "14 October 2021"),
        ("title", "Winter Plan 2021/22"),
        ("author", "Jo Bloggs"),
        ("financial_implications", "No"),
        ("eia_required", "N/A"),
    ]
    assert cover.meeting_date == "2021-10-14"


def test_report_of_byline_and_no_cover():
    cover = read_cover_sheet(
        "d", [section(text="Report of the Corporate Director and Deputy Chief Executive", kind="body")]
    )
    assert fields(cover) == [("report_of", "the Corporate Director and Deputy Chief Executive")]
    assert (cover.meeting_body, cover.meeting_date, cover.title) == (None, None, None)


def test_late_body_sections_are_not_cover():
    sections = [section(text="Intro", kind="body", ordinal=i) for i in range(3)]
    sections.append(section(text="Title: not a cover field", kind="body", ordinal=3))
    assert read_cover_sheet("d", sections).fields == ()
