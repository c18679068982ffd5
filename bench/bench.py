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


ENGINE_RUN = """
import json, resource, sys, time
started, cpu = time.perf_counter(), time.process_time()
engine, db, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
if engine == "dask":
    from pipeline.dask_engine import ingest_dask as run
else:
    from pipeline.ingest import ingest as run
summary = run(sys.argv[4:], db_path=db, workers=workers, force=True)
children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers (and their guards), once reaped
print(json.dumps({"seconds": time.perf_counter() - started, "client_cpu": time.process_time() - cpu,
                  "worker_cpu": children.ru_utime + children.ru_stime, "pages": summary.n_pages,
                  "docs": summary.n_processed, "status": dict(summary.by_status),
                  "worker_peak_mib": max(getattr(summary, "worker_peak_mib", {}).values(), default=None)}))
"""


def run_engine(engine: str, files: list[Path], workers: int, workdir: Path) -> dict:
    """One ingest of `files` by `engine` in a fresh process: wall and CPU seconds, pages, peaks."""
    db = workdir / f"engine-{engine}-{len(files)}.duckdb"
    seconds, peak, out = run_measured(ENGINE_RUN, [engine, str(db), str(workers), *map(str, files)])
    return {**json.loads(out), "peak_mib": peak}


def small_documents(folder: Path, count: int) -> list[Path]:
    """`count` short text papers, each a different draw of board-minute sentences (seeded)."""
    import random

    rng = random.Random(count)
    places = ["Rochdale", "Bury", "Wigan", "Salford", "Stockport", "Trafford", "Bolton", "Oldham"]
    lines = ["The {p} Locality Board met at {p} Town Hall on {d} March 2024.",
             "Members considered the winter pressures report from the community services lead.",
             "The board agreed that the discharge to assess pilot should continue at a cost of £{m}m.",
             "The Director of Public Health for {p} presented the joint strategic needs assessment.",
             "It asked the finance director to bring the revised budget to the next meeting.",
             "Residents of {p} had raised concerns about waiting times for district nursing visits.",
             "The board recommended that the integrated neighbourhood teams share one care record."]
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        place = rng.choice(places)
        body = [line.format(p=place, d=rng.randint(1, 28), m=rng.randint(1, 9))
                for line in rng.sample(lines, 5)]
        path = folder / f"paper-{i:05d}.txt"
        path.write_text(f"{place} Locality Board: minutes {i}\n\n" + "\n\n".join(body) + "\n",
                        encoding="utf-8")
        files.append(path)
    return files


def bench_dask(files: list[Path], workers: int, counts: list[int], workdir: Path) -> None:
    """The Dask engine (a LocalCluster of `workers` processes) beside the local engine on the same files,
    then on thousands of small generated papers: the cost per document as their number grows."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("\nDask engine: not measured (pip install 'icsdocs[dask]')")
        return
    print(f"\nDask engine (LocalCluster, {workers} workers) against the local engine ({workers} workers), "
          f"{len(files)} files; CPU = client + workers:")
    rates = {}
    for engine in ("local", "dask"):
        row = run_engine(engine, files, workers, workdir)
        rates[engine] = row["pages"] / row["seconds"]
        print(f"  {engine:<6} {row['pages']:>5} pages {row['seconds']:>7.1f} s "
              f"{rates[engine]:>7.1f} pages/s  CPU {row['client_cpu'] + row['worker_cpu']:>6.1f} s  "
              f"peak {row['peak_mib']:.0f} MiB")
    print(f"  dask / local pages per second: {rates['dask'] / rates['local']:.2f}")
    print("\nDask engine on small generated papers (cost per document as the corpus grows):")
    previous = None
    for count in counts:
        row = run_engine("dask", small_documents(workdir / f"small-{count}", count), workers, workdir)
        marginal = ""
        if previous:
            extra = (row["seconds"] - previous["seconds"]) / (count - previous["docs"])
            marginal = f"  next {count - previous['docs']}: {1000 * extra:.1f} ms/doc"
        print(_per_document(count, row) + f"  peak per worker {row['worker_peak_mib']:.0f} MiB{marginal}")
        previous = {**row, "docs": count}
    if counts:
        row = run_engine("local", small_documents(workdir / f"small-{counts[-1]}", counts[-1]), workers,
                         workdir)
        print(_per_document(counts[-1], row) + "  (the local engine, for scale)")


def _per_document(count: int, row: dict) -> str:
    cpu = row["client_cpu"] + row["worker_cpu"]
    return (f"  {count:>6} docs {row['seconds']:>7.1f} s {1000 * row['seconds'] / count:>6.1f} ms/doc wall "
            f"{1000 * cpu / count:>6.1f} ms/doc CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=8, help="copies of the samples in the larger corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--query-copies", type=int, default=60, help="copies of each sample document")
    parser.add_argument("--real", action="store_true", help="also run on ../shared/corpus/real PDFs")
    parser.add_argument("--dask-counts", default="500,1000,2000",
                        help="sizes of the generated corpora the Dask engine runs ('' for none)")
    parser.add_argument("--dask-only", action="store_true", help="only the Dask engine's figures")
    options = parser.parse_args()
    samples = sorted(SAMPLES.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        repeated = make_corpus(workdir / "repeated", samples, options.repeat)
        counts = [int(n) for n in options.dask_counts.split(",") if n.strip()]
        bench_dask(repeated, options.workers, counts, workdir)
        if options.dask_only:
            return
        rows = bench_corpus("samples", samples, options.workers, workdir)
        rows += bench_corpus(f"samples×{options.repeat}", repeated, options.workers, workdir)
        if options.real and REAL.is_dir():
            rows += bench_corpus("real", sorted(REAL.glob("*.pdf")), options.workers, workdir)
        print_table(rows)
        print_overheads(rows)
        print_startup()
        bench_queries(workdir / "samples-11.duckdb", options.query_copies)


if __name__ == "__main__":
    main()
