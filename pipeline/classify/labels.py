"""Training labels: derive passage labels from the gold set, and read the label CSVs of `corpus/labels/`.

Gold rows (`gold_passages.csv`, columns `text,principle_id,label,doc_id`):
- every distinct evidence passage of a gold document is one text, positive for each principle that lists
  it and negative for every other principle (the gold labels were assigned once per passage, as a set);
- every other passage of the seed `.txt` (lines, long ones cut at sentence ends, as the classifier cuts
  sections) that overlaps no evidence passage is negative for every principle; passages that overlap
  evidence are left out (the evidence rows speak for them);
- except where a document's evidence for a principle reached the annotators' cap of 12 passages: weaker
  passages were then dropped, so no negative rows are written for that principle in that document.
Rows are written in document order, so consecutive passages of one doc_id can stand for a short paper.

Analyst rows (`*.csv` with `text,principle_id,label` and optionally `doc_id`, label 1 or 0) are read with
the gold rows; `review_<date>.csv` files from `icsdocs review import` are such files.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import IcsdocsError
from .codebook import load_codebooks
from .model import normalise, split_passages

GOLD_CSV = "gold_passages.csv"
FIELDS = ("text", "principle_id", "label", "doc_id")
EVIDENCE_CAP = 12
MIN_TEXT_CHARS = 25


class LabelError(IcsdocsError):
    """A label file is malformed."""


@dataclass(frozen=True)
class LabelRow:
    text: str
    principle_id: str
    label: int
    doc_id: str | None
    source: str


def _collapse_with_map(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed text and, for each of its characters, the offset in `text`."""
    chars: list[str] = []
    where: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            where.append(i - 1)
            pending_space = False
        chars.append(ch)
        where.append(i)
    return "".join(chars), where


def evidence_spans(seed_text: str, passage: str) -> list[tuple[int, int]]:
    """Spans of `seed_text` where `passage` occurs once whitespace is collapsed (case-sensitive)."""
    collapsed, where = _collapse_with_map(seed_text)
    needle = " ".join(passage.split())
    spans = []
    for m in re.finditer(re.escape(needle), collapsed):
        spans.append((where[m.start()], where[m.end() - 1] + 1))
    return spans


def gold_rows(
    gold_path: Path, seed_path: Path, principle_ids: list[str]
) -> list[tuple[int, str, dict[str, int]]]:
    """(offset, text, {principle_id: label}) for one gold document, in document order."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    seed = seed_path.read_text(encoding="utf-8")
    label_sets: dict[str, set[str]] = {}
    for pid, entry in gold["principles"].items():
        for passage in entry.get("evidence", []):
            label_sets.setdefault(passage, set()).add(pid)
    # Where the annotators hit the cap, weaker passages were dropped: other text is not a sure negative.
    capped = {pid for pid, entry in gold["principles"].items()
              if len(entry.get("evidence", [])) >= EVIDENCE_CAP}
    rows: list[tuple[int, str, dict[str, int]]] = []
    spans_labels: list[tuple[tuple[int, int], set[str]]] = []
    for passage, pids in label_sets.items():
        spans = evidence_spans(seed, passage)
        if not spans:
            raise LabelError(f"{gold_path.name}: evidence not found in {seed_path.name}: {passage[:60]!r}")
        spans_labels.extend((span, pids) for span in spans)
        labels = {p: int(p in pids) for p in principle_ids if p in pids or p not in capped}
        rows.append((spans[0][0], normalise(passage), labels))
    for start, end in split_passages(seed):
        text = normalise(seed[start:end])
        if len(text) < MIN_TEXT_CHARS or any(s < end and start < e for (s, e), _ in spans_labels):
            continue
        rows.append((start, text, {p: 0 for p in principle_ids if p not in capped}))
    rows.sort(key=lambda r: r[0])
    return rows


def build_labels_from_gold(gold_dir: Path | str, seeds_dir: Path | str, out_csv: Path | str) -> int:
    """Write the gold-derived passage labels to `out_csv`; return the number of rows written."""
    gold_dir, seeds_dir, out_csv = Path(gold_dir), Path(seeds_dir), Path(out_csv)
    principle_ids = [p.principle_id for p in load_codebooks()]
    gold_files = sorted(gold_dir.glob("*.json"))
    if not gold_files:
        raise LabelError(f"no gold *.json files in {gold_dir}")
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(out_csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        for gold_path in gold_files:
            doc_id = gold_path.stem
            seed_path = seeds_dir / f"{doc_id}.txt"
            if not seed_path.is_file():
                raise LabelError(f"{gold_path.name}: no seed text {seed_path}")
            for _, text, labels in gold_rows(gold_path, seed_path, principle_ids):
                for pid in principle_ids:
                    if pid in labels:
                        writer.writerow((text, pid, labels[pid], doc_id))
                        n += 1
    return n


def read_label_files(labels_dir: Path | str) -> list[LabelRow]:
    """Every row of every `*.csv` in `labels_dir`, in file then row order."""
    rows: list[LabelRow] = []
    for path in sorted(Path(labels_dir).glob("*.csv")):
        rows.extend(read_label_file(path))
    return rows


def read_label_file(path: Path) -> list[LabelRow]:
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "principle_id", "label"} - set(reader.fieldnames or ())
        if missing:
            raise LabelError(f"{path}: missing column(s) {sorted(missing)}; need text,principle_id,label")
        for n, rec in enumerate(reader, start=2):
            label = (rec["label"] or "").strip()
            if label not in {"0", "1"}:
                raise LabelError(f"{path}, line {n}: label must be 1 or 0, found {label!r}")
            text = normalise(rec["text"] or "")
            if not text:
                continue
            doc_id = (rec.get("doc_id") or "").strip() or None
            rows.append(LabelRow(text, rec["principle_id"].strip(), int(label), doc_id, path.name))
    return rows
