"""Benchmark: `icsdocs ingest` beside pdfplumber's and pypdfium2's own text extraction, stage by stage.

In one run (`make bench`, a few minutes), every measurement in a fresh subprocess, wall and CPU seconds
(CPU of the process and its workers, from getrusage) and peak memory of the largest process:

- start-up, once per run: interpreter, imports, rules, classifier, spaCy pipeline, and teardown;
- whole `icsdocs ingest` (the real command, 2 workers) against pdfplumber `extract_text` and pypdfium2
  `get_text_range` over the same PDFs: the sample PDFs (~62 pages), the samples with
  ../shared/corpus/real (~500 pages) and that set repeated as copies (~2,000 pages);
- at ~500 pages: CPU ms per page, each stage's seconds (read, sections, locality, extract, classify,
  store), 1 against 2 workers (alternating runs, the median of each pair's ratio), and an unchanged and
  a one-file-changed re-run as a share of a full run (medians of --rounds);
- optionally (--variants) what extraction and classification add, and (--queries) the views and report.

Machine load moves wall times; compare CPU times, and ratios measured in the same run.  A benchmark,
not a test: it prints figures and asserts nothing.

    python bench/bench.py [--workers 2] [--copies 4] [--sizes 62,500,2000] [--variants] [--queries]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples" / "pdf"
REAL = ROOT.parent / "shared" / "corpus" / "real"
LABEL = 52  # width of the labels in the printed tables

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
    run = run_timed([sys.executable, "-c", code + PEAK, *args])
    peak_kib = next(int(line.split()[1]) for line in reversed(run.stderr.splitlines())
                    if line.startswith("PEAK "))
    return run.wall, peak_kib / 1024, run.stdout.strip().splitlines()[-1]


@dataclass(frozen=True)
class Timed:
    wall: float
    cpu: float  # user + system seconds of the process and every worker it waited for
    stdout: str
    stderr: str


def run_timed(command: list[str]) -> Timed:
    """Run `command` from the project root; its wall and CPU seconds (getrusage of children: the
    subprocess and the workers it reaped)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(command[:4])} ...\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, done.stdout, done.stderr)


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
    print(f"\n{'corpus':<10} {'what':<{LABEL}} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'peak MiB':>9}")
    for row in rows:
        rate = row["pages"] / row["seconds"] if row["seconds"] else 0
        print(f"{row['corpus']:<10} {row['what']:<{LABEL}} {row['pages']:>6} {row['seconds']:>8.2f} "
              f"{rate:>8.1f} {row['peak_mib']:>9.0f}")
    print("\nper-stage seconds summed over documents (worker time, not wall time):")
    for row in rows:
        if "stages" in row:
            stages = ", ".join(f"{k} {v:.2f}" for k, v in row["stages"].items())
            print(f"  {row['corpus']:<10} {row['what']:<{LABEL}} {stages}")


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


# ------------------------------------------------------------------ whole ingest against the text floor

STARTUP_PARTS = """
import json, os, sys, time
parts, mark = {}, [time.perf_counter(), time.process_time()]
def lap(name):
    now = [time.perf_counter(), time.process_time()]
    parts[name] = [now[0] - mark[0], now[1] - mark[1]]
    mark[:] = now
import pipeline.ingest
lap("import pipeline.ingest (duckdb, records, store)")
from pipeline.store import Writer
Writer(sys.argv[2]).abandon(); lap("open a new database (migrations, views)")
from pipeline.locality import warm_up
from pipeline.read.garbled import rules
from pipeline.sections import load_rules
warm_up(); rules(); load_rules(); lap("rules (locality, doc-type, garbled text, sections)")
import pipeline.read.pdf
lap("PDF reader imports (pdfplumber, pypdfium2)")
from pipeline.classify.model import load_scorer
load_scorer(); lap("classifier (plain arrays, numpy)")
from pipeline.gcpause import paused_gc
from pipeline.spacyimport import import_spacy
with paused_gc():  # as ingest imports it
    import_spacy()
lap("import spaCy (without spacy.cli)")
from pipeline.extract.nlp import build_nlp
build_nlp(); lap("build the spaCy pipeline")
print(json.dumps(parts))
print(time.time(), flush=True)
if sys.argv[1] == "fast":
    os._exit(0)
"""


def print_startup_parts() -> None:
    """Once per run, in a fresh process: each part of ingest's start-up, and the interpreter's exit after
    it with and without the teardown `icsdocs` skips (os._exit)."""
    interpreter = min((run_timed([sys.executable, "-c", "pass"]) for _ in range(3)), key=lambda r: r.cpu)
    print("\nstart-up, once per run (fresh process; wall / CPU seconds):")
    print(f"  {'python interpreter':<{LABEL}} {interpreter.wall:6.2f} / {interpreter.cpu:5.2f}")
    exits = {}
    for mode in ("normal", "fast"):
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            run = run_timed([sys.executable, "-c", STARTUP_PARTS, mode, str(Path(tmp) / "startup.duckdb")])
        parts_json, stamp = run.stdout.strip().splitlines()[-2:]
        exits[mode] = time.time() - float(stamp)
        if mode == "normal":
            parts = json.loads(parts_json)
            for name, (wall, cpu) in parts.items():
                print(f"  {name:<{LABEL}} {wall:6.2f} / {cpu:5.2f}")
            total = sum(w for w, _ in parts.values())
            print(f"  {'total (ingest builds spaCy while files are read)':<{LABEL}} {total:6.2f} / "
                  f"{sum(c for _, c in parts.values()):5.2f}  "
                  f"(process {time.perf_counter() - started:.2f} s)")
    print(f"  {'exit after the work: normal teardown':<{LABEL}} {exits['normal']:6.2f}")
    print(f"  {'exit after the work: os._exit (icsdocs ingest)':<{LABEL}} {exits['fast']:6.2f}")


def corpus_sets(workdir: Path, copies: int, sizes: set[str]) -> list[tuple[str, Path]]:
    """Folders of PDFs: the samples (~62 pages), samples + ../shared/corpus/real (~500), and that set
    `copies` times (~2,000)."""
    samples = sorted(SAMPLES.glob("*.pdf"))
    middle = samples + (sorted(REAL.glob("*.pdf")) if REAL.is_dir() else [])
    sets = [("62", "samples", samples, 1), ("500", "samples+real", middle, 1),
            ("2000", f"(samples+real)x{copies}", middle, copies)]
    out = []
    for size, name, sources, repeat in sets:
        if size in sizes:
            folder = workdir / f"pdfs-{size}"
            make_corpus(folder, sources, repeat)
            out.append((name, folder))
    return out


def icsdocs_ingest(folder: Path, db: Path, workers: int, *, force: bool = False) -> Timed:
    """The real `icsdocs ingest` command (start-up, workers, store, exit), quiet."""
    command = [sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db),
               "--workers", str(workers), "-q"]
    return run_timed(command + (["--force"] if force else []))


def pages_in(db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute("SELECT coalesce(sum(n_pages), 0) FROM documents").fetchone()[0])
    finally:
        con.close()


def bench_floor(sets: list[tuple[str, Path]], workers: int, workdir: Path) -> dict[str, dict]:
    """Whole ingest against pdfplumber and pypdfium2 over the same PDFs; returns each set's figures."""
    print(f"\nwhole ingest ({workers} workers) against PDF text extraction alone, same PDFs "
          "(pages/s; CPU seconds in brackets):")
    print(f"  {'set':<22} {'files':>5} {'pages':>6} {'pdfplumber':>16} {'pypdfium2':>16} "
          f"{'icsdocs ingest':>16} {'vs pdfplumber':>13} {'vs pypdfium2':>12} {'CPU ms/page':>11}")
    figures = {}
    for name, folder in sets:
        files = [str(f) for f in sorted(folder.glob("*.pdf"))]
        plumber = run_timed([sys.executable, "-c", PDFPLUMBER, *files])
        pdfium = run_timed([sys.executable, "-c", PYPDFIUM, *files])
        db = workdir / f"{folder.name}-w{workers}.duckdb"
        ingest = icsdocs_ingest(folder, db, workers)
        pages = pages_in(db)
        figures[name] = {"folder": folder, "db": db, "pages": pages, "ingest": ingest}
        rate = {k: pages / r.wall for k, r in (("plumber", plumber), ("pdfium", pdfium), ("ingest", ingest))}
        print(f"  {name:<22} {len(files):>5} {pages:>6} "
              + " ".join(f"{rate[k]:>8.1f} ({r.cpu:5.1f})" for k, r in
                         (("plumber", plumber), ("pdfium", pdfium), ("ingest", ingest)))
              + f" {rate['ingest'] / rate['plumber']:>12.2f}x {rate['pdfium'] / rate['ingest']:>8.1f}x slower"
              f" {1000 * ingest.cpu / pages:>8.1f}")
    return figures


def bench_workers_and_reruns(figure: dict, workers: int, workdir: Path, rounds: int) -> None:
    """At one set: 1 against `workers` workers, then an unchanged and a one-file-changed re-run of the
    `workers` database as a share of its full run; each `rounds` times, alternating, medians."""
    folder, pages = figure["folder"], figure["pages"]
    one, many = _alternating_full_runs(folder, workers, workdir, rounds)
    ratio = statistics.median(a.wall / b.wall for a, b in zip(one, many, strict=True))
    print(f"\nworkers at {pages} pages ({rounds} alternating runs each, medians): 1 worker "
          f"{_median(one, 'wall'):.1f} s wall ({_median(one, 'cpu'):.1f} s CPU), {workers} workers "
          f"{_median(many, 'wall'):.1f} s ({_median(many, 'cpu'):.1f} s CPU): {ratio:.2f}x")
    # CPU over wall: how many cores the run had.  At 1 or below with 2 workers the shared machine gave
    # no second core, and no ratio can show what the workers do.
    print(f"  cores busy (CPU / wall, medians): 1 worker {_median_share(one):.2f}, {workers} workers "
          f"{_median_share(many):.2f}")
    full_wall, full_cpu = _median(many, "wall"), _median(many, "cpu")
    db = workdir / f"{folder.name}-w{workers}-{rounds - 1}.duckdb"
    unchanged, one_changed = [], []
    for turn in range(rounds):
        changed = _change_one_file(folder, turn)
        one_changed.append(icsdocs_ingest(folder, db, workers))
        unchanged.append(icsdocs_ingest(folder, db, workers))
    print(f"re-runs of the {workers}-worker database (share of its full run, wall; CPU; medians of "
          f"{rounds}):")
    for label, runs, note in (("unchanged", unchanged, ""),
                              ("one file changed", one_changed, f"  ({changed})")):
        wall, cpu = _median(runs, "wall"), _median(runs, "cpu")
        print(f"  {label:<20} {wall:6.2f} s = {100 * wall / full_wall:4.1f}%; "
              f"CPU {cpu:.2f} s = {100 * cpu / full_cpu:4.1f}%{note}")


def _alternating_full_runs(folder: Path, workers: int, workdir: Path,
                           rounds: int) -> tuple[list[Timed], list[Timed]]:
    """Full runs (fresh databases) with 1 and with `workers` workers, taken in turn: on a shared machine
    the load moves more between runs minutes apart than the workers change the time, so each ratio
    compares neighbours."""
    one, many = [], []
    for turn in range(rounds):
        order = ((1, one), (workers, many)) if turn % 2 == 0 else ((workers, many), (1, one))
        for count, runs in order:
            runs.append(icsdocs_ingest(folder, workdir / f"{folder.name}-w{count}-{turn}.duckdb", count))
    return one, many


def _median_share(runs: list[Timed]) -> float:
    return statistics.median(run.cpu / run.wall for run in runs)


def _median(runs: list[Timed], what: str) -> float:
    return statistics.median(getattr(run, what) for run in runs)


def _change_one_file(folder: Path, turn: int = 0) -> str:
    """Append a PDF comment to the smallest PDF of more than one page: new bytes, the same pages."""
    import pypdfium2

    def n_pages(path: Path) -> int:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()

    candidates = [(n_pages(p), p) for p in sorted(folder.glob("*.pdf"))]
    pages, path = min((c for c in candidates if c[0] > 1), default=candidates[0])
    with open(path, "ab") as handle:
        handle.write(f"\n% changed by bench.py ({turn})\n".encode())
    return f"{path.name}, {pages} pages"


STAGES = """
import json, os, sys, time
from pipeline.ingest import ingest
clock, cpu = time.perf_counter(), time.process_time()
summary = ingest([sys.argv[2]], db_path=sys.argv[1], workers=1)
print(json.dumps({"pages": summary.n_pages, "stages": dict(summary.stage_seconds),
                  "wall": time.perf_counter() - clock}), flush=True)
os._exit(0)
"""


def print_stages(folder: Path, workdir: Path) -> None:
    """Each stage's milliseconds per page, one worker (so worker seconds are about CPU seconds)."""
    db = workdir / f"{folder.name}-stages.duckdb"
    run = run_timed([sys.executable, "-c", STAGES, str(db), str(folder)])
    info = json.loads(run.stdout.strip().splitlines()[-1])
    pages, stages = info["pages"], info["stages"]
    print(f"\nstages at {pages} pages, 1 worker (ms per page; store is the parent's):")
    print("  " + ", ".join(f"{k} {1000 * v / pages:.2f}" for k, v in stages.items()))
    print(f"  stages together {1000 * sum(stages.values()) / pages:.2f} ms/page; whole process "
          f"{run.wall:.1f} s wall, {1000 * run.cpu / pages:.2f} ms CPU/page (start-up included)")


def bench_ingest_speed(options: argparse.Namespace, workdir: Path) -> None:
    """The issue-14 figures in one run: start-up, ingest vs the PDF text floor, stages, workers, re-runs."""
    print_startup_parts()
    sets = corpus_sets(workdir, options.copies, set(options.sizes.split(",")))
    figures = bench_floor(sets, options.workers, workdir)
    middle = figures.get("samples+real") or next(iter(figures.values()))
    print_stages(middle["folder"], workdir)
    bench_workers_and_reruns(middle, options.workers, workdir, options.rounds)


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
        per_worker = f"  peak per worker {row['worker_peak_mib']:.0f} MiB" if row["worker_peak_mib"] else ""
        print(f"  {engine:<6} {row['pages']:>5} pages {row['seconds']:>7.1f} s "
              f"{rates[engine]:>7.1f} pages/s  CPU {row['client_cpu'] + row['worker_cpu']:>6.1f} s "
              f"(client {row['client_cpu']:.1f})  peak {row['peak_mib']:.0f} MiB{per_worker}")
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
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--copies", type=int, default=4, help="copies of samples+real in the largest set")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating runs of 1 against --workers workers, and of each re-run")
    parser.add_argument("--sizes", default="62,500,2000", help="which sets (~pages) to run")
    parser.add_argument("--variants", action="store_true",
                        help="also time ingest without extraction / classification, with peak memory")
    parser.add_argument("--repeat", type=int, default=8,
                        help="copies of the samples (--variants, and the Dask engine's PDF run)")
    parser.add_argument("--queries", action="store_true", help="also time the views and the HTML report")
    parser.add_argument("--query-copies", type=int, default=60, help="--queries: copies of each sample")
    parser.add_argument("--dask-counts", default="500,1000,2000",
                        help="sizes of the generated corpora the Dask engine runs ('' for none)")
    parser.add_argument("--dask-only", action="store_true", help="only the Dask engine's figures")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask engine's figures")
    options = parser.parse_args()
    samples = sorted(SAMPLES.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        repeated = make_corpus(workdir / "repeated", samples, options.repeat)
        if not options.no_dask:
            counts = [int(n) for n in options.dask_counts.split(",") if n.strip()]
            bench_dask(repeated, options.workers, counts, workdir)
        if options.dask_only:
            return
        bench_ingest_speed(options, workdir)
        if options.variants or options.queries:
            rows = bench_corpus("samples", samples, options.workers, workdir)
            if options.variants:
                rows += bench_corpus(f"samples×{options.repeat}", repeated, options.workers, workdir)
                print_table(rows)
                print_overheads(rows)
            if options.queries:
                bench_queries(workdir / "samples-11.duckdb", options.query_copies)


if __name__ == "__main__":
    main()
