from datetime import date

import pytest

from pipeline.extract.dates import find_dates


def norms(text, default_year=None):
    return [(f.text, f.norm, f.flag) for f in find_dates(text, default_year=default_year)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Meeting Date\t07 June 2021", [("07 June 2021", "2021-06-07", None)]),
        ("from 1/4/22 onwards", [("1/4/22", "2022-04-01", None)]),
        ("Governing Body 26/05/2021", [("26/05/2021", "2021-05-26", None)]),
        ("from 1st April 2022", [("1st April 2022", "2022-04-01", None)]),
        ("on the 3rd of March 2022", [("3rd of March 2022", "2022-03-03", None)]),
        ("Leeds Place Board, Thursday 14 October 2021.", [("Thursday 14 October 2021", "2021-10-14", None)]),
        ("Monday 8 June 2021", [("Monday 8 June 2021", "2021-06-08", "weekday_mismatch")]),
        ("signed June 7, 2021", [("June 7, 2021", "2021-06-07", None)]),
        ("ISO 2021-06-07 stamp", [("2021-06-07", "2021-06-07", None)]),
        ("go live in April 2022", [("April 2022", "2022-04", None)]),
        ("in JUNE 2021", [("JUNE 2021", "2021-06", None)]),
        ("Jan 2020 and Sep 19", [("Jan 2020", "2020-01", None), ("Sep 19", "2019-09", "two_digit_year")]),
        (
            "October 2021 to end March 2022",
            [("October 2021", "2021-10", None), ("March 2022", "2022-03", None)],
        ),
        (
            "workshops 20th-26th May 2021",
            [("20th", "2021-05-20", None), ("26th May 2021", "2021-05-26", None)],
        ),
        ("published 26 Nov¹", [("26 Nov", "--11-26", "no_year")]),
        ("12/25/2021", [("12/25/2021", "2021-12-25", "month_first")]),
        ("31/02/2021", [("31/02/2021", "", "impossible_date")]),
    ],
)
def test_dates(text, expected):
    assert norms(text) == expected


def test_day_month_takes_the_papers_year_and_says_so():
    assert norms("Locality Board - 20th May; 3 rd June", 2021) == [
        ("20th May", "2021-05-20", "year_inferred"),
        ("3 rd June", "2021-06-03", "year_inferred"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "in 2021",
        "the 2021-22 plan",
        "budget for 2022/23",
        "in April",
        "by end of June",
        "Sept",
        "Christmas 2020",
        "section 75 agreement",
        "costs £1/4",
        "version v1.3",
        "item 7/21",
        "call 0161 474 3174",
        "1/4 of the budget",
        "we may 2021 review",
        "paragraph 3.10.12",
        "32/13/2021",
        "para 7.1.2 refers",
    ],
)
def test_not_dates(text):
    assert norms(text) == []


def test_sentence_full_stop_is_not_part_of_a_date():
    assert norms("Strategic Commissioning Board – 7th June. Then Sept. 2021 and 3 Jan. 2022", 2021) == [
        ("7th June", "2021-06-07", "year_inferred"),
        ("Sept. 2021", "2021-09", None),
        ("3 Jan. 2022", "2022-01-03", None),
    ]


# --- year of a day-month taken from the paper's own date (nearest to it, weekday agreeing) -----------------

@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # a paper of early January citing a late-November publication: the November before
        ("the consultation closed on 29 Nov", "2023-01-12", "2022-11-29"),
        # a paper of March announcing a May workshop: the May after, same year
        ("a workshop on 14th May", "2023-03-02", "2023-05-14"),
        # a December paper planning a January go-live: next year
        ("go live on 9 January", "2019-12-05", "2020-01-09"),
        # the weekday decides when it names one: Tuesday 2 May is 2023, not 2022 (a Monday)
        ("Tuesday 2 May at the Town Hall", "2022-11-30", "2023-05-02"),
        # 29 February only exists in a leap year within reach
        ("on 29 February", "2023-08-01", "2024-02-29"),
    ],
)
def test_day_month_takes_the_year_nearest_the_reference(text, reference, expected):
    from datetime import date

    found = find_dates(text, default_year=None, reference=date.fromisoformat(reference))
    assert [(f.norm, f.flag) for f in found] == [(expected, "year_inferred")]


def test_reference_never_changes_an_explicit_year():
    from datetime import date

    found = find_dates("on 29 Nov 2019 and 3 March 2024", default_year=None, reference=date(2023, 1, 12))
    assert [(f.norm, f.flag) for f in found] == [("2019-11-29", None), ("2024-03-03", None)]


def test_reference_date_of_a_paper():
    from datetime import date

    from pipeline.extract import _Chunk, _reference_date
    from pipeline.records import Section

    def chunk(text):
        section = Section(doc_id="d", section_id="s", ordinal=0, parent_id=None, heading=None,
                          heading_path=(), level=0, kind="body", text=text, page_start=1, page_end=1,
                          char_start=0, char_end=len(text))
        return _Chunk(section, 0, text)

    body = [chunk("Response published 3 February 2022, citing the Act of 1 April 2013 and 26 Nov.")]
    # the cover sheet's meeting date wins; a month-year stands for the middle of its month
    assert _reference_date("2021-06-07", body) == date(2021, 6, 7)
    assert _reference_date("2021-06", body) == date(2021, 6, 15)
    # else the first full date in the text, not the earliest one (papers cite older dates)
    assert _reference_date(None, body) == date(2022, 2, 3)
    assert _reference_date(None, [chunk("No dates here at all.")]) is None


def test_a_text_read_again_with_a_year_takes_that_year():
    """The matches of a text are kept (the paper's own date is looked for first), never what was read."""
    text = "On 3 March and 1 April 2022"
    assert [(f.norm, f.flag) for f in find_dates(text, default_year=None)] == [
        ("--03-03", "no_year"), ("2022-04-01", None)]
    assert [(f.norm, f.flag) for f in find_dates(text, default_year=2020)] == [
        ("2020-03-03", "year_inferred"), ("2022-04-01", None)]
    assert [(f.norm, f.flag) for f in find_dates(text, default_year=None, reference=date(2023, 2, 1))] == [
        ("2023-03-03", "year_inferred"), ("2022-04-01", None)]
