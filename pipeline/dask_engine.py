"""The Dask engine (`icsdocs ingest --engine dask`): the same ingest, its documents run on a Dask cluster.

The client plans the run exactly as the local engine does (unchanged files skipped, doc ids kept) and
submits the documents in batches.  A worker runs each document through the same function, under the
same guard, as a local run (`workers.Guard`: a child process with a wall-clock limit and a memory limit,
kept from batch to batch and replaced when it overruns or dies, so a hung or memory-hungry document is
stopped and recorded with its reason, as `ingest.guarded_results` records it) and writes its rows as a
Parquet shard with a deterministic name (`pipeline/shards.py`).  As each batch finishes, the client
merges its shards into `<db>.building`, one transaction per document, and swaps the database in at
the end, as a local run does: readers keep the last complete database throughout.

A worker lost mid-batch (killed, out of memory, its machine gone) has its batch run again elsewhere by
Dask; the shards it rewrites have the same names, so nothing is counted twice.  Workers fork the guard's
child, so they must not be daemon processes: the engine sets `distributed.worker.daemon: False` for the
LocalCluster it starts, and checks it (with the papers' paths and the shard folder) on an existing
cluster before it submits anything.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import resource
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ClusterError, StorageError
from .ingest import (
    DEFAULT_TIMEOUT,
    OCR_MODES,
    OCR_SHARE,
    WORKER_MEMORY_BYTES,
    BatchSummary,
    Stages,
    Task,
    _count,
    _outcome_to_result,
    _papers,
    check_model_dir,
    failure_result,
    find_named,
    load_stages,
    plan_tasks,
    principle_rows,
    process_document,
    rules_fingerprint,
    run_settings,
)
from .locality import read_manifest
from .paths import MODELS_ENV, models_dir
from .records import DocumentResult
from .shards import ShardRef, ShardWriter, merge_shards, shard_path, shard_summary
from .store import Writer, writer_lock
from .workers import Guard

MAX_BATCH = 32  # documents per batch when --batch-size is not given
BATCHES_PER_THREAD = 4  # batches are cheap (the guard child is kept); more of them even out the run's end
POLL_SECONDS = 0.2
PATHS_CHECKED = 200  # files whose visibility each worker checks: the first of each folder
CONNECT_TIMEOUT = "20s"


@dataclass(frozen=True)
class Batch:
    """Documents one Dask task runs, and what the worker needs to run them as the client would."""

    tasks: tuple[Task, ...]
    shard_dir: str
    timeout: float
    extract: bool
    classify: bool
    reuse: bool  # a shard already written for the very same task is taken as it is (not with --force)


@dataclass(frozen=True)
class Done:
    """A document of a finished batch: its shard, and its summary (status, reason, pages, timings)."""

    shard: str
    result: DocumentResult


@dataclass
class DaskSummary(BatchSummary):
    """The batch summary, plus the cluster's dashboard and each worker's peak memory and CPU time."""

    dashboard: str | None = None
    n_workers: int = 0
    worker_peak_mib: dict[str, float] = field(default_factory=dict)
    worker_cpu_seconds: dict[str, float] = field(default_factory=dict)

    def cluster_line(self) -> str:
        peaks = sorted(self.worker_peak_mib.values())
        return (f"Dask workers: {len(peaks)} at the end, peak memory {peaks[0]:.0f}-{peaks[-1]:.0f} MiB "
                f"each, CPU {sum(self.worker_cpu_seconds.values()):.1f} s in all")


# ---------------------------------------------------------------------------------------------------
# On a worker


_STAGES: dict[tuple[bool, bool], Stages] = {}
_ACTIVE = Stages()  # the stages the guard's forked child runs with
_STAGES_LOCK = threading.Lock()


def _use_stages(extract: bool, classify: bool) -> None:
    """Build the spaCy pipeline and load the model once per worker process, before the guard forks."""
    global _ACTIVE
    with _STAGES_LOCK:
        key = (extract, classify)
        if key not in _STAGES:
            _STAGES[key] = load_stages(extract=extract, classify=classify)
        _ACTIVE = _STAGES[key]


def _process(task: Task) -> DocumentResult:
    return process_document(task, _ACTIVE)


def run_batch(batch: Batch) -> list[Done]:
    """Run a batch's documents under the guard and write each one's shard; runs on a Dask worker."""
    folder = Path(batch.shard_dir)
    done: list[Done] = []
    todo: list[Task] = []
    for task in batch.tasks:
        target = shard_path(folder, task)
        if batch.reuse and target.is_file():
            done.append(Done(str(target), shard_summary(target)))
        else:
            todo.append(task)
    if not todo:
        return done
    _use_stages(batch.extract, batch.classify)
    by_id = {task.doc_id: task for task in todo}
    shards = ShardWriter()
    for outcome in _guard((batch.extract, batch.classify)).run(todo, timeout=batch.timeout):
        result = _outcome_to_result(outcome, batch.timeout)
        target = shard_path(folder, by_id[result.doc_id])
        shards.add(result, target)
        done.append(Done(str(target), _summary_of(result)))
    shards.flush()
    return done


_GUARD: dict[str, Any] = {}  # this worker's guard, and what its child was forked with


def _guard(stages: tuple[bool, bool]) -> Guard:
    """This worker's guard: its child is kept from batch to batch (a fork per batch cost ~0.25 s of
    copy-on-write), and forked afresh when the stages, or the function it runs, are not the same."""
    key = (os.getpid(), _process, stages)
    if _GUARD.get("key") != key:
        _close_guard()
        _GUARD.update(key=key, guard=Guard(_process, max_bytes=WORKER_MEMORY_BYTES))
    return _GUARD["guard"]


def _close_guard() -> None:
    key, guard = _GUARD.pop("key", None), _GUARD.pop("guard", None)
    if guard is not None and key[0] == os.getpid():
        guard.refresh()


def _summary_of(result: DocumentResult) -> DocumentResult:
    """What the client counts and shows: no text or rows (those travel in the shard)."""
    return DocumentResult(doc_id=result.doc_id, path=result.path, filename=result.filename,
                          sha256=result.sha256, format=result.format, status=result.status,
                          error=result.error, n_pages=result.n_pages, reason=result.reason,
                          warnings=result.warnings, timings=result.timings, settings=result.settings)


def worker_problem(sample: list[str], shard_dir: str, version: str, rules: str, extract: bool,
                   classify: bool) -> str | None:
    """Why this worker cannot take part in the run, or None: run on every worker before submitting."""
    if multiprocessing.current_process().daemon:
        return ("runs as a daemon process and cannot start the per-document guard; start the workers "
                "with DASK_DISTRIBUTED__WORKER__DAEMON=False (distributed.worker.daemon: False)")
    missing = [path for path in sample if not os.path.exists(path)]
    if missing:
        more = f" (and {len(missing) - 1} more of the {len(sample)} checked)" if len(missing) > 1 else ""
        return (f"cannot see {missing[0]}{more}; put the papers on storage every worker mounts at the "
                "same path")
    try:
        Path(shard_dir).mkdir(parents=True, exist_ok=True)
        probe = Path(shard_dir) / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return f"cannot write the shard folder {shard_dir} ({exc.strerror or exc}); pass a --db every " \
               "worker can reach"
    if version != __version__ or rules != rules_fingerprint(extract=extract, classify=classify):
        return ("runs other rules, model or icsdocs version than the client; install the same icsdocs and "
                "models/ on every worker")
    return None


def worker_usage() -> dict[str, float]:
    """This worker's peak memory (its own and its largest guard child's, MiB) and CPU seconds so far.

    Run at the end of a run: the guard's child is stopped first, as a child's usage reaches its parent's
    figures only once it has ended (and an idle child would hold its memory until the next run)."""
    _close_guard()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_mib": max(own.ru_maxrss, children.ru_maxrss) / 1024,
            "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime}


# ---------------------------------------------------------------------------------------------------
# On the client


def shard_folder(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".shards")


@contextmanager
def dask_client(scheduler: str | None, workers: int, *, dashboard: bool = False) -> Iterator[Any]:
    """A client of the scheduler at `scheduler`, or of a LocalCluster of `workers` processes, with a
    dashboard when `dashboard` is true (an existing scheduler's is its own affair)."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("The Dask engine needs the dask extra: pip install 'icsdocs[dask]'.") from None
    # Read by the nanny each time it (re)starts a worker, so it holds for the whole run.  Forked (not
    # spawned) local workers start in a second and share the pipeline and model the client built.
    method = "fork" if os.name == "posix" else "spawn"
    # The statistical profiler samples every thread's stack each 10 ms: CPU taken from the documents.
    with dask.config.set({"distributed.worker.daemon": False,
                          "distributed.worker.multiprocessing-method": method,
                          "distributed.worker.profile.enabled": False}):
        if scheduler:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"Cannot reach the Dask scheduler at {scheduler} ({exc}). Check the "
                                   "address, or leave out --scheduler to start a local cluster.") from None
            with client:
                yield client
        else:
            # The dashboard's bokeh server takes ~0.5 s of the client's CPU to start, while the workers
            # wait for it: a tenth of a 500-page run on two cores.  So it is started only when asked.
            address = {} if dashboard else {"dashboard_address": None}
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, silence_logs=50,
                              **address) as cluster, Client(cluster) as client:
                yield client


def check_workers(client: Any, tasks: Sequence[Task], shard_dir: Path, settings_rules: str, *,
                  extract: bool, classify: bool) -> int:
    """Raise ClusterError naming the first worker that cannot take part; return the worker count."""
    client.wait_for_workers(1, timeout=120)
    sample = _sample_paths(tasks)
    answers = client.run(worker_problem, sample, str(shard_dir), __version__, settings_rules, extract,
                         classify)
    for address, problem in sorted(answers.items()):
        if problem:
            raise ClusterError(f"The Dask worker {address} {problem}.")
    return len(answers)


def _sample_paths(tasks: Sequence[Task]) -> list[str]:
    """The first readable file of each folder (a mount a worker lacks hides whole folders)."""
    first: dict[str, str] = {}
    for task in tasks:
        if os.path.exists(task.path):
            first.setdefault(os.path.dirname(task.path), task.path)
    return list(first.values())[:PATHS_CHECKED]


def batches_of(tasks: Sequence[Task], size: int | None, threads: int, **common: Any) -> list[Batch]:
    """Batches of `size` documents, the largest files first, so that the run does not end waiting on
    one worker's long batch while the others are idle."""
    if size is None:
        size = max(1, min(MAX_BATCH, math.ceil(len(tasks) / (BATCHES_PER_THREAD * max(threads, 1)))))
    ordered = sorted(tasks, key=_file_size, reverse=True)
    return [Batch(tuple(ordered[i:i + size]), **common) for i in range(0, len(ordered), size)]


def _file_size(task: Task) -> int:
    try:
        return os.path.getsize(task.path)
    except OSError:
        return 0


def _check_options(ocr: str, model_dir: str | Path | None) -> None:
    """The OCR mode is known; `model_dir` (--models) reaches the workers as $ICSDOCS_MODELS: a local
    cluster's workers are forked after it is set; a remote worker must see the same folder, which the
    rules check before the run proves."""
    if ocr not in OCR_MODES:
        raise ValueError(f"--ocr must be one of {', '.join(OCR_MODES)}, not {ocr!r}")
    if model_dir is not None:
        check_model_dir(model_dir)
        os.environ[MODELS_ENV] = str(Path(model_dir).absolute())


def ingest_dask(
    paths: Sequence[str | Path],
    *,
    db_path: str | Path,
    scheduler: str | None = None,
    workers: int = 2,
    batch_size: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    manifest_path: str | Path | None = None,
    force: bool = False,
    ocr: str = "auto",
    extract: bool = True,
    classify: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[DocumentResult], None] | None = None,
    on_cluster: Callable[[DaskSummary], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    model_dir: str | Path | None = None,
    dashboard: bool = False,
) -> DaskSummary:
    """`ingest()` on a Dask cluster: same arguments and the same database, plus the cluster's own."""
    started = time.perf_counter()
    _check_options(ocr, model_dir)
    db_path = Path(db_path).absolute()
    shard_dir = shard_folder(db_path)
    files = [f for f in _papers(paths, db_path, manifest_path) if not f.is_relative_to(shard_dir)]
    manifest = read_manifest(manifest_path) if manifest_path else {}
    summary = DaskSummary(run_id=uuid.uuid4().hex[:12], n_found=len(files))
    settings = run_settings(timeout=timeout, ocr=ocr, extract=extract, classify=classify)
    run = _Run(summary, timeout=timeout, extract=extract, classify=classify, force=force,
               stop=should_stop or (lambda: False), on_result=on_result)
    with writer_lock(db_path):
        writer = Writer(db_path)
        tasks, summary.n_skipped = plan_tasks(files, writer, manifest, force=force, settings=settings,
                                              named=find_named(paths), ocr=ocr,
                                              ocr_seconds=OCR_SHARE * timeout)
        # The cluster first: a scheduler out of reach or a worker that cannot see the papers stops the
        # run before it starts.
        with run.cluster(tasks, shard_dir, scheduler=scheduler, workers=workers, dashboard=dashboard,
                         on_cluster=on_cluster) as client:
            writer.start_run(summary.run_id, __version__, {
                "paths": [str(p) for p in paths], "engine": "dask", "scheduler": scheduler,
                "workers": workers, "batch_size": batch_size, "timeout": timeout, "force": force,
                "ocr": ocr, "manifest": str(manifest_path) if manifest_path else None,
            })
            if on_start:
                on_start(len(tasks))
            if client is not None:
                run.execute(client, writer, tasks, shard_dir, batch_size=batch_size,
                            local=scheduler is None)
        summary.seconds = time.perf_counter() - started
        if summary.interrupted:
            writer.abandon()
            run.clear_shards(shard_dir, complete=False)
            return summary
        writer.finish_run(summary.run_id, summary.n_processed, summary.by_status.get("ok", 0),
                          summary.n_failed)
        writer.finish()
        run.clear_shards(shard_dir, complete=True)
    return summary


def _write_principles(writer: Writer, summary: DaskSummary, classify: bool, *, local: bool) -> None:
    if not classify:
        return
    from .classify.model import load_model

    model = _ACTIVE.model if local else load_model(models_dir())
    summary.model_missing = model is None
    if model is not None:
        writer.write_principles(principle_rows(model))


class _Run:
    """The client's side of one run: submit the batches, merge each as it finishes, count, report."""

    def __init__(self, summary: DaskSummary, *, timeout: float, extract: bool, classify: bool, force: bool,
                 stop: Callable[[], bool], on_result: Callable[[DocumentResult], None] | None):
        self.summary, self.timeout, self.extract, self.classify = summary, timeout, extract, classify
        self.force, self.stop, self.on_result = force, stop, on_result
        self.merged: list[Path] = []

    @contextmanager
    def cluster(self, tasks: Sequence[Task], shard_dir: Path, *, scheduler: str | None, workers: int,
                dashboard: bool, on_cluster: Callable[[DaskSummary], None] | None) -> Iterator[Any]:
        """A checked client of the cluster, or None when there is nothing to do."""
        if not tasks:
            yield None
            return
        if scheduler is None:  # the LocalCluster's workers are forked: they share these, as local ones do
            _use_stages(self.extract, self.classify)
        with dask_client(scheduler, workers, dashboard=dashboard) as client:
            self.on_cluster(client, tasks, shard_dir, on_cluster, dashboard=dashboard or bool(scheduler))
            yield client

    def execute(self, client: Any, writer: Writer, tasks: Sequence[Task], shard_dir: Path, *,
                batch_size: int | None, local: bool) -> None:
        _write_principles(writer, self.summary, self.classify, local=local)
        self.merge(client, writer, batches_of(
            tasks, batch_size, sum(client.nthreads().values()), shard_dir=str(shard_dir),
            timeout=self.timeout, extract=self.extract, classify=self.classify, reuse=not self.force))
        self.measure_workers(client)

    def on_cluster(self, client: Any, tasks: Sequence[Task], shard_dir: Path,
                   callback: Callable[[DaskSummary], None] | None, *, dashboard: bool) -> None:
        rules = rules_fingerprint(extract=self.extract, classify=self.classify)
        self.summary.n_workers = check_workers(client, tasks, shard_dir, rules, extract=self.extract,
                                               classify=self.classify)
        if dashboard and _has_dashboard(client):
            self.summary.dashboard = getattr(client, "dashboard_link", None)
        if callback:
            callback(self.summary)

    def merge(self, client: Any, writer: Writer, batches: list[Batch]) -> None:
        """Merge each batch's shards as it finishes; a stop request or Ctrl-C ends the run between
        documents (summary.interrupted), leaving the shards not yet merged for the next run."""
        futures = {client.submit(run_batch, batch, key=f"icsdocs-{self.summary.run_id}-{i}"): batch
                   for i, batch in enumerate(batches)}
        # Each future puts itself here when it ends (Dask calls back from its own thread): the merge
        # starts as soon as a batch is done, not at the next poll; the wait's timeout is for stop().
        finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for future in futures:
            future.add_done_callback(finished.put)
        try:
            for _ in range(len(futures)):
                future = self._next_finished(finished)
                if future is None:
                    break
                self._merge_future(future, futures[future], writer)
        except KeyboardInterrupt:
            self.summary.interrupted = True
        except StorageError:
            writer.abandon()
            raise
        finally:
            client.cancel(list(futures))

    def _next_finished(self, finished: queue.SimpleQueue[Any]) -> Any:
        """The next future to end, or None once a stop is asked for (summary.interrupted)."""
        while not self.stop():
            with suppress(queue.Empty):
                return finished.get(timeout=POLL_SECONDS)
        self.summary.interrupted = True
        return None

    def _merge_future(self, future: Any, batch: Batch, writer: Writer) -> None:
        try:
            done = future.result()
        except Exception as exc:  # noqa: BLE001 - the batch's documents are recorded, the run goes on
            lost = f"The Dask task running this file failed ({type(exc).__name__}: {exc})."
            for task in batch.tasks:
                self._record(writer, failure_result(task, "error", lost, "crash"))
            return
        results = {item.shard: item.result for item in done}

        def merged(ref: ShardRef) -> None:
            self.merged.append(Path(ref.shard))
            self._count(results[ref.shard])

        merge_shards(writer, [ShardRef(item.shard, item.result.doc_id, item.result.path) for item in done],
                     run_id=self.summary.run_id, on_merged=merged)

    def _record(self, writer: Writer, result: DocumentResult) -> None:
        writer.write_document(result, self.summary.run_id)
        self._count(result)

    def _count(self, result: DocumentResult) -> None:
        _count(self.summary, result)
        if self.on_result:
            self.on_result(result)

    def measure_workers(self, client: Any) -> None:
        with suppress(Exception):  # a figure for the summary; a worker gone at the end has none
            for address, usage in client.run(worker_usage).items():
                self.summary.worker_peak_mib[address] = usage["peak_mib"]
                self.summary.worker_cpu_seconds[address] = usage["cpu_seconds"]

    def clear_shards(self, shard_dir: Path, *, complete: bool) -> None:
        """Shards are only a hand-over: merged ones go; after a complete run the whole folder goes, with
        whatever a worker lost mid-batch left there (the database's lock keeps other runs off it)."""
        if complete:
            shutil.rmtree(shard_dir, ignore_errors=True)
            return
        for shard in self.merged:
            with suppress(OSError):
                shard.unlink()


def _has_dashboard(client: Any) -> bool:
    """Without bokeh on the scheduler its web address serves only a page saying bokeh is missing (and a
    LocalCluster started without a dashboard still has that web address, for its health checks)."""
    with suppress(Exception):
        return bool(client.scheduler_info().get("services", {}).get("dashboard")) and bool(
            client.run_on_scheduler(_bokeh_installed))
    return False


def _bokeh_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None
