"""Score principle labels against the gold set, from the database or from sections in memory.

A section addresses a principle when it holds one of that principle's gold evidence passages: both
strings have `**` / `*` emphasis removed and whitespace collapsed, then the passage must be a substring of
the section text.  A document addresses a principle when the gold says `present`.  Documents match gold
files by filename stem, so `002_dd004184d169712a.pdf` and `002_dd004184d169712a.docx` both match
`002_dd004184d169712a.json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..records import ParsedDocument, Section
from .entities import load_gold


def match_key(text: str) -> str:
    return " ".join(text.replace("**", "").replace("*", "").split())


def gold_stem(doc_id: str, filename: str | None = None) -> str:
    """The gold stem of a document: its filename (or doc_id) without the extension."""
    return Path(filename or doc_id).stem


def section_gold(gold: dict, section_texts: Sequence[str], ids: Sequence[str]) -> np.ndarray:
    """(n_sections, n_principles) bool: does the section hold one of the principle's evidence passages."""
    keys = [match_key(t) for t in section_texts]
    out = np.zeros((len(keys), len(ids)), dtype=bool)
    for j, pid in enumerate(ids):
        for passage in gold["principles"].get(pid, {}).get("evidence", []):
            needle = match_key(passage)
            for i, key in enumerate(keys):
                if needle in key:
                    out[i, j] = True
    return out


def parse_seed(seed_path: Path) -> ParsedDocument:
    """The seed document through the project's reader; the plain-text lines if no reader can take it."""
    from ..errors import DocumentError
    from ..read import place_blocks, read_document
    from ..records import Block, RawDocument

    try:
        return read_document(seed_path)
    except (ImportError, DocumentError):
        blocks = []
        for line in seed_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                kind = "list_item" if line.lstrip().startswith(("- ", "• ")) else "paragraph"
                blocks.append(Block(kind=kind, text=line.strip(), page=1))
        return place_blocks(str(seed_path), RawDocument(format="text", n_pages=1, blocks=tuple(blocks)))


def seed_sections(seed_path: Path) -> tuple[ParsedDocument, tuple[Section, ...]]:
    from ..sections import build_sections

    parsed = parse_seed(seed_path)
    return parsed, build_sections(seed_path.stem, parsed)


def _prf(pred: np.ndarray, gold: np.ndarray) -> dict:
    tp, fp, fn = int(np.sum(pred & gold)), int(np.sum(pred & ~gold)), int(np.sum(~pred & gold))
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = float(np.mean(pred == gold)) if len(gold) else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "accuracy": round(accuracy, 3), "tp": tp, "fp": fp, "fn": fn, "n": int(len(gold))}


def table(pred: np.ndarray, gold: np.ndarray, ids: Sequence[str], known: np.ndarray | None = None) -> dict:
    """Per-principle and macro figures; with `known`, each principle only on the rows where it is True."""
    if known is None:
        known = np.ones(gold.shape, dtype=bool)
    per = {pid: _prf(pred[known[:, j], j], gold[known[:, j], j]) for j, pid in enumerate(ids)}
    macro = {k: round(float(np.mean([v[k] for v in per.values()])), 3)
             for k in ("precision", "recall", "f1", "accuracy")}
    return {"macro": macro, "macro_f1": macro["f1"], "per_principle": per}


def principle_metrics(db_path: Path | str, gold_dir: Path | str, match: str | None = None) -> dict:
    """Section- and document-level precision/recall/F1 of the database's principle labels against gold.

    Section level: a section is predicted to address a principle when its label score reaches the
    principle's threshold (`principles.threshold`); document level uses the `doc_principles` view.
    Documents without a gold file are ignored; several renditions of one gold document are all scored.
    """
    from ..store import connect_read_only

    gold = load_gold(Path(gold_dir), match)
    con = connect_read_only(db_path)
    try:
        principles = con.execute("SELECT principle_id, threshold FROM principles ORDER BY framework, "
                                 "principle_id").fetchall()
        ids = [pid for pid, _ in principles]
        if not ids:
            return {"n_documents": 0, "note": "no principles rows: was the database ingested with a model?"}
        thresholds = np.array([t if t is not None else 0.5 for _, t in principles])
        docs = [(d, f) for d, f in con.execute("SELECT doc_id, filename FROM documents WHERE status = 'ok' "
                                               "ORDER BY doc_id").fetchall() if gold_stem(d, f) in gold]
        sec_pred, sec_gold, doc_pred, doc_gold, scored = [], [], [], [], []
        quote_hits: list[bool] = []
        index = {pid: j for j, pid in enumerate(ids)}
        for doc_id, filename in docs:
            g = gold[gold_stem(doc_id, filename)]
            sections = con.execute("SELECT section_id, text FROM sections WHERE doc_id = ? ORDER BY ordinal",
                                   [doc_id]).fetchall()
            row_of = {sid: i for i, (sid, _) in enumerate(sections)}
            scores = np.zeros((len(sections), len(ids)))
            for sid, pid, score in con.execute("SELECT section_id, principle_id, score FROM section_labels "
                                               "WHERE doc_id = ?", [doc_id]).fetchall():
                if sid in row_of and pid in index:
                    scores[row_of[sid], index[pid]] = max(scores[row_of[sid], index[pid]], score)
            sec_pred.append(scores >= thresholds)
            sec_gold.append(section_gold(g, [t or "" for _, t in sections], ids))
            decided = con.execute("SELECT principle_id, present, evidence_text FROM doc_principles "
                                  "WHERE doc_id = ?", [doc_id]).fetchall()
            present = {pid: is_present for pid, is_present, _ in decided}
            quote_hits += _quote_hits(g, decided)
            doc_pred.append([bool(present.get(pid, False)) for pid in ids])
            doc_gold.append([bool(g["principles"].get(pid, {}).get("evidence")) for pid in ids])
            scored.append(doc_id)
    finally:
        con.close()
    if not scored:
        return {"n_documents": 0, "note": f"no ingested document matches a gold file in {gold_dir}"}
    return {
        "n_documents": len(scored),
        "documents": scored,
        "section": table(np.vstack(sec_pred), np.vstack(sec_gold), ids),
        "document": table(np.array(doc_pred), np.array(doc_gold), ids),
        "evidence_overlap": {"overlap": round(float(np.mean(quote_hits)), 3) if quote_hits else None,
                             "n_decisions": len(quote_hits),
                             "note": "share of correct document decisions whose quote (doc_principles."
                                     "evidence_text) overlaps a gold evidence passage"},
    }


def _quote_hits(gold: dict, decided: Sequence[tuple[str, bool, str | None]]) -> list[bool]:
    """For each principle the document correctly evidences, whether its quote overlaps gold evidence."""
    from ..classify.crossval import overlaps

    hits = []
    for pid, is_present, quote in decided:
        passages = gold["principles"].get(pid, {}).get("evidence", [])
        if is_present and passages:
            hits.append(overlaps(quote or "", passages))
    return hits
