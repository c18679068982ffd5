"""Where the data files (patterns, gazetteers, vocabularies) live, and how the YAML ones are read."""

from __future__ import annotations

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
