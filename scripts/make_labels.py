"""Derive the training labels of corpus/labels/ from annotated documents.

- corpus/labels/gold_passages.csv and corpus/labels/sections/gold_*.csv from the five gold samples
  (../shared/gold with their seed texts);
- corpus/labels/devset_passages.csv and corpus/labels/sections/devset_*.csv from the development set
  (../shared/devset: 52 real pages, the SOURCE line dropped), when it is there.

Example: python scripts/make_labels.py --gold ../shared/gold --seeds ../shared/corpus/seeds \
             --devset ../shared/devset
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.classify.labels import (  # noqa: E402
    DEVSET_CSV,
    GOLD_CSV,
    devset_documents,
    gold_documents,
    write_rows,
    write_sections,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus" / "labels",
                        help="The labels folder (sections go to its sections/ subfolder).")
    args = parser.parse_args(argv)
    sets = [("gold", GOLD_CSV, gold_documents(args.gold, args.seeds))]
    if (args.devset / "gold").is_dir():
        sets.append(("devset", DEVSET_CSV, devset_documents(args.devset)))
    else:
        print(f"no devset under {args.devset}: devset labels left as they are", file=sys.stderr)
    for name, csv_name, documents in sets:
        n = write_rows(args.out / csv_name, documents)
        m = write_sections(args.out / "sections", name, documents)
        print(f"{name}: wrote {n} passage rows to {args.out / csv_name}, {m} sections to "
              f"{args.out / 'sections'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
