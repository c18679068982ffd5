"""The model card's cross-validated figures over several fold seeds: how much of a change is seed noise.

One seed's grouped, nested cross-validation deals 57 papers into five folds; a different deal moves the
devset document macro-F1 by several points (0.62-0.69 for the same model), so a change is judged on the
mean over seeds, and on the devset halves a+c (tuned on) and b+d (held out) apart.

Example: python scripts/cv_seeds.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.classify import crossval  # noqa: E402
from pipeline.classify.codebook import load_codebooks  # noqa: E402
from pipeline.classify.train import (  # noqa: E402
    PARAMS,
    SECTIONS_DIR,
    assemble,
    fit,
    gold_sections,
    with_sections,
)
from pipeline.paths import LABELS_DIR  # noqa: E402

HALVES = {"devset": "dev_", "a+c": ("dev_a_", "dev_c_"), "b+d": ("dev_b_", "dev_d_")}


def seed_figures(data, principles, sections, docs, seed: int) -> dict[str, float]:
    """Devset document macro-F1 (all and per half), sample section macro-F1, quote overlap, for one seed."""
    ids = [p.principle_id for p in principles]
    folds = crossval.assign_folds(docs, {d: len(sections.gold[d]) for d in docs}, crossval.FOLDS, seed)
    scores = crossval.fold_scores(data, principles, sections, folds, fit, seed=seed)
    sec_z, cuts = crossval.nested_predictions(scores, sections, docs, PARAMS["cut_document_weight"])
    out = {}
    for name, prefix in HALVES.items():
        in_half = [d for d in docs if d.startswith(prefix)]
        figures = crossval.levels(sec_z, cuts, sections, in_half, ids)
        out[f"document_{name}"] = figures["document"]["macro"]["f1"]
    samples = [d for d in docs if sections.sets[d] == "gold"]
    out["section_gold"] = crossval.levels(sec_z, cuts, sections, samples, ids)["section"]["macro"]["f1"]
    devset = [d for d in docs if sections.sets[d] == "devset"]
    out["evidence_overlap"] = crossval.evidence_overlap(scores, cuts, sections, devset,
                                                        ids)["overlap_on_true_positives"]
    out["no_principle_pages_predicted"] = crossval.outside_domain(cuts, sec_z, sections,
                                                                  devset)["principles_predicted"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--labels", type=Path, default=LABELS_DIR)
    args = parser.parse_args(argv)
    principles = load_codebooks(None)
    data = assemble(args.labels, principles, codebook_weight=PARAMS["codebook_weight"])
    docs = sorted({g for g in data.groups if g is not None})
    sections = gold_sections(args.labels / SECTIONS_DIR, [p.principle_id for p in principles], docs)
    if sections is None:
        print(f"no sections under {args.labels / SECTIONS_DIR}: run `make labels`")
        return 1
    data = with_sections(data, sections, weight=PARAMS["section_weight"])
    rows = {seed: seed_figures(data, principles, sections, docs, seed) for seed in args.seeds}
    names = list(next(iter(rows.values())))
    print("seed  " + "  ".join(names))
    for seed, figures in rows.items():
        print(f"{seed:<5} " + "  ".join(f"{figures[n]:>{len(n)}}" for n in names))
    print("mean  " + "  ".join(f"{np.mean([r[n] for r in rows.values()]):>{len(n)}.3f}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
