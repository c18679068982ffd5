"""Benchmark: pages per second and peak memory of `icsdocs ingest` beside pdfplumber's own text extraction.

Runs on the sample PDFs and on a larger corpus made by repeating them, each measurement in a fresh
subprocess so that peak memory (largest process, from getrusage) belongs to that measurement alone.
Then times the comparison views on a database of a few hundred documents.  A benchmark, not a test:
it prints figures and asserts nothing.

    python bench/bench.py [--repeat 8] [--workers 2] [--query-copies 60]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples" / "pdf"
REAL = ROOT.parent / "shared" / "corpus" / "real"

PDFPLUMBER = """
import sys, pdfplumber
pages = 0
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text(); pages += 1
            page.close()
print(pages)
"""

PYPDFIUM = """
import sys, pypdfium2
pages = 0
for path in sys.argv[1:]:
    pdf = pypdfium2.PdfDocument(path)
    for page in pdf:
        page.get_textpage().get_text_range(); pages += 1
    pdf.close()
print(pages)
"""

INGEST = """
import json, sys
from pipeline.ingest import ingest
extract, classify, db, workers = sys.argv[1] == "1", sys.argv[2] == "1", sys.argv[3], int(sys.argv[4])
summary = ingest(sys.argv[5:], db_path=db, workers=workers, extract=extract, classify=classify, force=True)
print(json.dumps({"pages": summary.n_pages, "stages": dict(summary.stage_seconds),
                  "status": dict(summary.by_status)}))
"""


# Appended to each measured program: its own peak RSS and its largest worker's, in KiB, on stderr.
PEAK = """
import resource as _r, sys as _s
_s.stderr.write("PEAK %d\\n" % max(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss,
                                  _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss))
"""


def run_measured(code: str, args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB of the largest process, and stdout of a fresh Python running `code`."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + PEAK, *args], capture_output=True, text=True,
                          cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{done.stderr}")
    peak_kib = next(int(line.split()[1]) for line in reversed(done.stderr.splitlines())
                    if line.startswith("PEAK "))
    return seconds, peak_kib / 1024, done.stdout.strip().splitlines()[-1]


def make_corpus(folder: Path, sources: list[Path], repeat: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for copy in range(repeat):
        for source in sources:
            target = folder / f"{source.stem}-{copy:03d}{source.suffix}"
            shutil.copyfile(source, target)
            files.append(target)
    return files


def bench_corpus(name: str, files: list[Path], workers: int, workdir: Path) -> list[dict]:
    args = [str(f) for f in files]
    rows = []
    for label, code in (("pdfplumber extract_text", PDFPLUMBER), ("pypdfium2 get_text_range", PYPDFIUM)):
        seconds, peak, out = run_measured(code, args)
        rows.append({"corpus": name, "what": label, "pages": int(out), "seconds": seconds, "peak_mib": peak})
    for label, extract, classify in (("icsdocs ingest: parse+sections+store", "0", "0"),
                                     ("icsdocs ingest: + classify", "0", "1"),
                                     ("icsdocs ingest: + classify + extract", "1", "1")):
        db = workdir / f"{name}-{extract}{classify}.duckdb"
        seconds, peak, out = run_measured(INGEST, [extract, classify, str(db), str(workers), *args])
        info = json.loads(out)
        rows.append({"corpus": name, "what": f"{label} ({workers} workers)", "pages": info["pages"],
                     "seconds": seconds, "peak_mib": peak, "stages": info["stages"],
                     "status": info["status"]})
    return rows


STARTUP = """
import sys, time
started = time.perf_counter()
if sys.argv[1] == "extract":
    from pipeline.extract.nlp import build_nlp
    build_nlp()
else:
    from pipeline.classify.model import load_model
    load_model()
print(time.perf_counter() - started)
"""


def startup_seconds(stage: str, repeat: int = 3) -> float:
    """Best-of-`repeat` seconds a fresh process takes to import and build one stage, once per run."""
    return min(float(run_measured(STARTUP, [stage])[2]) for _ in range(repeat))


def print_startup() -> None:
    print("\nonce per run, before the workers start (fresh process, best of 3):")
    extract = startup_seconds("extract")
    print(f"  extract: import spaCy + build_nlp  {extract:.2f} s (alone; shares imports with classify)")
    print(f"  classify: import + load model     {startup_seconds('classify'):.2f} s")


def print_overheads(rows: list[dict]) -> None:
    """What extraction and classification add to ingest, from per-stage worker time and from wall time."""
    print("\nwhat each stage adds to ingest (worker seconds; wall seconds include start-up):")
    by_key = {(row["corpus"], row["what"].split(" (")[0]): row for row in rows}
    for corpus in dict.fromkeys(row["corpus"] for row in rows):
        full = by_key.get((corpus, "icsdocs ingest: + classify + extract"))
        base = by_key.get((corpus, "icsdocs ingest: + classify"))
        if not full or not base:
            continue
        stages = full["stages"]
        others = sum(v for k, v in stages.items() if k != "extract")
        print(f"  {corpus:<10} extract {stages.get('extract', 0):.2f} s = "
              f"{100 * stages.get('extract', 0) / others:.0f}% of the other stages "
              f"({others:.2f} s); wall {base['seconds']:.2f} s -> {full['seconds']:.2f} s "
              f"(+{100 * (full['seconds'] / base['seconds'] - 1):.0f}%)")


def print_table(rows: list[dict]) -> None:
    print(f"\n{'corpus':<10} {'what':<52} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'peak MiB':>9}")
    for row in rows:
        rate = row["pages"] / row["seconds"] if row["seconds"] else 0
        print(f"{row['corpus']:<10} {row['what']:<52} {row['pages']:>6} {row['seconds']:>8.2f} "
              f"{rate:>8.1f} {row['peak_mib']:>9.0f}")
    print("\nper-stage seconds summed over documents (worker time, not wall time):")
    for row in rows:
        if "stages" in row:
            stages = ", ".join(f"{k} {v:.2f}" for k, v in row["stages"].items())
            print(f"  {row['corpus']:<10} {row['what']:<52} {stages}")


def bench_queries(db: Path, copies: int) -> None:
    """Time the analysts' views on a database grown to a few hundred documents by copying rows."""
    import duckdb

    big = db.with_name("queries.duckdb")
    shutil.copyfile(db, big)
    con = duckdb.connect(str(big))
    tables = ["documents", "sections", "entities", "recommendations", "cover_fields", "memberships",
              "section_labels"]
    for copy in range(1, copies):
        for table in tables:
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            select = ", ".join(f"doc_id || '#{copy}'" if c == "doc_id" else
                               (f"path || '#{copy}'" if c == "path" else c) for c in columns)
            con.execute(f"INSERT INTO {table} SELECT {select} FROM {table} WHERE doc_id NOT LIKE '%#%'")
    n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    con = duckdb.connect(str(big), read_only=True)
    views = ["locality_principles", "principle_evidence", "locality_bodies", "locality_roles",
             "locality_memberships", "recommendations_by_locality", "timeline", "doc_principles"]
    print(f"\nview queries on {n_docs} documents (SELECT * ..., best of 3):")
    for view in views:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            rows = con.execute(f"SELECT * FROM {view}").fetchall()
            best = min(best, time.perf_counter() - started)
        print(f"  {view:<28} {len(rows):>7} rows  {best * 1000:>8.1f} ms")
    con.close()
    bench_report(big, n_docs)


def bench_report(db: Path, n_docs: int) -> None:
    """Seconds to write the HTML report of the grown database, and the size of the file."""
    from pipeline.report import write_report

    started = time.perf_counter()
    path = write_report(db, db.parent / "report")
    seconds = time.perf_counter() - started
    print(f"\nHTML report of {n_docs} documents: {path.stat().st_size / 2**20:.1f} MiB in {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=8, help="copies of the samples in the larger corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--query-copies", type=int, default=60, help="copies of each sample document")
    parser.add_argument("--real", action="store_true", help="also run on ../shared/corpus/real PDFs")
    options = parser.parse_args()
    samples = sorted(SAMPLES.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows = bench_corpus("samples", samples, options.workers, workdir)
        repeated = make_corpus(workdir / "repeated", samples, options.repeat)
        rows += bench_corpus(f"samples×{options.repeat}", repeated, options.workers, workdir)
        if options.real and REAL.is_dir():
            rows += bench_corpus("real", sorted(REAL.glob("*.pdf")), options.workers, workdir)
        print_table(rows)
        print_overheads(rows)
        print_startup()
        bench_queries(workdir / "samples-11.duckdb", options.query_copies)


if __name__ == "__main__":
    main()
