"""Where the data files (patterns, gazetteers, vocabularies) live, and how the YAML ones are read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
# libyaml's loader when PyYAML was built with it: the same safe subset, read about ten times faster, which
# matters because every ingest run reads the extractors' YAML files before its workers start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_path(name: str) -> Path:
    """Path of a data file shipped in `pipeline/data/`."""
    return DATA_DIR / name


def read_yaml(name: str) -> Any:
    """The contents of a YAML data file in `pipeline/data/` (safe loading: plain data only)."""
    return yaml.load(data_path(name).read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
