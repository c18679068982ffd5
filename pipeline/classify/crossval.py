"""Grouped cross-validation by document over every annotated paper, nested where the cuts are chosen.

The annotated papers (the five gold samples and the devset pages) are dealt into `FOLDS` folds by
document, the long papers spread first so each fold holds a mix of long plans and short pages.  For a
held-out fold F:

- the outer model is trained without F's documents and scores their passages;
- the cuts for F are chosen on scores of the other documents from models that never saw F either: the
  model without folds {F, G} scores G's documents (one fit per pair of folds serves both directions).

A section scores its best passage and a document its best section, so a page of minutes and a 20-page
plan are judged by one rule: the document evidences a principle when its strongest passage reaches the
principle's cut.  Each cut maximises a blend of document-level and section-level F1
(`cut_document_weight`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

import numpy as np

from ..evaluation.principles import match_key, table

FOLDS = 5
RELIABLE_SUPPORT = 5  # fewer positive documents than this: the per-principle figure is not to be trusted
MIN_OVERLAP_CHARS = 30


@dataclass(frozen=True)
class Scores:
    """Passage decision values of every annotated document: `outer[doc]` from the model without the
    document's fold; `inner[(F, doc)]` from the model without fold F and the document's fold."""

    folds: dict[str, int]
    outer: dict[str, np.ndarray]
    inner: dict[tuple[int, str], np.ndarray]
    rows: np.ndarray  # out-of-fold decision values of the label rows (NaN outside the annotated documents)


def assign_folds(docs: Sequence[str], size: dict[str, int], k: int = FOLDS, seed: int = 0) -> dict[str, int]:
    """Deal documents into `k` folds: by size (sections), each block of k spread over the folds at random."""
    rng = np.random.default_rng(seed)
    order = sorted(docs, key=lambda d: (-size[d], d))
    folds = {}
    for start in range(0, len(order), k):
        for doc, fold in zip(order[start:start + k], rng.permutation(k), strict=False):
            folds[doc] = int(fold)
    return folds


def fold_scores(data, principles, sections, folds: dict[str, int], fit: Callable, *, seed: int = 0) -> Scores:
    """Outer and inner (pairwise) out-of-fold scores; `fit(data, rows, principles, seed=)` fits a model."""
    groups = data.group_array()
    fold_of_row = np.array([folds.get(g, -1) for g in groups])
    k = max(folds.values()) + 1
    outer: dict[str, np.ndarray] = {}
    inner: dict[tuple[int, str], np.ndarray] = {}
    rows = np.full(data.y.shape, np.nan)
    for f in range(k):
        model = fit(data, np.flatnonzero(fold_of_row != f), principles, seed=seed)
        test = np.flatnonzero(fold_of_row == f)
        rows[test] = model.decision([data.texts[i] for i in test])
        for doc in (d for d, fd in folds.items() if fd == f):
            outer[doc] = _passage_z(model, sections, doc, data)
    for f, g in combinations(range(k), 2):
        model = fit(data, np.flatnonzero((fold_of_row != f) & (fold_of_row != g)), principles, seed=seed)
        for held, scored in ((f, g), (g, f)):
            for doc in (d for d, fd in folds.items() if fd == scored):
                inner[(held, doc)] = _passage_z(model, sections, doc, data)
    return Scores(folds, outer, inner, rows)


def _passage_z(model, sections, doc: str, data) -> np.ndarray:
    """`doc`'s passage decision values as ingest reads them: each passage in its section's context."""
    from .model import in_context

    if not sections.passages[doc]:
        return np.zeros((0, data.y.shape[1]))
    return in_context(model.decision(sections.passages[doc]), sections.owners[doc], model.context_weight)


def choose_cuts(sec_z: dict[str, np.ndarray], sections, docs: Sequence[str], doc_weight: float) -> np.ndarray:
    """Per principle, the cut maximising doc_weight * document F1 + (1 - doc_weight) * section F1 over
    `docs` (section scores `sec_z`, gold from `sections`)."""
    z = np.vstack([sec_z[d] for d in docs])
    g = np.vstack([sections.gold[d] for d in docs])
    dz = np.vstack([document_z(sec_z[d]) for d in docs])
    dg = np.vstack([sections.gold_document(d) for d in docs])
    return np.array([_best_blend_cut(z[:, j], g[:, j], dz[:, j], dg[:, j], doc_weight)
                     for j in range(z.shape[1])])


def _f1_at(z: np.ndarray, gold: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    pred = z[:, None] >= cuts[None, :]
    tp = (pred & gold[:, None]).sum(axis=0)
    return 2 * tp / np.maximum(pred.sum(axis=0) + gold.sum(), 1)


def _best_blend_cut(z: np.ndarray, gold: np.ndarray, dz: np.ndarray, dgold: np.ndarray, w: float) -> float:
    values = np.unique(np.concatenate([z[np.isfinite(z)], dz[np.isfinite(dz)]]))
    if not len(values) or not (gold.any() or dgold.any()):
        return float(values.max(initial=0.0) + 1.0)
    cuts = np.concatenate([[values[0] - 1e-6], (values[1:] + values[:-1]) / 2, [values[-1] + 1.0]])
    objective = w * _f1_at(dz, dgold, cuts) + (1 - w) * _f1_at(z, gold, cuts)
    return float(cuts[int(np.argmax(objective))])


def document_z(section_z: np.ndarray) -> np.ndarray:
    """A document's score per principle: its strongest section's (the same rule for every length)."""
    return section_z.max(axis=0, initial=-np.inf) if len(section_z) else np.full(section_z.shape[1], -np.inf)


def nested_predictions(scores: Scores, sections, docs: Sequence[str], doc_weight: float
                       ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per document, section scores (outer) and the cuts chosen for its fold on inner scores only."""
    sec_z = {d: sections.section_z(d, scores.outer[d]) for d in docs}
    cuts_for: dict[int, np.ndarray] = {}
    for f in sorted(set(scores.folds.values())):
        others = [d for d in docs if scores.folds[d] != f]
        inner_z = {d: sections.section_z(d, scores.inner[(f, d)]) for d in others}
        cuts_for[f] = choose_cuts(inner_z, sections, others, doc_weight)
    return sec_z, {d: cuts_for[scores.folds[d]] for d in docs}


def levels(sec_z: dict[str, np.ndarray], cuts: dict[str, np.ndarray], sections, docs: Sequence[str],
           ids: Sequence[str]) -> dict:
    """Section, section_known and document figures over `docs`, with per-principle support."""
    g = np.vstack([sections.gold[d] for d in docs])
    pred = np.vstack([sec_z[d] >= cuts[d] for d in docs])
    known = np.vstack([sections.gold[d] | ~sections.capped[d] for d in docs])
    doc_pred = np.array([document_z(sec_z[d]) >= cuts[d] for d in docs])
    doc_gold = np.array([sections.gold_document(d) for d in docs])
    out = {"section": table(pred, g, ids), "section_known": table(pred, g, ids, known=known),
           "document": table(doc_pred, doc_gold, ids)}
    for level in out.values():
        for row in level["per_principle"].values():
            row["support"] = row["tp"] + row["fn"]
    for pid in ids:
        row = out["document"]["per_principle"][pid]
        row["reliable"] = row["support"] >= RELIABLE_SUPPORT
    out["n_documents"] = len(docs)
    return out


def overlaps(quote: str, passages: Sequence[str]) -> bool:
    """Whether a quote and one of the gold evidence passages share text an annotator would recognise:
    one holds the other, or they share a run of MIN_OVERLAP_CHARS characters (whitespace collapsed)."""
    q = match_key(quote)
    for passage in passages:
        p = match_key(passage)
        if not q or not p:
            continue
        if q in p or p in q:
            return True
        m = SequenceMatcher(None, q, p, autojunk=False).find_longest_match(0, len(q), 0, len(p))
        if m.size >= min(MIN_OVERLAP_CHARS, len(q), len(p)):
            return True
    return False


def evidence_overlap(scores: Scores, cuts: dict[str, np.ndarray], sections, docs: Sequence[str],
                     ids: Sequence[str]) -> dict:
    """How often the quote the classifier would show (the document's best passage for the principle) overlaps
    a gold evidence passage: over correct document decisions, and over every gold-positive document."""
    hits, n, hits_any, n_any = 0, 0, 0, 0
    per: dict[str, list[int]] = {pid: [0, 0] for pid in ids}
    for d in docs:
        z = scores.outer[d]
        if not len(z):
            continue
        for j, pid in enumerate(ids):
            gold = sections.evidence[d].get(pid, [])
            if not gold:
                continue
            best = int(np.argmax(z[:, j]))
            hit = overlaps(sections.passages[d][best], gold)
            hits_any, n_any = hits_any + hit, n_any + 1
            if z[best, j] >= cuts[d][j]:
                hits, n = hits + hit, n + 1
                per[pid][0] += hit
                per[pid][1] += 1
    return {"overlap_on_true_positives": round(hits / n, 3) if n else None, "n_true_positives": n,
            "overlap_on_gold_positives": round(hits_any / n_any, 3) if n_any else None,
            "n_gold_positives": n_any,
            "per_principle": {pid: {"overlap": round(h / m, 3) if m else None, "n": m}
                              for pid, (h, m) in per.items()}}


def outside_domain(cuts: dict[str, np.ndarray], sec_z: dict[str, np.ndarray], sections,
                   docs: Sequence[str]) -> dict:
    """The pages gold gives no principle: how many, how many the domain gate left unassessed, and the
    principles predicted on them (should be none)."""
    empty = [d for d in docs if not sections.gold_document(d).any()]
    predicted = {d: int((document_z(sec_z[d]) >= cuts[d]).sum()) for d in empty}
    return {"pages_without_principles": len(empty),
            "not_assessed_by_domain_gate": sorted(d for d in empty if not sections.assessed[d]),
            "principles_predicted": sum(predicted.values()),
            "pages_with_a_prediction": sorted(d for d, n in predicted.items() if n)}


def learning_curve(data, principles, sections, folds: dict[str, int], fit: Callable, *,
                   seed: int = 0) -> dict:
    """Held-out section ranking (macro average precision, threshold-free) against the number of other
    folds trained on (0 = the codebook and analyst rows alone): still rising means more labelled papers
    would help."""
    from sklearn.metrics import average_precision_score

    groups = data.group_array()
    fold_of_row = np.array([folds.get(g, -1) for g in groups])
    k = max(folds.values()) + 1
    points = []
    for n in range(k):
        scores = []
        for held in range(k):
            chosen = [f for f in range(k) if f != held][:n]
            model = fit(data, np.flatnonzero((fold_of_row == -1) | np.isin(fold_of_row, chosen)), principles,
                        seed=seed)
            for doc in (d for d, f in folds.items() if f == held and sections.passages[d]):
                z = sections.section_z(doc, _passage_z(model, sections, doc, data))
                scored, gold = np.isfinite(z[:, 0]), sections.gold[doc]
                aps = [average_precision_score(gold[scored, j], z[scored, j])
                       for j in range(z.shape[1]) if gold[scored, j].any()]
                scores.extend(aps)
        points.append({"training_folds": n, "runs": len(scores),
                       "section_average_precision": round(float(np.mean(scores)), 3) if scores else None})
    return {"metric": "macro average precision of held-out documents' section scores (threshold-free), "
                      f"training on 0..{k - 1} of the other folds", "points": points}
