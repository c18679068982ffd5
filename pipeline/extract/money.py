"""MONEY: sterling amounts normalised to a plain decimal number of pounds ("£1.2m" → "1200000")."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from pipeline.datafiles import read_yaml
from pipeline.extract.found import Found
from pipeline.textutil import alternation


@lru_cache(maxsize=1)
def _rules() -> tuple[re.Pattern[str], dict[str, int]]:
    multipliers = read_yaml("money.yaml")["multipliers"]
    units = alternation(multipliers, spaces=False)
    pattern = re.compile(
        r"£[ \t]?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?"
        rf"(?:[ \t]?(?P<unit>(?i:{units}))(?![A-Za-z]))?(?![\d/])"
    )
    return pattern, {unit.lower(): value for unit, value in multipliers.items()}


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def find_money(text: str) -> list[Found]:
    """Every £ amount in `text`; "£1/4" (a fraction) is skipped.

    >>> [f.norm for f in find_money("a £3.5 billion fund and £45,000 a year")]
    ['3500000000', '45000']
    """
    pattern, multipliers = _rules()
    found = []
    for match in pattern.finditer(text):
        if text[match.end() : match.end() + 1] == "/" or (match.group("dec") or "").count(".") > 1:
            continue
        amount = Decimal(match.group("num").replace(",", "") + (match.group("dec") or ""))
        unit = match.group("unit")
        if unit:
            amount *= multipliers[unit.lower()]
        found.append(Found("MONEY", match.start(), match.end(), match.group(0), _plain(amount)))
    return found
