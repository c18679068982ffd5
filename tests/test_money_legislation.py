import pytest

from pipeline.extract.legislation import find_legislation
from pipeline.extract.money import find_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a £1.2m saving", [("£1.2m", "1200000")]),
        ("£250k recurrent", [("£250k", "250000")]),
        ("a £3.5 billion fund", [("£3.5 billion", "3500000000")]),
        ("£45,000 a year", [("£45,000", "45000")]),
        ("£6bn¹ for the NHS", [("£6bn", "6000000000")]),
        ("£5 Million grant", [("£5 Million", "5000000")]),
        ("costs £1,234.56.", [("£1,234.56", "1234.56")]),
        ("between £3m-£4m", [("£3m", "3000000"), ("£4m", "4000000")]),
    ],
)
def test_money(text, expected):
    assert [(f.text, f.norm) for f in find_money(text)] == expected


@pytest.mark.parametrize("text", ["£1/4 of it", "1.2m people", "45,000 residents", "$300"])
def test_not_money(text):
    assert find_money(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("under the Health and Care Act 2022.", [("Health and Care Act 2022", "Health and Care Act 2022")]),
        (
            "the Care Act 2014 and Local Government Act 1972",
            [("Care Act 2014", "Care Act 2014"), ("Local Government Act 1972", "Local Government Act 1972")],
        ),
        ("the 2021 Health and Care Bill including", [("Health and Care Bill", "Health and Care Bill")]),
        ("a Section 75 agreement", [("Section 75", "section 75")]),
        ("pooled via s75 and S.256", [("s75", "section 75"), ("S.256", "section 256")]),
        ("the White Paper proposes", [("White Paper", "White Paper")]),
        (
            "'Integration and Innovation: working together' White Paper",
            [
                (
                    "'Integration and Innovation: working together' White Paper",
                    "Integration and Innovation: working together White Paper",
                )
            ],
        ),
        ("the Mental Health Act 1983 applies", [("Mental Health Act 1983", "Mental Health Act 1983")]),
    ],
)
def test_legislation(text, expected):
    assert [(f.text, f.norm) for f in find_legislation(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "as set out in section 7.1",
        "the Section 151 Officer",
        "Bill Smith attended",
        "Cllr Bill Jones",
        "Following the Act",
        "The Act requires",
        "section 75.3 of this report",
    ],
)
def test_not_legislation(text):
    assert find_legislation(text) == []
