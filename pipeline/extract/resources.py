"""Where the extractors' data files (patterns, tables, synonyms) live."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_path(name: str) -> Path:
    """Path of a data file shipped in `pipeline/data/`."""
    return DATA_DIR / name
