"""Typed records passed between the pipeline stages.

Every stage is a function from records to new records; none mutates its input.  Character offsets
(`char_start`, `char_end`) always index `ParsedDocument.text`, the document's full text, so any fact
can be shown in context and traced to its page.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table", "cover_field", "page_furniture"]
SectionKind = Literal["body", "cover_sheet", "table", "front_matter"]
DocStatus = Literal["ok", "error", "encrypted", "no_text", "timeout", "unsupported"]


@dataclass(frozen=True)
class Block:
    """One unit of text as the reader found it, before sectioning.

    `rows` holds a table's cells (list of rows of cell strings) when `kind == "table"`; `text` is then
    the rows joined by tabs and newlines.  `level` is a heading level the reader knew from styles
    (DOCX `Heading 2` -> 2, PDF font size ranks), or None when only the text can tell.
    """

    kind: BlockKind
    text: str
    page: int
    level: int | None = None
    rows: tuple[tuple[str, ...], ...] | None = None
    style: str | None = None


@dataclass(frozen=True)
class PageInfo:
    """How one page was read: its characters kept, a reason when it gave no usable text (garbled_text,
    no_text_layer), warnings (ocr, furniture_dropped ...), and the OCR confidence (0-100) when OCR read it."""

    page: int
    n_chars: int = 0
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    source: str = "text"  # "text" (the file's own text layer) or "ocr"
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class RawDocument:
    """What a reader returns: blocks in reading order plus page furniture set apart.

    `warnings` are machine-readable codes of things the reader did to the text (pipeline/reasons.py).
    """

    format: str
    n_pages: int
    blocks: tuple[Block, ...]
    furniture: tuple[Block, ...] = ()
    title: str | None = None
    warnings: tuple[str, ...] = ()
    pages: tuple[PageInfo, ...] = ()


@dataclass(frozen=True)
class PlacedBlock:
    """A block with its character span in the document's full text."""

    block: Block
    char_start: int
    char_end: int


@dataclass(frozen=True)
class ParsedDocument:
    """A read document: full text and the placed blocks that make it up."""

    path: str
    format: str
    n_pages: int
    text: str
    blocks: tuple[PlacedBlock, ...]
    title: str | None = None
    warnings: tuple[str, ...] = ()
    pages: tuple[PageInfo, ...] = ()

    def page_at(self, offset: int) -> int:
        """Page holding character `offset` (the last block starting at or before it, in reading order)."""
        if not self.blocks:
            return 1
        before = bisect_right(self._start_bounds, offset)  # blocks before the first starting after offset
        return self.blocks[max(before - 1, 0)].block.page

    @cached_property
    def _start_bounds(self) -> list[int]:
        """Running maximum of the blocks' starts: sorted, so `page_at` can bisect it (called per entity)."""
        return list(accumulate((placed.char_start for placed in self.blocks), max))


@dataclass(frozen=True)
class Section:
    doc_id: str
    section_id: str
    ordinal: int
    parent_id: str | None
    heading: str | None
    heading_path: tuple[str, ...]
    level: int
    kind: SectionKind
    text: str
    page_start: int
    page_end: int
    char_start: int
    char_end: int
    rows: tuple[tuple[str, ...], ...] | None = None


@dataclass(frozen=True)
class Entity:
    doc_id: str
    section_id: str
    label: str
    text: str
    norm: str
    char_start: int
    char_end: int
    page: int
    source: str = "rule"
    flag: str | None = None


@dataclass(frozen=True)
class Recommendation:
    doc_id: str
    section_id: str
    text: str
    kind: Literal["recommendation", "resolution", "decision"]
    addressed_to: str | None
    char_start: int
    char_end: int
    page: int
    # approved | noted | agreed | endorsed | deferred | rejected | delegated | other (recommendations.yaml)
    outcome: str = "other"


@dataclass(frozen=True)
class CoverField:
    doc_id: str
    field: str
    value: str


@dataclass(frozen=True)
class Membership:
    doc_id: str
    section_id: str
    body: str
    member: str
    member_kind: Literal["body", "role", "person", "other"]
    page: int
    char_start: int | None = None
    char_end: int | None = None


@dataclass(frozen=True)
class SectionLabel:
    doc_id: str
    section_id: str
    principle_id: str
    framework: str
    score: float
    method: str
    evidence_text: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class MeetingPart:
    """One field of a page's meeting, the span of `documents.text` it was read from and the cue that read it.

    `value` is None where the cue shows the field is empty (a single-member decision has no meeting body).
    """

    value: str | None
    char_start: int
    char_end: int
    cue: str


@dataclass(frozen=True)
class Meeting:
    """The meeting a page records or goes to; the date is ISO, a month-only one kept as "YYYY-MM"."""

    body: MeetingPart | None = None
    date: MeetingPart | None = None
    title: MeetingPart | None = None

    def columns(self) -> dict[str, object]:
        """The meeting's `documents` columns by name (004_meeting.sql): date text, title, the span of each
        part in documents.text (NULL when the cue that read it has no place there) and the cues."""
        parts = {"body": self.body, "date": self.date, "title": self.title}
        columns: dict[str, object] = {
            "meeting_date_text": self.date.value if self.date else None,
            "meeting_title": self.title.value if self.title else None,
        }
        for name, part in parts.items():
            found = part is not None and part.char_start >= 0
            columns[f"meeting_{name}_start"] = part.char_start if found else None
            columns[f"meeting_{name}_end"] = part.char_end if found else None
        cues = [f"{name}: {part.cue}" for name, part in parts.items() if part]
        columns["meeting_source"] = "; ".join(cues) or None
        return columns


@dataclass(frozen=True)
class Extraction:
    entities: tuple[Entity, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    cover_fields: tuple[CoverField, ...] = ()
    memberships: tuple[Membership, ...] = ()
    meeting_body: str | None = None
    meeting_date: str | None = None
    title: str | None = None
    meeting: Meeting = field(default_factory=Meeting)


@dataclass(frozen=True)
class DocumentMeta:
    locality: str | None
    locality_source: str
    doc_type: str | None
    doc_type_source: str


@dataclass(frozen=True)
class DocumentResult:
    """Everything the worker learnt about one file; what the store writes in one transaction."""

    doc_id: str
    path: str
    filename: str
    sha256: str
    format: str
    status: DocStatus
    error: str | None = None
    n_pages: int = 0
    text: str = ""
    title: str | None = None
    meta: DocumentMeta | None = None
    sections: tuple[Section, ...] = ()
    extraction: Extraction = field(default_factory=Extraction)
    labels: tuple[SectionLabel, ...] = ()
    domain_rate: float | None = None  # health and care words per 1000 words; None when not classified
    principles_status: str | None = None  # assessed | health_sections | outside_domain | no_text; None: off
    timings: dict[str, float] = field(default_factory=dict)
    reason: str | None = None  # why the status is not ok (pipeline/reasons.py); None when ok
    warnings: tuple[str, ...] = ()
    pages: tuple[PageInfo, ...] = ()
    settings: str | None = None  # JSON of the settings that produced this result (retry when they change)
