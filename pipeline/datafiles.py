"""Where the data files (patterns, gazetteers, vocabularies) live, and how the YAML ones are read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import DataFileError

DATA_DIR = Path(__file__).resolve().parent / "data"
# libyaml's loader when PyYAML was built with it: the same safe subset, read about ten times faster, which
# matters because every ingest run reads the extractors' YAML files before its workers start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_path(name: str) -> Path:
    """Path of a data file shipped in `pipeline/data/`."""
    return DATA_DIR / name


def read_yaml(name: str) -> Any:
    """The contents of a YAML data file in `pipeline/data/` (safe loading: plain data only).

    A malformed file is a DataFileError naming the file and line, not a parser traceback."""
    path = data_path(name)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataFileError(f"{where}: {problem}. Fix that line of the data file (YAML: quote a value "
                            "that holds ': ').") from None


def read_lines(name: str) -> list[str]:
    """The lines of a word-list data file, stripped; blank lines and `#` comments left out."""
    lines = (line.strip() for line in data_path(name).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def read_csv_rows(name: str, *, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV data file (values stripped, blank lines skipped) keyed by its header.

    A header without a `required` column, a row with more cells than the header, or a row whose required
    cell is empty is a DataFileError naming the file and line: a typo must not drop a row unseen."""
    import csv

    path = data_path(name)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in required if column not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(f"{path}:1: the header lacks the column(s) {', '.join(missing)}. Fix the "
                                "first line of the data file.")
        return [_checked_row(path, reader.line_num, row, required) for row in reader]


def _checked_row(path: Path, line: int, row: dict, required: tuple[str, ...]) -> dict[str, str]:
    if None in row:
        raise DataFileError(f"{path}:{line}: more cells than the header names (quote a value that holds a "
                            "comma). Fix that line of the data file.")
    values = {key: (value or "").strip() for key, value in row.items()}
    empty = [column for column in required if not values[column]]
    if empty:
        raise DataFileError(f"{path}:{line}: no {', '.join(empty)}. Fix that line of the data file.")
    return values


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """The objects of a JSON-lines data file; blank lines and `#` comments left out.  A line that is not
    a JSON object is a DataFileError naming the file and line."""
    import json

    path = data_path(name)
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(f"{path}:{number}: not JSON ({exc.msg}). Fix that line of the data file.") \
                from None
        if not isinstance(row, dict):
            raise DataFileError(f"{path}:{number}: not a JSON object. Fix that line of the data file.")
        rows.append(row)
    return rows


def compile_pattern(pattern: str, name: str, where: str, flags: int = 0) -> re.Pattern[str]:
    """A regular expression from a data file, or a DataFileError naming the file and the entry."""
    try:
        return re.compile(pattern, flags)
    except (re.error, TypeError) as exc:
        raise DataFileError(f"{data_path(name)}: {where}: not a regular expression ({exc}). Fix that "
                            "entry of the data file.") from None
