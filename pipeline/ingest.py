"""The batch: find files, run read → sections → extract → classify in workers, store each result.

`process_document` is the whole per-file pipeline and runs inside a worker process; `ingest` is the
API the CLI calls.  Shared state (the spaCy pipeline, the classifier) is built once in the parent
before the workers fork.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .errors import DocumentError, ModelError, StorageError
from .gcpause import paused_gc
from .locality import ManifestEntry, document_meta, lookup_manifest, read_manifest
from .locality import warm_up as warm_up_locality
from .paths import file_sha256 as sha256_of
from .paths import models_dir
from .read import DATA_SUFFIXES, read_document
from .records import DocumentResult, ParsedDocument
from .sections import build_sections
from .store import Writer, writer_lock
from .workers import run_tasks, start_builder

DEFAULT_TIMEOUT = 120.0
# A parser that balloons (a decompression bomb, a pathological PDF) is stopped at this size.
WORKER_MEMORY_BYTES = 6 * 1024**3


OCR_MODES = ("auto", "off", "force")
# OCR stops at this share of --timeout, so a long scan is stored part-read (truncated) rather than lost.
OCR_SHARE = 0.7


@dataclass(frozen=True)
class Task:
    path: str
    doc_id: str
    sha256: str
    manifest: ManifestEntry | None
    settings: str = ""  # JSON of the run's settings that change what a file yields
    named: bool = True  # named on the command line (any suffix is sniffed) or met in a folder walk
    ocr: str = "auto"
    ocr_seconds: float | None = None  # OCR's share of the worker's time limit


def run_settings(*, timeout: float, ocr: str, extract: bool = True, classify: bool = True,
                 model_dir: str | Path | None = None) -> str:
    """What a stored document depends on besides its file: the rules ("version", "rules") decide every
    document's rows, so an edit re-processes them all; the rest only decides whether a failure is worth
    trying again (a timeout may pass with a larger --timeout)."""
    rules = rules_fingerprint(extract=extract, classify=classify, model_dir=model_dir)
    return json.dumps({"version": __version__, "rules": rules, "timeout": timeout, "ocr": ocr},
                      sort_keys=True)


OUTPUT_SETTINGS = ("version", "rules")


def rules_fingerprint(*, extract: bool = True, classify: bool = True,
                      model_dir: str | Path | None = None) -> str:
    """A hash of the data files (patterns, gazetteers, vocabularies, codebooks) and the classifier a
    run applies: an analyst's edit to any of them, or a retrained model, changes it."""
    from .classify.model import MODEL_FILE
    from .datafiles import DATA_DIR

    # reading and sectioning use data files too (sections.yaml, garbled.yaml), so they always count
    files = sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix != ".py")
    if classify:
        files.append(models_dir(model_dir) / MODEL_FILE)
    digest = hashlib.sha256(f"extract={extract} classify={classify}".encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    return digest.hexdigest()[:16]


@dataclass
class Stages:
    """The heavy shared state the workers use; built once in the parent."""

    nlp: Any = None
    model: Any = None
    extract: bool = False  # extraction is asked for (`nlp` is None until the pipeline is built)


_STAGES = Stages()


# The readers' own imports (pdfplumber and pypdfium2 take ~0.2 s), done once in the parent before the
# workers fork rather than once in each worker; by file suffix, so a batch of text files pays for none.
READER_IMPORTS = {".pdf": ("pipeline.read.pdf",), ".docx": ("docx", "lxml.etree")}


def load_stages(*, extract: bool = True, classify: bool = True, suffixes: Iterable[str] = (),
                defer_nlp: bool = False, model_dir: str | Path | None = None) -> Stages:
    """The shared state of a batch: rules, readers for `suffixes`, classifier and (unless `defer_nlp`:
    ingest builds it while the first files are read) the spaCy pipeline."""
    import importlib

    from .read.garbled import rules as garbled_rules
    from .sections import load_rules as section_rules

    stages = Stages(extract=extract)
    # Every document needs these rules: read once here, not once in each worker.
    warm_up_locality()
    garbled_rules()
    section_rules()
    for module in dict.fromkeys(m for suffix in suffixes for m in READER_IMPORTS.get(suffix.lower(), ())):
        importlib.import_module(module)
    if extract and not defer_nlp:
        stages.nlp = _nlp_builder()()
    if classify:
        from .classify.model import load_scorer, warm_up_classify

        stages.model = load_scorer(models_dir(model_dir))
        warm_up_classify()
    return stages


def principle_rows(model: Any) -> list[tuple[str, str, str, str, float]]:
    """The codebook with the model's document-level threshold per principle, for the `principles` table:
    only the principles the model was trained on (a codebook file added since is not classified)."""
    from .classify.codebook import load_codebooks

    known = set(model.principle_ids)
    return [(p.framework, p.principle_id, p.name, p.definition, model.threshold(p.principle_id))
            for p in load_codebooks() if p.principle_id in known]


def untrained_principles(model: Any) -> tuple[str, ...]:
    """The codebook's principles the model does not know (a codebook file added or edited since
    `icsdocs train`): they go unclassified until the model is trained again."""
    from .classify.codebook import load_codebooks

    known = set(model.principle_ids)
    return tuple(p.principle_id for p in load_codebooks() if p.principle_id not in known)


def check_model_dir(model_dir: str | Path | None) -> None:
    """A model folder the user named (--models, $ICSDOCS_MODELS) must hold a model: ModelError if not."""
    from .classify.model import MODEL_FILE
    from .paths import MODELS_ENV, models_dir_named

    path = models_dir(model_dir) / MODEL_FILE
    if models_dir_named(model_dir) and not path.is_file():
        raise ModelError(f"No trained model at {path} (named by --models or ${MODELS_ENV}). Run `icsdocs "
                         f"train --models {path.parent}`, or point --models at the folder `icsdocs train` "
                         "wrote.")


def process_document(task: Task, stages: Stages | None = None) -> DocumentResult:
    """Read, section, classify and extract one file.  Document failures become a status, not an error."""
    stages = stages or _STAGES
    done = read_and_classify(task, stages)
    return done if isinstance(done, DocumentResult) else finish_document(done, stages.nlp)


@dataclass(frozen=True)
class ReadDocument:
    """A file read, sectioned, placed and classified, whose extraction is still to do (by a worker
    forked before the spaCy pipeline was built; a worker that has it does the rest)."""

    task: Task
    result: DocumentResult
    parsed: ParsedDocument


def read_and_classify(task: Task, stages: Stages) -> DocumentResult | ReadDocument:
    """Every stage but extraction; a DocumentResult when the file failed or gave no text."""
    path = Path(task.path)
    base = DocumentResult(doc_id=task.doc_id, path=task.path, filename=path.name, sha256=task.sha256,
                          format=path.suffix.lower().lstrip("."), status="ok", settings=task.settings)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    try:
        parsed = read_document(path, text_fallback=task.named, ocr=task.ocr, ocr_seconds=task.ocr_seconds)
    except DocumentError as exc:
        return replace(base, status=exc.status, reason=exc.reason, warnings=exc.warnings,
                       error=str(exc) or type(exc).__name__)
    except OSError as exc:
        return replace(base, status="error", reason=_os_reason(path),
                       error=f"{path.name} could not be opened ({exc.strerror or exc}).")
    timings["read"] = _lap(clock)
    if not parsed.text.strip():  # never "ok" with nothing to show for it
        return replace(base, status="no_text", reason="empty_file", warnings=parsed.warnings,
                       error=f"{path.name} gave no text once read.")
    clock = time.perf_counter()
    sections = build_sections(task.doc_id, parsed)
    timings["sections"] = _lap(clock)
    clock = time.perf_counter()
    meta = document_meta(parsed.text, task.manifest)
    timings["locality"] = _lap(clock)
    result = replace(base, format=parsed.format, n_pages=parsed.n_pages, text=parsed.text,
                     title=parsed.title, sections=sections, warnings=parsed.warnings, pages=parsed.pages,
                     meta=meta)
    if stages.model is not None:
        from .classify.model import assessment, classify_sections, domain_rate

        clock = time.perf_counter()
        rate = domain_rate(parsed.text)
        labels = tuple(classify_sections(stages.model, parsed, sections, paper_rate=rate))
        timings["classify"] = _lap(clock)
        result = replace(result, labels=labels, domain_rate=round(rate, 1),
                         principles_status=assessment(parsed, sections, paper_rate=rate))
    return ReadDocument(task, replace(result, timings=timings), parsed)


def finish_document(done: ReadDocument, nlp: Any) -> DocumentResult:
    """`done` with its entities, recommendations and the rest extracted (none when `nlp` is None)."""
    if nlp is None:
        return done.result
    from .extract import extract_document

    clock = time.perf_counter()
    extraction = extract_document(done.task.doc_id, done.parsed, done.result.sections, nlp)
    timings = {**done.result.timings, "extract": _lap(clock)}
    # the cover sheet's or meeting's title, when extraction found one, says more than the reader's
    return replace(done.result, extraction=extraction, title=extraction.title or done.result.title,
                   timings=timings)


def _os_reason(path: Path) -> str:
    return "dangling_symlink" if path.is_symlink() and not path.exists() else "unreadable"


def _lap(start: float) -> float:
    return time.perf_counter() - start


def _process_in_worker(item: Task | ReadDocument) -> DocumentResult | ReadDocument:
    if isinstance(item, ReadDocument):
        return finish_document(item, _STAGES.nlp)
    if _STAGES.extract and _STAGES.nlp is None:  # forked while the parent builds the pipeline
        return read_and_classify(item, _STAGES)
    return process_document(item, _STAGES)


def _build_pipeline() -> None:
    """Build the spaCy pipeline in the parent (in a thread, while the first workers read files)."""
    with paused_gc():  # spaCy's import too: its objects all live on
        _STAGES.nlp = _nlp_builder()()
    gc.freeze()  # as before the first fork: the workers forked next share it untouched


def _nlp_builder() -> Callable[[], Any]:
    """`build_nlp`, with spaCy imported without its command line (see `spacyimport`)."""
    from .spacyimport import import_spacy

    import_spacy()
    from .extract.nlp import build_nlp

    return build_nlp


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every file under the given files and folders, recursively, in a stable order.

    A folder walk takes every file it meets, unsupported ones too (they get a row saying why they
    were not read), but not hidden files, Office lock files (~$...) or CSV/TSV data.  A symbolic link
    whose target is gone is kept as itself, so that it gets a row too.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(_canonical(p) for p in sorted(path.rglob("*")) if _wanted(p))
        elif path.exists() or path.is_symlink():
            found.append(_canonical(path))
        else:
            raise FileNotFoundError(f"{path} does not exist.")
    return list(dict.fromkeys(found))


def _own_file(path: Path, db_path: Path) -> bool:
    """The database and its lock, building and WAL files, when they sit inside a folder being walked."""
    db = db_path.resolve()
    return path.parent == db.parent and (path.name == db.name or path.name.startswith(db.name + "."))


def find_named(paths: Iterable[str | Path]) -> set[Path]:
    """The files named on the command line themselves (not found in a folder)."""
    return {_canonical(Path(p)) for p in paths if not Path(p).is_dir()}


def _canonical(path: Path) -> Path:
    if path.is_symlink() and not path.exists():
        return path.absolute()
    return path.resolve()


# Databases and their side files (icsdocs's own output, perhaps of another run) are not papers.
DATABASE_SUFFIXES = {".duckdb", ".db", ".lock", ".wal", ".building", ".partial"}


def _wanted(path: Path) -> bool:
    if path.name.startswith((".", "~$")) or path.suffix.lower() in DATA_SUFFIXES | DATABASE_SUFFIXES:
        return False
    return path.is_file() or (path.is_symlink() and not path.exists())


def file_sha256(path: Path) -> str:
    """The file's SHA-256, or "" when it cannot be read (a dangling link): its row says why."""
    try:
        return sha256_of(path)
    except OSError:
        return ""


@dataclass
class BatchSummary:
    run_id: str
    n_found: int = 0
    n_skipped: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_reason: Counter = field(default_factory=Counter)
    ocr_unavailable: bool = False
    model_missing: bool = False  # classification was asked for, but there is no trained model
    model_dir: Path | None = None  # where the model was looked for
    untrained_principles: tuple[str, ...] = ()  # in the codebook, unknown to the model: not classified
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
               *, force: bool, settings: str = "", named: set[Path] | None = None,
               ocr: str = "auto", ocr_seconds: float | None = None) -> tuple[list[Task], int]:
    """Tasks for new or changed files.  An unchanged file (same sha256) is skipped unless forced, or
    unless it failed under other settings (a timeout may pass with a larger --timeout)."""
    known = writer.known_hashes()
    tasks: list[Task] = []
    used_ids: set[str] = set()
    skipped = 0
    for path in files:
        sha = file_sha256(path)
        previous = known.get(str(path))
        if previous and not force and _unchanged(previous, sha, settings):
            skipped += 1
            used_ids.add(previous[0])
            continue
        doc_id = previous[0] if previous else _unique_doc_id(path, writer, used_ids)
        used_ids.add(doc_id)
        tasks.append(Task(str(path), doc_id, sha, lookup_manifest(manifest, path), settings,
                          named is None or path in named, ocr, ocr_seconds))
    return tasks, skipped


def _unchanged(previous: tuple, sha: str, settings: str) -> bool:
    _doc_id, old_sha, status, old_settings = previous
    if old_sha != sha or not sha:
        return False
    if status == "ok":
        return _output_settings(old_settings) == _output_settings(settings)
    return old_settings == settings


def _output_settings(settings: str | None) -> tuple:
    try:
        values = json.loads(settings or "{}")
    except ValueError:
        values = {}
    return tuple(values.get(key) for key in OUTPUT_SETTINGS)


def _unique_doc_id(path: Path, writer: Writer, used: set[str]) -> str:
    """The file name, unless another path already has it: then the name plus a short path hash."""
    doc_id = path.name
    if doc_id in used or writer.doc_id_taken(doc_id, str(path)):
        doc_id = f"{path.name}~{hashlib.sha1(str(path).encode()).hexdigest()[:6]}"
    return doc_id


def failure_result(task: Task, status: str, error: str, reason: str | None = None) -> DocumentResult:
    path = Path(task.path)
    return DocumentResult(doc_id=task.doc_id, path=task.path, filename=path.name, sha256=task.sha256,
                          format=path.suffix.lower().lstrip("."), status=status, error=error,  # type: ignore
                          reason=reason, settings=task.settings)


def _outcome_to_result(outcome: Any, timeout: float) -> DocumentResult:
    task = outcome.task.task if isinstance(outcome.task, ReadDocument) else outcome.task
    if outcome.failure == "timeout":
        return failure_result(task, "timeout",
                              f"Processing took longer than the {timeout:g} s limit and was stopped; "
                              "raise --timeout if the file is just large.", "timeout")
    if outcome.failure:
        return failure_result(task, "error", f"The file could not be processed: {outcome.detail}",
                              "crash")
    return outcome.value


def ingest(
    paths: Sequence[str | Path],
    *,
    db_path: str | Path,
    workers: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    manifest_path: str | Path | None = None,
    force: bool = False,
    ocr: str = "auto",
    extract: bool = True,
    classify: bool = True,
    model_dir: str | Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[DocumentResult], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BatchSummary:
    """Ingest files and folders into the database at `db_path`; per-file failures are recorded, not raised."""
    global _STAGES
    started = time.perf_counter()
    if ocr not in OCR_MODES:
        raise ValueError(f"--ocr must be one of {', '.join(OCR_MODES)}, not {ocr!r}")
    db_path = Path(db_path)
    if classify:
        check_model_dir(model_dir)
    files = _papers(paths, db_path, manifest_path)
    manifest = read_manifest(manifest_path) if manifest_path else {}
    summary = BatchSummary(run_id=uuid.uuid4().hex[:12], n_found=len(files))
    summary.model_dir = models_dir(model_dir)
    settings = run_settings(timeout=timeout, ocr=ocr, extract=extract, classify=classify, model_dir=model_dir)
    with writer_lock(db_path):
        writer = Writer(db_path, views=False)  # made by `_store_batch`, once a builder is under way
        tasks, summary.n_skipped = plan_tasks(files, writer, manifest, force=force, settings=settings,
                                              named=find_named(paths), ocr=ocr,
                                              ocr_seconds=OCR_SHARE * timeout)
        writer.start_run(summary.run_id, __version__, {
            "paths": [str(p) for p in paths], "workers": workers, "timeout": timeout, "force": force,
            "ocr": ocr, "manifest": str(manifest_path) if manifest_path else None,
        })
        if on_start:
            on_start(len(tasks))
        _store_batch(tasks, writer, summary, workers=workers, timeout=timeout, extract=extract,
                     classify=classify, model_dir=model_dir, stop=should_stop or (lambda: False),
                     on_result=on_result)
        summary.seconds = time.perf_counter() - started
        if summary.interrupted:
            writer.abandon()
            return summary
        writer.finish_run(summary.run_id, summary.n_processed, summary.by_status.get("ok", 0),
                          summary.n_failed)
        writer.finish()
    return summary


def _store_batch(tasks: list[Task], writer: Writer, summary: BatchSummary, *, workers: int, timeout: float,
                 extract: bool, classify: bool, model_dir: str | Path | None, stop: Callable[[], bool],
                 on_result: Callable[[DocumentResult], None] | None) -> None:
    """Load the batch's shared state, then store each document's result.  A small batch's spaCy pipeline
    is built by a worker of its own, forked first, while the parent loads the rest and a worker reads."""
    global _STAGES
    _STAGES = Stages(extract=extract and bool(tasks))
    builder = (start_builder(_process_in_worker, _build_pipeline, max_bytes=WORKER_MEMORY_BYTES)
               if builds_apart(tasks, workers=workers, extract=extract) else None)
    try:
        writer.create_views()
        if tasks:
            _STAGES = load_stages(extract=extract, classify=classify, defer_nlp=True, model_dir=model_dir,
                                  suffixes={Path(t.path).suffix for t in tasks})
            if classify:
                _record_classifier(writer, summary, _STAGES.model)
        _store_results(tasks, writer, summary, workers=workers, timeout=timeout, builder=builder, stop=stop,
                       on_result=on_result)
    finally:
        if builder is not None:  # the pool stops it; this, when the pool never started
            builder.stop()


def builds_apart(tasks: Sequence[Task], *, workers: int, extract: bool) -> bool:
    """Whether a worker of its own builds the spaCy pipeline, forked as soon as the tasks are known, while
    the parent loads the classifier, rules and readers and forks a worker to read the files: a small
    batch (fewer files than workers, as a re-run with one changed file), which waits on little but
    that build, started earlier so."""
    return extract and workers >= 2 and 0 < len(tasks) < workers


def _record_classifier(writer: Writer, summary: BatchSummary, model: Any) -> None:
    """The codebook's principles the model knows, in the `principles` table; or that there is no model."""
    summary.model_missing = model is None
    if model is not None:
        summary.untrained_principles = untrained_principles(model)
        writer.write_principles(principle_rows(model))


def _papers(paths: Sequence[str | Path], db_path: Path, manifest_path: str | Path | None) -> list[Path]:
    """The files to ingest: not the database's own files, nor the locality manifest among the papers."""
    files = [f for f in find_files(paths) if not _own_file(f, db_path)]
    if manifest_path is not None:
        files = [f for f in files if f != Path(manifest_path).resolve()]
    return files


def _store_results(tasks: list[Task], writer: Writer, summary: BatchSummary, *, workers: int, timeout: float,
                   builder: Any, stop: Callable[[], bool],
                   on_result: Callable[[DocumentResult], None] | None) -> None:
    """Write each result as its worker hands it over; a stop request or Ctrl-C ends the batch between
    documents (summary.interrupted), so no write is cut in half."""
    # Forked workers share the pipeline and model; frozen, the collector never walks (or copies) them.
    gc.freeze()
    try:
        for result in _results(tasks, workers=workers, timeout=timeout, should_stop=stop, builder=builder):
            clock = time.perf_counter()
            writer.write_document(result, summary.run_id)
            summary.stage_seconds["store"] += _lap(clock)
            _count(summary, result)
            if on_result:
                on_result(result)
            if stop():
                break
    except KeyboardInterrupt:
        summary.interrupted = True
    except StorageError:
        writer.abandon()
        raise
    finally:
        gc.unfreeze()
    summary.interrupted = summary.interrupted or stop()


def _results(tasks: list[Task], *, workers: int, timeout: float, should_stop: Callable[[], bool],
             builder: Any = None) -> Iterator[DocumentResult]:
    """Each document's result.  The first workers fork before the spaCy pipeline is built and read files
    meanwhile; a document they read goes back in the queue for its extraction (by the `builder`, when
    that worker builds the pipeline rather than the parent)."""
    if not tasks:  # an unchanged re-run forks no worker
        return iter(())
    deferred = _STAGES.extract and _STAGES.nlp is None and builder is None
    return guarded_results(_process_in_worker, tasks, workers=workers, timeout=timeout,
                           should_stop=should_stop, prepare=_build_pipeline if deferred else None,
                           needs_prepare=_needs_pipeline, builder=builder)


def _needs_pipeline(item: Task | ReadDocument) -> bool:
    """Only a document already read waits for the spaCy pipeline: a file is read without it."""
    return isinstance(item, ReadDocument)


def guarded_results(func: Callable[[Any], Any], tasks: Iterable[Task], *, workers: int,
                    timeout: float, should_stop: Callable[[], bool] | None = None,
                    prepare: Callable[[], None] | None = None,
                    needs_prepare: Callable[[Any], bool] | None = None,
                    builder: Any = None) -> Iterator[DocumentResult]:
    """`func` over the tasks in worker processes under the per-document guard (time and memory limits):
    a hung, crashed or memory-hungry document becomes its failure row.  Both engines run documents so.
    A `ReadDocument` that `func` hands back (read before the pipeline was built) goes back in the queue."""
    pending: deque[Task | ReadDocument] = deque(tasks)
    outcomes = run_tasks(func, pending, workers=workers, timeout=timeout, max_bytes=WORKER_MEMORY_BYTES,
                         should_stop=should_stop, prepare=prepare, needs_prepare=needs_prepare,
                         builder=builder)
    for outcome in outcomes:
        if isinstance(outcome.value, ReadDocument):
            _requeue(pending, outcome.value)
            continue
        yield _outcome_to_result(outcome, timeout)


def _requeue(pending: deque[Task | ReadDocument], done: ReadDocument) -> None:
    """`done` back at the head of the queue for its extraction, the documents read so far longest text
    first: the batch then ends on a short extraction rather than waiting for a long one."""
    index = 0
    while (index < len(pending) and isinstance(pending[index], ReadDocument)
           and len(pending[index].result.text) >= len(done.result.text)):
        index += 1
    pending.insert(index, done)


def _count(summary: BatchSummary, result: DocumentResult) -> None:
    summary.by_status[result.status] += 1
    if result.reason:
        summary.by_reason[result.reason] += 1
    summary.ocr_unavailable |= "ocr_unavailable" in result.warnings
    summary.n_pages += result.n_pages
    summary.stage_seconds.update(result.timings)
    if result.status != "ok":
        summary.failures.append((result.filename, result.status, result.error or ""))
