"""Scoring against gold: extracted entities, meetings, localities and document types (`entities.py`),
design principles by section and document (`principles.py`), and the devset pages read as they are
ingested (`devset.py`).  `evaluate_all` is what `icsdocs evaluate` runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .entities import evaluate_extraction, format_report


def evaluate_all(db_path: str | Path, gold_dir: str | Path, match: str | None = None, *,
                 model_dir: str | Path | None = None) -> dict[str, Any]:
    """Extraction figures, principle figures on this database, and the grouped CV figures of the model
    card in `model_dir` (default: `pipeline.paths.models_dir()`).

    The database figures for principles are in-sample when the database holds the documents the model
    was trained on; the cross-validated figures from the model card are the honest ones, so both are shown.
    """
    from ..classify.model import load_card
    from ..paths import models_dir
    from .principles import principle_metrics

    return {
        "extraction": evaluate_extraction(db_path, gold_dir, match),
        "principles": principle_metrics(db_path, gold_dir, match),
        "principles_cross_validated": (load_card(models_dir(model_dir)) or {}).get("cv", {}),
    }


def format_all(metrics: dict[str, Any]) -> str:
    lines = ["== extraction", format_report(metrics["extraction"]), "",
             "== design principles (this database: in-sample if the model was trained on these papers)"]
    principles = metrics["principles"]
    if not principles.get("n_documents"):
        lines.append(principles.get("note", "no documents scored"))
    else:
        lines.append(_principle_table(principles))
    cv = metrics.get("principles_cross_validated") or {}
    if cv:
        lines += ["", "== design principles (grouped cross-validation from the model card, held out)"]
        if cv.get("scheme"):
            lines.append(f"  {cv['scheme']}")
        for level, table in cv.items():
            if isinstance(table, dict) and "macro_f1" in table:
                lines.append(f"  {level:<28} macro-F1 {table['macro_f1']:.3f}")
        overlap = cv.get("evidence_overlap_devset")
        if overlap:
            lines.append(f"  {'evidence quote overlap':<28} {overlap['overlap_on_true_positives']} of "
                         f"{overlap['n_true_positives']} correct devset decisions")
        empty = cv.get("no_principle_pages_devset")
        if empty:
            lines.append(f"  {'pages without principles':<28} {empty['pages_without_principles']}, "
                         f"{empty['principles_predicted']} principles predicted on them")
        curve = cv.get("learning_curve", {}).get("points", [])
        if curve:
            lines.append("  learning curve (held-out section AP by other folds trained on): "
                         + ", ".join(f"{pt.get('training_folds', pt.get('training_documents'))}: "
                                     f"{pt['section_average_precision']}" for pt in curve))
    return "\n".join(lines)


def _principle_table(principles: dict[str, Any]) -> str:
    lines = [f"documents scored: {principles['n_documents']}",
             f"{'principle':<26}{'section F1':>11}{'document F1':>12}"]
    section, document = principles["section"], principles["document"]
    for pid, row in section["per_principle"].items():
        lines.append(f"  {pid:<24}{row['f1']:>11.3f}{document['per_principle'][pid]['f1']:>12.3f}")
    lines.append(f"  {'macro':<24}{section['macro_f1']:>11.3f}{document['macro_f1']:>12.3f}")
    overlap = principles.get("evidence_overlap", {})
    if overlap.get("n_decisions"):
        lines.append(f"evidence quote overlaps gold in {overlap['overlap']} of {overlap['n_decisions']} "
                     "correct document decisions")
    return "\n".join(lines)


__all__ = ["evaluate_all", "format_all"]
