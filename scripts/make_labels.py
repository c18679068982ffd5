"""Derive corpus/labels/gold_passages.csv from the gold annotations and the seed texts.

Example: python scripts/make_labels.py --gold ../shared/gold --seeds ../shared/corpus/seeds
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.classify.labels import GOLD_CSV, build_labels_from_gold  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus" / "labels" / GOLD_CSV)
    args = parser.parse_args(argv)
    n = build_labels_from_gold(args.gold, args.seeds, args.out)
    print(f"wrote {n} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
