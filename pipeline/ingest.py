"""The batch: find files, run read → sections → extract → classify in workers, store each result.

`process_document` is the whole per-file pipeline and runs inside a worker process; `ingest` is the
API the CLI calls.  Shared state (the spaCy pipeline, the classifier) is built once in the parent
before the workers fork.
"""

from __future__ import annotations

import gc
import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .errors import DocumentError
from .locality import ManifestEntry, document_meta, lookup_manifest, read_manifest
from .read import PAPER_SUFFIXES, read_document
from .records import DocumentResult
from .sections import build_sections
from .store import Writer, writer_lock
from .workers import run_tasks

DEFAULT_TIMEOUT = 120.0
# A parser that balloons (a decompression bomb, a pathological PDF) is stopped at this size.
WORKER_MEMORY_BYTES = 6 * 1024**3


@dataclass(frozen=True)
class Task:
    path: str
    doc_id: str
    sha256: str
    manifest: ManifestEntry | None


@dataclass
class Stages:
    """The heavy shared state the workers use; built once in the parent."""

    nlp: Any = None
    model: Any = None


_STAGES = Stages()


def load_stages(*, extract: bool = True, classify: bool = True) -> Stages:
    stages = Stages()
    if extract:
        from .extract.nlp import build_nlp

        stages.nlp = build_nlp()
    if classify:
        from .classify.model import load_model

        stages.model = load_model()
    return stages


def principle_rows(model: Any) -> list[tuple[str, str, str, str, float]]:
    """The codebook with the model's document-level threshold per principle, for the `principles` table."""
    from .classify.codebook import load_codebooks

    return [(p.framework, p.principle_id, p.name, p.definition, model.threshold(p.principle_id))
            for p in load_codebooks()]


def process_document(task: Task, stages: Stages | None = None) -> DocumentResult:
    """Read, section, extract and classify one file.  Document failures become a status, not an error."""
    stages = stages or _STAGES
    path = Path(task.path)
    base = DocumentResult(doc_id=task.doc_id, path=task.path, filename=path.name, sha256=task.sha256,
                          format=path.suffix.lower().lstrip("."), status="ok")
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    try:
        parsed = read_document(path)
    except DocumentError as exc:
        return replace(base, status=exc.status, error=str(exc) or type(exc).__name__)
    timings["read"] = _lap(clock)
    clock = time.perf_counter()
    sections = build_sections(task.doc_id, parsed)
    timings["sections"] = _lap(clock)
    result = replace(base, format=parsed.format, n_pages=parsed.n_pages, text=parsed.text,
                     title=parsed.title, sections=sections,
                     meta=document_meta(parsed.text, task.manifest))
    if stages.nlp is not None:
        from .extract import extract_document

        clock = time.perf_counter()
        extraction = extract_document(task.doc_id, parsed, sections, stages.nlp)
        timings["extract"] = _lap(clock)
        result = replace(result, extraction=extraction)
    if stages.model is not None:
        from .classify.model import assessment, classify_sections, domain_rate

        clock = time.perf_counter()
        rate = domain_rate(parsed.text)
        labels = tuple(classify_sections(stages.model, parsed, sections, paper_rate=rate))
        timings["classify"] = _lap(clock)
        result = replace(result, labels=labels, domain_rate=round(rate, 1),
                         principles_status=assessment(parsed, sections, paper_rate=rate))
    return replace(result, timings=timings)


def _lap(start: float) -> float:
    return time.perf_counter() - start


def _process_in_worker(task: Task) -> DocumentResult:
    return process_document(task, _STAGES)


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every supported file under the given files and folders, recursively, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and _wanted(p))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path} does not exist.")
    return list(dict.fromkeys(p.resolve() for p in found))


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in PAPER_SUFFIXES and not path.name.startswith((".", "~$"))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class BatchSummary:
    run_id: str
    n_found: int = 0
    n_skipped: int = 0
    by_status: Counter = field(default_factory=Counter)
    n_pages: int = 0
    seconds: float = 0.0
    stage_seconds: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    interrupted: bool = False

    @property
    def n_processed(self) -> int:
        return sum(self.by_status.values())

    @property
    def n_failed(self) -> int:
        return self.n_processed - self.by_status.get("ok", 0)


def plan_tasks(files: Sequence[Path], writer: Writer, manifest: dict[str, ManifestEntry],
               *, force: bool) -> tuple[list[Task], int]:
    """Tasks for new or changed files; unchanged ones (same sha256) are skipped unless forced."""
    known = writer.known_hashes()
    tasks: list[Task] = []
    used_ids: set[str] = set()
    skipped = 0
    for path in files:
        sha = file_sha256(path)
        previous = known.get(str(path))
        if previous and previous[1] == sha and not force:
            skipped += 1
            used_ids.add(previous[0])
            continue
        doc_id = previous[0] if previous else _unique_doc_id(path, writer, used_ids)
        used_ids.add(doc_id)
        tasks.append(Task(str(path), doc_id, sha, lookup_manifest(manifest, path)))
    return tasks, skipped


def _unique_doc_id(path: Path, writer: Writer, used: set[str]) -> str:
    """The file name, unless another path already has it: then the name plus a short path hash."""
    doc_id = path.name
    if doc_id in used or writer.doc_id_taken(doc_id, str(path)):
        doc_id = f"{path.name}~{hashlib.sha1(str(path).encode()).hexdigest()[:6]}"
    return doc_id


def failure_result(task: Task, status: str, error: str) -> DocumentResult:
    path = Path(task.path)
    return DocumentResult(doc_id=task.doc_id, path=task.path, filename=path.name, sha256=task.sha256,
                          format=path.suffix.lower().lstrip("."), status=status, error=error)  # type: ignore


def _outcome_to_result(outcome: Any, timeout: float) -> DocumentResult:
    if outcome.failure == "timeout":
        return failure_result(outcome.task, "timeout",
                              f"Processing took longer than the {timeout:g} s limit and was stopped; "
                              "raise --timeout if the file is just large.")
    if outcome.failure:
        return failure_result(outcome.task, "error", f"The file could not be processed: {outcome.detail}")
    return outcome.value


def ingest(
    paths: Sequence[str | Path],
    *,
    db_path: str | Path,
    workers: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    manifest_path: str | Path | None = None,
    force: bool = False,
    extract: bool = True,
    classify: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[DocumentResult], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BatchSummary:
    """Ingest files and folders into the database at `db_path`; per-file failures are recorded, not raised."""
    global _STAGES
    started = time.perf_counter()
    files = find_files(paths)
    if manifest_path is not None:  # the locality manifest may sit among the papers; it is not one
        files = [f for f in files if f != Path(manifest_path).resolve()]
    manifest = read_manifest(manifest_path) if manifest_path else {}
    db_path = Path(db_path)
    summary = BatchSummary(run_id=uuid.uuid4().hex[:12], n_found=len(files))
    with writer_lock(db_path):
        writer = Writer(db_path)
        tasks, summary.n_skipped = plan_tasks(files, writer, manifest, force=force)
        writer.start_run(summary.run_id, __version__, {
            "paths": [str(p) for p in paths], "workers": workers, "timeout": timeout, "force": force,
            "manifest": str(manifest_path) if manifest_path else None,
        })
        if on_start:
            on_start(len(tasks))
        _STAGES = load_stages(extract=extract, classify=classify) if tasks else Stages()
        # Forked workers share the pipeline and model; frozen, the collector never walks (or copies) them.
        gc.freeze()
        if _STAGES.model is not None:
            writer.write_principles(principle_rows(_STAGES.model))
        stop = should_stop or (lambda: False)
        try:
            for result in _results(tasks, workers=workers, timeout=timeout, should_stop=stop):
                writer.write_document(result, summary.run_id)
                _count(summary, result)
                if on_result:
                    on_result(result)
                if stop():
                    break
        except KeyboardInterrupt:
            summary.interrupted = True
        gc.unfreeze()
        if summary.interrupted or stop():
            summary.interrupted = True
            summary.seconds = time.perf_counter() - started
            writer.abandon()
            return summary
        summary.seconds = time.perf_counter() - started
        writer.finish_run(summary.run_id, summary.n_processed, summary.by_status.get("ok", 0),
                          summary.n_failed)
        writer.finish()
    return summary


def _results(tasks: list[Task], *, workers: int, timeout: float,
             should_stop: Callable[[], bool]) -> Iterator[DocumentResult]:
    outcomes = run_tasks(_process_in_worker, tasks, workers=workers, timeout=timeout,
                         max_bytes=WORKER_MEMORY_BYTES, should_stop=should_stop)
    for outcome in outcomes:
        yield _outcome_to_result(outcome, timeout)


def _count(summary: BatchSummary, result: DocumentResult) -> None:
    summary.by_status[result.status] += 1
    summary.n_pages += result.n_pages
    summary.stage_seconds.update(result.timings)
    if result.status != "ok":
        summary.failures.append((result.filename, result.status, result.error or ""))
