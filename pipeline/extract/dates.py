"""Explicit dates and month-years in board papers, normalised to ISO (`YYYY-MM-DD` or `YYYY-MM`).

UK day-first order.  What is skipped on purpose (the gold rules): bare years, financial years
("2021-22", "2022/23"), bare months ("in April", "Sept") and named days ("Christmas 2020").
Fractions and item numbers ("1/4 of the budget", "7/21", "£1/4") have two parts and never match.

Flags (`Found.flag`) say where the norm was not read straight off the page:
- `year_inferred`: day-month with no year, year taken from the paper's own date: with `reference` (a
  date), the year that puts the day nearest to it ("26 Nov" in a paper of 8 January 2021 is 2020-11-26;
  "20th May" in one of March 2022 is 2022-05-20), one whose weekday agrees preferred ("Monday 3 May");
  else `default_year`;
- `no_year`: day-month with no year and no `default_year`; norm is ISO's yearless `--MM-DD`;
- `two_digit_year`: "June 21" read as June 2021, "1/4/22" is not flagged (day and month are explicit);
- `month_first`: "12/25/2021" cannot be day-first, read month-first;
- `weekday_mismatch`: "Monday 8 June 2021" names the wrong weekday;
- `impossible_date`: "31/02/2021"; norm is empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pipeline.datafiles import read_yaml
from pipeline.extract import fast
from pipeline.extract.found import Found
from pipeline.textutil import alternation

ORDINAL = r"(?:\s?(?:st|nd|rd|th))"
# A day of the month not inside a number or a reference ("£12", "7/21", "3.5"); fast, written to open
# with a character class, so that `re` skips quickly to the digits (same matches).
DAY = fast.choose(r"\d(?<![\w£$/.:-]\d)\d?", r"(?<![\w£$/.:-])\d{1,2}")
DOT = r"\.?"


@dataclass(frozen=True)
class _Pattern:
    kind: str
    pattern: re.Pattern[str]  # what a match is
    # Finds where `pattern` can match, quickly: `pattern` without its leading optional weekday, written
    # to open with a literal or a character class (a leading optional group or look-behind makes `re`
    # try every position of the text).  `scan is pattern` when there is nothing to leave out.
    scan: re.Pattern[str]

    @property
    def weekday(self) -> bool:
        """A match may open with a weekday before where `scan` finds it."""
        return self.scan is not self.pattern

    @classmethod
    def plain(cls, kind: str, source: str) -> _Pattern:
        pattern = re.compile(source)
        return cls(kind, pattern, pattern)

    @classmethod
    def scanned(cls, kind: str, source: str, scan: str) -> _Pattern:
        """`source`, found by `scan` on the fast path (see `_matches`)."""
        pattern = re.compile(source)
        return cls(kind, pattern, fast.choose(re.compile(scan), pattern))

    @classmethod
    def after_weekday(cls, kind: str, weekday: str, source: str) -> _Pattern:
        return cls.scanned(kind, weekday + source, source)


@dataclass(frozen=True)
class _Tables:
    month_number: dict[str, int]
    weekday_number: dict[str, int]
    century: int
    patterns: tuple[_Pattern, ...]
    weekday_end: re.Pattern[str]  # a weekday name ending where the searched stretch ends
    longest_weekday: int
    # What the patterns need, tested first so that most texts skip most patterns (`re` scans quickly for
    # a pattern that opens with a literal or a character class): a month name, digits around a separator.
    needs: dict[str, re.Pattern[str]]


def _variants(words: list[str]) -> set[str]:
    """The words as written and in capitals ("June", "JUNE")."""
    return {w for word in words for w in (word, word.upper())}


def _alternation(words: list[str]) -> str:
    return alternation(_variants(words))


def _word_start_alternation(words: list[str], after: str = "") -> str:
    """`\\b(?:{_alternation(words)}){after}` (`fast.word_start_alternation`)."""
    return fast.word_start_alternation(_variants(words), after)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = read_yaml("months.yaml")
    month_number = {name.lower(): int(num) for num, names in data["months"].items() for name in names}
    weekday_number = {}
    for name in data["weekdays"]:
        for index, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        ):
            if full.startswith(name.lower()):
                weekday_number[name.lower()] = index
    # the first name of each month is its full name ("June." ends a sentence); the others take a dot ("Sept.")
    full = _alternation([names[0] for names in data["months"].values()])
    short = _alternation([n for names in data["months"].values() for n in names[1:]])
    mon = rf"(?:(?:{full})|(?:{short})\.?)"
    # `\b{mon}`, opening with the month names' first letters
    full_names = [names[0] for names in data["months"].values()]
    short_names = [n for names in data["months"].values() for n in names[1:]]
    word_mon = f"(?:{_word_start_alternation(full_names)}|{_word_start_alternation(short_names, DOT)})"
    weekday_alt = _alternation(data["weekdays"])
    wd = rf"(?:(?P<wd>{weekday_alt}),?\s+)?"
    year4 = r"(?P<y>(?:19|20)\d{2})(?![\d/-]\d|\d)"
    dmy = rf"(?P<d>{DAY}){ORDINAL}?\s+(?:of\s+)?(?P<m>{mon})(?:,?\s+{year4})?(?![A-Za-z0-9])"
    mdy = rf"\s+(?P<d>\d{{1,2}}){ORDINAL}?,?\s+{year4}"
    patterns = (
        # 20th-26th May 2021, 20 to 26 May: two dates sharing month and year
        _Pattern.plain(
            "day_range",
            rf"(?P<first>(?P<d1>{DAY}){ORDINAL}?)\s*(?:-|–|to|and|&)\s*(?P<d>\d{{1,2}}){ORDINAL}?\s+(?:of\s+)?"
            rf"(?P<m>{mon})(?:,?\s+{year4})?\b",
        ),
        # Monday 7 June 2021, 1st April 2022, 3rd of March 2022, 3 rd June, 26 Nov
        _Pattern.after_weekday("dmy", wd, dmy),
        # June 7, 2021; Monday, June 7 2021
        _Pattern.scanned("mdy", rf"{wd}\b(?P<m>{mon}){mdy}", rf"(?P<m>{word_mon}){mdy}"),
        # May 20th (ordinal required, else "June 21" is a month-year)
        _Pattern.plain("md", rf"(?P<m>{word_mon})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)\b"),
        # April 2022, Jan 2020
        _Pattern.plain("my", rf"(?P<m>{word_mon}),?\s+{year4}"),
        # June 21, Sep 19 (month + two-digit year)
        _Pattern.plain("myy", rf"(?P<m>{word_mon})\s+'?(?P<yy>\d{{2}})(?![\d:/.,]?\d|st|nd|rd|th)"),
        # 26/05/2021, 1/4/22; then 7.6.2021, 7-6-2021 (two patterns rather than two alternatives of one, so
        # that each opens with a character class; their matches cannot overlap)
        _Pattern.plain("numeric", rf"(?P<d>{DAY})/(?P<m>\d{{1,2}})/(?P<y>\d{{4}}|\d{{2}})(?![\w/]|[.,]\d)"),
        _Pattern.plain(
            "numeric",
            rf"(?P<d>{DAY})(?P<sep>[.-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>(?:19|20)\d{{2}})(?![\w.-]\d)",
        ),
        # ISO 2021-06-07; `(?<![\w-])` checked after the century digits, so that the pattern opens with them
        _Pattern.plain("iso", r"(?P<y>(?:19|20)(?<![\w-]\d\d)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])"),
    )
    # a flat alternation of literals: `re` jumps to their first letters
    has_month = re.compile(_alternation([name for names in data["months"].values() for name in names]))
    needs = {"day_range": has_month, "dmy": has_month, "mdy": has_month, "md": has_month, "my": has_month,
             "myy": has_month, "numeric": re.compile(r"\d[/.-]\d"), "iso": re.compile(r"\d-\d")}
    return _Tables(month_number, weekday_number, int(data.get("century", 2000)), patterns,
                   re.compile(rf"(?:{weekday_alt})\Z"), max(map(len, data["weekdays"])), needs)


def _month(tables: _Tables, text: str) -> int:
    return tables.month_number[text.rstrip(".").lower()]


def _nearest_year(reference: date, month: int, day: int, weekday: int | None) -> int | None:
    """The year within one of `reference`'s that puts month-day nearest to it (weekday agreeing, if named)."""
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            day_in_year = date(year, month, day)
        except ValueError:
            continue
        mismatch = weekday is not None and day_in_year.weekday() != weekday
        candidates.append((mismatch, abs((day_in_year - reference).days), year))
    return min(candidates)[2] if candidates else None


def _ymd(year: int | None, month: int, day: int | None, default_year: int | None,
         reference: date | None = None, weekday: int | None = None) -> tuple[str, str | None]:
    """ISO norm and flag for the parts read; an empty norm means the date cannot exist."""
    flag = None
    if day is None:
        return (f"{year:04d}-{month:02d}" if year else ""), None
    if year is None and reference is not None:
        default_year = _nearest_year(reference, month, day, weekday) or default_year
    if year is None:
        if default_year is None:
            try:
                date(2000, month, day)  # leap year: 29 Feb is possible
            except ValueError:
                return "", "impossible_date"
            return f"--{month:02d}-{day:02d}", "no_year"
        year, flag = default_year, "year_inferred"
    try:
        return date(year, month, day).isoformat(), flag
    except ValueError:
        return "", "impossible_date"


def _check_weekday(tables: _Tables, match: re.Match[str], norm: str, flag: str | None) -> str | None:
    weekday = match.groupdict().get("wd")
    if not weekday or len(norm) != 10 or norm.startswith("--"):
        return flag
    if date.fromisoformat(norm).weekday() != tables.weekday_number[weekday.lower()]:
        return "weekday_mismatch"
    return flag


def _read(kind: str, match: re.Match[str], tables: _Tables, default_year: int | None,
          reference: date | None = None) -> list[Found]:
    g = match.groupdict()
    text = match.group(0)
    start, end = match.start(), match.end()
    if kind == "numeric":
        day, month, year = int(g["d"]), int(g["m"]), int(g["y"])
        if len(g["y"]) == 2:
            year += tables.century
        flag = None
        if month > 12 and day <= 12:
            day, month, flag = month, day, "month_first"
        if month > 12 or day > 31 or month == 0 or day == 0:
            return []  # not a date at all (a ratio or a reference)
        norm, bad = _ymd(year, month, day, None)
        return [Found("DATE", start, end, text, norm, bad or flag)]
    if kind == "iso":
        norm, flag = _ymd(int(g["y"]), int(g["m"]), int(g["d"]), None)
        return [Found("DATE", start, end, text, norm, flag)] if 1 <= int(g["m"]) <= 12 else []
    month = _month(tables, g["m"])
    if kind == "myy":
        return [
            Found(
                "DATE", start, end, text, f"{tables.century + int(g['yy']):04d}-{month:02d}", "two_digit_year"
            )
        ]
    year = int(g["y"]) if g.get("y") else None
    if kind == "my":
        return [Found("DATE", start, end, text, f"{year:04d}-{month:02d}")]
    if int(g["d"]) == 0 or int(g["d"]) > 31:
        return []
    weekday = tables.weekday_number[g["wd"].lower()] if g.get("wd") else None
    norm, flag = _ymd(year, month, int(g["d"]), default_year, reference, weekday)
    flag = _check_weekday(tables, match, norm, flag)
    if kind != "day_range":
        return [Found("DATE", start, end, text, norm, flag)]
    first_norm, first_flag = _ymd(year, month, int(g["d1"]), default_year, reference)
    second_start = match.start("d")
    return [
        Found("DATE", start, match.end("first"), match.group("first"), first_norm, first_flag),
        Found("DATE", second_start, end, text[second_start - start :], norm, flag),
    ]


def _matches(tables: _Tables, spec: _Pattern, text: str) -> Iterator[re.Match[str]]:
    """`spec.pattern.finditer(text)`, found with `spec.scan`: the pattern is tried only where the scan
    finds its core, or at a weekday just before it.
    """
    if not spec.weekday:
        yield from spec.pattern.finditer(text)
        return
    floor = 0  # the end of the previous match: the next cannot start before it
    hit = spec.scan.search(text)
    while hit:
        start = _weekday_start(tables, text, floor, hit.start())
        match = spec.pattern.match(text, start) or spec.pattern.match(text, hit.start())
        if match:
            yield match
            floor = match.end()
            hit = spec.scan.search(text, floor)
        else:
            hit = spec.scan.search(text, hit.start() + 1)


def _weekday_start(tables: _Tables, text: str, floor: int, start: int) -> int:
    """Where a weekday naming the date at `start` begins ("Monday 7 June", "Monday, June 7"), else `start`;
    never before `floor`.
    """
    end = start
    while end > floor and text[end - 1].isspace():  # str.isspace is re's \s
        end -= 1
    if end == start:
        return start
    if end > floor and text[end - 1] == ",":
        end -= 1
    weekday = tables.weekday_end.search(text, max(floor, end - tables.longest_weekday), end)
    return weekday.start() if weekday else start


# Texts whose date matches are kept: `extract_document` looks for the paper's own date in its first sections
# (`find_dates` without a year) and then reads every section with it, the first ones again.
DATE_MATCH_CACHE = 32


@lru_cache(maxsize=DATE_MATCH_CACHE)
def _date_matches(text: str) -> tuple[tuple[int, str, re.Match[str]], ...]:
    """(priority, kind, match) of every match of the date patterns in `text`, in pattern order: what
    `find_dates` reads, whatever the year it gives a date without one."""
    tables = _tables()
    present = {need: need.search(text) is not None for need in set(tables.needs.values())}
    found = []
    for priority, spec in enumerate(tables.patterns):
        if fast.worth(present[tables.needs[spec.kind]]):
            found.extend((priority, spec.kind, match) for match in _matches(tables, spec, text))
    return tuple(found)


def find_dates(text: str, *, default_year: int | None, reference: date | None = None) -> list[Found]:
    """Every explicit date and month-year in `text`, in text order, without overlaps.

    A day-month with no year takes its year from `reference` (the paper's own date) when given, else it is
    `default_year` (see the module's notes on `year_inferred`).

    Longer readings win over shorter ones at the same place ("Monday 7 June 2021" over "June 2021").

    >>> [f.norm for f in find_dates("On 1st April 2022 and from October 2021", default_year=None)]
    ['2022-04-01', '2021-10']
    """
    tables = _tables()
    candidates: list[tuple[int, int, int, list[Found]]] = []
    for priority, kind, match in _date_matches(text):
        found = _read(kind, match, tables, default_year, reference)
        if found:
            candidates.append((match.start(), match.end(), priority, found))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[2]))
    result: list[Found] = []
    taken_end = -1
    for start, end, _priority, found in candidates:
        if start < taken_end:
            continue
        result.extend(found)
        taken_end = end
    return result
