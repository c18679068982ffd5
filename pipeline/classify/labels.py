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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import IcsdocsError
from .codebook import load_codebooks
from .model import normalise, split_passages

GOLD_CSV = "gold_passages.csv"
DEVSET_CSV = "devset_passages.csv"
# Label files derived from annotated documents: their rows form cross-validation groups by doc_id.
GROUPED_CSVS = frozenset({GOLD_CSV, DEVSET_CSV})
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
    return text_rows(gold, seed_path.read_text(encoding="utf-8"), principle_ids, gold_path.name)


def capped_principles(gold: dict) -> set[str]:
    """Principles whose evidence list reached the annotators' cap: other text is not a sure negative."""
    return {pid for pid, entry in gold["principles"].items()
            if len(entry.get("evidence", [])) >= EVIDENCE_CAP}


def text_rows(gold: dict, text: str, principle_ids: list[str], name: str
              ) -> list[tuple[int, str, dict[str, int]]]:
    """(offset, passage, {principle_id: label}) of one annotated document's `text`, in document order."""
    label_sets: dict[str, set[str]] = {}
    for pid, entry in gold["principles"].items():
        for passage in entry.get("evidence", []):
            label_sets.setdefault(passage, set()).add(pid)
    capped = capped_principles(gold)
    rows: list[tuple[int, str, dict[str, int]]] = []
    spans_labels: list[tuple[tuple[int, int], set[str]]] = []
    for passage, pids in label_sets.items():
        spans = evidence_spans(text, passage)
        if not spans:
            raise LabelError(f"{name}: evidence not found in the text: {passage[:60]!r}")
        spans_labels.extend((span, pids) for span in spans)
        labels = {p: int(p in pids) for p in principle_ids if p in pids or p not in capped}
        rows.append((spans[0][0], normalise(passage), labels))
    for start, end in split_passages(text):
        passage = normalise(text[start:end])
        if len(passage) < MIN_TEXT_CHARS or any(s < end and start < e for (s, e), _ in spans_labels):
            continue
        rows.append((start, passage, {p: 0 for p in principle_ids if p not in capped}))
    rows.sort(key=lambda r: r[0])
    return rows


def write_rows(out_csv: Path, documents: Iterable[tuple[str, dict, str]]) -> int:
    """Write the passage labels of (doc_id, gold, text) documents to `out_csv`; return the row count."""
    principle_ids = [p.principle_id for p in load_codebooks()]
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(out_csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        for doc_id, gold, text in documents:
            for _, passage, labels in text_rows(gold, text, principle_ids, doc_id):
                for pid in principle_ids:
                    if pid in labels:
                        writer.writerow((passage, pid, labels[pid], doc_id))
                        n += 1
    return n


def gold_documents(gold_dir: Path | str, seeds_dir: Path | str) -> list[tuple[str, dict, str]]:
    """(doc_id, gold, seed text) of every gold document (`../shared/gold` with its seed texts)."""
    gold_files = sorted(Path(gold_dir).glob("*.json"))
    if not gold_files:
        raise LabelError(f"no gold *.json files in {gold_dir}")
    out = []
    for gold_path in gold_files:
        seed_path = Path(seeds_dir) / f"{gold_path.stem}.txt"
        if not seed_path.is_file():
            raise LabelError(f"{gold_path.name}: no seed text {seed_path}")
        out.append((gold_path.stem, json.loads(gold_path.read_text(encoding="utf-8")),
                    seed_path.read_text(encoding="utf-8")))
    return out


def devset_documents(devset: Path | str) -> list[tuple[str, dict, str]]:
    """(doc_id, gold, page text) of every devset page (its SOURCE line dropped by `evaluation.devset`)."""
    from ..evaluation.devset import devset_pages

    out = []
    for doc_id, text in devset_pages(Path(devset)):
        gold_path = Path(devset) / "gold" / f"{doc_id}.json"
        if not gold_path.is_file():
            raise LabelError(f"{doc_id}: no gold file {gold_path}")
        out.append((doc_id, json.loads(gold_path.read_text(encoding="utf-8")), text))
    if not out:
        raise LabelError(f"no devset pages under {devset}/docs")
    return out


def build_labels_from_gold(gold_dir: Path | str, seeds_dir: Path | str, out_csv: Path | str) -> int:
    """Write the gold-derived passage labels to `out_csv`; return the number of rows written."""
    return write_rows(Path(out_csv), gold_documents(gold_dir, seeds_dir))


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


SECTION_FIELDS = ("doc_id", "ordinal", "kind", "heading", "heading_path", "text", "evidence", "unknown")
EVIDENCE_FIELDS = ("doc_id", "principle_id", "passage")
PATH_SEP = " > "


def write_sections(out_dir: Path | str, name: str, documents: Iterable[tuple[str, dict, str]]) -> int:
    """Write `<name>_sections.csv` (every section as the project's sectioner cuts the text, with the
    principles whose gold evidence it holds) and `<name>_evidence.csv` (the gold evidence passages) to
    `out_dir`, so training and its cross-validation need nothing outside the repository."""
    import tempfile

    from ..evaluation.principles import section_gold, seed_sections

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = [p.principle_id for p in load_codebooks()]
    n = 0
    with open(out_dir / f"{name}_sections.csv", "w", newline="", encoding="utf-8") as sec_handle, \
            open(out_dir / f"{name}_evidence.csv", "w", newline="", encoding="utf-8") as ev_handle, \
            tempfile.TemporaryDirectory() as tmp:
        sections_out, evidence_out = csv.writer(sec_handle), csv.writer(ev_handle)
        sections_out.writerow(SECTION_FIELDS)
        evidence_out.writerow(EVIDENCE_FIELDS)
        for doc_id, gold, text in documents:
            path = Path(tmp) / f"{doc_id}.txt"
            path.write_text(text, encoding="utf-8")
            _, sections = seed_sections(path)
            holds = section_gold(gold, [s.text for s in sections], ids)
            unknown = ";".join(sorted(capped_principles(gold)))
            for section, row in zip(sections, holds, strict=True):
                evidence = ";".join(pid for pid, held in zip(ids, row, strict=True) if held)
                sections_out.writerow((doc_id, section.ordinal, section.kind, section.heading or "",
                                       PATH_SEP.join(section.heading_path), section.text, evidence, unknown))
                n += 1
            for pid in ids:
                for passage in gold["principles"].get(pid, {}).get("evidence", []):
                    evidence_out.writerow((doc_id, pid, passage))
    return n
