"""Measure icsdocs on ../shared/devset: all 52 pages, and each half (a+c, b+d) on its own.

The devset's pages start with a `SOURCE: <address>` line and a blank line that are provenance, not page
text; they are dropped before ingest so that nothing is read from the address.  The halves are the
tune / held-out split: tune on one, report the other.

Example: python scripts/devset.py                # ingest into outputs/devset/ and print the table
         python scripts/devset.py --json out.json # also keep every figure and each page's errors
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluation import evaluate_all  # noqa: E402
from pipeline.evaluation.devset import devset_pages  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402

HALVES = {"all": None, "a+c": "dev_[ac]_*", "b+d": "dev_[bd]_*"}


def prepare(devset: Path, out: Path) -> Path:
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for doc_id, text in devset_pages(devset):
        target = docs / f"{doc_id}.txt"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return docs


def first_half_accuracies(metrics: dict[str, dict]) -> list[str]:
    return list(next(iter(metrics.values()))["extraction"].get("accuracy", {}))


def rows(metrics: dict[str, dict]) -> list[tuple[str, list[str]]]:
    first = next(iter(metrics.values()))["extraction"]["overall"]
    table = []
    for label in first:
        cells = []
        for half in metrics.values():
            m = half["extraction"]["overall"][label]
            cells.append(f"{m['f1']:.3f} ({m['precision']:.2f}/{m['recall']:.2f})")
        table.append((label, cells))
    for name in first_half_accuracies(metrics):
        cells = []
        for half in metrics.values():
            a = half["extraction"]["accuracy"][name]
            cells.append(f"{a['accuracy']:.3f} ({a['correct']}/{a['total']})")
        table.append((f"{name} accuracy", cells))
    for level in ("document", "section"):
        cells = []
        for half in metrics.values():
            principles = half["principles"]
            value = principles.get(level, {}).get("macro_f1") if principles.get("n_documents") else None
            cells.append("-" if value is None else f"{value:.3f}")
        # the model is trained on these pages: the honest figures are the model card's cross-validated ones
        table.append((f"principles {level} F1 (in-sample)", cells))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "devset")
    parser.add_argument("--json", type=Path, help="Also write every figure and each page's errors here.")
    args = parser.parse_args(argv)
    if not (args.devset / "gold").is_dir():
        print(f"devset: no gold under {args.devset}; pass --devset", file=sys.stderr)
        return 2
    docs = prepare(args.devset, args.out)
    db = args.out / "devset.duckdb"
    # Always re-ingest: the point is to measure the rules as they are now, and an edit to a data file
    # does not change a page's fingerprint.
    ingest([docs], db_path=db, force=True)
    metrics = {name: evaluate_all(db, args.devset / "gold", match) for name, match in HALVES.items()}
    print(f"{'label':<32}" + "".join(f"{name:>22}" for name in metrics))
    for label, cells in rows(metrics):
        print(f"{label:<32}" + "".join(f"{cell:>22}" for cell in cells))
    if args.json:
        args.json.write_text(json.dumps(metrics, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
