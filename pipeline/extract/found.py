"""The one record every extractor returns: a labelled span of a section's text with its canonical form.

Offsets are relative to the text the extractor was given (a section); `extract_document` shifts them
to the document's full text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Found:
    label: str
    start: int
    end: int
    text: str
    norm: str
    flag: str | None = None
