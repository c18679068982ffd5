"""Extraction CPU per document, and a snapshot proving a variant extracts byte-identical records.

Reads and sections the sample corpus, the devset pages (../shared/devset) and ../shared/corpus/real once
(about 80 documents; cached in a pickle so that later runs skip the readers), then times only
`extract_document` on each, in CPU seconds (`time.process_time`), over a few passes.  The first pass is
reported apart: spaCy's vocabulary and tokenizer cache and the extractors' caches warm up during it, and
an ingest worker sees each document once.  Wall time is not measured (the machine is shared).

    python bench/extract_cpu.py [--passes 3] [--save SNAPSHOT.json | --compare SNAPSHOT.json]
    python bench/extract_cpu.py --rounds 4 --tree /path/to/other/checkout [--together]  # two code trees

`--save` writes every extracted record (the `repr` of each, per document and field) as JSON; `--compare`
reports the first document and field that differ from a saved snapshot and exits 1.  With `--tree`, each
round runs this checkout and the other one in fresh processes, alternating (or both at once with
`--together`, so that they meet the same load from the rest of a shared machine), and prints the medians
of both side by side: the honest way to compare two versions.

A benchmark, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "corpus" / "samples"
DEVSET = SHARED / "devset"
REAL = SHARED / "corpus" / "real"
CACHE = Path(tempfile.gettempdir()) / "icsdocs-extract-cpu-corpus.pickle"
SUFFIXES = (".pdf", ".docx", ".txt", ".html", ".htm", ".md")


def _corpus_files(workdir: Path) -> list[tuple[str, Path]]:
    """(key, path) of every document: samples, devset pages (written out as text), real documents; the
    key is unique (a sample comes as PDF, DOCX and text under one name)."""
    from pipeline.evaluation.devset import devset_pages

    files = [(f"samples/{p.parent.name}/{p.stem}", p) for p in sorted(SAMPLES.rglob("*"))
             if p.is_file() and p.suffix in SUFFIXES]
    if DEVSET.is_dir():
        for doc_id, text in devset_pages(DEVSET):
            page = workdir / f"{doc_id}.txt"
            page.write_text(text, encoding="utf-8")
            files.append((f"devset/{doc_id}", page))
    if REAL.is_dir():
        files += [(f"real/{p.stem}", p) for p in sorted(REAL.iterdir())
                  if p.is_file() and p.suffix in SUFFIXES]
    return files


def _read_corpus() -> list[tuple[str, object, tuple]]:
    """(key, parsed, sections) of every document, read once and cached; the document id is the file
    name's stem, as in ingest."""
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    from pipeline.read import read_document
    from pipeline.sections import build_sections

    corpus = []
    with tempfile.TemporaryDirectory() as workdir:
        for key, path in _corpus_files(Path(workdir)):
            parsed = read_document(path)
            corpus.append((key, parsed, build_sections(path.stem, parsed)))
    CACHE.write_bytes(pickle.dumps(corpus))
    return corpus


def _snapshot(extraction: object) -> dict[str, list[str] | str]:
    """Every record of an extraction, as `repr` strings (exact, and readable in a diff)."""
    out: dict[str, list[str] | str] = {}
    for field in fields(extraction):
        value = getattr(extraction, field.name)
        out[field.name] = [repr(v) for v in value] if isinstance(value, tuple) else repr(value)
    return out


def measure(passes: int) -> dict:
    """CPU seconds of each document's extraction on each pass, and the first pass's snapshot."""
    from pipeline.extract import extract_document
    from pipeline.extract.nlp import build_nlp

    corpus = _read_corpus()
    nlp = build_nlp()
    times: list[list[float]] = []
    snapshot: dict[str, dict] = {}
    for number in range(passes):
        row = []
        for key, parsed, sections in corpus:
            doc_id = key.rsplit("/", 1)[1]
            start = time.process_time()
            extraction = extract_document(doc_id, parsed, sections, nlp)
            row.append(time.process_time() - start)
            records = _snapshot(extraction)
            if number == 0:
                snapshot[key] = records
            elif records != snapshot[key]:  # warm caches must change nothing either
                raise SystemExit(f"pass {number + 1} extracts {key} differently from pass 1")
        times.append(row)
    return {"docs": [key for key, _, _ in corpus], "times": times, "snapshot": snapshot}


def _first_difference(saved: dict, now: dict) -> str | None:
    if sorted(saved) != sorted(now):
        return f"documents differ: {sorted(set(saved) ^ set(now))[:5]}"
    for doc_id in saved:
        for name in saved[doc_id]:
            if saved[doc_id][name] != now[doc_id].get(name):
                old, new = saved[doc_id][name], now[doc_id].get(name)
                if isinstance(old, list) and isinstance(new, list):
                    pairs = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
                    detail = pairs[0] if pairs else (len(old), len(new))
                else:
                    detail = (old, new)
                return f"{doc_id} {name}: {detail}"
    return None


def _summary(times: list[list[float]]) -> dict[str, float]:
    totals = [sum(row) for row in times]
    later = totals[1:] or totals
    return {"first": totals[0], "median_later": statistics.median(later), "docs": len(times[0])}


def _start_tree(tree: Path, passes: int) -> subprocess.Popen:
    """A fresh process of `measure` with `tree`'s `pipeline` package first on the path."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.pop("ICSDOCS_REFERENCE", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--passes", str(passes), "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=tree)


def _times(process: subprocess.Popen) -> list[list[float]]:
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(err)
    return json.loads(out.strip().splitlines()[-1])["times"]


def alternate(other: Path, rounds: int, passes: int, *, together: bool = False) -> None:
    """Rounds of this checkout and `other`, alternating which goes first (or, `together`, both at once, so
    that both meet the same load from the rest of the machine); medians side by side."""
    runs: dict[str, list[dict]] = {"this": [], "other": []}
    _read_corpus()  # the cache, before the timed processes
    for number in range(rounds):
        order = [("this", ROOT), ("other", other)]
        if number % 2:
            order.reverse()
        if together:
            started = [(name, _start_tree(tree, passes)) for name, tree in order]
            results = [(name, _summary(_times(process))) for name, process in started]
        else:
            results = [(name, _summary(_times(_start_tree(tree, passes)))) for name, tree in order]
        for name, result in results:
            runs[name].append(result)
            print(f"round {number + 1} {name:<5} first {result['first']:.2f} s  "
                  f"later median {result['median_later']:.2f} s", file=sys.stderr)
    for key in ("first", "median_later"):
        this = statistics.median(r[key] for r in runs["this"])
        that = statistics.median(r[key] for r in runs["other"])
        # each round's ratio too: the two runs of a round share the machine's load of the moment
        paired = statistics.median(a[key] / b[key] for a, b in zip(runs["this"], runs["other"], strict=True))
        # and the least of each: the run least slowed by other work on the machine
        least = min(r[key] for r in runs["this"]) / min(r[key] for r in runs["other"])
        print(f"{key:<13} this {this:.3f} s  other ({other}) {that:.3f} s  ratio of medians {this / that:.3f}"
              f"  median ratio per round {paired:.3f}  ratio of minima {least:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--save", type=Path, help="write the snapshot of every extracted record here")
    parser.add_argument("--compare", type=Path, help="compare the records with this saved snapshot")
    parser.add_argument("--tree", type=Path, help="another checkout to alternate with (see --rounds)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--together", action="store_true", help="with --tree: run both at once each round")
    parser.add_argument("--json", action="store_true", help="print the raw times as one JSON line")
    args = parser.parse_args()
    if args.tree:
        alternate(args.tree.resolve(), args.rounds, args.passes, together=args.together)
        return
    result = measure(args.passes)
    if args.json:
        print(json.dumps({"docs": result["docs"], "times": result["times"]}))
        return
    summary = _summary(result["times"])
    print(f"{summary['docs']} documents, extraction CPU: first pass {summary['first']:.3f} s, "
          f"later passes median {summary['median_later']:.3f} s")
    if args.save:
        args.save.write_text(json.dumps(result["snapshot"], indent=0, sort_keys=True), encoding="utf-8")
        print(f"snapshot written to {args.save}")
    if args.compare:
        saved = json.loads(args.compare.read_text(encoding="utf-8"))
        difference = _first_difference(saved, result["snapshot"])
        print("identical to the snapshot" if difference is None else f"DIFFERS: {difference}")
        if difference is not None:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
