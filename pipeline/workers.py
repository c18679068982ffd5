"""Run a function over many inputs in worker processes, each call with its own time limit.

A parser that hangs or crashes takes only its own input down: its worker is killed and replaced, the
caller gets a failure for that input, and every other result still arrives.  Workers hold a lifeline to
their parent: when the parent dies (even by kill -9) they die too instead of waiting on a pipe no one
will ever write to.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

Task = TypeVar("Task")

POLL_SECONDS = 0.2
LIFELINE_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Outcome(Generic[Task]):
    """What happened to one task: `value` on success, else `failure` ("timeout" or "crash") and detail."""

    task: Task
    value: Any = None
    failure: str | None = None
    detail: str = ""
    seconds: float = 0.0


def _limit_memory(max_bytes: int | None) -> None:
    if max_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def hold_lifeline(parent_pid: int) -> None:
    """End this process as soon as `parent_pid` is no longer its parent.

    On Linux the kernel sends SIGKILL when the parent exits (prctl PR_SET_PDEATHSIG); elsewhere, and as
    a second guard, a thread polls the parent id (an orphan is re-parented, so the id changes).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the line was held
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(LIFELINE_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def _serve(conn: Connection, func: Callable[[Any], Any], max_bytes: int | None, parent_pid: int,
           builds: Callable[[], None] | None = None) -> None:
    hold_lifeline(parent_pid)
    # Ctrl-C reaches the whole process group; only the parent decides what an interruption means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_memory(max_bytes)
    if builds is not None and not _build(conn, builds):
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        try:
            conn.send(("ok", func(task)))
        except KeyboardInterrupt:
            return
        except MemoryError:
            conn.send(("crash", "ran out of memory (over the per-document limit)"))
        except Exception as exc:  # noqa: BLE001 - a worker reports every failure instead of dying
            conn.send(("crash", f"{type(exc).__name__}: {exc}"))


def _build(conn: Connection, builds: Callable[[], None]) -> bool:
    """Run `builds` (a builder's preparation) and tell the parent how it went; whether it worked."""
    try:
        builds()
    except Exception as exc:  # noqa: BLE001 - raised again in the parent
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return False
    conn.send(("ready", ""))
    return True


class _Preparation:
    """`prepare` run in a thread of the parent while the first workers (forked before it) work.

    No worker is forked while it runs: a fork copies the thread's locks as they are at that moment, held
    ones too, and a child could wait on one for ever.  A byte on `wake` says it has ended.
    """

    replaces = True  # a worker forked before `prepare` is replaced by a fork that has its state

    def __init__(self, prepare: Callable[[], None] | None):
        self.prepare = prepare
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.wake, self._wake_write = -1, -1

    def start(self) -> None:
        if self.prepare is not None:
            self.wake, self._wake_write = os.pipe()
            self.thread = threading.Thread(target=self._run, name="prepare", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            self.prepare()  # type: ignore[misc]
        except BaseException as exc:  # noqa: BLE001 - raised again in the pool's own thread
            self.error = exc
        finally:
            os.write(self._wake_write, b"!")

    @property
    def running(self) -> bool:
        return self.thread is not None

    def done(self) -> bool:
        """Whether `prepare` has run (or there is none); its exception, if it raised one, is raised here."""
        if self.thread is not None and not self.thread.is_alive():
            self.finish()
        return self.prepare is None

    def before_fork(self) -> bool:
        """Wait for `prepare` if it is running; whether a fork made now has what it built."""
        if self.thread is not None:
            self.finish()
        return self.prepare is None

    def finish(self) -> None:
        """Wait for `prepare` to end; raise its exception if it raised one."""
        self.close()
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def close(self) -> None:
        """Wait for `prepare` to end (a pool that stops early leaves no thread behind building state)."""
        if self.thread is None:
            return
        self.thread.join()
        self.thread, self.prepare = None, None
        os.close(self.wake)
        os.close(self._wake_write)


class _Apart(_Preparation):
    """`prepare` run by a builder worker of its own (see `run_tasks`): the parent never has its state,
    so the other workers, forked without it, are never replaced."""

    replaces = False

    def __init__(self) -> None:
        super().__init__(None)

    def before_fork(self) -> bool:
        return False


class _Worker:
    def __init__(self, context: Any, func: Callable[[Any], Any], max_bytes: int | None,
                 preparation: _Preparation, *, builds: Callable[[], None] | None = None):
        self.context, self.func, self.max_bytes, self.preparation = context, func, max_bytes, preparation
        self.builds = builds  # a builder runs `prepare` itself at each start, before its first task
        self.task: Any = None
        self.started = 0.0
        self._spawn()

    def _spawn(self) -> None:
        # forked after `prepare` (or a builder, which runs it): has its state
        self.prepared = self.builds is not None or self.preparation.before_fork()
        self.building = self.builds is not None
        self.conn, child = self.context.Pipe()
        self.process = self.context.Process(
            target=_serve, args=(child, self.func, self.max_bytes, os.getpid(), self.builds), daemon=True)
        self.process.start()
        child.close()

    def restart(self) -> None:
        """Kill this worker's process (hung or dead) and start a fresh one in its place."""
        self.kill()
        self.task = None
        self._spawn()

    def replace(self) -> None:
        """Stop this (idle) worker and start a fresh fork of the parent as it is now in its place."""
        self.stop()
        self.conn.close()
        self.task = None
        self._spawn()

    def give(self, task: Any) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


def run_tasks(
    func: Callable[[Task], Any],
    tasks: Iterable[Task],
    *,
    workers: int,
    timeout: float,
    max_bytes: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    prepare: Callable[[], None] | None = None,
    needs_prepare: Callable[[Task], bool] | None = None,
    builder: _Worker | None = None,
) -> Iterator[Outcome[Task]]:
    """Yield an Outcome per task as each finishes (not in input order).

    `func` must be a module-level function.  Workers are forked, so state the parent built (a spaCy
    pipeline, a classifier) is shared without rebuilding it in every worker.  `prepare`, when given, is
    run in a thread of the parent while the first workers, forked before it, work (building state that
    takes a while): meanwhile they take only the tasks for which `needs_prepare(task)` is false (any task
    when it is not given), and once it is done each of them is replaced by a fresh fork, which has that
    state, before its next task.  A `builder` (from `start_builder`, instead of `prepare`) is one of the
    `workers`, with at least one other beside it: it builds the state itself, which the parent never has,
    then takes only the tasks that need it, the others only those that do not, and none is replaced.
    When `should_stop()` turns true the pool stops at its next poll: tasks under way are abandoned, not
    reported.
    """
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    # A deque is used as it is: tasks the caller adds to it while the pool runs are picked up too.
    pending: deque[Task] = tasks if isinstance(tasks, deque) else deque(tasks)
    needs = needs_prepare or _needs_nothing
    preparation, pool = _start_pool(context, func, max_bytes, pending, workers, prepare, builder)
    try:
        _hand_out(pool, pending, preparation.done() and preparation.replaces, needs)
        preparation.start()
        while True:
            if should_stop is not None and should_stop():
                return
            ready = preparation.done()
            _hand_out(pool, pending, ready and preparation.replaces, needs)
            busy = {worker.conn: worker for worker in pool if worker.task is not None or worker.building}
            if not busy and ready:
                return
            waiting = [*busy, preparation.wake] if preparation.running else list(busy)
            finished = deque(_outcomes(busy[conn] for conn in wait(waiting, POLL_SECONDS) if conn in busy))
            while finished:
                # the freed workers start on their next tasks before the caller takes (and stores) a result
                _hand_out(pool, pending, preparation.done() and preparation.replaces, needs)
                yield finished.popleft()
                finished.extend(_collect_ready(pool))  # finished while the caller had the last one
            yield from _stop_overdue(pool, timeout)
    finally:
        for worker in pool:
            worker.stop()
        preparation.close()


def _start_pool(context: Any, func: Callable[[Any], Any], max_bytes: int | None, pending: deque,
                workers: int, prepare: Callable[[], None] | None,
                builder: _Worker | None) -> tuple[_Preparation, list[_Worker]]:
    """The preparation and the first workers (the builder, if any, among them)."""
    if builder is not None:
        preparation: _Preparation = _Apart()
        others = [_Worker(context, func, max_bytes, preparation)
                  for _ in range(max(1, min(workers - 1, len(pending) or 1)))]
        return preparation, [builder, *others]
    preparation = _Preparation(prepare)
    count = max(1, min(workers, len(pending) or 1))
    return preparation, [_Worker(context, func, max_bytes, preparation) for _ in range(count)]


def start_builder(func: Callable[[Any], Any], prepare: Callable[[], None], *,
                  max_bytes: int | None = None) -> _Worker:
    """A worker, forked now, that runs `prepare` itself before its first task, for `run_tasks(builder=)`:
    the state it builds (a spaCy pipeline) is built while the caller does the rest of its set-up."""
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    return _Worker(context, func, max_bytes, _Apart(), builds=prepare)


def _hand_out(pool: list[_Worker], pending: deque, ready: bool, needs_prepare: Callable[[Any], bool]) -> None:
    """A task for each idle worker: the next one; for a worker forked before `prepare`, while it runs the
    next one that does not need it, and once it is done (`ready`) the next one after the worker is
    replaced; for a builder, the next one that needs what it built."""
    for worker in pool:
        if worker.task is not None or worker.building or not pending:
            continue
        if worker.builds is not None:
            _give_first(worker, pending, needs_prepare)
        elif worker.prepared or ready:
            if not worker.prepared:
                worker.replace()
            _next_task(worker, pending)
        else:
            _give_first(worker, pending, lambda task: not needs_prepare(task))


def _give_first(worker: _Worker, pending: deque, wanted: Callable[[Any], bool]) -> None:
    index = next((i for i, task in enumerate(pending) if wanted(task)), None)
    if index is not None:
        worker.give(pending[index])
        del pending[index]


def _collect_ready(pool: list[_Worker]) -> list[Outcome]:
    """The outcomes already sent, without waiting for any."""
    busy = {worker.conn: worker for worker in pool if worker.task is not None or worker.building}
    return list(_outcomes(busy[conn] for conn in wait(list(busy), timeout=0))) if busy else []


def _outcomes(workers: Iterable[_Worker]) -> Iterator[Outcome]:
    """The Outcome each of `workers` has sent; a builder that has sent word of its preparation gives none
    (it is ready for tasks now; a failed preparation is raised)."""
    for worker in workers:
        if worker.building:
            _built(worker)
        else:
            yield _collect(worker)


def _built(worker: _Worker) -> None:
    """Read the builder's word on its preparation: from now on it takes tasks, or its error is raised."""
    try:
        status, detail = worker.conn.recv()
    except (EOFError, OSError):
        worker.process.join(timeout=5)
        raise RuntimeError(f"the worker preparing the batch died (exit code {worker.process.exitcode})") \
            from None
    worker.building = False
    if status != "ready":
        raise RuntimeError(f"the worker preparing the batch failed: {detail}")


def _needs_nothing(task: Any) -> bool:
    return False


def _stop_overdue(pool: list[_Worker], timeout: float) -> Iterator[Outcome]:
    """A timeout Outcome for each task running longer than `timeout`, its worker killed and restarted."""
    for worker in pool:
        if worker.task is not None and time.monotonic() - worker.started > timeout:
            outcome = _timed_out(worker)
            worker.restart()
            yield outcome


def _timed_out(worker: _Worker) -> Outcome:
    """The timeout Outcome of the task `worker` is running (before the worker is killed)."""
    seconds = time.monotonic() - worker.started
    return Outcome(worker.task, failure="timeout", detail=f"stopped after {seconds:.0f} s", seconds=seconds)


def _collect(worker: _Worker) -> Outcome:
    task, seconds = worker.task, time.monotonic() - worker.started
    worker.task = None
    try:
        status, payload = worker.conn.recv()
    except (EOFError, OSError):
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        worker.restart()
        return Outcome(task, failure="crash", detail=f"the worker process died (exit code {code})",
                       seconds=seconds)
    if status == "ok":
        return Outcome(task, value=payload, seconds=seconds)
    return Outcome(task, failure="crash", detail=payload, seconds=seconds)


def _next_task(worker: _Worker, pending: deque) -> None:
    if pending:
        worker.give(pending.popleft())


class Guard:
    """One guard child kept for many calls: the per-document guard of a long-lived process (a Dask
    worker) without forking a fresh child for every batch.

    Each task still runs under the same wall-clock limit and memory rlimit as in `run_tasks`; a child
    that overruns its limit is killed and a fresh fork takes its place, and so is one that died.  A
    fork is taken of the caller's process as it is when the child (re)starts, so call `refresh()` when
    the state `func` reads has changed.  Not for use by two threads at once (`run` holds a lock).
    """

    def __init__(self, func: Callable[[Any], Any], *, max_bytes: int | None = None):
        self.func, self.max_bytes = func, max_bytes
        self.context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        self.worker: _Worker | None = None
        self.owner = os.getpid()  # a fork of the caller inherits this object, but not its child
        self.lock = threading.Lock()
        # At exit multiprocessing joins its children after a SIGTERM, which a child forked from a
        # process that handles SIGTERM (pytest, a Dask worker) only notes: the child is stopped first.
        atexit.register(self.close)

    def run(self, tasks: Iterable[Task], *, timeout: float) -> Iterator[Outcome[Task]]:
        """Yield an Outcome per task, in order; a task added to `tasks` (a deque) meanwhile runs too."""
        pending: deque[Task] = tasks if isinstance(tasks, deque) else deque(tasks)
        with self.lock:
            while pending:
                worker = self._ready()
                worker.give(pending.popleft())
                yield self._outcome(worker, timeout)

    def refresh(self) -> None:
        """Let the next task start a fresh fork of the caller as it is now."""
        with self.lock:
            self.close()

    def close(self) -> None:
        if self.worker is not None and self.owner == os.getpid():
            self.worker.stop()
        self.worker = None

    def _ready(self) -> _Worker:
        """The live child, or a new one: forked with the caller's objects frozen, so that its collector
        never walks (and so copies) the pages it shares with the caller."""
        if self.owner != os.getpid():  # forked from the caller: the child is another process's
            self.worker, self.owner = None, os.getpid()
        if self.worker is not None and self.worker.process.is_alive():
            return self.worker
        if self.worker is not None:
            self.worker.kill()
        gc.freeze()
        try:
            self.worker = _Worker(self.context, self.func, self.max_bytes, _Preparation(None))
        finally:
            gc.unfreeze()
        return self.worker

    def _outcome(self, worker: _Worker, timeout: float) -> Outcome:
        """Wait for the task `worker` was given, until its time is up."""
        left = timeout - (time.monotonic() - worker.started)
        if left > 0 and worker.conn.poll(left):
            return _collect(worker)
        outcome = _timed_out(worker)
        worker.kill()
        worker.task = None
        return outcome
