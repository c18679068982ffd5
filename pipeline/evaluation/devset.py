"""The development set's pages (../shared/devset): page text without the provenance line.

Each devset page starts with `SOURCE: <address>` and a blank line.  They are provenance, not page text,
and are dropped before a page is ingested or trained on, so nothing is read from the address.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def page_text(source: str) -> str:
    """The published page without the devset's provenance line."""
    lines = source.splitlines(keepends=True)
    if lines and lines[0].startswith("SOURCE:"):
        lines = lines[2:] if len(lines) > 1 and not lines[1].strip() else lines[1:]
    return "".join(lines)


def devset_pages(devset: Path) -> Iterator[tuple[str, str]]:
    """(doc_id, page text) of every page of `devset/docs`, in name order."""
    for path in sorted((Path(devset) / "docs").glob("*.txt")):
        yield path.stem, page_text(path.read_text(encoding="utf-8"))
